import '@kindling/backend-cpu';
import {
  allocArray,
  type DType,
  getBackend,
  getKernel,
  type KernelTensor,
  type TypedArray,
} from '@kindling/core';
import { describe, expect, it } from 'vitest';

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Layout = 'contiguous' | 'transposed' | 'strided' | 'broadcast';

/** A kernel view of logical shape [...batch, R, C] laid out in memory as `layout` says. */
function makeOperand(
  dtype: DType,
  batch: readonly number[],
  R: number,
  C: number,
  layout: Layout,
  rand: () => number,
  bigInts = false,
): KernelTensor<TypedArray> {
  let rs: number;
  let cs: number;
  let matSize: number;
  let offset = 0;
  if (layout === 'transposed') {
    rs = 1;
    cs = Math.max(R, 1);
    matSize = R * C;
  } else if (layout === 'strided') {
    rs = 2 * C + 3;
    cs = 2;
    offset = 5;
    matSize = R * rs;
  } else {
    rs = Math.max(C, 1);
    cs = 1;
    matSize = R * C;
  }
  const strides: number[] = new Array(batch.length);
  let s = Math.max(matSize, 1);
  for (let d = batch.length - 1; d >= 0; d--) {
    // 'broadcast' repeats one matrix along the first batch dim (stride 0).
    strides[d] = layout === 'broadcast' && d === 0 ? 0 : s;
    if (strides[d] !== 0) s *= batch[d];
  }
  const size = offset + s + 8;
  const data = allocArray(dtype, size);
  for (let i = 0; i < size; i++) {
    const u = rand();
    data[i] =
      dtype === 'int32' ? (bigInts ? Math.floor((u - 0.5) * 2 ** 31) : Math.floor(u * 11) - 5) : u * 2 - 1;
  }
  return { data, dtype, shape: [...batch, R, C], strides: [...strides, rs, cs], offset };
}

function at(t: KernelTensor<TypedArray>, batchIdx: readonly number[], r: number, c: number): number {
  let off = t.offset;
  const nb = batchIdx.length;
  for (let d = 0; d < nb; d++) off += batchIdx[d] * t.strides[d];
  return t.data[off + r * t.strides[nb] + c * t.strides[nb + 1]];
}

function reference(
  a: KernelTensor<TypedArray>,
  b: KernelTensor<TypedArray>,
  batch: readonly number[],
): number[] {
  const nd = a.shape.length;
  const M = a.shape[nd - 2];
  const K = a.shape[nd - 1];
  const N = b.shape[nd - 1];
  const out: number[] = [];
  const nbatch = batch.reduce((x, y) => x * y, 1);
  const idx = new Array<number>(batch.length).fill(0);
  for (let q = 0; q < nbatch; q++) {
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let p = 0; p < K; p++) {
          const x = at(a, idx, i, p);
          const y = at(b, idx, p, j);
          s = a.dtype === 'int32' ? (s + Math.imul(x, y)) | 0 : s + x * y;
        }
        out.push(s);
      }
    for (let d = batch.length - 1; d >= 0; d--) {
      if (++idx[d] < batch[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

function runMatmul(
  a: KernelTensor<TypedArray>,
  b: KernelTensor<TypedArray>,
  batch: readonly number[],
): TypedArray {
  const nd = a.shape.length;
  const shape = [...batch, a.shape[nd - 2], b.shape[nd - 1]];
  const n = shape.reduce((x, y) => x * y, 1);
  const data = allocArray(a.dtype, n);
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  const out: KernelTensor<TypedArray> = { data, dtype: a.dtype, shape, strides, offset: 0 };
  getKernel('matmul', 'cpu')({ inputs: [a, b], outputs: [out], attrs: {}, backend: getBackend('cpu') });
  return data;
}

function check(
  dtype: DType,
  batch: readonly number[],
  M: number,
  K: number,
  N: number,
  la: Layout,
  lb: Layout,
  rand: () => number,
  bigInts = false,
): void {
  const a = makeOperand(dtype, batch, M, K, la, rand, bigInts);
  const b = makeOperand(dtype, batch, K, N, lb, rand, bigInts);
  const got = runMatmul(a, b, batch);
  const want = reference(a, b, batch);
  const where = `${dtype} batch [${batch}] M=${M} K=${K} N=${N} ${la} x ${lb}`;
  expect(got.length, where).toBe(want.length);
  const tol = dtype === 'float32' ? 2e-6 : 1e-12;
  for (let i = 0; i < want.length; i++) {
    const w = dtype === 'float32' ? Math.fround(want[i]) : want[i];
    const ok =
      dtype === 'int32' ? got[i] === w : Math.abs(got[i] - w) <= tol * (1 + Math.sqrt(K) + Math.abs(w));
    if (!ok) expect(got[i], `${where}: element ${i}`).toBe(w);
  }
}

const LAYOUTS: Layout[] = ['contiguous', 'transposed', 'strided'];

describe('cpu matmul kernel against a naive reference', () => {
  for (const dtype of ['float32', 'float64', 'int32'] as const) {
    it(`${dtype}: random odd sizes 1..70 and layouts`, () => {
      const rand = rng(dtype.length * 7919);
      const dim = () => 1 + Math.floor(rand() * 70);
      for (let trial = 0; trial < 60; trial++) {
        const la = LAYOUTS[trial % 3];
        const lb = LAYOUTS[Math.floor(trial / 3) % 3];
        check(dtype, [], dim(), dim(), dim(), la, lb, rand);
      }
    });
    it(`${dtype}: vectors, size-1 and size-0 dims`, () => {
      const rand = rng(11);
      for (const [M, K, N] of [
        [1, 37, 53],
        [53, 37, 1],
        [1, 70, 1],
        [1, 1, 1],
        [0, 5, 3],
        [3, 5, 0],
        [4, 0, 6],
        [5, 1, 7],
      ])
        for (const la of LAYOUTS) for (const lb of LAYOUTS) check(dtype, [], M, K, N, la, lb, rand);
    });
    it(`${dtype}: batches, broadcast batch dims (stride 0) and many small products`, () => {
      const rand = rng(5);
      check(dtype, [3], 5, 7, 6, 'contiguous', 'transposed', rand);
      check(dtype, [2, 3], 9, 13, 11, 'strided', 'broadcast', rand);
      check(dtype, [4, 2], 17, 21, 19, 'broadcast', 'contiguous', rand);
      check(dtype, [64], 3, 4, 5, 'transposed', 'strided', rand);
      check(dtype, [0, 2], 3, 4, 5, 'contiguous', 'contiguous', rand);
      check(dtype, [2], 1, 33, 9, 'broadcast', 'transposed', rand);
    });
    it(`${dtype}: sizes that cross the cache blocks (K > 256, M > 64, N > 1024)`, () => {
      const rand = rng(3);
      check(dtype, [], 131, 300, 67, 'transposed', 'contiguous', rand);
      check(dtype, [], 5, 9, 1030, 'contiguous', 'strided', rand);
      check(dtype, [], 70, 513, 9, 'strided', 'transposed', rand);
    });
  }
  it('int32 wraps modulo 2^32 exactly like PyTorch', () => {
    const rand = rng(9);
    check('int32', [], 9, 300, 10, 'contiguous', 'transposed', rand, true);
    check('int32', [], 3, 5, 2, 'strided', 'contiguous', rand, true);
    check('int32', [], 1, 40, 30, 'contiguous', 'contiguous', rand, true);
  });
});
