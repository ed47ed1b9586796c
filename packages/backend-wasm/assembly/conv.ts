// Fused float32 conv2d for the optional 'conv2d' kernel: im2col packed straight into the GEMM's B
// panels (from a zero-padded copy of the input rows a work item reads), multiplied by the weight
// with gemm.ts's microkernel, bias added in cache. The same products and summation order as core's
// im2col + matmul + add path, without the column buffer.

import { CONV_NC, GEMM_KC, GEMM_MC, packA, packB, panelProduct, wsConvTable, wsEdgeTile, wsPackedA } from './gemm';

/** Copies n floats (short runs: an inline vector loop beats memory.copy's call into the engine). */
@inline function copyF32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + ((<usize>i) << 2), v128.load(src + ((<usize>i) << 2)));
  for (; i < n; i++) store<f32>(dst + ((<usize>i) << 2), load<f32>(src + ((<usize>i) << 2)));
}

/** Zeroes n floats (short runs, like copyF32). */
@inline function zeroF32(dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + ((<usize>i) << 2), f32x4.splat(0));
  for (; i < n; i++) store<f32>(dst + ((<usize>i) << 2), 0);
}

/**
 * Writes rows [pc, pc + kc) x columns [jc, jc + nc) of image b's im2col matrix (row k = (channel,
 * ki, kj), column p = (oy, ox)) row-major into dst, zeros where the window leaves the image.
 * g: the im2col geometry block of nn.ts (N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, x
 * strides sn, sc, sy, sx in elements).
 */
function im2colTileF32(g: usize, x: usize, b: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  const H = load<i32>(g, 8);
  const W = load<i32>(g, 12);
  const kh = load<i32>(g, 16);
  const kw = load<i32>(g, 20);
  const sh = load<i32>(g, 24);
  const sw = load<i32>(g, 28);
  const ph = load<i32>(g, 32);
  const pw = load<i32>(g, 36);
  const dh = load<i32>(g, 40);
  const dw = load<i32>(g, 44);
  const ow = load<i32>(g, 52);
  const sn = <isize>load<i32>(g, 56);
  const sc = <isize>load<i32>(g, 60);
  const sy = <isize>load<i32>(g, 64);
  const sx = <isize>load<i32>(g, 68);
  const khw = kh * kw;
  for (let kk = 0; kk < kc; kk++) {
    const k = pc + kk;
    const ch = k / khw;
    const ki = (k % khw) / kw;
    const kj = k % kw;
    const base = x + <usize>((<isize>b * sn + <isize>ch * sc) << 2);
    const xoff = kj * dw - pw;
    const yoff = ki * dh - ph;
    let d = dst + ((<usize>(kk * nc)) << 2);
    let oy = jc / ow;
    let ox = jc % ow;
    let q = 0;
    while (q < nc) {
      const run = ow - ox < nc - q ? ow - ox : nc - q;
      const iy = oy * sh + yoff;
      if (iy < 0 || iy >= H) {
        zeroF32(d, run);
      } else {
        const row = base + <usize>((<isize>iy * sy) << 2);
        if (sw == 1 && sx == 1) {
          // positions ox + t with t in [lo, hi) read inside the row; the rest are padding
          let lo = -(ox + xoff);
          if (lo < 0) lo = 0;
          if (lo > run) lo = run;
          let hi = W - (ox + xoff);
          if (hi > run) hi = run;
          if (hi < lo) hi = lo;
          zeroF32(d, lo);
          copyF32(d + ((<usize>lo) << 2), row + <usize>((<isize>(ox + lo + xoff)) << 2), hi - lo);
          zeroF32(d + ((<usize>hi) << 2), run - hi);
        } else {
          for (let t = 0; t < run; t++) {
            const ix = (ox + t) * sw + xoff;
            store<f32>(d + ((<usize>t) << 2), ix >= 0 && ix < W ? load<f32>(row + <usize>((<isize>ix * sx) << 2)) : 0);
          }
        }
      }
      d += (<usize>run) << 2;
      q += run;
      ox = 0;
      oy++;
    }
  }
}

/**
 * Copies the input rows that image b's output rows [oy0, oy1] read into a zero-padded tile
 * [C][R][PW] at dst (R = (oy1 - oy0) * sh + (kh - 1) * dh + 1 rows, PW = (ow - 1) * sw +
 * (kw - 1) * dw + 1 columns, starting at input row oy0 * sh - ph and column -pw), so packing the
 * im2col panel from it needs no bounds checks. g: as for im2colTileF32.
 */
function padRowsF32(g: usize, x: usize, b: i32, oy0: i32, R: i32, PW: i32, dst: usize): void {
  const C = load<i32>(g, 4);
  const H = load<i32>(g, 8);
  const W = load<i32>(g, 12);
  const sh = load<i32>(g, 24);
  const ph = load<i32>(g, 32);
  const pw = load<i32>(g, 36);
  const sc = <isize>load<i32>(g, 60);
  const sy = <isize>load<i32>(g, 64);
  const sx = <isize>load<i32>(g, 68);
  const base = x + <usize>((<isize>b * <isize>load<i32>(g, 56)) << 2);
  // columns [lo, hi) of a padded row come from the image
  let lo = pw;
  if (lo > PW) lo = PW;
  let hi = W + pw;
  if (hi > PW) hi = PW;
  if (hi < lo) hi = lo;
  let d = dst;
  for (let ch = 0; ch < C; ch++) {
    for (let r = 0; r < R; r++) {
      const iy = oy0 * sh - ph + r;
      if (iy < 0 || iy >= H) {
        zeroF32(d, PW);
      } else {
        const row = base + <usize>((<isize>ch * sc + <isize>iy * sy) << 2);
        zeroF32(d, lo);
        if (sx == 1) copyF32(d + ((<usize>lo) << 2), row + <usize>((<isize>(lo - pw)) << 2), hi - lo);
        else for (let t = lo; t < hi; t++) store<f32>(d + ((<usize>t) << 2), load<f32>(row + <usize>((<isize>(t - pw) * sx) << 2)));
        zeroF32(d + ((<usize>hi) << 2), PW - hi);
      }
      d += (<usize>PW) << 2;
    }
  }
}

/**
 * Packs rows [pc, pc + kc) x columns [jc, jc + nc) of image b's im2col matrix into the packed B
 * layout of packB (8-column slivers of kc rows), reading the padded tile of padRowsF32 (whose first
 * row is output row oy0's). A sliver inside one output row at unit stride is two vector loads per
 * row. tab: scratch for kc words.
 */
function packIm2colPaddedF32(g: usize, pad: usize, oy0: i32, R: i32, PW: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize, tab: usize): void {
  const kh = load<i32>(g, 16);
  const kw = load<i32>(g, 20);
  const sh = load<i32>(g, 24);
  const sw = load<i32>(g, 28);
  const dh = load<i32>(g, 40);
  const dw = load<i32>(g, 44);
  const ow = load<i32>(g, 52);
  const khw = kh * kw;
  for (let kk = 0; kk < kc; kk++) {
    const k = pc + kk;
    store<i32>(tab + ((<usize>kk) << 2), ((k / khw) * R + ((k % khw) / kw) * dh) * PW + (k % kw) * dw);
  }
  const rowStep = sh * PW;
  for (let q = 0; q < nc; q += 8) {
    const p0 = jc + q;
    const cols = nc - q < 8 ? nc - q : 8;
    const oy = p0 / ow;
    const ox0 = p0 % ow;
    let d = dst + ((<usize>(q * kc)) << 2);
    if (cols == 8 && sw == 1 && ox0 + 8 <= ow) {
      const src = pad + ((<usize>((oy - oy0) * rowStep + ox0)) << 2);
      for (let kk = 0; kk < kc; kk++) {
        const s = src + ((<usize>load<i32>(tab + ((<usize>kk) << 2))) << 2);
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
        d += 32;
      }
    } else {
      for (let kk = 0; kk < kc; kk++) {
        const s = pad + ((<usize>load<i32>(tab + ((<usize>kk) << 2))) << 2);
        let py = oy - oy0;
        let px = ox0;
        for (let e = 0; e < 8; e++) {
          let v: f32 = 0;
          if (e < cols) {
            v = load<f32>(s + ((<usize>(py * rowStep + px * sw)) << 2));
            if (++px == ow) {
              px = 0;
              py++;
            }
          }
          store<f32>(d + ((<usize>e) << 2), v);
        }
        d += 32;
      }
    }
  }
}

/**
 * Fused float32 conv2d (groups 1): out[b, o, p] = sum_k w[o, k] * im2col(x)[b, k, p] (+ bias[o]),
 * the same products and summation order as im2col followed by gemmF32 and a bias add, without the
 * im2col buffer: each work item (image b, CONV_NC output positions) packs its part of the im2col
 * matrix straight into the B panel. When the whole weight fits the packed-A block it is packed
 * once per call instead of once per item. Items [start, end) of N * ceil(oh*ow / CONV_NC).
 * w: [O, K] with element strides (rsw, csw); bias: 0 or a vector with element stride sbias;
 * out: contiguous [N, O, oh*ow]. ws: GEMM_WS_BYTES.
 */
export function conv2dF32(
  g: usize,
  x: usize,
  w: usize,
  rsw: i32,
  csw: i32,
  bias: usize,
  sbias: i32,
  out: usize,
  O: i32,
  start: i32,
  end: i32,
  ws: usize,
): void {
  const C = load<i32>(g, 4);
  const K = C * load<i32>(g, 16) * load<i32>(g, 20);
  const L = load<i32>(g, 48) * load<i32>(g, 52);
  const items = (L + CONV_NC - 1) / CONV_NC;
  const bp = ws;
  const ap = wsPackedA(ws);
  const tile = wsEdgeTile(ws);
  const tab = wsConvTable(ws);
  const scratch = tab + ((<usize>GEMM_KC) << 2);
  const ow = load<i32>(g, 52);
  const sh = load<i32>(g, 24);
  const PW = (ow - 1) * load<i32>(g, 28) + (load<i32>(g, 20) - 1) * load<i32>(g, 44) + 1;
  const rowsIn = (load<i32>(g, 16) - 1) * load<i32>(g, 40) + 1;
  // the packed weight of K panel pc starts at ap + pc * O4 * 16 (panels of kc * O4 splatted
  // floats, O rounded up to whole 4-row slivers)
  const O4 = (O + 3) & ~3;
  const packOnce = O <= GEMM_MC && O4 * K <= GEMM_MC * GEMM_KC;
  if (packOnce) {
    for (let pc = 0; pc < K; pc += GEMM_KC) {
      const kc = K - pc < GEMM_KC ? K - pc : GEMM_KC;
      packA(O, kc, w + <usize>((<isize>pc * csw) << 2), rsw, csw, ap + ((<usize>pc * <usize>O4) << 4));
    }
  }
  for (let it = start; it < end; it++) {
    const b = it / items;
    const jc = (it % items) * CONV_NC;
    const nc = L - jc < CONV_NC ? L - jc : CONV_NC;
    const c = out + ((<usize>b * <usize>O * <usize>L + <usize>jc) << 2);
    // the input rows this item reads, zero-padded, when they fit the scratch region
    const oy0 = jc / ow;
    const R = ((jc + nc - 1) / ow - oy0) * sh + rowsIn;
    const padded = <i64>C * <i64>R * <i64>PW <= <i64>(GEMM_KC * CONV_NC);
    if (padded) padRowsF32(g, x, b, oy0, R, PW, scratch);
    for (let pc = 0; pc < K; pc += GEMM_KC) {
      const kc = K - pc < GEMM_KC ? K - pc : GEMM_KC;
      if (padded) {
        packIm2colPaddedF32(g, scratch, oy0, R, PW, pc, kc, jc, nc, bp, tab);
      } else {
        im2colTileF32(g, x, b, pc, kc, jc, nc, scratch);
        packB(kc, nc, scratch, nc, 1, bp);
      }
      const wk = w + <usize>((<isize>pc * csw) << 2);
      if (packOnce) panelProduct(kc, nc, wk, rsw, csw, bp, c, L, 0, O, pc > 0, ap + ((<usize>pc * <usize>O4) << 4), tile, true);
      else panelProduct(kc, nc, wk, rsw, csw, bp, c, L, 0, O, pc > 0, ap, tile, false);
    }
    if (bias != 0) {
      for (let o = 0; o < O; o++) {
        const bv = f32x4.splat(load<f32>(bias + <usize>((<isize>o * sbias) << 2)));
        const row = c + ((<usize>o * <usize>L) << 2);
        let q = 0;
        for (; q + 4 <= nc; q += 4) {
          const d = row + ((<usize>q) << 2);
          v128.store(d, f32x4.add(v128.load(d), bv));
        }
        for (; q < nc; q++) {
          const d = row + ((<usize>q) << 2);
          store<f32>(d, load<f32>(d) + f32x4.extract_lane(bv, 0));
        }
      }
    }
  }
}
