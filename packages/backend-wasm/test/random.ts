/** Seeded test data shared by this package's tests (deterministic across runs and machines). */
import * as k from '@kindling/core';

/** A linear congruential generator of uniform numbers in [-0.5, 0.5). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** Makes seeded float32 tensors of uniform [-0.5, 0.5) values on `device` (one stream per call). */
export function seededTensors(seed: number, device = 'wasm'): (shape: number[]) => k.Tensor {
  const next = lcg(seed);
  return (shape) => {
    const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < v.length; i++) v[i] = next();
    return k.tensor(v, { device, shape });
  };
}
