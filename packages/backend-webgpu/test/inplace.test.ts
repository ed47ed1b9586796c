/**
 * core's optional in-place kernel 'add_' (x += alpha·y without a temporary) on webgpu: matches the
 * cpu backend for contiguous and transposed y, for a y that shares x's storage, and leaves the rest
 * of a larger storage untouched when x is a view into it.
 */
import '@kindling/backend-cpu';
import '@kindling/backend-webgpu';
import * as k from '@kindling/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupWebGPU } from './setup.js';

beforeAll(setupWebGPU);

function values(n: number, seed: number): number[] {
  const v: number[] = [];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    v.push(seed / 2 ** 32 - 0.5);
  }
  return v;
}

function close(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-6);
}

describe("'add_' in-place kernel on webgpu", () => {
  it('is registered', () => {
    expect(k.listKernels().some((e) => e.op === 'add_' && e.backend === 'webgpu')).toBe(true);
  });
  for (const [r, c] of [
    [3, 5],
    [300, 70],
  ])
    it(`${r}x${c}: add_/sub_ with alpha match cpu (y contiguous and transposed)`, async () => {
      const run = (device: string) => {
        const x = k.tensor(values(r * c, 1), { device, shape: [r, c] });
        const y = k.tensor(values(r * c, 2), { device, shape: [r, c] });
        const yt = k.tensor(values(r * c, 3), { device, shape: [c, r] }).t();
        k.noGrad(() => {
          x.add_(y, 0.37);
          x.sub_(yt, 1.3e-3);
          x.add_(y);
        });
        return x;
      };
      close(Array.from(await run('webgpu').data()), Array.from(run('cpu').dataSync()));
    });
  it('y sharing x storage (rows of one tensor) and x a view into a larger storage', async () => {
    const run = (device: string) => {
      const w = k.tensor(values(4 * 6, 4), { device, shape: [4, 6] });
      k.noGrad(() => {
        w.select(0, 1).add_(w.select(0, 2), 2);
        w.select(0, 3).add_(w.select(0, 3), -0.5);
      });
      return w;
    };
    close(Array.from(await run('webgpu').data()), Array.from(run('cpu').dataSync()));
  });
});
