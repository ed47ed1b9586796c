import { type KernelArgs, registerKernel } from '@kindling/core';
import type { CpuHandle } from '../backend.js';
import { type ReducePlan, reducePlan } from './reduce.js';

interface ScanAttrs {
  readonly dim: number;
  readonly reverse?: boolean;
  readonly [k: string]: unknown;
}

type Args = KernelArgs<CpuHandle, ScanAttrs>;

/** Lines along `dim` of an operand: start offsets (same order for every operand), length and stride. */
function lines(
  t: { shape: readonly number[]; strides: readonly number[]; offset: number },
  dim: number,
): ReducePlan {
  return reducePlan(t.shape, t.strides, t.offset, [dim]);
}

/** cumsum / cumprod, from the end when attrs.reverse; int32 products wrap like C. */
function scan(mul: boolean) {
  return ({ inputs: [x], outputs: [out], attrs }: Args): void => {
    const p = lines(x, attrs.dim);
    const q = lines(out, attrs.dim);
    const a = x.data;
    const o = out.data;
    const n = p.rowLen;
    const int = out.dtype === 'int32';
    const rev = attrs.reverse === true;
    const si = rev ? -p.rowStride : p.rowStride;
    const so = rev ? -q.rowStride : q.rowStride;
    for (let k = 0; k < p.outer.length; k++) {
      let ia = p.outer[k] + (rev ? (n - 1) * p.rowStride : 0);
      let oa = q.outer[k] + (rev ? (n - 1) * q.rowStride : 0);
      let acc = mul ? 1 : 0;
      if (!mul) for (let i = 0; i < n; i++, ia += si, oa += so) o[oa] = acc += a[ia];
      else if (int) for (let i = 0; i < n; i++, ia += si, oa += so) o[oa] = acc = Math.imul(acc, a[ia]);
      else for (let i = 0; i < n; i++, ia += si, oa += so) o[oa] = acc *= a[ia];
    }
  };
}

/**
 * 'cumprodBackward' (inputs x, grad; output grad wrt x): grad_k = sum_{i>=k} g_i prod_{j<=i, j!=k} x_j
 * in O(n) per line, exact with zeros: before the first zero z it is sum_{i>=k} g_i y_i / x_k, at z a
 * forward product that skips x_z, after z it is 0.
 */
function cumprodBackward({ inputs: [x, g], outputs: [out], attrs }: Args): void {
  const p = lines(x, attrs.dim);
  const pg = lines(g, attrs.dim);
  const q = lines(out, attrs.dim);
  const a = x.data;
  const gd = g.data;
  const o = out.data;
  const n = p.rowLen;
  const y = new Float64Array(n);
  const xv = new Float64Array(n);
  const gv = new Float64Array(n);
  for (let k = 0; k < p.outer.length; k++) {
    let z = n;
    let acc = 1;
    for (let i = 0; i < n; i++) {
      xv[i] = a[p.outer[k] + i * p.rowStride];
      gv[i] = gd[pg.outer[k] + i * pg.rowStride];
      acc *= xv[i];
      y[i] = acc;
      if (xv[i] === 0 && z === n) z = i;
    }
    const ob = q.outer[k];
    const os = q.rowStride;
    // k < z: reversed cumsum of g*y (terms past z vanish since y is 0 there), divided by x_k.
    let rs = 0;
    for (let i = z - 1; i >= 0; i--) {
      rs += gv[i] * y[i];
      o[ob + i * os] = rs / xv[i];
    }
    if (z < n) {
      const prodBefore = z > 0 ? y[z - 1] : 1;
      let run = 1;
      let s = gv[z];
      for (let i = z + 1; i < n; i++) {
        run *= xv[i];
        s += gv[i] * run;
      }
      o[ob + z * os] = prodBefore * s;
    }
  }
}

/** cummax / cummin with PyTorch's rule: a later tie or any NaN replaces the running value. */
function cumExtremum(isMax: boolean) {
  return ({ inputs: [x], outputs: [vals, idx], attrs }: Args): void => {
    const p = lines(x, attrs.dim);
    const q = lines(vals, attrs.dim);
    const a = x.data;
    const v = vals.data;
    const ix = idx.data;
    const n = p.rowLen;
    for (let k = 0; k < p.outer.length; k++) {
      let ia = p.outer[k];
      let oa = q.outer[k];
      let best = a[ia];
      let bi = 0;
      for (let i = 0; i < n; i++, ia += p.rowStride, oa += q.rowStride) {
        const c = a[ia];
        if (Number.isNaN(c) || (!Number.isNaN(best) && (isMax ? c >= best : c <= best))) {
          best = c;
          bi = i;
        }
        v[oa] = best;
        ix[oa] = bi;
      }
    }
  };
}

registerKernel('cumsum', 'cpu', scan(false));
registerKernel('cumprod', 'cpu', scan(true));
registerKernel('cumprodBackward', 'cpu', cumprodBackward);
registerKernel('cummax', 'cpu', cumExtremum(true));
registerKernel('cummin', 'cpu', cumExtremum(false));
