// Reductions over a sub-space of the input, one output element per kept position.
//
// Descriptor (i32 words): [nk, nr, kshape[nk], kstride[nk], rshape[nr], rstride[nr]] with input
// byte strides. Outputs are contiguous in kept order. Two strategies:
//  - horizontal: per output, walk the reduced sub-space (SIMD along a contiguous innermost dim);
//  - vertical (float32 sum/mean/max/min when the innermost kept dim is contiguous and the reduced
//    dims are not): accumulate 4-wide vectors of neighbouring outputs over the reduced sub-space.
import { DT_BOOL, DT_F32, DT_F64, DT_I32, ld4, ldn } from './common';

export const R_SUM: i32 = 0;
export const R_PROD: i32 = 1;
export const R_MAX: i32 = 2;
export const R_MIN: i32 = 3;
export const R_MEAN: i32 = 4;
export const R_ARGMAX: i32 = 5;
export const R_ARGMIN: i32 = 6;
export const R_ANY: i32 = 7;
export const R_ALL: i32 = 8;
export const R_LOGSUMEXP: i32 = 9;
export const R_SUMSQ: i32 = 10;
export const R_NORM2: i32 = 11;
export const R_ABSSUM: i32 = 12;
export const R_VAR: i32 = 13; // p0 = correction
export const R_STD: i32 = 14; // p0 = correction
export const R_COUNT: i32 = 15; // count of non-zeros (int32 output)
export const R_NORM: i32 = 16; // p0 = p (any p, including 0 and +-Infinity)

const KIDX: usize = 256; // kept counters in tmp

@inline function nk(desc: usize): i32 {
  return load<i32>(desc);
}
@inline function nr(desc: usize): i32 {
  return load<i32>(desc, 4);
}
@inline function kshape(desc: usize, d: i32): i32 {
  return load<i32>(desc + ((<usize>(2 + d)) << 2));
}
@inline function kstride(desc: usize, d: i32): isize {
  return load<i32>(desc + ((<usize>(2 + nk(desc) + d)) << 2));
}
@inline function rshape(desc: usize, d: i32): i32 {
  return load<i32>(desc + ((<usize>(2 + 2 * nk(desc) + d)) << 2));
}
@inline function rstride(desc: usize, d: i32): isize {
  return load<i32>(desc + ((<usize>(2 + 2 * nk(desc) + nr(desc) + d)) << 2));
}

function kInit(desc: usize, tmp: usize, o: i32): isize {
  let off: isize = 0;
  let rem = o;
  for (let d = nk(desc) - 1; d >= 0; d--) {
    const sh = kshape(desc, d);
    const i = rem % sh;
    rem = rem / sh;
    store<i32>(tmp + KIDX + ((<usize>d) << 2), i);
    off += <isize>i * kstride(desc, d);
  }
  return off;
}

function kNext(desc: usize, tmp: usize, off: isize): isize {
  for (let d = nk(desc) - 1; d >= 0; d--) {
    const ip = tmp + KIDX + ((<usize>d) << 2);
    const i = load<i32>(ip) + 1;
    const sh = kshape(desc, d);
    if (i < sh) {
      store<i32>(ip, i);
      return off + kstride(desc, d);
    }
    store<i32>(ip, 0);
    off -= <isize>(sh - 1) * kstride(desc, d);
  }
  return off;
}

/** Byte offset of reduced row r (all reduced dims but the innermost, row-major). */
@inline function rowOffset(desc: usize, r: i32): isize {
  let off: isize = 0;
  for (let d = nr(desc) - 2; d >= 0; d--) {
    const sh = rshape(desc, d);
    off += <isize>(r % sh) * rstride(desc, d);
    r = r / sh;
  }
  return off;
}

@inline function numRows(desc: usize): i32 {
  let n = 1;
  for (let d = 0; d < nr(desc) - 1; d++) n *= rshape(desc, d);
  return n;
}

@inline function redCount(desc: usize): i32 {
  let n = 1;
  for (let d = 0; d < nr(desc); d++) n *= rshape(desc, d);
  return n;
}

@inline function hsum(v: v128): f32 {
  const s = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.add(s, v128.shuffle<f32>(s, s, 1, 0, 3, 2)), 0);
}
@inline function hmax(v: v128): f32 {
  const s = f32x4.max(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.max(s, v128.shuffle<f32>(s, s, 1, 0, 3, 2)), 0);
}
@inline function hmin(v: v128): f32 {
  const s = f32x4.min(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.min(s, v128.shuffle<f32>(s, s, 1, 0, 3, 2)), 0);
}

@inline function maxNaN(a: f32, b: f32): f32 {
  return a != a || b != b ? NaN : a > b ? a : b;
}
@inline function minNaN(a: f32, b: f32): f32 {
  return a != a || b != b ? NaN : a < b ? a : b;
}

/** float32 sum (kind 0), max (1), min (2) or sum of squares (3) over the reduced sub-space at p. */
@inline function redF32(kind: i32, desc: usize, p: usize): f32 {
  const rows = numRows(desc);
  const L = rshape(desc, nr(desc) - 1);
  const rs = rstride(desc, nr(desc) - 1);
  const init: f32 = kind == 1 ? -Infinity : kind == 2 ? Infinity : 0;
  let a0 = f32x4.splat(init);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  let s: f32 = init;
  for (let r = 0; r < rows; r++) {
    let q = p + <usize>rowOffset(desc, r);
    let i = 0;
    if (rs == 4) {
      for (; i + 16 <= L; i += 16) {
        let v0 = v128.load(q);
        let v1 = v128.load(q, 16);
        let v2 = v128.load(q, 32);
        let v3 = v128.load(q, 48);
        if (kind == 0 || kind == 3) {
          if (kind == 3) {
            v0 = f32x4.mul(v0, v0);
            v1 = f32x4.mul(v1, v1);
            v2 = f32x4.mul(v2, v2);
            v3 = f32x4.mul(v3, v3);
          }
          a0 = f32x4.add(a0, v0);
          a1 = f32x4.add(a1, v1);
          a2 = f32x4.add(a2, v2);
          a3 = f32x4.add(a3, v3);
        } else if (kind == 1) {
          a0 = f32x4.max(a0, v0);
          a1 = f32x4.max(a1, v1);
          a2 = f32x4.max(a2, v2);
          a3 = f32x4.max(a3, v3);
        } else {
          a0 = f32x4.min(a0, v0);
          a1 = f32x4.min(a1, v1);
          a2 = f32x4.min(a2, v2);
          a3 = f32x4.min(a3, v3);
        }
        q += 64;
      }
      for (; i + 4 <= L; i += 4) {
        let v0 = v128.load(q);
        if (kind == 0) a0 = f32x4.add(a0, v0);
        else if (kind == 3) a0 = f32x4.add(a0, f32x4.mul(v0, v0));
        else if (kind == 1) a0 = f32x4.max(a0, v0);
        else a0 = f32x4.min(a0, v0);
        q += 16;
      }
    }
    for (; i < L; i++) {
      const v = load<f32>(q);
      if (kind == 0) s += v;
      else if (kind == 3) s += v * v;
      else if (kind == 1) s = maxNaN(s, v);
      else s = minNaN(s, v);
      q += rs;
    }
  }
  if (kind == 0 || kind == 3) return hsum(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3))) + s;
  if (kind == 1) return maxNaN(hmax(f32x4.max(f32x4.max(a0, a1), f32x4.max(a2, a3))), s);
  return minNaN(hmin(f32x4.min(f32x4.min(a0, a1), f32x4.min(a2, a3))), s);
}

@inline function ldf<T>(p: usize): f64 {
  if (isFloat<T>()) return <f64>load<T>(p);
  if (sizeof<T>() == 1) return <f64>load<u8>(p);
  return <f64>load<i32>(p);
}

/** Generic scalar reduction in float64 (int64 for integer sums and products). */
@inline function redScalar<T>(op: i32, desc: usize, p: usize, p0: f64): f64 {
  const rows = numRows(desc);
  const L = rshape(desc, nr(desc) - 1);
  const rs = rstride(desc, nr(desc) - 1);
  const intAcc = !isFloat<T>() && (op == R_SUM || op == R_PROD);
  let acc: f64 =
    op == R_PROD || op == R_ALL ? 1 : op == R_MAX || op == R_ARGMAX ? -Infinity : op == R_MIN || op == R_ARGMIN ? Infinity : 0;
  if (op == R_NORM && p0 == -Infinity) acc = Infinity;
  let iacc: i64 = op == R_PROD ? 1 : 0;
  let best = -1;
  let k = 0;
  let shift: f64 = 0;
  let nan = false;
  if (op == R_LOGSUMEXP || op == R_VAR || op == R_STD) {
    // first pass: the max (logsumexp) or the mean (var/std)
    let m: f64 = op == R_LOGSUMEXP ? -Infinity : 0;
    for (let r = 0; r < rows; r++) {
      let q = p + <usize>rowOffset(desc, r);
      for (let i = 0; i < L; i++) {
        const v = ldf<T>(q);
        if (op == R_LOGSUMEXP) {
          if (v > m) m = v;
          else if (v != v) nan = true;
        } else m += v;
        q += rs;
      }
    }
    if (op == R_LOGSUMEXP) {
      if (nan) return NaN;
      shift = m - m == 0 ? m : 0;
    } else shift = m / <f64>(rows * L);
  }
  for (let r = 0; r < rows; r++) {
    let q = p + <usize>rowOffset(desc, r);
    for (let i = 0; i < L; i++) {
      if (intAcc) {
        const v = <i64>load<i32>(q);
        if (op == R_SUM) iacc += v;
        else iacc *= v;
      } else {
        const v = ldf<T>(q);
        switch (op) {
          case R_SUM:
          case R_MEAN:
            acc += v;
            break;
          case R_PROD:
            acc *= v;
            break;
          case R_MAX:
            acc = v != v || acc != acc ? NaN : v > acc ? v : acc;
            break;
          case R_MIN:
            acc = v != v || acc != acc ? NaN : v < acc ? v : acc;
            break;
          case R_ARGMAX:
            if (best < 0 || (acc == acc && (v > acc || v != v))) {
              acc = v;
              best = k;
            }
            break;
          case R_ARGMIN:
            if (best < 0 || (acc == acc && (v < acc || v != v))) {
              acc = v;
              best = k;
            }
            break;
          case R_ANY:
            if (v != 0) acc = 1;
            break;
          case R_ALL:
            if (v == 0) acc = 0;
            break;
          case R_COUNT:
            if (v != 0) acc += 1;
            break;
          case R_LOGSUMEXP:
            acc += Math.exp(v - shift);
            break;
          case R_VAR:
          case R_STD: {
            const d = v - shift;
            acc += d * d;
            break;
          }
          case R_SUMSQ:
          case R_NORM2:
            acc += v * v;
            break;
          case R_ABSSUM:
            acc += Math.abs(v);
            break;
          case R_NORM: {
            const a = Math.abs(v);
            if (a != a) nan = true;
            else if (p0 == 2) acc += a * a;
            else if (p0 == 1) acc += a;
            else if (p0 == Infinity) acc = Math.max(acc, a);
            else if (p0 == -Infinity) acc = Math.min(acc, a);
            else if (p0 == 0) acc += a != 0 ? 1 : 0;
            else acc += Math.pow(a, p0);
            break;
          }
        }
      }
      k++;
      q += rs;
    }
  }
  if (intAcc) return <f64>(<i32>iacc);
  switch (op) {
    case R_ARGMAX:
    case R_ARGMIN:
      return <f64>(best < 0 ? 0 : best);
    case R_MEAN:
      return acc / <f64>k;
    case R_NORM2:
      return Math.sqrt(acc);
    case R_LOGSUMEXP:
      return Math.log(acc) + shift;
    case R_VAR:
    case R_STD: {
      const denom = Math.max(0, <f64>k - p0);
      const v = acc / denom;
      return op == R_STD ? Math.sqrt(v) : v;
    }
    case R_NORM:
      if (nan) return NaN;
      if (p0 == 2) return Math.sqrt(acc);
      if (p0 == 1 || p0 == 0 || p0 - p0 != 0) return acc;
      return Math.pow(acc, 1.0 / p0);
  }
  return acc;
}

@inline function stOut(tout: i32, p: usize, v: f64): void {
  if (tout == DT_F32) store<f32>(p, <f32>v);
  else if (tout == DT_F64) store<f64>(p, v);
  else if (tout == DT_I32) store<i32>(p, <i32>v);
  else store<u8>(p, v != 0 ? 1 : 0);
}

@inline function outSize(tout: i32): usize {
  return tout == DT_F64 ? 8 : tout == DT_BOOL ? 1 : 4;
}

function horizontal<T>(op: i32, tout: i32, desc: usize, tmp: usize, inBase: usize, outBase: usize, start: i32, end: i32, p0: f64): void {
  let off = kInit(desc, tmp, start);
  const osz = outSize(tout);
  const count = redCount(desc);
  for (let o = start; o < end; o++) {
    const p = inBase + <usize>off;
    let v: f64;
    if (isFloat<T>() && sizeof<T>() == 4 && (op == R_SUM || op == R_MEAN || op == R_MAX || op == R_MIN || op == R_SUMSQ || op == R_NORM2)) {
      const kind = op == R_MAX ? 1 : op == R_MIN ? 2 : op == R_SUMSQ || op == R_NORM2 ? 3 : 0;
      let f: f32 = redF32(kind, desc, p);
      if (op == R_MEAN) f = f / <f32>count;
      if (op == R_NORM2) f = Mathf.sqrt(f);
      v = <f64>f;
    } else {
      v = redScalar<T>(op, desc, p, p0);
    }
    stOut(tout, outBase + <usize>o * osz, v);
    if (o + 1 < end) off = kNext(desc, tmp, off);
  }
}

/** float32 vertical strategy: outputs along the contiguous innermost kept dim, 4 lanes at a time. */
function verticalF32(op: i32, desc: usize, tmp: usize, inBase: usize, outBase: usize, start: i32, end: i32): void {
  const last = nk(desc) - 1;
  const rowLen = kshape(desc, last);
  const rows = numRows(desc);
  const L = rshape(desc, nr(desc) - 1);
  const rs = rstride(desc, nr(desc) - 1);
  const count = redCount(desc);
  const init: f32 = op == R_MAX ? -Infinity : op == R_MIN ? Infinity : 0;
  let o = start;
  let off = kInit(desc, tmp, start);
  while (o < end) {
    const pos = load<i32>(tmp + KIDX + ((<usize>last) << 2));
    let m = rowLen - pos;
    if (m > end - o) m = end - o;
    if (m > 4) m = 4;
    let acc = f32x4.splat(init);
    const base = inBase + <usize>off;
    for (let r = 0; r < rows; r++) {
      let q = base + <usize>rowOffset(desc, r);
      for (let i = 0; i < L; i++) {
        const v = m == 4 ? ld4<f32>(q, 4) : ldn<f32>(q, 4, m);
        if (op == R_MAX) acc = f32x4.max(acc, v);
        else if (op == R_MIN) acc = f32x4.min(acc, v);
        else if (op == R_SUMSQ) acc = f32x4.add(acc, f32x4.mul(v, v));
        else acc = f32x4.add(acc, v);
        q += rs;
      }
    }
    if (op == R_MEAN) acc = f32x4.div(acc, f32x4.splat(<f32>count));
    const dst = outBase + ((<usize>o) << 2);
    if (m == 4) v128.store(dst, acc);
    else {
      v128.store32_lane(dst, acc, 0);
      if (m > 1) v128.store32_lane(dst + 4, acc, 1);
      if (m > 2) v128.store32_lane(dst + 8, acc, 2);
    }
    const o0 = o;
    o += m;
    for (let j = 1; j <= m; j++) if (o0 + j < end) off = kNext(desc, tmp, off);
  }
}

/**
 * Reduces the input described by `desc` into outputs [start, end). tin/tout are DT_ codes.
 */
export function reduce(op: i32, tin: i32, tout: i32, desc: usize, tmp: usize, inBase: usize, outBase: usize, start: i32, end: i32, p0: f64): void {
  if (start >= end) return;
  const n = nk(desc);
  if (
    tin == DT_F32 &&
    tout == DT_F32 &&
    n > 0 &&
    nr(desc) > 0 &&
    (op == R_SUM || op == R_MEAN || op == R_MAX || op == R_MIN || op == R_SUMSQ) &&
    kstride(desc, n - 1) == 4 &&
    kshape(desc, n - 1) >= 4 &&
    rstride(desc, nr(desc) - 1) != 4
  ) {
    verticalF32(op, desc, tmp, inBase, outBase, start, end);
    return;
  }
  if (tin == DT_F32) horizontal<f32>(op, tout, desc, tmp, inBase, outBase, start, end, p0);
  else if (tin == DT_F64) horizontal<f64>(op, tout, desc, tmp, inBase, outBase, start, end, p0);
  else if (tin == DT_I32) horizontal<i32>(op, tout, desc, tmp, inBase, outBase, start, end, p0);
  else horizontal<u8>(op, tout, desc, tmp, inBase, outBase, start, end, p0);
}
