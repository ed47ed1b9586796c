/**
 * Kernels of the matmul op family: one batched 'matmul' kernel. Inputs are a [B..., M, K] and
 * b [B..., K, N] broadcast (stride 0) to one batch shape, with any strides (transposed operands from
 * backward included); the output is contiguous [B..., M, N].
 *
 * Floats use a GotoBLAS-style GEMM: blocks of A (MC x KC) and B (KC x NC) are packed from any strides
 * into contiguous Float64Array panels, and a 4x3 register-tiled microkernel accumulates in local
 * variables (so float32 accumulates in float64 within a KC block). Packing makes transposed and
 * strided operands exactly as fast as contiguous ones. int32 uses the same structure with wrapping
 * 32-bit arithmetic (Math.imul), so results are exact modulo 2^32 like PyTorch's.
 * Vector cases (M = 1 or N = 1) and tiny products skip packing.
 */
import { type KernelArgs, type KernelTensor, registerKernel } from '@kindling/core';
import type { CpuHandle } from '../backend.js';

type Num = Float32Array | Float64Array | Int32Array;

/** Register tile (rows of A x columns of B) of the microkernels: 12 accumulators fit x64's registers. */
const MR = 4;
const NR = 3;
/** Cache blocks: a KC x NR panel of B stays in L1, an MC x KC block of A in L2, KC x NC of B in L3. */
const KC = 256;
const MC = 64;
const NC = 1020;
/** Products with at most this many multiply-adds use the direct loop (packing costs more). */
const SMALL = 160;

/**
 * Packed panels, grown on demand and reused across calls (kernels run one at a time). A's block and
 * B's panel share one array so the microkernel reads a single TypedArray.
 */
let pack64 = new Float64Array(0);
let pack32 = new Int32Array(0);
const edge64 = new Float64Array(MR * NR);
const edge32 = new Int32Array(MR * NR);

/** One 2-d product C[M, N] (+)= A[M, K] B[K, N]; A and B with any strides, C with row stride ldc, unit column stride. */
export interface Gemm {
  M: number;
  N: number;
  K: number;
  A: Num;
  aOff: number;
  ars: number;
  acs: number;
  B: Num;
  bOff: number;
  brs: number;
  bcs: number;
  C: Num;
  cOff: number;
  ldc: number;
}

// ------------------------------------------------------------------ packing

/**
 * Packs rows [0, mc) x cols [0, kc) of a strided matrix into R-row strips starting at dst[o]: strip s
 * holds, for each p, the R values of rows s*R.. at column p (rows past mc are zero). B's panel is
 * packed as the rows of B^T (swapped strides).
 */
function packRows(
  src: Num,
  off: number,
  rs: number,
  cs: number,
  mc: number,
  kc: number,
  dst: Float64Array | Int32Array,
  o: number,
  R: number,
): void {
  if (rs === 1 && cs !== 1) {
    // Rows are adjacent in memory: read along them (unit stride) and scatter into the strips.
    const strip = kc * R;
    for (let p = 0; p < kc; p++) {
      const s = off + p * cs;
      let d = o + p * R;
      for (let i = 0; i < mc; i += R, d += strip) {
        const rows = Math.min(mc - i, R);
        for (let r = 0; r < rows; r++) dst[d + r] = src[s + i + r];
        for (let r = rows; r < R; r++) dst[d + r] = 0;
      }
    }
    return;
  }
  for (let i = 0; i < mc; i += R) {
    const rows = Math.min(mc - i, R);
    const base = off + i * rs;
    for (let r = 0; r < R; r++) {
      let d = o + r;
      if (r < rows) {
        let s = base + r * rs;
        for (let p = 0; p < kc; p++, s += cs, d += R) dst[d] = src[s];
      } else for (let p = 0; p < kc; p++, d += R) dst[d] = 0;
    }
    o += kc * R;
  }
}

// ------------------------------------------------------------------ microkernels

/**
 * C[4x3 tile at ci] += P[ai..] (a kc x 4 strip of A) . P[bi..] (a kc x 3 strip of B); only
 * rows x cols of the tile are stored.
 */
function micro64(
  kc: number,
  P: Float64Array,
  ai: number,
  bi: number,
  C: Float32Array | Float64Array,
  ci: number,
  ldc: number,
  rows: number,
  cols: number,
): void {
  let c00 = 0;
  let c01 = 0;
  let c02 = 0;
  let c10 = 0;
  let c11 = 0;
  let c12 = 0;
  let c20 = 0;
  let c21 = 0;
  let c22 = 0;
  let c30 = 0;
  let c31 = 0;
  let c32 = 0;
  for (let p = 0; p < kc; p++) {
    const b0 = P[bi];
    const b1 = P[bi + 1];
    const b2 = P[bi + 2];
    let a = P[ai];
    c00 += a * b0;
    c01 += a * b1;
    c02 += a * b2;
    a = P[ai + 1];
    c10 += a * b0;
    c11 += a * b1;
    c12 += a * b2;
    a = P[ai + 2];
    c20 += a * b0;
    c21 += a * b1;
    c22 += a * b2;
    a = P[ai + 3];
    c30 += a * b0;
    c31 += a * b1;
    c32 += a * b2;
    ai += 4;
    bi += 3;
  }
  if (rows === MR && cols === NR) {
    C[ci] += c00;
    C[ci + 1] += c01;
    C[ci + 2] += c02;
    ci += ldc;
    C[ci] += c10;
    C[ci + 1] += c11;
    C[ci + 2] += c12;
    ci += ldc;
    C[ci] += c20;
    C[ci + 1] += c21;
    C[ci + 2] += c22;
    ci += ldc;
    C[ci] += c30;
    C[ci + 1] += c31;
    C[ci + 2] += c32;
    return;
  }
  const t = edge64;
  t[0] = c00;
  t[1] = c01;
  t[2] = c02;
  t[3] = c10;
  t[4] = c11;
  t[5] = c12;
  t[6] = c20;
  t[7] = c21;
  t[8] = c22;
  t[9] = c30;
  t[10] = c31;
  t[11] = c32;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) C[ci + r * ldc + c] += t[r * NR + c];
}

/** The int32 microkernel: wrapping 32-bit multiply-adds, exact modulo 2^32. */
function micro32(
  kc: number,
  P: Int32Array,
  ai: number,
  bi: number,
  C: Int32Array,
  ci: number,
  ldc: number,
  rows: number,
  cols: number,
): void {
  let c00 = 0;
  let c01 = 0;
  let c02 = 0;
  let c10 = 0;
  let c11 = 0;
  let c12 = 0;
  let c20 = 0;
  let c21 = 0;
  let c22 = 0;
  let c30 = 0;
  let c31 = 0;
  let c32 = 0;
  for (let p = 0; p < kc; p++) {
    const b0 = P[bi];
    const b1 = P[bi + 1];
    const b2 = P[bi + 2];
    let a = P[ai];
    c00 = (c00 + Math.imul(a, b0)) | 0;
    c01 = (c01 + Math.imul(a, b1)) | 0;
    c02 = (c02 + Math.imul(a, b2)) | 0;
    a = P[ai + 1];
    c10 = (c10 + Math.imul(a, b0)) | 0;
    c11 = (c11 + Math.imul(a, b1)) | 0;
    c12 = (c12 + Math.imul(a, b2)) | 0;
    a = P[ai + 2];
    c20 = (c20 + Math.imul(a, b0)) | 0;
    c21 = (c21 + Math.imul(a, b1)) | 0;
    c22 = (c22 + Math.imul(a, b2)) | 0;
    a = P[ai + 3];
    c30 = (c30 + Math.imul(a, b0)) | 0;
    c31 = (c31 + Math.imul(a, b1)) | 0;
    c32 = (c32 + Math.imul(a, b2)) | 0;
    ai += 4;
    bi += 3;
  }
  const t = edge32;
  t[0] = c00;
  t[1] = c01;
  t[2] = c02;
  t[3] = c10;
  t[4] = c11;
  t[5] = c12;
  t[6] = c20;
  t[7] = c21;
  t[8] = c22;
  t[9] = c30;
  t[10] = c31;
  t[11] = c32;
  // Int32Array stores wrap, so adding block partial sums stays exact modulo 2^32.
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) C[ci + r * ldc + c] += t[r * NR + c];
}

// ------------------------------------------------------------------ blocked GEMM

/** Sizes of the packed regions for a product: A's block first, then B's panel. */
function packSizes(g: Gemm): { aRegion: number; total: number } {
  const kc = Math.min(g.K, KC);
  const mc = g.M < MC ? Math.ceil(g.M / MR) * MR : MC;
  const nc = g.N < NC ? Math.ceil(g.N / NR) * NR : NC;
  return { aRegion: kc * mc, total: kc * (mc + nc) };
}

function gemmFloat(g: Gemm): void {
  const { M, N, K, A, B, ldc } = g;
  const C = g.C as Float32Array | Float64Array;
  const { aRegion, total } = packSizes(g);
  if (pack64.length < total) pack64 = new Float64Array(total);
  const P = pack64;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(N - jc, NC);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(K - pc, KC);
      packRows(B, g.bOff + pc * g.brs + jc * g.bcs, g.bcs, g.brs, nc, kc, P, aRegion, NR);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(M - ic, MC);
        packRows(A, g.aOff + ic * g.ars + pc * g.acs, g.ars, g.acs, mc, kc, P, 0, MR);
        const cBase = g.cOff + ic * ldc + jc;
        for (let jr = 0, bi = aRegion; jr < nc; jr += NR, bi += kc * NR) {
          const cols = Math.min(nc - jr, NR);
          for (let ir = 0, ai = 0; ir < mc; ir += MR, ai += kc * MR) {
            const rows = Math.min(mc - ir, MR);
            micro64(kc, P, ai, bi, C, cBase + ir * ldc + jr, ldc, rows, cols);
          }
        }
      }
    }
  }
}

function gemmInt(g: Gemm): void {
  const { M, N, K, A, B, ldc } = g;
  const C = g.C as Int32Array;
  const { aRegion, total } = packSizes(g);
  if (pack32.length < total) pack32 = new Int32Array(total);
  const P = pack32;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(N - jc, NC);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(K - pc, KC);
      packRows(B, g.bOff + pc * g.brs + jc * g.bcs, g.bcs, g.brs, nc, kc, P, aRegion, NR);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(M - ic, MC);
        packRows(A, g.aOff + ic * g.ars + pc * g.acs, g.ars, g.acs, mc, kc, P, 0, MR);
        const cBase = g.cOff + ic * ldc + jc;
        for (let jr = 0, bi = aRegion; jr < nc; jr += NR, bi += kc * NR) {
          const cols = Math.min(nc - jr, NR);
          for (let ir = 0, ai = 0; ir < mc; ir += MR, ai += kc * MR) {
            const rows = Math.min(mc - ir, MR);
            micro32(kc, P, ai, bi, C, cBase + ir * ldc + jr, ldc, rows, cols);
          }
        }
      }
    }
  }
}

// ------------------------------------------------------------------ vectors and tiny products

/**
 * y[i] = sum_k X[i, k] v[k] for i < L, written to C[cOff + i * cs]: the M = 1 and N = 1 cases.
 * Walks X along whichever of its dims is unit-stride (dot products of rows, or axpy over columns).
 */
function gemvFloat(
  L: number,
  K: number,
  X: Num,
  xOff: number,
  xi: number,
  xk: number,
  v: Num,
  vOff: number,
  vk: number,
  C: Float32Array | Float64Array,
  cOff: number,
  cs: number,
): void {
  if (xi === 1 && xk !== 1) {
    // Columns of X are contiguous: accumulate y += X[:, k] * v[k] in float64.
    const acc = new Float64Array(L);
    let p = 0;
    let xp = xOff;
    let vp = vOff;
    for (; p + 4 <= K; p += 4, xp += 4 * xk, vp += 4 * vk) {
      const s0 = v[vp];
      const s1 = v[vp + vk];
      const s2 = v[vp + 2 * vk];
      const s3 = v[vp + 3 * vk];
      const x1 = xp + xk;
      const x2 = x1 + xk;
      const x3 = x2 + xk;
      for (let i = 0; i < L; i++) acc[i] += X[xp + i] * s0 + X[x1 + i] * s1 + X[x2 + i] * s2 + X[x3 + i] * s3;
    }
    for (; p < K; p++, xp += xk, vp += vk) {
      const s = v[vp];
      for (let i = 0; i < L; i++) acc[i] += X[xp + i] * s;
    }
    for (let i = 0; i < L; i++) C[cOff + i * cs] = acc[i];
    return;
  }
  let i = 0;
  for (; i + 4 <= L; i += 4) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let x0 = xOff + i * xi;
    let x1 = x0 + xi;
    let x2 = x1 + xi;
    let x3 = x2 + xi;
    for (let p = 0, vp = vOff; p < K; p++, vp += vk) {
      const s = v[vp];
      s0 += X[x0] * s;
      s1 += X[x1] * s;
      s2 += X[x2] * s;
      s3 += X[x3] * s;
      x0 += xk;
      x1 += xk;
      x2 += xk;
      x3 += xk;
    }
    C[cOff + i * cs] = s0;
    C[cOff + (i + 1) * cs] = s1;
    C[cOff + (i + 2) * cs] = s2;
    C[cOff + (i + 3) * cs] = s3;
  }
  for (; i < L; i++) {
    let s = 0;
    for (let p = 0, xp = xOff + i * xi, vp = vOff; p < K; p++, xp += xk, vp += vk) s += X[xp] * v[vp];
    C[cOff + i * cs] = s;
  }
}

/** The direct triple loop, for tiny float products (any strides). */
function smallFloat(g: Gemm): void {
  const { M, N, K, A, B, ars, acs, brs, bcs, ldc } = g;
  const C = g.C as Float32Array | Float64Array;
  for (let i = 0; i < M; i++) {
    const aRow = g.aOff + i * ars;
    const cRow = g.cOff + i * ldc;
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let p = 0, ap = aRow, bp = g.bOff + j * bcs; p < K; p++, ap += acs, bp += brs) s += A[ap] * B[bp];
      C[cRow + j] = s;
    }
  }
}

/** The direct triple loop for int32, with wrapping arithmetic. */
function smallInt(g: Gemm): void {
  const { M, N, K, A, B, ars, acs, brs, bcs, ldc } = g;
  const C = g.C as Int32Array;
  for (let i = 0; i < M; i++) {
    const aRow = g.aOff + i * ars;
    const cRow = g.cOff + i * ldc;
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let p = 0, ap = aRow, bp = g.bOff + j * bcs; p < K; p++, ap += acs, bp += brs)
        s = (s + Math.imul(A[ap], B[bp])) | 0;
      C[cRow + j] = s;
    }
  }
}

/** One 2-d product into a zero-filled C, choosing the path by size and dtype. */
export function gemm(g: Gemm): void {
  const { M, N, K } = g;
  if (M === 0 || N === 0 || K === 0) return;
  const isInt = g.C instanceof Int32Array;
  if (isInt) {
    if (M * N * K <= SMALL || M === 1 || N === 1) smallInt(g);
    else gemmInt(g);
    return;
  }
  const C = g.C as Float32Array | Float64Array;
  if (M === 1) gemvFloat(N, K, g.B, g.bOff, g.bcs, g.brs, g.A, g.aOff, g.acs, C, g.cOff, 1);
  else if (N === 1) gemvFloat(M, K, g.A, g.aOff, g.ars, g.acs, g.B, g.bOff, g.brs, C, g.cOff, g.ldc);
  else if (M * N * K <= SMALL) smallFloat(g);
  else gemmFloat(g);
}

// ------------------------------------------------------------------ the kernel

function matmulKernel({ inputs, outputs }: KernelArgs<CpuHandle>): void {
  const a = inputs[0] as KernelTensor<CpuHandle>;
  const b = inputs[1] as KernelTensor<CpuHandle>;
  const out = outputs[0];
  const nd = out.shape.length;
  const M = out.shape[nd - 2];
  const N = out.shape[nd - 1];
  const K = a.shape[nd - 1];
  let batch = 1;
  for (let d = 0; d < nd - 2; d++) batch *= out.shape[d];
  if (batch === 0 || M === 0 || N === 0 || K === 0) return;
  const g: Gemm = {
    M,
    N,
    K,
    A: a.data as Num,
    aOff: a.offset,
    ars: a.strides[nd - 2],
    acs: a.strides[nd - 1],
    B: b.data as Num,
    bOff: b.offset,
    brs: b.strides[nd - 2],
    bcs: b.strides[nd - 1],
    C: out.data as Num,
    cOff: 0,
    ldc: N,
  };
  const nb = nd - 2;
  if (nb === 0) {
    gemm(g);
    return;
  }
  // Walk the batch dims with an odometer, tracking each operand's offset.
  const counter = new Array<number>(nb).fill(0);
  const mn = M * N;
  for (let i = 0; i < batch; i++) {
    g.cOff = i * mn;
    gemm(g);
    for (let d = nb - 1; d >= 0; d--) {
      g.aOff += a.strides[d];
      g.bOff += b.strides[d];
      if (++counter[d] < out.shape[d]) break;
      g.aOff -= a.strides[d] * out.shape[d];
      g.bOff -= b.strides[d] * out.shape[d];
      counter[d] = 0;
    }
  }
}

registerKernel('matmul', 'cpu', matmulKernel);
