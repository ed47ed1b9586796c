// Index-driven kernels: gather and scatter along one dim (walkers over the index's shape).
import { DT_BOOL, DT_F32, DT_F64, lastStride, walkAdvance, walkInit, walkPtr, walkRowLen } from './common';

@inline function copyElem(esz: i32, dst: usize, src: usize): void {
  if (esz == 4) store<i32>(dst, load<i32>(src));
  else if (esz == 8) store<i64>(dst, load<i64>(src));
  else store<u8>(dst, load<u8>(src));
}

/**
 * out[p] = x[p with p[dim] := index[p]]. Operands: 0 out, 1 x (stride of dim zeroed), 2 index
 * (int32). dimStride: x's byte stride along dim.
 */
export function gather(esz: i32, dimStride: i32, desc: usize, tmp: usize, start: i32, end: i32): void {
  walkInit(desc, tmp, start);
  const so = lastStride(desc, 0);
  const sx = lastStride(desc, 1);
  const si = lastStride(desc, 2);
  const ds = <isize>dimStride;
  let left = end - start;
  while (left > 0) {
    const len = walkRowLen(desc, tmp, left);
    let po = walkPtr(tmp, 0);
    let px = walkPtr(tmp, 1);
    let pi = walkPtr(tmp, 2);
    for (let i = 0; i < len; i++) {
      copyElem(esz, po, px + <usize>(<isize>load<i32>(pi) * ds));
      po += so;
      px += sx;
      pi += si;
    }
    left -= len;
    if (left > 0) walkAdvance(desc, tmp, len);
  }
}

@inline function addElem(dtype: i32, dst: usize, src: usize): void {
  if (dtype == DT_F32) store<f32>(dst, load<f32>(dst) + load<f32>(src));
  else if (dtype == DT_F64) store<f64>(dst, load<f64>(dst) + load<f64>(src));
  else if (dtype == DT_BOOL) store<u8>(dst, load<u8>(dst) | load<u8>(src));
  else store<i32>(dst, load<i32>(dst) + load<i32>(src));
}

/**
 * out[p with p[dim] := index[p]] = src[p] (add != 0: +=). Operands: 0 out (stride of dim zeroed),
 * 1 index (int32), 2 src. Walks the index's shape; not split across threads (writes collide).
 */
export function scatter(dtype: i32, esz: i32, add: i32, dimStride: i32, desc: usize, tmp: usize, start: i32, end: i32): void {
  walkInit(desc, tmp, start);
  const so = lastStride(desc, 0);
  const si = lastStride(desc, 1);
  const ss = lastStride(desc, 2);
  const ds = <isize>dimStride;
  let left = end - start;
  while (left > 0) {
    const len = walkRowLen(desc, tmp, left);
    let po = walkPtr(tmp, 0);
    let pi = walkPtr(tmp, 1);
    let ps = walkPtr(tmp, 2);
    for (let i = 0; i < len; i++) {
      const dst = po + <usize>(<isize>load<i32>(pi) * ds);
      if (add) addElem(dtype, dst, ps);
      else copyElem(esz, dst, ps);
      po += so;
      pi += si;
      ps += ss;
    }
    left -= len;
    if (left > 0) walkAdvance(desc, tmp, len);
  }
}
