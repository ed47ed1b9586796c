// float32 GEMM: C[m, n] (+)= sum_k A[m, k] B[k, n] for any element strides of A and B.
//
// BLIS-style blocking: B is packed into KC x NR column slivers, A into MC x KC row slivers of
// MR rows (each element pre-splatted to a vector); a 4x8 register-tiled f32x4 microkernel
// (8 accumulators) runs over the packed panels. Packing reads A and B through their strides (with
// 4x4 SIMD transposes for column-major B), so transposed operands run at the same speed as
// contiguous ones.
//
// Shaped for V8's code generator (measured on Node 20 / V8 11.3, x64): the microkernel is inlined
// into the loop nest so TurboFan unrolls its k loop (it only unrolls loops nested deeply enough for
// their size), and it uses only plain vector loads with constant offsets, which fold into the
// address (a load32_splat with an offset costs an extra lea). Hand-unrolling the k loop is slower:
// TurboFan hoists every load of the unrolled body to the top and spills. Together these took
// 1024^3 from ~40 to ~47 GFLOP/s on one thread.
// Each thread calls gemmF32 on its own block of rows or columns of C with its own workspace.

import { fmadd } from './vmath';

export const GEMM_MR: i32 = 4;
export const GEMM_NR: i32 = 8;
export const GEMM_KC: i32 = 256;
export const GEMM_MC: i32 = 128;
export const GEMM_NC: i32 = 1024;
/** Output positions per conv2dF32 work item (conv.ts; its packed panel stays in L2). */
export const CONV_NC: i32 = 256;
/**
 * Bytes of workspace one gemmF32 or conv2dF32 call needs: packed B panel, packed (splatted) A block,
 * an edge tile, and conv2dF32's row-offset table and scratch (padded input rows or an im2col tile).
 */
export const GEMM_WS_BYTES: i32 = (GEMM_KC * GEMM_NC + 4 * GEMM_MC * GEMM_KC + GEMM_MR * GEMM_NR + GEMM_KC + GEMM_KC * CONV_NC) * 4;

// Where each part of a workspace `ws` (GEMM_WS_BYTES, in the order above) starts.
/** The packed (splatted) A block, after the packed B panel at `ws` itself. */
@inline export function wsPackedA(ws: usize): usize {
  return ws + ((<usize>(GEMM_KC * GEMM_NC)) << 2);
}
/** The edge tile (MR x NR floats). */
@inline export function wsEdgeTile(ws: usize): usize {
  return wsPackedA(ws) + ((<usize>(GEMM_MC * GEMM_KC)) << 4);
}
/** conv2dF32's table of im2col row offsets (KC words), then its scratch. */
@inline export function wsConvTable(ws: usize): usize {
  return wsEdgeTile(ws) + ((<usize>(GEMM_MR * GEMM_NR)) << 2);
}

@inline function transpose4(c0: v128, c1: v128, c2: v128, c3: v128, d: usize, step: usize): void {
  const t0 = v128.shuffle<i32>(c0, c1, 0, 4, 1, 5);
  const t1 = v128.shuffle<i32>(c2, c3, 0, 4, 1, 5);
  const t2 = v128.shuffle<i32>(c0, c1, 2, 6, 3, 7);
  const t3 = v128.shuffle<i32>(c2, c3, 2, 6, 3, 7);
  v128.store(d, v128.shuffle<i64>(t0, t1, 0, 2));
  v128.store(d + step, v128.shuffle<i64>(t0, t1, 1, 3));
  v128.store(d + 2 * step, v128.shuffle<i64>(t2, t3, 0, 2));
  v128.store(d + 3 * step, v128.shuffle<i64>(t2, t3, 1, 3));
}

/**
 * Packs rows [0, mc) x cols [0, kc) of A into MR-row slivers, each element splatted to a full
 * vector: the microkernel then reads A with plain vector loads (V8 folds their offsets into the
 * address; load32_splat with an offset costs an extra lea per row per k).
 */
export function packA(mc: i32, kc: i32, a: usize, rsa: isize, csa: isize, dst: usize): void {
  const rb = rsa << 2;
  const cb = csa << 2;
  for (let i = 0; i < mc; i += 4) {
    const rows = mc - i < 4 ? mc - i : 4;
    const src = a + <usize>(<isize>i * rb);
    if (rows == 4) {
      let s = src;
      for (let k = 0; k < kc; k++) {
        v128.store(dst, v128.load32_splat(s));
        v128.store(dst, v128.load32_splat(s + <usize>rb), 16);
        v128.store(dst, v128.load32_splat(s + <usize>(2 * rb)), 32);
        v128.store(dst, v128.load32_splat(s + <usize>(3 * rb)), 48);
        s += <usize>cb;
        dst += 64;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const s = src + <usize>(<isize>k * cb);
        for (let r = 0; r < 4; r++) v128.store(dst + ((<usize>r) << 4), r < rows ? v128.load32_splat(s + <usize>(<isize>r * rb)) : f32x4.splat(0));
        dst += 64;
      }
    }
  }
}

/** Packs rows [0, kc) x cols [0, nc) of B (element strides rsb, csb) into NR-column slivers. */
export function packB(kc: i32, nc: i32, b: usize, rsb: isize, csb: isize, dst: usize): void {
  const rb = rsb << 2;
  const cb = csb << 2;
  for (let j = 0; j < nc; j += 8) {
    const cols = nc - j < 8 ? nc - j : 8;
    const src = b + <usize>(<isize>j * cb);
    if (cols == 8 && csb == 1) {
      for (let k = 0; k < kc; k++) {
        const s = src + <usize>(<isize>k * rb);
        const d = dst + ((<usize>k) << 5);
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
      }
    } else if (cols == 8 && rsb == 1) {
      // column-major B: each column is contiguous along k; transpose 4x4 blocks
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const s = src + ((<usize>k) << 2);
        const d = dst + ((<usize>k) << 5);
        transpose4(v128.load(s), v128.load(s + cb), v128.load(s + 2 * cb), v128.load(s + 3 * cb), d, 32);
        const s4 = s + 4 * cb;
        transpose4(v128.load(s4), v128.load(s4 + cb), v128.load(s4 + 2 * cb), v128.load(s4 + 3 * cb), d + 16, 32);
      }
      for (; k < kc; k++) {
        const s = src + ((<usize>k) << 2);
        const d = dst + ((<usize>k) << 5);
        for (let c = 0; c < 8; c++) store<f32>(d + ((<usize>c) << 2), load<f32>(s + <usize>(<isize>c * cb)));
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const s = src + <usize>(<isize>k * rb);
        const d = dst + ((<usize>k) << 5);
        for (let c = 0; c < 8; c++) store<f32>(d + ((<usize>c) << 2), c < cols ? load<f32>(s + <usize>(<isize>c * cb)) : 0);
      }
    }
    dst += (<usize>kc) << 5;
  }
}

/** 4x8 microkernel: C tile (row stride rsc bytes) = / += packed A sliver x packed B sliver. */
@inline function kernel4x8(kc: i32, ap: usize, bp: usize, c: usize, rsc: usize, acc: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let c30 = c00;
  let c31 = c00;
  const end = bp + ((<usize>kc) << 5);
  while (bp < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load(ap);
    c00 = fmadd(a, b0, c00);
    c01 = fmadd(a, b1, c01);
    a = v128.load(ap, 16);
    c10 = fmadd(a, b0, c10);
    c11 = fmadd(a, b1, c11);
    a = v128.load(ap, 32);
    c20 = fmadd(a, b0, c20);
    c21 = fmadd(a, b1, c21);
    a = v128.load(ap, 48);
    c30 = fmadd(a, b0, c30);
    c31 = fmadd(a, b1, c31);
    ap += 64;
    bp += 32;
  }
  if (acc) {
    c00 = f32x4.add(c00, v128.load(c));
    c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + rsc));
    c11 = f32x4.add(c11, v128.load(c + rsc, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * rsc));
    c21 = f32x4.add(c21, v128.load(c + 2 * rsc, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * rsc));
    c31 = f32x4.add(c31, v128.load(c + 3 * rsc, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + rsc, c10);
  v128.store(c + rsc, c11, 16);
  v128.store(c + 2 * rsc, c20);
  v128.store(c + 2 * rsc, c21, 16);
  v128.store(c + 3 * rsc, c30);
  v128.store(c + 3 * rsc, c31, 16);
}

/**
 * C[m0:m1, 0:nc] (+)= A[m0:m1, 0:kc] x (the KC x NC panel of B already packed at bp): packs A in
 * MC-row blocks at ap (or finds it there already, prepacked: then m1 - m0 <= MC) and runs the 4x8
 * tiles (edge tiles through `tile`). Inlined into both drivers
 * so the microkernel's k loop sits deep in a loop nest (see the note at the top).
 */
@inline export function panelProduct(
  kc: i32,
  nc: i32,
  a: usize,
  rsa: i32,
  csa: i32,
  bp: usize,
  c: usize,
  rsc: i32,
  m0: i32,
  m1: i32,
  acc: bool,
  ap: usize,
  tile: usize,
  prepacked: bool,
): void {
  const rscb = (<usize>rsc) << 2;
  for (let ic = m0; ic < m1; ic += GEMM_MC) {
    const mc = m1 - ic < GEMM_MC ? m1 - ic : GEMM_MC;
    if (!prepacked) packA(mc, kc, a + <usize>((<isize>ic * rsa) << 2), rsa, csa, ap);
    for (let jr = 0; jr < nc; jr += 8) {
      const bs = bp + ((<usize>(jr * kc)) << 2);
      const cols = nc - jr < 8 ? nc - jr : 8;
      for (let ir = 0; ir < mc; ir += 4) {
        const as = ap + ((<usize>(ir * kc)) << 4);
        const rows = mc - ir < 4 ? mc - ir : 4;
        const cp = c + ((<usize>(ic + ir) * <usize>rsc + <usize>jr) << 2);
        if (rows == 4 && cols == 8) {
          kernel4x8(kc, as, bs, cp, rscb, acc);
        } else {
          kernel4x8(kc, as, bs, tile, 32, false);
          for (let r = 0; r < rows; r++) {
            for (let q = 0; q < cols; q++) {
              const dst = cp + <usize>r * rscb + ((<usize>q) << 2);
              const v = load<f32>(tile + ((<usize>(r * 8 + q)) << 2));
              store<f32>(dst, acc ? load<f32>(dst) + v : v);
            }
          }
        }
      }
    }
  }
}

/**
 * C[m0:m1, n0:n1] = A[m0:m1, :] B[:, n0:n1] (accumulate != 0: C += ...), then + bias[m, n] when
 * bias != 0 (element strides rsbias, csbias). Strides in elements; C is row-major with row stride
 * rsc. ws: GEMM_WS_BYTES of 16-byte aligned scratch.
 */
export function gemmF32(
  K: i32,
  a: usize,
  rsa: i32,
  csa: i32,
  b: usize,
  rsb: i32,
  csb: i32,
  c: usize,
  rsc: i32,
  m0: i32,
  m1: i32,
  n0: i32,
  n1: i32,
  accumulate: i32,
  ws: usize,
  bias: usize,
  rsbias: i32,
  csbias: i32,
): void {
  const bp = ws;
  const ap = wsPackedA(ws);
  const tile = wsEdgeTile(ws);
  for (let jc = n0; jc < n1; jc += GEMM_NC) {
    const nc = n1 - jc < GEMM_NC ? n1 - jc : GEMM_NC;
    for (let pc = 0; pc < K; pc += GEMM_KC) {
      const kc = K - pc < GEMM_KC ? K - pc : GEMM_KC;
      packB(kc, nc, b + <usize>((<isize>pc * rsb + <isize>jc * csb) << 2), rsb, csb, bp);
      const ak = a + <usize>((<isize>pc * csa) << 2);
      panelProduct(kc, nc, ak, rsa, csa, bp, c + ((<usize>jc) << 2), rsc, m0, m1, pc > 0 || accumulate != 0, ap, tile, false);
    }
    if (bias != 0) addBiasF32(c, rsc, m0, m1, jc, jc + nc, bias, rsbias, csbias);
  }
}

/**
 * C[m0:m1, n0:n1] += bias[m * rsb + n * csb] (element strides; a row vector broadcast over rows has
 * rsb = 0): the optional 'addmm' kernel's epilogue, run on a block of C just computed, in cache.
 */
export function addBiasF32(c: usize, rsc: i32, m0: i32, m1: i32, n0: i32, n1: i32, bias: usize, rsb: i32, csb: i32): void {
  for (let m = m0; m < m1; m++) {
    const row = c + ((<usize>m * <usize>rsc) << 2);
    const brow = bias + <usize>((<isize>m * <isize>rsb) << 2);
    let n = n0;
    if (csb == 1) {
      for (; n + 4 <= n1; n += 4) {
        const d = row + ((<usize>n) << 2);
        v128.store(d, f32x4.add(v128.load(d), v128.load(brow + ((<usize>n) << 2))));
      }
    } else if (csb == 0) {
      const bv = v128.load32_splat(brow);
      for (; n + 4 <= n1; n += 4) {
        const d = row + ((<usize>n) << 2);
        v128.store(d, f32x4.add(v128.load(d), bv));
      }
    }
    for (; n < n1; n++) {
      const d = row + ((<usize>n) << 2);
      store<f32>(d, load<f32>(d) + load<f32>(brow + <usize>((<isize>n * <isize>csb) << 2)));
    }
  }
}

/**
 * Matrix-vector products (N == 1 or M == 1), where packing into 8-wide panels would waste work:
 * y[m] (+)= sum_k A[m, k] x[k], A with element strides (rsa, csa), x with stride sx, y with sy.
 */
export function gemvF32(M: i32, K: i32, a: usize, rsa: i32, csa: i32, x: usize, sx: i32, y: usize, sy: i32, m0: i32, m1: i32, accumulate: i32): void {
  const csab = (<usize>csa) << 2;
  const sxb = (<usize>sx) << 2;
  if (csa == 1 && sx == 1) {
    for (let m = m0; m < m1; m++) {
      const row = a + ((<usize>m * <usize>rsa) << 2);
      let s0 = f32x4.splat(0);
      let s1 = s0;
      let k = 0;
      for (; k + 8 <= K; k += 8) {
        s0 = fmadd(v128.load(row + ((<usize>k) << 2)), v128.load(x + ((<usize>k) << 2)), s0);
        s1 = fmadd(v128.load(row + ((<usize>k) << 2), 16), v128.load(x + ((<usize>k) << 2), 16), s1);
      }
      s0 = f32x4.add(s0, s1);
      let s: f32 = f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1) + f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3);
      for (; k < K; k++) s += load<f32>(row + ((<usize>k) << 2)) * load<f32>(x + ((<usize>k) << 2));
      const dst = y + ((<usize>m * <usize>sy) << 2);
      store<f32>(dst, accumulate ? load<f32>(dst) + s : s);
    }
    return;
  }
  if (rsa == 1 && sy == 1) {
    // column-major A: y[m0:m1] += A[:, k] * x[k] (axpy per k), 4 rows at a time
    if (!accumulate) memory.fill(y + ((<usize>m0) << 2), 0, (<usize>(m1 - m0)) << 2);
    for (let k = 0; k < K; k++) {
      const col = a + <usize>k * csab;
      const xv: f32 = load<f32>(x + <usize>k * sxb);
      const xs = f32x4.splat(xv);
      let m = m0;
      for (; m + 4 <= m1; m += 4) {
        const d = y + ((<usize>m) << 2);
        v128.store(d, fmadd(v128.load(col + ((<usize>m) << 2)), xs, v128.load(d)));
      }
      for (; m < m1; m++) {
        const d = y + ((<usize>m) << 2);
        store<f32>(d, load<f32>(d) + load<f32>(col + ((<usize>m) << 2)) * xv);
      }
    }
    return;
  }
  const rsab = (<usize>rsa) << 2;
  for (let m = m0; m < m1; m++) {
    let s: f32 = 0;
    let p = a + <usize>m * rsab;
    let q = x;
    for (let k = 0; k < K; k++) {
      s += load<f32>(p) * load<f32>(q);
      p += csab;
      q += sxb;
    }
    const dst = y + ((<usize>m * <usize>sy) << 2);
    store<f32>(dst, accumulate ? load<f32>(dst) + s : s);
  }
}

/** float64 GEMM (scalar i-k-j loop over 2-wide vectors; float64 is the "where cheap" dtype). */
export function gemmF64(M: i32, N: i32, K: i32, a: usize, rsa: i32, csa: i32, b: usize, rsb: i32, csb: i32, c: usize, rsc: i32, m0: i32, m1: i32): void {
  for (let m = m0; m < m1; m++) {
    const crow = c + ((<usize>m * <usize>rsc) << 3);
    memory.fill(crow, 0, (<usize>N) << 3);
    for (let k = 0; k < K; k++) {
      const av = load<f64>(a + ((<usize>m * <usize>rsa + <usize>k * <usize>csa) << 3));
      const brow = b + ((<usize>k * <usize>rsb) << 3);
      if (csb == 1) {
        const as = f64x2.splat(av);
        let n = 0;
        for (; n + 2 <= N; n += 2) {
          const d = crow + ((<usize>n) << 3);
          v128.store(d, f64x2.add(v128.load(d), f64x2.mul(as, v128.load(brow + ((<usize>n) << 3)))));
        }
        for (; n < N; n++) {
          const d = crow + ((<usize>n) << 3);
          store<f64>(d, load<f64>(d) + av * load<f64>(brow + ((<usize>n) << 3)));
        }
      } else {
        for (let n = 0; n < N; n++) {
          const d = crow + ((<usize>n) << 3);
          store<f64>(d, load<f64>(d) + av * load<f64>(brow + ((<usize>n * <usize>csb) << 3)));
        }
      }
    }
  }
}

/** int32 GEMM (scalar). */
export function gemmI32(M: i32, N: i32, K: i32, a: usize, rsa: i32, csa: i32, b: usize, rsb: i32, csb: i32, c: usize, rsc: i32, m0: i32, m1: i32): void {
  for (let m = m0; m < m1; m++) {
    for (let n = 0; n < N; n++) {
      let s: i32 = 0;
      for (let k = 0; k < K; k++)
        s += load<i32>(a + ((<usize>m * <usize>rsa + <usize>k * <usize>csa) << 2)) * load<i32>(b + ((<usize>k * <usize>rsb + <usize>n * <usize>csb) << 2));
      store<i32>(c + ((<usize>m * <usize>rsc + <usize>n) << 2), s);
    }
  }
}

/**
 * Batches [start, end) of a batched float32 product of small matrices (one thread per batch range).
 * offs: per batch the byte addresses of A and B (2 words each); C for batch i at c + i*M*N*4.
 */
export function gemmBatchF32(
  offs: usize,
  M: i32,
  N: i32,
  K: i32,
  rsa: i32,
  csa: i32,
  rsb: i32,
  csb: i32,
  c: usize,
  ws: usize,
  start: i32,
  end: i32,
): void {
  for (let i = start; i < end; i++) {
    const a = <usize>load<u32>(offs + ((<usize>(2 * i)) << 2));
    const b = <usize>load<u32>(offs + ((<usize>(2 * i + 1)) << 2));
    const ci = c + ((<usize>i * <usize>M * <usize>N) << 2);
    if (N == 1) gemvF32(M, K, a, rsa, csa, b, rsb, ci, 1, 0, M, 0);
    else if (M == 1) gemvF32(N, K, b, csb, rsb, a, csa, ci, 1, 0, N, 0);
    else gemmF32(K, a, rsa, csa, b, rsb, csb, ci, N, 0, M, 0, N, 0, ws, 0, 0, 0);
  }
}
