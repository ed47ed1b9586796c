/**
 * The optional fused 'conv2d' kernel (float32, groups 1, no graph recorded) against core's general
 * path (im2col + matmul + bias add, which runs whenever autograd records): the same products in the
 * same order, so the results agree bit for bit, on 1 and 2 threads, over odd geometries. The one
 * exception is a single output position, where the general path's matmul is a matrix-vector
 * product (a different summation order): there they agree to float32 rounding.
 */
import '@kindling/backend-cpu';
import '@kindling/backend-wasm';
import { getNumThreads, setNumThreads } from '@kindling/backend-wasm';
import * as k from '@kindling/core';
import { afterAll, describe, expect, it } from 'vitest';
import { seededTensors } from './random.js';

await k.initBackend('wasm');
const initialThreads = getNumThreads();
afterAll(async () => {
  await setNumThreads(initialThreads);
});

const randn = seededTensors(11);

interface Case {
  name: string;
  x: () => k.Tensor;
  w: () => k.Tensor;
  bias?: () => k.Tensor;
  opts?: k.Conv2dOptions;
  /** compare to float32 rounding instead of bit for bit */
  rounding?: boolean;
}

const cases: Case[] = [
  {
    name: '3x3 same, bias (the bench shape, smaller)',
    x: () => randn([2, 16, 12, 12]),
    w: () => randn([32, 16, 3, 3]),
    bias: () => randn([32]),
    opts: { padding: 1 },
  },
  // K = 40*9 = 360 > GEMM_KC: two K panels accumulate into the output
  {
    name: 'K over one panel',
    x: () => randn([1, 40, 9, 7]),
    w: () => randn([5, 40, 3, 3]),
    opts: { padding: 'same' },
  },
  // oh*ow = 21*23 = 483: two work items per image, the second partial and not a multiple of 8
  {
    name: 'positions over one item',
    x: () => randn([2, 3, 21, 23]),
    w: () => randn([7, 3, 2, 3]),
    bias: () => randn([7]),
  },
  {
    name: 'stride, dilation, uneven padding',
    x: () => randn([3, 4, 17, 13]),
    w: () => randn([6, 4, 3, 2]),
    opts: { stride: [2, 3], dilation: [2, 1], padding: [2, 1] },
  },
  {
    name: 'padding larger than the window reach',
    x: () => randn([1, 2, 3, 4]),
    w: () => randn([3, 2, 2, 2]),
    opts: { padding: 3 },
  },
  {
    name: '1x1 pointwise',
    x: () => randn([2, 9, 5, 6]),
    w: () => randn([10, 9, 1, 1]),
    bias: () => randn([10]),
  },
  {
    name: 'non-contiguous input (transposed H/W)',
    x: () => randn([2, 3, 11, 10]).transpose(2, 3),
    w: () => randn([4, 3, 3, 3]),
    opts: { padding: 1 },
  },
  {
    name: 'non-contiguous input (every other column)',
    x: () => randn([1, 2, 8, 18]).index(k.slice(), k.slice(), k.slice(), k.slice(0, 18, 2)),
    w: () => randn([3, 2, 3, 3]),
    opts: { stride: 2 },
  },
  {
    name: 'non-contiguous weight and bias',
    x: () => randn([2, 5, 7, 7]),
    w: () => randn([3, 3, 5, 4]).permute(1, 2, 3, 0),
    bias: () => randn([6]).index(k.slice(0, 6, 2)),
    opts: { padding: 'same' },
  },
  {
    name: 'unbatched [C, H, W]',
    x: () => randn([3, 6, 5]),
    w: () => randn([2, 3, 3, 3]),
    bias: () => randn([2]),
  },
  // 200 channels x 11 padded rows x 32 columns exceed the padded-rows scratch: the im2col-tile path
  {
    name: 'wide input rows (im2col-tile path)',
    x: () => randn([1, 200, 20, 30]),
    w: () => randn([3, 200, 3, 3]),
    bias: () => randn([3]),
    opts: { padding: 1 },
  },
  { name: 'empty batch', x: () => randn([0, 3, 6, 5]), w: () => randn([2, 3, 3, 3]), bias: () => randn([2]) },
  {
    name: 'single output position',
    x: () => randn([4, 3, 3, 3]),
    w: () => randn([9, 3, 3, 3]),
    bias: () => randn([9]),
    rounding: true,
  },
];

/** conv2d through the fused kernel (nothing requires grad) and through the general path. */
function both(c: Case): [Float32Array, Float32Array, readonly number[]] {
  const x = c.x();
  const w = c.w();
  const bias = c.bias?.() ?? null;
  const fused = k.conv2d(x, w, bias, c.opts);
  // Requiring grad on the weight makes core record a graph, which takes the general path.
  const wg = w.detach().requiresGrad_(true);
  const general = k.conv2d(x, wg, bias, c.opts);
  return [fused.dataSync() as Float32Array, general.detach().dataSync() as Float32Array, fused.shape];
}

describe('fused conv2d kernel', () => {
  it('is registered on wasm and used when nothing records a graph', () => {
    expect(k.hasKernel('conv2d', 'wasm')).toBe(true);
    expect(k.hasKernel('conv2d', 'cpu')).toBe(false);
  });
  for (const threads of [1, 2]) {
    for (const c of cases) {
      it(`${c.name}, ${threads} thread(s): ${c.rounding ? 'agrees with' : 'equals'} im2col + matmul`, async () => {
        await setNumThreads(threads);
        const [fused, general, shape] = both(c);
        expect(fused.length).toBe(shape.reduce((a, b) => a * b, 1));
        if (!c.rounding) expect(Array.from(fused)).toEqual(Array.from(general));
        else
          for (let i = 0; i < fused.length; i++) expect(Math.abs(fused[i] - general[i])).toBeLessThan(1e-6);
      });
    }
  }
  it('matches the cpu backend within float32 tolerance', () => {
    const x = randn([2, 6, 9, 9]);
    const w = randn([5, 6, 3, 3]);
    const bias = randn([5]);
    const got = k.conv2d(x, w, bias, { padding: 1, stride: 2 });
    const want = k.conv2d(x.to('cpu'), w.to('cpu'), bias.to('cpu'), { padding: 1, stride: 2 });
    const g = got.dataSync();
    const e = want.dataSync();
    let maxErr = 0;
    for (let i = 0; i < e.length; i++) maxErr = Math.max(maxErr, Math.abs(g[i] - e[i]));
    expect(maxErr).toBeLessThan(1e-5);
  });
  it('float64 and grouped convolutions (general path) still match cpu', () => {
    const x = randn([1, 4, 5, 5]);
    const w = randn([6, 2, 3, 3]);
    for (const [xx, ww, groups] of [
      [x, w, 2],
      [x.double(), randn([3, 4, 3, 3]).double(), 1],
    ] as const) {
      const got = k.conv2d(xx, ww, null, { groups }).dataSync();
      const want = k.conv2d(xx.to('cpu'), ww.to('cpu'), null, { groups }).dataSync();
      expect(got.length).toBe(want.length);
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
    }
  });
});
