/** The packed-panel GEMM against a float64 reference on odd sizes, strides and batches. */
import '@kindling/backend-wasm';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';
import { lcg } from './random.js';

await k.initBackend('wasm');

const rnd = lcg(7);
function values(n: number, int = false): number[] {
  return Array.from({ length: n }, () => (int ? Math.floor(rnd() * 10) : rnd()));
}

/** Reference product of logical row-major matrices (float64 accumulation). */
function naive(a: number[], b: number[], M: number, K: number, N: number): number[] {
  const c = new Array<number>(M * N).fill(0);
  for (let i = 0; i < M; i++)
    for (let p = 0; p < K; p++) {
      const av = a[i * K + p];
      for (let j = 0; j < N; j++) c[i * N + j] += av * b[p * N + j];
    }
  return c;
}

function expectClose(got: ArrayLike<number>, want: number[], K: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  const tol = 2e-6 * Math.sqrt(Math.max(1, K)) + 1e-6;
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  expect(worst, `${what}: max abs error`).toBeLessThanOrEqual(tol * 4);
}

type Layout = 'contiguous' | 'transposed' | 'strided';

/** A logical [r, c] matrix on wasm with the given memory layout. */
function matrix(vals: number[], r: number, c: number, layout: Layout, dtype: k.DType = 'float32'): k.Tensor {
  if (layout === 'contiguous') return k.tensor(vals, { device: 'wasm', shape: [r, c], dtype });
  if (layout === 'transposed') {
    const t = new Array<number>(r * c);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = vals[i * c + j];
    return k.tensor(t, { device: 'wasm', shape: [c, r], dtype }).t();
  }
  // every third column of a wider matrix, starting at column 1
  const w = new Array<number>(r * c * 3).fill(99);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) w[i * c * 3 + j * 3 + 1] = vals[i * c + j];
  return k
    .tensor(w, { device: 'wasm', shape: [r, c * 3], dtype })
    .unflatten(1, [c, 3])
    .select(2, 1);
}

const sizes: [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 1],
  [3, 1, 5],
  [1, 300, 9],
  [9, 300, 1],
  [3, 5, 7],
  [4, 8, 8],
  [5, 9, 17],
  [17, 33, 65],
  [64, 257, 31],
  [130, 70, 129],
  [7, 513, 1030],
];

describe('wasm matmul vs float64 reference', () => {
  for (const [M, K, N] of sizes)
    for (const la of ['contiguous', 'transposed', 'strided'] as Layout[])
      for (const lb of ['contiguous', 'transposed', 'strided'] as Layout[]) {
        if ((la !== 'contiguous' || lb !== 'contiguous') && M * N * K > 2e6) continue;
        it(`[${M}x${K}] (${la}) x [${K}x${N}] (${lb})`, () => {
          const a = values(M * K);
          const b = values(K * N);
          const c = k.matmul(matrix(a, M, K, la), matrix(b, K, N, lb));
          expect(c.shape).toEqual([M, N]);
          expectClose(c.dataSync(), naive(a, b, M, K, N), K, 'float32');
        });
      }

  it('batched with broadcasting and a transposed batch operand', () => {
    const [B, M, K, N] = [3, 6, 11, 10];
    const a = values(B * M * K);
    const b = values(K * N);
    const ta = k.tensor(a, { device: 'wasm', shape: [B, M, K] });
    const tb = k.tensor(b, { device: 'wasm', shape: [K, N] });
    const c = k.matmul(ta.transpose(1, 2).transpose(1, 2), tb.t().t()).dataSync();
    for (let i = 0; i < B; i++)
      expectClose(
        c.subarray(i * M * N, (i + 1) * M * N),
        naive(a.slice(i * M * K, (i + 1) * M * K), b, M, K, N),
        K,
        `batch ${i}`,
      );
  });

  it('float64 and int32', () => {
    const [M, K, N] = [13, 21, 9];
    const a = values(M * K);
    const b = values(K * N);
    const c64 = k
      .matmul(matrix(a, M, K, 'transposed', 'float64'), matrix(b, K, N, 'strided', 'float64'))
      .dataSync();
    const want = naive(a, b, M, K, N);
    for (let i = 0; i < want.length; i++) expect(Math.abs(c64[i] - want[i])).toBeLessThan(1e-12);
    const ai = values(M * K, true);
    const bi = values(K * N, true);
    const ci = k.matmul(matrix(ai, M, K, 'contiguous', 'int32'), matrix(bi, K, N, 'transposed', 'int32'));
    expect(ci.dtype).toBe('int32');
    expect(Array.from(ci.dataSync())).toEqual(naive(ai, bi, M, K, N));
  });

  it('K = 0 gives zeros', () => {
    const c = k.matmul(k.zeros([3, 0], { device: 'wasm' }), k.zeros([0, 4], { device: 'wasm' }));
    expect(c.dataSync().every((v) => v === 0)).toBe(true);
  });
});
