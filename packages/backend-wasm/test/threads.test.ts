/**
 * The worker pool: threaded and single-threaded runs of the same kernels agree exactly (work is
 * split by output blocks, so every output element is computed by the same instruction sequence).
 */
import '@kindling/backend-wasm';
import { getNumThreads, setNumThreads, wasmBackend } from '@kindling/backend-wasm';
import * as k from '@kindling/core';
import { afterAll, describe, expect, it } from 'vitest';

await k.initBackend('wasm');
const initialThreads = getNumThreads();

let seed = 3;
function randn(shape: number[]): k.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    v[i] = seed / 2 ** 32 - 0.5;
  }
  return k.tensor(v, { device: 'wasm', shape });
}

const a = randn([300, 257]);
const b = randn([257, 501]);
const tall = randn([700, 129]);
const vec = randn([257]);
const narrowB = randn([80, 129]);
const big = randn([1000, 301]);
const img = randn([4, 8, 33, 31]);
const weight = randn([16, 8, 3, 3]);

const workloads: Record<string, () => k.Tensor | k.Tensor[]> = {
  'matmul, split over columns': () => k.matmul(a, b),
  'matmul, transposed operand, split over rows': () => k.matmul(tall, narrowB.t()),
  'matmul of transposed views': () => k.matmul(b.t(), a.t()),
  gemv: () => k.matmul(a, vec),
  'exp of a strided view': () => big.t().exp(),
  'gelu, tanh, sigmoid': () => [big.gelu(), big.tanh(), big.sigmoid()],
  'broadcast add and compare': () => [big.add(big.narrow(0, 0, 1)), big.gt(0.1)],
  'sum over rows (vertical) and columns': () => [big.sum(0), big.sum(1), big.mean(), big.amax(0)],
  'argmax and var': () => [big.argmax(1), big.var(0)],
  softmax: () => [big.softmax(1), big.logSoftmax(0)],
  copy: () => big.t().contiguous(),
  'conv2d (im2col + GEMM) and max pooling': () => [
    k.conv2d(img, weight, null, { padding: 1 }),
    k.maxPool2d(img, 2),
  ],
};

afterAll(async () => {
  await setNumThreads(initialThreads);
});

describe('thread pool', () => {
  it('starts workers when asked and reports them in features', async () => {
    await setNumThreads(3);
    expect(getNumThreads()).toBe(3);
    expect(wasmBackend.features.threads).toBe(3);
    expect(wasmBackend.availableThreads()).toBe(3);
    await setNumThreads(1);
    expect(wasmBackend.availableThreads()).toBe(1);
  });

  for (const [name, run] of Object.entries(workloads)) {
    it(`${name}: 1 thread and 3 threads agree exactly`, async () => {
      await setNumThreads(1);
      const one = [run()].flat().map((t) => Array.from(t.dataSync()));
      await setNumThreads(3);
      const three = [run()].flat().map((t) => Array.from(t.dataSync()));
      expect(three).toEqual(one);
    });
  }
});

describe('batched products split across threads', () => {
  it('many small matrices: 1 and 3 threads agree and match per-matrix products', async () => {
    const x = randn([40, 7, 9]);
    const y = randn([40, 9, 5]).transpose(1, 2).contiguous().transpose(1, 2);
    await setNumThreads(1);
    const one = k.matmul(x, y).dataSync();
    await setNumThreads(3);
    const three = k.matmul(x, y).dataSync();
    expect(Array.from(three)).toEqual(Array.from(one));
    const third = k.matmul(x.select(0, 17), y.select(0, 17)).dataSync();
    expect(Array.from(three.subarray(17 * 35, 18 * 35))).toEqual(Array.from(third));
  });
});
