/**
 * Scans along one dim (cumsum, cumprod and its backward, cummax, cummin). These are sequential
 * along the line; they run in JS directly on the wasm heap (no copies), accumulating in float64 as
 * the reference does.
 */
import { type KernelArgs, registerKernel } from '@kindling/core';
import type { WasmHandle } from '../backend.js';
import { heapOf, lines } from '../lines.js';

type Args = KernelArgs<WasmHandle>;

function scan(mul: boolean) {
  return ({ inputs: [x], outputs: [out], attrs }: Args): void => {
    const dim = attrs.dim as number;
    const rev = attrs.reverse === true;
    const p = lines(x, dim);
    const q = lines(out, dim);
    const { a, base: ab } = heapOf(x);
    const { a: o, base: ob } = heapOf(out);
    const n = p.len;
    const int = out.dtype === 'int32';
    const si = rev ? -p.stride : p.stride;
    const so = rev ? -q.stride : q.stride;
    for (let k = 0; k < p.starts.length; k++) {
      let ia = ab + p.starts[k] + (rev ? (n - 1) * p.stride : 0);
      let oa = ob + q.starts[k] + (rev ? (n - 1) * q.stride : 0);
      let acc = mul ? 1 : 0;
      if (!mul) for (let i = 0; i < n; i++, ia += si, oa += so) o[oa] = acc += a[ia];
      else if (int) for (let i = 0; i < n; i++, ia += si, oa += so) o[oa] = acc = Math.imul(acc, a[ia]);
      else for (let i = 0; i < n; i++, ia += si, oa += so) o[oa] = acc *= a[ia];
    }
  };
}

/** Gradient of cumprod (inputs x, grad), exact with zeros; see the reference kernel's derivation. */
function cumprodBackward({ inputs: [x, g], outputs: [out], attrs }: Args): void {
  const dim = attrs.dim as number;
  const p = lines(x, dim);
  const pg = lines(g, dim);
  const q = lines(out, dim);
  const { a, base: ab } = heapOf(x);
  const { a: gd, base: gb } = heapOf(g);
  const { a: o, base: obase } = heapOf(out);
  const n = p.len;
  const y = new Float64Array(n);
  const xv = new Float64Array(n);
  const gv = new Float64Array(n);
  for (let k = 0; k < p.starts.length; k++) {
    let z = n;
    let acc = 1;
    for (let i = 0; i < n; i++) {
      xv[i] = a[ab + p.starts[k] + i * p.stride];
      gv[i] = gd[gb + pg.starts[k] + i * pg.stride];
      acc *= xv[i];
      y[i] = acc;
      if (xv[i] === 0 && z === n) z = i;
    }
    const ob = obase + q.starts[k];
    const os = q.stride;
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

/** cummax / cummin: a later tie or any NaN replaces the running value. */
function cumExtremum(isMax: boolean) {
  return ({ inputs: [x], outputs: [vals, idx], attrs }: Args): void => {
    const dim = attrs.dim as number;
    const p = lines(x, dim);
    const q = lines(vals, dim);
    const r = lines(idx, dim);
    const { a, base: ab } = heapOf(x);
    const { a: v, base: vb } = heapOf(vals);
    const { a: ix, base: ib } = heapOf(idx);
    const n = p.len;
    for (let k = 0; k < p.starts.length; k++) {
      let ia = ab + p.starts[k];
      let oa = vb + q.starts[k];
      let xa = ib + r.starts[k];
      let best = a[ia];
      let bi = 0;
      for (let i = 0; i < n; i++, ia += p.stride, oa += q.stride, xa += r.stride) {
        const c = a[ia];
        if (Number.isNaN(c) || (!Number.isNaN(best) && (isMax ? c >= best : c <= best))) {
          best = c;
          bi = i;
        }
        v[oa] = best;
        ix[xa] = bi;
      }
    }
  };
}

registerKernel('cumsum', 'wasm', scan(false));
registerKernel('cumprod', 'wasm', scan(true));
registerKernel('cumprodBackward', 'wasm', cumprodBackward);
registerKernel('cummax', 'wasm', cumExtremum(true));
registerKernel('cummin', 'wasm', cumExtremum(false));
