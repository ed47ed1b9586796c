// 'copy': a strided source into a strided destination of the same shape, converting dtype.
import { DT_BOOL, DT_F32, DT_F64, DT_I32, lastStride, walkAdvance, walkInit, walkPtr, walkRowLen } from './common';

@inline function conv<TO, TI>(x: TI): TO {
  if (sizeof<TO>() == 1 && !isFloat<TO>()) {
    // to bool: nonzero (NaN counts as true)
    if (isFloat<TI>()) return <TO>(x != 0 ? 1 : 0);
    return <TO>(x != 0 ? 1 : 0);
  }
  if (isInteger<TO>() && isFloat<TI>()) {
    // float -> int32 truncates toward zero (nontrapping-f2i: NaN -> 0, out of range saturates)
    return <TO>x;
  }
  return <TO>x;
}

@inline function rowCopy<TO, TI>(n: i32, po: usize, so: isize, pi: usize, si: isize): void {
  if (sizeof<TO>() == sizeof<TI>() && isFloat<TO>() == isFloat<TI>()) {
    if (so == sizeof<TO>() && si == sizeof<TI>()) {
      memory.copy(po, pi, <usize>n * sizeof<TO>());
      return;
    }
    if (so == sizeof<TO>() && si == 0) {
      const v = load<TI>(pi);
      for (let i = 0; i < n; i++) store<TO>(po + <usize>i * sizeof<TO>(), <TO>v);
      return;
    }
    for (let i = 0; i < n; i++) {
      store<TI>(po, load<TI>(pi));
      po += so;
      pi += si;
    }
    return;
  }
  if (sizeof<TO>() == 4 && sizeof<TI>() == 4 && so == 4 && si == 4) {
    // f32 <-> i32 contiguous: vector conversion
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const v = v128.load(pi);
      if (isFloat<TO>()) v128.store(po, f32x4.convert_i32x4_s(v));
      else v128.store(po, i32x4.trunc_sat_f32x4_s(v));
      po += 16;
      pi += 16;
    }
    for (; i < n; i++) {
      store<TO>(po, conv<TO, TI>(load<TI>(pi)));
      po += 4;
      pi += 4;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    store<TO>(po, conv<TO, TI>(load<TI>(pi)));
    po += so;
    pi += si;
  }
}

function walkCopy<TO, TI>(desc: usize, tmp: usize, start: i32, end: i32): void {
  walkInit(desc, tmp, start);
  const so = lastStride(desc, 0);
  const si = lastStride(desc, 1);
  let left = end - start;
  while (left > 0) {
    const len = walkRowLen(desc, tmp, left);
    rowCopy<TO, TI>(len, walkPtr(tmp, 0), so, walkPtr(tmp, 1), si);
    left -= len;
    if (left > 0) walkAdvance(desc, tmp, len);
  }
}

@inline function copyFrom<TI>(tout: i32, desc: usize, tmp: usize, start: i32, end: i32): void {
  if (tout == DT_F32) walkCopy<f32, TI>(desc, tmp, start, end);
  else if (tout == DT_F64) walkCopy<f64, TI>(desc, tmp, start, end);
  else if (tout == DT_I32) walkCopy<i32, TI>(desc, tmp, start, end);
  else walkCopy<u8, TI>(desc, tmp, start, end);
}

export function copy(tin: i32, tout: i32, desc: usize, tmp: usize, start: i32, end: i32): void {
  if (tin == DT_F32) copyFrom<f32>(tout, desc, tmp, start, end);
  else if (tin == DT_F64) copyFrom<f64>(tout, desc, tmp, start, end);
  else if (tin == DT_I32) copyFrom<i32>(tout, desc, tmp, start, end);
  else copyFrom<u8>(tout, desc, tmp, start, end);
}

/**
 * 2-d float32/int32 transpose-copy in 4x4 SIMD blocks: dst[i, j] = src[i, j] where dst is
 * row-major contiguous (rows x cols) and src has element strides (rs, cs) with rs == 1.
 */
export function transpose32(rows: i32, cols: i32, dst: usize, src: usize, cs: i32): void {
  // src element (i, j) at src + (i + j * cs) * 4: column j of dst is contiguous in src.
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const s = src + ((<usize>i + <usize>j * <usize>cs) << 2);
      const c0 = v128.load(s);
      const c1 = v128.load(s + ((<usize>cs) << 2));
      const c2 = v128.load(s + ((<usize>cs * 2) << 2));
      const c3 = v128.load(s + ((<usize>cs * 3) << 2));
      const t0 = v128.shuffle<i32>(c0, c1, 0, 4, 1, 5);
      const t1 = v128.shuffle<i32>(c2, c3, 0, 4, 1, 5);
      const t2 = v128.shuffle<i32>(c0, c1, 2, 6, 3, 7);
      const t3 = v128.shuffle<i32>(c2, c3, 2, 6, 3, 7);
      const d = dst + ((<usize>i * <usize>cols + <usize>j) << 2);
      const rb = (<usize>cols) << 2;
      v128.store(d, v128.shuffle<i64>(t0, t1, 0, 2));
      v128.store(d + rb, v128.shuffle<i64>(t0, t1, 1, 3));
      v128.store(d + 2 * rb, v128.shuffle<i64>(t2, t3, 0, 2));
      v128.store(d + 3 * rb, v128.shuffle<i64>(t2, t3, 1, 3));
    }
    for (; j < cols; j++)
      for (let r = 0; r < 4; r++)
        store<i32>(dst + ((<usize>(i + r) * <usize>cols + <usize>j) << 2), load<i32>(src + ((<usize>(i + r) + <usize>j * <usize>cs) << 2)));
  }
  for (; i < rows; i++)
    for (let j = 0; j < cols; j++)
      store<i32>(dst + ((<usize>i * <usize>cols + <usize>j) << 2), load<i32>(src + ((<usize>i + <usize>j * <usize>cs) << 2)));
}

