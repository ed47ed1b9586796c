/**
 * The worker pool: threaded and single-threaded runs of the same kernels agree exactly (work is
 * split by output blocks, so every output element is computed by the same instruction sequence).
 */
import '@kindling/backend-wasm';
import { getNumThreads, setNumThreads, wasmBackend } from '@kindling/backend-wasm';
import * as k from '@kindling/core';
import { afterAll, describe, expect, it } from 'vitest';
import { chunkBound } from '../src/threads.js';
import { seededTensors } from './random.js';

await k.initBackend('wasm');
const initialThreads = getNumThreads();

const randn = seededTensors(3);

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

describe('chunked scheduling', () => {
  it('chunk bounds are aligned, increasing and cover the range exactly', () => {
    for (const [total, chunks, align] of [
      [1000, 8, 1],
      [1000, 8, 8],
      [1027, 12, 4],
      [9, 8, 8],
      [256, 255, 1],
    ]) {
      let prev = chunkBound(0, chunks, total, align);
      expect(prev).toBe(0);
      for (let c = 1; c <= chunks; c++) {
        const b = chunkBound(c, chunks, total, align);
        expect(b).toBeGreaterThanOrEqual(prev);
        if (b < total) expect(b % align).toBe(0);
        prev = b;
      }
      expect(prev).toBe(total);
    }
  });

  it('many chunks per thread: results equal the single-threaded ones (elementwise, GEMM, reductions)', async () => {
    const x = randn([512, 300]);
    const w = randn([300, 520]);
    const run = () => [x.exp(), x.matmul(w), x.sum(1), x.t().matmul(x)].map((t) => Array.from(t.dataSync()));
    await setNumThreads(1);
    const one = run();
    for (const n of [2, 3, 5]) {
      await setNumThreads(n);
      expect(run()).toEqual(one);
    }
  });

  it('a descheduled-looking worker does not stall: back-to-back jobs of different thread counts', async () => {
    await setNumThreads(3);
    const x = randn([1 << 17]);
    const ref = Array.from(x.exp().dataSync());
    for (let i = 0; i < 50; i++) {
      // alternate jobs that use all workers with jobs that use fewer (small grains) or none
      const y = i % 3 === 0 ? x.exp() : i % 3 === 1 ? x.narrow(0, 0, 9000).exp() : x.narrow(0, 0, 100).exp();
      const got = y.dataSync();
      expect(got[0]).toBe(ref[0]);
      expect(got[got.length - 1]).toBe(ref[got.length - 1]);
    }
  });
});
