import { type KernelArgs, registerKernel } from '@kindling/core';
import type { CpuHandle } from '../backend.js';
import { forEachRow, isDense } from '../strided.js';

/** 'copy': strided (possibly broadcast) source into a strided destination, converting dtype. */
function copy({ inputs: [src], outputs: [dst] }: KernelArgs<CpuHandle>): void {
  const s = src.data;
  const d = dst.data;
  const toBool = dst.dtype === 'bool' && src.dtype !== 'bool';
  if (!toBool && isDense(src) && isDense(dst) && src.shape.length === dst.shape.length) {
    // TypedArray.set converts like a C cast (float -> int32 truncates toward zero).
    let n = 1;
    for (const x of dst.shape) n *= x;
    d.set(s.subarray(src.offset, src.offset + n), dst.offset);
    return;
  }
  forEachRow(dst.shape, [dst, src], (o, len, st) => {
    let di = o[0];
    let si = o[1];
    const ds = st[0];
    const ss = st[1];
    if (toBool) for (let i = 0; i < len; i++, di += ds, si += ss) d[di] = s[si] !== 0 ? 1 : 0;
    else for (let i = 0; i < len; i++, di += ds, si += ss) d[di] = s[si];
  });
}

registerKernel('copy', 'cpu', copy);
