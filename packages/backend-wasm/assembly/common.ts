// Shared helpers: dtype codes, strided 4-lane loads/stores and the N-d walker.
//
// Compute representations: float32 lanes are f32x4; int32 lanes are i32x4; bool (u8 in memory)
// is widened to i32x4 lanes holding 0/1. float64 is processed by scalar loops.

export const DT_F32: i32 = 0;
export const DT_F64: i32 = 1;
export const DT_I32: i32 = 2;
export const DT_BOOL: i32 = 3;

/** Four lanes starting at p with byte stride s (s == element size: contiguous; s == 0: splat). */
@inline export function ld4<T>(p: usize, s: isize): v128 {
  if (sizeof<T>() == 4) {
    if (s == 4) return v128.load(p);
    if (s == 0) return v128.load32_splat(p);
    let v = v128.load32_zero(p);
    v = v128.load32_lane(p + s, v, 1);
    v = v128.load32_lane(p + 2 * s, v, 2);
    return v128.load32_lane(p + 3 * s, v, 3);
  } else {
    // u8 -> i32 lanes
    if (s == 1) return i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(p)));
    if (s == 0) return i32x4.splat(<i32>load<u8>(p));
    let v = i32x4.splat(<i32>load<u8>(p));
    v = i32x4.replace_lane(v, 1, <i32>load<u8>(p + s));
    v = i32x4.replace_lane(v, 2, <i32>load<u8>(p + 2 * s));
    return i32x4.replace_lane(v, 3, <i32>load<u8>(p + 3 * s));
  }
}

/** The first m (< 4) lanes; the others are zero. */
@inline export function ldn<T>(p: usize, s: isize, m: i32): v128 {
  if (sizeof<T>() == 4) {
    let v = v128.load32_zero(p);
    if (m > 1) v = v128.load32_lane(p + s, v, 1);
    if (m > 2) v = v128.load32_lane(p + 2 * s, v, 2);
    return v;
  } else {
    let v = i32x4.splat(0);
    v = i32x4.replace_lane(v, 0, <i32>load<u8>(p));
    if (m > 1) v = i32x4.replace_lane(v, 1, <i32>load<u8>(p + s));
    if (m > 2) v = i32x4.replace_lane(v, 2, <i32>load<u8>(p + 2 * s));
    return v;
  }
}

/** i32x4 (0 / nonzero) -> 4 bytes of 0/1 in the low 32 bits. */
@inline export function toBytes(v: v128): v128 {
  const b = v128.and(v128.not(i32x4.eq(v, i32x4.splat(0))), i32x4.splat(1));
  const h = i16x8.narrow_i32x4_u(b, b);
  return i8x16.narrow_i16x8_u(h, h);
}

@inline export function st4<T>(p: usize, s: isize, v: v128): void {
  if (sizeof<T>() == 4) {
    if (s == 4) {
      v128.store(p, v);
      return;
    }
    v128.store32_lane(p, v, 0);
    v128.store32_lane(p + s, v, 1);
    v128.store32_lane(p + 2 * s, v, 2);
    v128.store32_lane(p + 3 * s, v, 3);
  } else {
    const b = toBytes(v);
    if (s == 1) {
      v128.store32_lane(p, b, 0);
      return;
    }
    v128.store8_lane(p, b, 0);
    v128.store8_lane(p + s, b, 1);
    v128.store8_lane(p + 2 * s, b, 2);
    v128.store8_lane(p + 3 * s, b, 3);
  }
}

@inline export function stn<T>(p: usize, s: isize, v: v128, m: i32): void {
  if (sizeof<T>() == 4) {
    v128.store32_lane(p, v, 0);
    if (m > 1) v128.store32_lane(p + s, v, 1);
    if (m > 2) v128.store32_lane(p + 2 * s, v, 2);
  } else {
    const b = toBytes(v);
    v128.store8_lane(p, b, 0);
    if (m > 1) v128.store8_lane(p + s, b, 1);
    if (m > 2) v128.store8_lane(p + 2 * s, b, 2);
  }
}

// ---------------------------------------------------------------- N-d walker
//
// A descriptor (i32 words) written by the JS side:
//   [0] nd (>= 1)   [1] nops   [2 .. 2+nd) shape
//   then per operand j (0 = output): base byte address, byte strides[nd]
// The per-thread tmp area holds the walker's counters (idx at tmp+128) and pointers (tmp+64).

@inline export function descNd(desc: usize): i32 {
  return load<i32>(desc);
}
@inline export function descShape(desc: usize, d: i32): i32 {
  return load<i32>(desc + ((<usize>(2 + d)) << 2));
}
@inline export function descBase(desc: usize, nd: i32, j: i32): usize {
  return <usize>load<u32>(desc + ((<usize>(2 + nd + j * (nd + 1))) << 2));
}
@inline export function descStride(desc: usize, nd: i32, j: i32, d: i32): isize {
  return <isize>load<i32>(desc + ((<usize>(3 + nd + j * (nd + 1) + d)) << 2));
}

/** Positions the walker at flat index `start`: fills idx and pointers in tmp. */
export function walkInit(desc: usize, tmp: usize, start: i32): void {
  const nd = descNd(desc);
  const nops = load<i32>(desc, 4);
  for (let j = 0; j < nops; j++) store<usize>(tmp + 64 + ((<usize>j) << 2), descBase(desc, nd, j));
  let rem = start;
  for (let d = nd - 1; d >= 0; d--) {
    const sh = descShape(desc, d);
    const i = rem % sh;
    rem = rem / sh;
    store<i32>(tmp + 128 + ((<usize>d) << 2), i);
    for (let j = 0; j < nops; j++) {
      const pp = tmp + 64 + ((<usize>j) << 2);
      store<usize>(pp, load<usize>(pp) + <usize>(<isize>i * descStride(desc, nd, j, d)));
    }
  }
}

/** Advances the walker by `len` elements along the last dim (len never crosses a row end). */
export function walkAdvance(desc: usize, tmp: usize, len: i32): void {
  const nd = descNd(desc);
  const nops = load<i32>(desc, 4);
  const last = nd - 1;
  const ip = tmp + 128 + ((<usize>last) << 2);
  const i = load<i32>(ip) + len;
  const sh = descShape(desc, last);
  if (i < sh) {
    store<i32>(ip, i);
    for (let j = 0; j < nops; j++) {
      const pp = tmp + 64 + ((<usize>j) << 2);
      store<usize>(pp, load<usize>(pp) + <usize>(<isize>len * descStride(desc, nd, j, last)));
    }
    return;
  }
  // Row finished: rewind the last dim and carry into outer dims.
  store<i32>(ip, 0);
  for (let j = 0; j < nops; j++) {
    const pp = tmp + 64 + ((<usize>j) << 2);
    store<usize>(pp, load<usize>(pp) + <usize>(<isize>(len - i) * descStride(desc, nd, j, last)));
  }
  for (let d = last - 1; d >= 0; d--) {
    const dp = tmp + 128 + ((<usize>d) << 2);
    const k = load<i32>(dp) + 1;
    const shd = descShape(desc, d);
    if (k < shd) {
      store<i32>(dp, k);
      for (let j = 0; j < nops; j++) {
        const pp = tmp + 64 + ((<usize>j) << 2);
        store<usize>(pp, load<usize>(pp) + <usize>descStride(desc, nd, j, d));
      }
      return;
    }
    store<i32>(dp, 0);
    for (let j = 0; j < nops; j++) {
      const pp = tmp + 64 + ((<usize>j) << 2);
      store<usize>(pp, load<usize>(pp) - <usize>(<isize>(shd - 1) * descStride(desc, nd, j, d)));
    }
  }
}

/** Length of the row segment starting at the walker's position, capped by `left`. */
@inline export function walkRowLen(desc: usize, tmp: usize, left: i32): i32 {
  const last = descNd(desc) - 1;
  const r = descShape(desc, last) - load<i32>(tmp + 128 + ((<usize>last) << 2));
  return r < left ? r : left;
}

@inline export function walkPtr(tmp: usize, j: i32): usize {
  return load<usize>(tmp + 64 + ((<usize>j) << 2));
}

@inline export function lastStride(desc: usize, j: i32): isize {
  const nd = descNd(desc);
  return descStride(desc, nd, j, nd - 1);
}
