/**
 * The optional fused 'addmm' kernel (bias + a @ b, float32, 2-d), used by core's `linear` and
 * `addmm` (alpha = beta = 1): bit for bit what matmul followed by add gives, forward and backward,
 * for every bias broadcast, on 1 and 2 threads and on the GEMM and GEMV paths.
 */
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

const randn = seededTensors(5);

const same = (a: k.Tensor | null, b: k.Tensor | null) => {
  if (!a || !b) throw new Error('missing gradient');
  expect(a.shape).toEqual(b.shape);
  expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
};

/** [M, K, N, bias shape] */
const shapes: [number, number, number, number[]][] = [
  [5, 7, 9, [9]],
  [5, 7, 9, [5, 9]],
  [5, 7, 9, [1, 9]],
  [5, 7, 9, [5, 1]],
  [5, 7, 9, [1]],
  [1, 33, 17, [17]], // M = 1: the GEMV path
  [19, 33, 1, [1]], // N = 1: the GEMV path
  [4, 0, 6, [6]], // K = 0: the bias alone
  [300, 257, 501, [501]], // split across threads
];

describe('fused addmm kernel', () => {
  it('is registered on wasm only', () => {
    expect(k.hasKernel('addmm', 'wasm')).toBe(true);
    expect(k.hasKernel('addmm', 'cpu')).toBe(false);
  });
  for (const threads of [1, 2]) {
    for (const [M, K, N, bshape] of shapes) {
      it(`linear [${M}, ${K}] x [${N}, ${K}]^T + bias [${bshape}], ${threads} thread(s): equals matmul + add, with gradients`, async () => {
        await setNumThreads(threads);
        const x = randn([M, K]).requiresGrad_(true);
        const w = randn([N, K]).requiresGrad_(true);
        const bias = randn(bshape).requiresGrad_(true);
        const y = k.linear(x, w, bias);
        const ref = x.matmul(w.t()).add(bias);
        expect(y.gradFn?.name).toBe('AddmmBackward');
        expect(ref.gradFn?.name).toBe('AddBackward');
        same(y, ref);
        const g = randn([M, N]);
        const [gx, gw, gb] = k.grad([y], [x, w, bias], { gradOutputs: [g] });
        const [rx, rw, rb] = k.grad([ref], [x, w, bias], { gradOutputs: [g] });
        same(gx, rx);
        same(gw, rw);
        same(gb, rb);
      });
    }
  }
  it('addmm with alpha = beta = 1 is fused; other alpha/beta and non-contiguous operands agree', () => {
    const a = randn([13, 8]).t(); // [8, 13], column-major
    const b = randn([13, 6]);
    const bias = randn([12]).index(k.slice(0, 12, 2)); // strided [6]
    same(k.addmm(bias, a, b), a.matmul(b).add(bias));
    same(k.addmm(bias, a, b, { alpha: 2, beta: 0.5 }), a.matmul(b).mul(2).add(bias, 0.5));
  });
  it('the nn MLP layer path (x @ W^T + b, then relu) trains identically to the unfused ops', () => {
    const x = randn([16, 20]);
    const w1 = randn([32, 20]).requiresGrad_(true);
    const b1 = randn([32]).requiresGrad_(true);
    const loss1 = k.linear(x, w1, b1).relu().square().mean();
    const loss2 = x.matmul(w1.t()).add(b1).relu().square().mean();
    same(loss1, loss2);
    const [g1, gb1] = k.grad([loss1], [w1, b1]);
    const [g2, gb2] = k.grad([loss2], [w1, b1]);
    same(g1, g2);
    same(gb1, gb2);
  });
});
