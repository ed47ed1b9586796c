/**
 * core's optional in-place kernel 'add_' (x += alpha·y without a temporary): bitwise equal to the
 * cpu backend's result, for float32 and float64, contiguous and transposed y, small and threaded
 * sizes.
 */
import '@kindling/backend-cpu';
import '@kindling/backend-wasm';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';
import { lcg } from './random.js';

await k.initBackend('wasm');

function values(n: number, seed: number): number[] {
  return Array.from({ length: n }, lcg(seed));
}

describe("'add_' in-place kernel", () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [r, c] of [
      [3, 5],
      [300, 700],
    ]) {
      it(`${dtype} ${r}x${c}: add_/sub_ with alpha match cpu bitwise (y contiguous and transposed)`, () => {
        const run = (device: string) => {
          const x = k.tensor(values(r * c, 1), { device, dtype, shape: [r, c] });
          const y = k.tensor(values(r * c, 2), { device, dtype, shape: [r, c] });
          const yt = k.tensor(values(r * c, 3), { device, dtype, shape: [c, r] }).t();
          x.add_(y, 0.37);
          x.sub_(yt, 1.3e-3);
          x.add_(y);
          return Array.from(x.dataSync());
        };
        expect(run('wasm')).toEqual(run('cpu'));
      });
    }
  }
});
