// softmax / logSoftmax along one dim, im2col / col2im (convolution as GEMM) and 2-d max pooling.
import { DT_F32, DT_F64 } from './common';
import { vexp } from './vmath';

// ---------------------------------------------------------------- softmax

// desc (i32): [nk, kshape[nk], kstrideIn[nk] (bytes), kstrideOut[nk] (bytes), L, sIn, sOut]
@inline function lineOffsets(desc: usize, o: i32, out: bool): isize {
  const nk = load<i32>(desc);
  let off: isize = 0;
  for (let d = nk - 1; d >= 0; d--) {
    const sh = load<i32>(desc + ((<usize>(1 + d)) << 2));
    const st = <isize>load<i32>(desc + ((<usize>(1 + (out ? 2 : 1) * nk + d)) << 2));
    off += <isize>(o % sh) * st;
    o = o / sh;
  }
  return off;
}

@inline function hmaxNaN(v: v128): f32 {
  const s = f32x4.max(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.max(s, v128.shuffle<f32>(s, s, 1, 0, 3, 2)), 0);
}

function softmaxLineF32(log: bool, L: i32, x: usize, o: usize): void {
  // max (NaN-propagating)
  let mv = f32x4.splat(-Infinity);
  let i = 0;
  for (; i + 4 <= L; i += 4) mv = f32x4.max(mv, v128.load(x + ((<usize>i) << 2)));
  let m = hmaxNaN(mv);
  for (; i < L; i++) {
    const v = load<f32>(x + ((<usize>i) << 2));
    m = v != v || m != m ? NaN : v > m ? v : m;
  }
  const M = f32x4.splat(m);
  let sv = f32x4.splat(0);
  let s: f32 = 0;
  i = 0;
  for (; i + 4 <= L; i += 4) {
    const e = vexp(f32x4.sub(v128.load(x + ((<usize>i) << 2)), M));
    if (!log) v128.store(o + ((<usize>i) << 2), e);
    sv = f32x4.add(sv, e);
  }
  for (; i < L; i++) {
    const e = f32x4.extract_lane(vexp(f32x4.splat(load<f32>(x + ((<usize>i) << 2)) - m)), 0);
    if (!log) store<f32>(o + ((<usize>i) << 2), e);
    s += e;
  }
  s += f32x4.extract_lane(sv, 0) + f32x4.extract_lane(sv, 1) + f32x4.extract_lane(sv, 2) + f32x4.extract_lane(sv, 3);
  i = 0;
  if (log) {
    const c = f32x4.splat(m + <f32>Math.log(<f64>s));
    for (; i + 4 <= L; i += 4) v128.store(o + ((<usize>i) << 2), f32x4.sub(v128.load(x + ((<usize>i) << 2)), c));
    const cs = f32x4.extract_lane(c, 0);
    for (; i < L; i++) store<f32>(o + ((<usize>i) << 2), load<f32>(x + ((<usize>i) << 2)) - cs);
  } else {
    const inv = f32x4.splat(1 / s);
    for (; i + 4 <= L; i += 4) v128.store(o + ((<usize>i) << 2), f32x4.mul(v128.load(o + ((<usize>i) << 2)), inv));
    const is = f32x4.extract_lane(inv, 0);
    for (; i < L; i++) store<f32>(o + ((<usize>i) << 2), load<f32>(o + ((<usize>i) << 2)) * is);
  }
}

@inline function ldf(dt: i32, p: usize): f64 {
  return dt == DT_F64 ? load<f64>(p) : <f64>load<f32>(p);
}
@inline function stf(dt: i32, p: usize, v: f64): void {
  if (dt == DT_F64) store<f64>(p, v);
  else store<f32>(p, <f32>v);
}

/** Strided lines (or float64): scalar, float64 arithmetic. */
function softmaxLineScalar(dt: i32, log: bool, L: i32, x: usize, sx: isize, o: usize, so: isize): void {
  let m: f64 = -Infinity;
  for (let i = 0; i < L; i++) {
    const v = ldf(dt, x + <usize>(<isize>i * sx));
    if (v > m || v != v) m = v;
    if (v != v) break;
  }
  let s: f64 = 0;
  for (let i = 0; i < L; i++) {
    const e = Math.exp(ldf(dt, x + <usize>(<isize>i * sx)) - m);
    if (!log) stf(dt, o + <usize>(<isize>i * so), e);
    s += e;
  }
  if (log) {
    const ls = Math.log(s);
    for (let i = 0; i < L; i++) stf(dt, o + <usize>(<isize>i * so), ldf(dt, x + <usize>(<isize>i * sx)) - m - ls);
  } else {
    const inv = 1.0 / s;
    for (let i = 0; i < L; i++) {
      const p = o + <usize>(<isize>i * so);
      stf(dt, p, (dt == DT_F64 ? load<f64>(p) : <f64>load<f32>(p)) * inv);
    }
  }
}

/** softmax (log = 0) or logSoftmax (log = 1) of lines [start, end). */
export function softmax(log: i32, dt: i32, desc: usize, inBase: usize, outBase: usize, start: i32, end: i32): void {
  const nk = load<i32>(desc);
  const L = load<i32>(desc + ((<usize>(1 + 3 * nk)) << 2));
  const sIn = <isize>load<i32>(desc + ((<usize>(2 + 3 * nk)) << 2));
  const sOut = <isize>load<i32>(desc + ((<usize>(3 + 3 * nk)) << 2));
  for (let o = start; o < end; o++) {
    const x = inBase + <usize>lineOffsets(desc, o, false);
    const y = outBase + <usize>lineOffsets(desc, o, true);
    if (dt == DT_F32 && sIn == 4 && sOut == 4) softmaxLineF32(log != 0, L, x, y);
    else softmaxLineScalar(dt, log != 0, L, x, sIn, y, sOut);
  }
}

// ---------------------------------------------------------------- im2col / col2im / max pooling

// geometry block (i32 words at g): N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow,
// x strides (elements) sn, sc, sy, sx
@inline function G(g: usize, i: i32): i32 {
  return load<i32>(g + ((<usize>i) << 2));
}

@inline function im2colPlane<T>(g: usize, x: usize, out: usize, b: i32, ch: i32, pad: T): void {
  const C = G(g, 1);
  const H = G(g, 2);
  const W = G(g, 3);
  const kh = G(g, 4);
  const kw = G(g, 5);
  const sh = G(g, 6);
  const sw = G(g, 7);
  const ph = G(g, 8);
  const pw = G(g, 9);
  const dh = G(g, 10);
  const dw = G(g, 11);
  const oh = G(g, 12);
  const ow = G(g, 13);
  const sn = <isize>G(g, 14);
  const sc = <isize>G(g, 15);
  const sy = <isize>G(g, 16);
  const sx = <isize>G(g, 17);
  const esz = <usize>sizeof<T>();
  const base = x + <usize>((<isize>b * sn + <isize>ch * sc) * <isize>esz);
  let o = out + <usize>((<isize>(b * C + ch) * <isize>(kh * kw) * <isize>(oh * ow)) * <isize>esz);
  for (let ki = 0; ki < kh; ki++) {
    for (let kj = 0; kj < kw; kj++) {
      const xoff = kj * dw - pw;
      for (let oy = 0; oy < oh; oy++) {
        const iy = oy * sh - ph + ki * dh;
        if (iy < 0 || iy >= H) {
          for (let ox = 0; ox < ow; ox++) store<T>(o + <usize>ox * esz, pad);
          o += <usize>ow * esz;
          continue;
        }
        const row = base + <usize>(<isize>iy * sy * <isize>esz);
        if (sw == 1 && sx == 1) {
          // interior run copied as a block, edges padded
          let lo = -xoff;
          if (lo < 0) lo = 0;
          if (lo > ow) lo = ow;
          let hi = W - xoff;
          if (hi > ow) hi = ow;
          if (hi < lo) hi = lo;
          for (let ox = 0; ox < lo; ox++) store<T>(o + <usize>ox * esz, pad);
          if (hi > lo) memory.copy(o + <usize>lo * esz, row + <usize>(<isize>(lo + xoff) * <isize>esz), <usize>(hi - lo) * esz);
          for (let ox = hi; ox < ow; ox++) store<T>(o + <usize>ox * esz, pad);
        } else {
          for (let ox = 0; ox < ow; ox++) {
            const ix = ox * sw + xoff;
            store<T>(o + <usize>ox * esz, ix >= 0 && ix < W ? load<T>(row + <usize>(<isize>ix * sx * <isize>esz)) : pad);
          }
        }
        o += <usize>ow * esz;
      }
    }
  }
}

/** im2col over planes [start, end) of N*C; out [N, C*kh*kw, oh*ow] contiguous. */
export function im2col(dt: i32, g: usize, x: usize, out: usize, pad: f64, start: i32, end: i32): void {
  const C = G(g, 1);
  for (let p = start; p < end; p++) {
    const b = p / C;
    const ch = p % C;
    if (dt == DT_F64) im2colPlane<f64>(g, x, out, b, ch, pad);
    else if (dt == DT_F32) im2colPlane<f32>(g, x, out, b, ch, <f32>pad);
    else im2colPlane<i32>(g, x, out, b, ch, <i32>pad);
  }
}

@inline function col2imPlane<T>(g: usize, cols: usize, out: usize, b: i32, ch: i32): void {
  // here the x-stride slots hold the cols strides: sn, sr (rows), sl (columns)
  const C = G(g, 1);
  const H = G(g, 2);
  const W = G(g, 3);
  const kh = G(g, 4);
  const kw = G(g, 5);
  const sh = G(g, 6);
  const sw = G(g, 7);
  const ph = G(g, 8);
  const pw = G(g, 9);
  const dh = G(g, 10);
  const dw = G(g, 11);
  const oh = G(g, 12);
  const ow = G(g, 13);
  const sn = <isize>G(g, 14);
  const sr = <isize>G(g, 15);
  const sl = <isize>G(g, 16);
  const esz = <isize>sizeof<T>();
  const obase = out + <usize>(<isize>(b * C + ch) * <isize>(H * W) * esz);
  for (let ki = 0; ki < kh; ki++) {
    for (let kj = 0; kj < kw; kj++) {
      const row = (ch * kh + ki) * kw + kj;
      let p = cols + <usize>((<isize>b * sn + <isize>row * sr) * esz);
      for (let oy = 0; oy < oh; oy++) {
        const iy = oy * sh - ph + ki * dh;
        if (iy < 0 || iy >= H) {
          p += <usize>(<isize>ow * sl * esz);
          continue;
        }
        const rb = obase + <usize>(<isize>(iy * W) * esz);
        for (let ox = 0; ox < ow; ox++) {
          const ix = ox * sw - pw + kj * dw;
          if (ix >= 0 && ix < W) {
            const d = rb + <usize>(<isize>ix * esz);
            store<T>(d, load<T>(d) + load<T>(p));
          }
          p += <usize>(sl * esz);
        }
      }
    }
  }
}

/** col2im over planes [start, end) of N*C into a zero-filled out [N, C, H, W]. */
export function col2im(dt: i32, g: usize, cols: usize, out: usize, start: i32, end: i32): void {
  const C = G(g, 1);
  for (let p = start; p < end; p++) {
    const b = p / C;
    const ch = p % C;
    if (dt == DT_F64) col2imPlane<f64>(g, cols, out, b, ch);
    else if (dt == DT_F32) col2imPlane<f32>(g, cols, out, b, ch);
    else col2imPlane<i32>(g, cols, out, b, ch);
  }
}

@inline function ldv<T>(p: usize): f64 {
  return <f64>load<T>(p);
}

@inline function poolPlane<T>(g: usize, x: usize, vals: usize, idx: usize, b: i32, ch: i32): void {
  const C = G(g, 1);
  const H = G(g, 2);
  const W = G(g, 3);
  const kh = G(g, 4);
  const kw = G(g, 5);
  const sh = G(g, 6);
  const sw = G(g, 7);
  const ph = G(g, 8);
  const pw = G(g, 9);
  const dh = G(g, 10);
  const dw = G(g, 11);
  const oh = G(g, 12);
  const ow = G(g, 13);
  const sn = <isize>G(g, 14);
  const sc = <isize>G(g, 15);
  const sy = <isize>G(g, 16);
  const sx = <isize>G(g, 17);
  const esz = <isize>sizeof<T>();
  const base = x + <usize>((<isize>b * sn + <isize>ch * sc) * esz);
  let o = (b * C + ch) * oh * ow;
  for (let oy = 0; oy < oh; oy++) {
    const y0 = oy * sh - ph;
    for (let ox = 0; ox < ow; ox++, o++) {
      const x0 = ox * sw - pw;
      let best: f64 = -Infinity;
      let bi = -1;
      for (let ki = 0; ki < kh; ki++) {
        const y = y0 + ki * dh;
        if (y < 0 || y >= H) continue;
        for (let kj = 0; kj < kw; kj++) {
          const xx = x0 + kj * dw;
          if (xx < 0 || xx >= W) continue;
          const v = ldv<T>(base + <usize>((<isize>y * sy + <isize>xx * sx) * esz));
          if (bi < 0 || v > best || v != v) {
            best = v;
            bi = y * W + xx;
            if (v != v) break;
          }
        }
        if (best != best) break;
      }
      store<T>(vals + <usize>(<isize>o * esz), <T>best);
      store<i32>(idx + ((<usize>o) << 2), bi);
    }
  }
}

/** 2-d max pooling over planes [start, end): values (x's dtype) and int32 flat argmax indices. */
export function maxPool2d(dt: i32, g: usize, x: usize, vals: usize, idx: usize, start: i32, end: i32): void {
  const C = G(g, 1);
  for (let p = start; p < end; p++) {
    const b = p / C;
    const ch = p % C;
    if (dt == DT_F64) poolPlane<f64>(g, x, vals, idx, b, ch);
    else if (dt == DT_F32) poolPlane<f32>(g, x, vals, idx, b, ch);
    else poolPlane<i32>(g, x, vals, idx, b, ch);
  }
}

/**
 * max_pool2d_backward over planes [start, end): g [N, C, oh, ow] (strided) added into the
 * zero-filled out [N, C, H, W] at the flat argmax indices idx (int32, strided).
 * desc (i32): [N, C, oh, ow, g strides x4, idx strides x4 (elements), H*W]
 */
export function maxPool2dBackward(dt: i32, d: usize, g: usize, idx: usize, out: usize, start: i32, end: i32): void {
  const C = G(d, 1);
  const oh = G(d, 2);
  const ow = G(d, 3);
  const gs0 = <isize>G(d, 4);
  const gs1 = <isize>G(d, 5);
  const gs2 = <isize>G(d, 6);
  const gs3 = <isize>G(d, 7);
  const is0 = <isize>G(d, 8);
  const is1 = <isize>G(d, 9);
  const is2 = <isize>G(d, 10);
  const is3 = <isize>G(d, 11);
  const plane = G(d, 12);
  const esz: isize = dt == DT_F64 ? 8 : 4;
  for (let p = start; p < end; p++) {
    const b = p / C;
    const ch = p % C;
    const ob = out + <usize>(<isize>p * <isize>plane * esz);
    for (let y = 0; y < oh; y++) {
      let gp = <isize>b * gs0 + <isize>ch * gs1 + <isize>y * gs2;
      let ip = <isize>b * is0 + <isize>ch * is1 + <isize>y * is2;
      for (let x = 0; x < ow; x++) {
        const i = <isize>load<i32>(idx + <usize>(ip << 2));
        const dst = ob + <usize>(i * esz);
        if (dt == DT_F64) store<f64>(dst, load<f64>(dst) + load<f64>(g + <usize>(gp << 3)));
        else store<f32>(dst, load<f32>(dst) + load<f32>(g + <usize>(gp << 2)));
        gp += gs3;
        ip += is3;
      }
    }
  }
}
