import { type KernelArgs, registerKernel } from '@kindling/core';
import type { CpuHandle } from '../backend.js';
import { reducePlan } from './reduce.js';

/**
 * softmax / logSoftmax along `attrs.dim`: per line, the max, then the sum of exp(x - max) (written to
 * the output as it goes), then a scaling pass over the output. A line of NaN or +Inf gives NaN, an
 * all -Inf line gives NaN (softmax) like PyTorch.
 */
function softmaxKernel(log: boolean) {
  return ({ inputs: [x], outputs: [out], attrs }: KernelArgs<CpuHandle, { readonly dim: number }>): void => {
    const dims = [attrs.dim];
    const p = reducePlan(x.shape, x.strides, x.offset, dims);
    const q = reducePlan(out.shape, out.strides, out.offset, dims);
    const a = x.data;
    const o = out.data;
    const n = p.rowLen;
    const si = p.rowStride;
    const so = q.rowStride;
    if (p.count === 0) return;
    const buf = new Float64Array(log ? 0 : n);
    for (let k = 0; k < p.outer.length; k++) {
      const ib = p.outer[k];
      const ob = q.outer[k];
      let m = Number.NEGATIVE_INFINITY;
      for (let i = 0, ia = ib; i < n; i++, ia += si) {
        const v = a[ia];
        if (v > m || Number.isNaN(v)) m = v;
        if (Number.isNaN(v)) break;
      }
      let s = 0;
      if (log) {
        for (let i = 0, ia = ib; i < n; i++, ia += si) s += Math.exp(a[ia] - m);
        const ls = Math.log(s);
        for (let i = 0, ia = ib, oa = ob; i < n; i++, ia += si, oa += so) o[oa] = a[ia] - m - ls;
      } else {
        for (let i = 0, ia = ib; i < n; i++, ia += si) {
          const e = Math.exp(a[ia] - m);
          buf[i] = e;
          s += e;
        }
        const inv = 1 / s;
        for (let i = 0, oa = ob; i < n; i++, oa += so) o[oa] = buf[i] * inv;
      }
    }
  };
}

registerKernel('softmax', 'cpu', softmaxKernel(false));
registerKernel('logSoftmax', 'cpu', softmaxKernel(true));
