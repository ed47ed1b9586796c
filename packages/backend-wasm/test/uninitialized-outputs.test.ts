/**
 * Kernels registered with `writesAllOutputs` get outputs that are not zero-filled: each case here
 * first leaves garbage (NaN bit patterns) in a freed block of the output's size, so the kernel's
 * output reuses it, and then checks every element against the cpu backend, including the edge
 * cases where nothing is computed (empty sums, no input channels).
 */
import '@kindling/backend-cpu';
import '@kindling/backend-wasm';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';
import { lcg } from './random.js';

await k.initBackend('wasm');

/** Leaves a freed wasm block of `bytes` bytes full of 0xff bytes (NaN as float32, -1 as int32). */
function dirty(bytes: number): void {
  const t = k.full([Math.max(1, bytes / 4)], -1, { dtype: 'int32', device: 'wasm' });
  t.dispose();
}

const next = lcg(17);
/** Seeded cpu tensors: uniform [-0.5, 0.5), or integers in [-8, 8) for int32. */
function rand(shape: number[], dtype: k.DType = 'float32'): k.Tensor {
  const v = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () =>
    dtype === 'int32' ? Math.floor(next() * 16) : next(),
  );
  return k.tensor(v, { device: 'cpu', shape }).to(dtype);
}

interface Case {
  name: string;
  inputs: () => k.Tensor[];
  run: (...xs: k.Tensor[]) => k.Tensor;
}

const cases: Case[] = [
  { name: 'exp (unary)', inputs: () => [rand([37, 5])], run: (x) => x.exp() },
  {
    name: 'add with broadcasting (binary)',
    inputs: () => [rand([9, 1, 4]), rand([3, 1])],
    run: (x, y) => x.add(y),
  },
  { name: 'int32 mul', inputs: () => [rand([21], 'int32'), rand([21], 'int32')], run: (x, y) => x.mul(y) },
  { name: 'where', inputs: () => [rand([6, 7]), rand([7])], run: (x, y) => k.where(x.gt(0), x, y) },
  { name: 'clamp', inputs: () => [rand([40])], run: (x) => x.clamp(-0.2, 0.3) },
  { name: 'matmul float32', inputs: () => [rand([13, 9]), rand([9, 11])], run: (a, b) => a.matmul(b) },
  { name: 'matmul K = 0 (float32)', inputs: () => [rand([4, 0]), rand([0, 6])], run: (a, b) => a.matmul(b) },
  {
    name: 'matmul K = 0 (int32)',
    inputs: () => [rand([4, 0], 'int32'), rand([0, 6], 'int32')],
    run: (a, b) => a.matmul(b),
  },
  {
    name: 'matmul K = 0 (float64)',
    inputs: () => [rand([2, 3, 0], 'float64'), rand([0, 5], 'float64')],
    run: (a, b) => a.matmul(b),
  },
  {
    name: 'linear K = 0 (fused addmm)',
    inputs: () => [rand([4, 0]), rand([6, 0]), rand([6])],
    run: (x, w, b) => k.linear(x, w, b),
  },
  {
    name: 'conv2d (fused)',
    inputs: () => [rand([2, 3, 7, 6]), rand([4, 3, 3, 3]), rand([4])],
    run: (x, w, b) => k.conv2d(x, w, b, { padding: 1 }),
  },
  {
    name: 'conv2d, no input channels (fused)',
    inputs: () => [rand([2, 0, 5, 5]), rand([3, 0, 3, 3]), rand([3])],
    run: (x, w, b) => k.conv2d(x, w, b),
  },
  {
    name: 'contiguous copy of a transposed view',
    inputs: () => [rand([8, 13])],
    run: (x) => x.t().contiguous(),
  },
];

describe('outputs that are not zero-filled first', () => {
  for (const c of cases) {
    it(`${c.name}: every element is written`, () => {
      const cpuInputs = c.inputs();
      const want = c.run(...cpuInputs);
      const wasmInputs = cpuInputs.map((t) => t.to('wasm'));
      dirty(want.numel() * (want.dtype === 'float64' ? 8 : 4));
      const got = c.run(...wasmInputs);
      expect(got.shape).toEqual(want.shape);
      const g = got.dataSync();
      const e = want.dataSync();
      for (let i = 0; i < e.length; i++) expect(Math.abs(Number(g[i]) - Number(e[i]))).toBeLessThan(1e-5);
    });
  }
  it('a freed block of the same size is what the next output gets (so the cases above test garbage)', () => {
    const x = k.zeros([1000], { device: 'wasm' });
    const t = k.full([1000], 7, { device: 'wasm' });
    const h = t.storage.handle;
    t.dispose();
    const u = x.exp();
    expect(u.storage.handle).toBe(h);
    expect(Array.from(u.dataSync()).every((v) => v === 1)).toBe(true);
  });
});
