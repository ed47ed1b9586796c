/**
 * Index validation on webgpu behaves like cpu: negative indices wrap where cpu wraps them
 * (`x.index()`, `take()`), and out-of-range indices raise a RangeError — on webgpu at the next
 * asynchronous read (kernels cannot throw), after which the backend keeps working.
 */
import '@kindling/backend-cpu';
import '@kindling/backend-webgpu';
import * as k from '@kindling/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupWebGPU } from './setup.js';

beforeAll(setupWebGPU);

const OOB = /webgpu: index (-?\d+) is out of bounds for dimension (\d+) with size (\d+)/;

const X = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const idx = (v: number[], device = 'cpu', shape?: number[]) => k.tensor(v, { dtype: 'int32', device, shape });

describe('negative indices wrap like on cpu', () => {
  const cpu = () => k.tensor(X, { shape: [3, 4] });
  const gpu = () => k.tensor(X, { shape: [3, 4], device: 'webgpu' });
  it('x.index(device index tensor)', async () => {
    const v = [-1, 0, -3, 2];
    const got = await gpu().index(idx(v, 'webgpu')).tolistAsync();
    expect(got).toEqual(cpu().index(idx(v)).tolist());
  });
  it('x.index(cpu index tensor) on a webgpu tensor (validated on the host, then moved)', async () => {
    const got = await gpu()
      .index(k.slice(), idx([-1, 1]))
      .tolistAsync();
    expect(got).toEqual(
      cpu()
        .index(k.slice(), idx([-1, 1]))
        .tolist(),
    );
    expect(() => gpu().index(idx([3]))).toThrow(
      /index: index 3 is out of bounds for dimension 0 with size 3/,
    );
    const mask = k.tensor([true, false, true]);
    expect(await gpu().index(mask).tolistAsync()).toEqual(cpu().index(mask).tolist());
  });
  it('take and several index tensors', async () => {
    const t = [-12, 11, -5];
    expect(await gpu().take(idx(t, 'webgpu')).tolistAsync()).toEqual(cpu().take(idx(t)).tolist());
    const [r, c] = [
      [-1, 0],
      [1, -2],
    ];
    expect(await gpu().index(idx(r, 'webgpu'), idx(c, 'webgpu')).tolistAsync()).toEqual(
      cpu().index(idx(r), idx(c)).tolist(),
    );
  });
  it('gradients flow through wrapped indices', async () => {
    const w = k.tensor([1, 2, 3], { device: 'webgpu', requiresGrad: true });
    w.index(idx([-1, -1, 0], 'webgpu'))
      .sum()
      .backward();
    expect(await w.grad!.tolistAsync()).toEqual([1, 0, 2]);
  });
});

describe('out-of-range indices raise at the next read', () => {
  // [name, op on a [2, 3] tensor and its index device, webgpu message, cpu message]
  const cases: [string, (x: k.Tensor, d: string) => k.Tensor, RegExp, RegExp][] = [
    [
      'indexSelect',
      (x, d) => x.indexSelect(1, idx([0, 3], d)),
      /index 3 .* dimension 1 with size 3/,
      /index 3 is out of bounds/,
    ],
    [
      'indexSelect with a negative index (cpu rejects it too)',
      (x, d) => x.indexSelect(0, idx([-1], d)),
      /index -1 .* dimension 0 with size 2/,
      /index -1 is out of bounds/,
    ],
    [
      'x.index',
      (x, d) => x.index(idx([2], d)),
      /index 2 .* dimension 0 with size 2/,
      /index 2 is out of bounds/,
    ],
    [
      'x.index below -size (reported after wrapping)',
      (x, d) => x.index(idx([-3], d)),
      /index -1 .* dimension 0 with size 2/,
      /index -3 is out of bounds/,
    ],
    [
      'gather',
      (x, d) => x.gather(1, idx([0, 5], d, [2, 1])),
      /index 5 .* dimension 1 with size 3/,
      /index 5 is out of bounds/,
    ],
    [
      'scatter',
      (x, d) => x.scatter(0, idx([0, 2, 1], d, [1, 3]), 9),
      /index 2 .* dimension 0 with size 2/,
      /index 2 is out of bounds/,
    ],
    ['take', (x, d) => x.take(idx([6], d)), /index 6 .* dimension 0 with size 6/, /index 6 is out of bounds/],
    [
      'x.index with two index tensors (checked per dim, not only the combined position)',
      (x, d) => x.index(idx([0, 1], d), idx([0, 4], d)),
      /index 4 .* dimension 1 with size 3/,
      /index 4 is out of bounds/,
    ],
  ];
  for (const [name, run, gpuMsg, cpuMsg] of cases)
    it(name, async () => {
      // On cpu the op throws at once.
      expect(() => run(k.tensor(X.slice(0, 6), { shape: [2, 3] }), 'cpu')).toThrow(cpuMsg);
      const x = k.tensor(X.slice(0, 6), { shape: [2, 3], device: 'webgpu' });
      const out = run(x, 'webgpu'); // encoded; nothing is known yet
      const err = await out.data().then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(err).toBeInstanceOf(RangeError);
      expect(err?.message).toMatch(OOB);
      expect(err?.message).toMatch(gpuMsg);
      // Reported once; the backend keeps working.
      expect(await x.add(1).tolistAsync()).toEqual([
        [1, 2, 3],
        [4, 5, 6],
      ]);
    });
});
