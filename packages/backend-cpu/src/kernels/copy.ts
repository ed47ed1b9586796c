import { type KernelArgs, registerKernel } from '@kindling/core';
import type { CpuHandle } from '../backend.js';
import { coalesce, walkRows } from './elementwise.js';

/** Edge of the square tiles a transposing copy moves at a time (both sides stay in L1). */
const TILE = 32;

/**
 * 'copy': strided (possibly broadcast) source into a strided destination, converting dtype. Dims are
 * coalesced first; a dense copy is one TypedArray.set, and a 2-d copy whose source runs along the
 * destination's columns (a transpose) goes tile by tile.
 */
function copy({ inputs: [src], outputs: [dst] }: KernelArgs<CpuHandle>): void {
  const s = src.data;
  const d = dst.data;
  const toBool = dst.dtype === 'bool' && src.dtype !== 'bool';
  const plan = coalesce(dst.shape, [dst, src]);
  if (plan.numel === 0) return;
  const nd = plan.shape.length;
  const [dStr, sStr] = plan.strides;
  const dsi = nd === 0 ? 0 : dStr[nd - 1];
  const ssi = nd === 0 ? 0 : sStr[nd - 1];
  if (!toBool && nd <= 1 && dsi === 1 && ssi === 1) {
    // TypedArray.set converts like a C cast (float -> int32 truncates toward zero).
    d.set(s.subarray(src.offset, src.offset + plan.numel), dst.offset);
    return;
  }
  if (!toBool && nd === 2 && dsi === 1 && sStr[0] === 1 && ssi !== 1) {
    // dst[i, j] = src[j * ssi + i]: walk square tiles so reads and writes both stay in cache.
    const rows = plan.shape[0];
    const cols = plan.shape[1];
    const dr = dStr[0];
    for (let i0 = 0; i0 < rows; i0 += TILE) {
      const i1 = Math.min(i0 + TILE, rows);
      for (let j0 = 0; j0 < cols; j0 += TILE) {
        const j1 = Math.min(j0 + TILE, cols);
        for (let i = i0; i < i1; i++) {
          let si = src.offset + i + j0 * ssi;
          const di = dst.offset + i * dr;
          for (let j = j0; j < j1; j++, si += ssi) d[di + j] = s[si];
        }
      }
    }
    return;
  }
  walkRows(plan, [dst.offset, src.offset], (o, len) => {
    let di = o[0];
    let si = o[1];
    if (toBool) for (let i = 0; i < len; i++, di += dsi, si += ssi) d[di] = s[si] !== 0 ? 1 : 0;
    else for (let i = 0; i < len; i++, di += dsi, si += ssi) d[di] = s[si];
  });
}

registerKernel('copy', 'cpu', copy);
