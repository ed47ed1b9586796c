import { type KernelArgs, registerKernel } from '@kindling/core';
import type { CpuHandle } from '../backend.js';
import { forEachRow } from '../strided.js';

export interface ReduceAttrs {
  readonly dims: readonly number[];
  [k: string]: unknown;
}

type Args<A extends ReduceAttrs = ReduceAttrs> = KernelArgs<CpuHandle, A>;

/**
 * The iteration plan of a reduction, precomputed so kernels run plain nested loops (no per-element
 * callbacks): size-1 dims are dropped and adjacent dims that are contiguous with each other are
 * merged, so reducing the last dim of a dense tensor is one row per output.
 */
export interface ReducePlan {
  /** Input offset of each output's first reduced element, in output (row-major) order. */
  readonly outer: number[];
  /** Offsets of the reduced rows relative to an `outer` offset, in row-major order of the reduced dims. */
  readonly rows: number[];
  readonly rowLen: number;
  readonly rowStride: number;
  /** Reduced elements per output (0 for an empty reduction). */
  readonly count: number;
  /**
   * When the kept dims merge into one dim of stride 1 (e.g. summing dim 0 of a dense matrix):
   * outputs are consecutive input elements, so kernels may sweep all outputs per reduced element.
   */
  readonly keptDense: boolean;
}

type DimList = [size: number, stride: number][];

function coalesce(list: DimList): DimList {
  const out: DimList = [];
  for (const [s, st] of list) {
    const last = out[out.length - 1];
    if (last && last[1] === s * st) {
      last[0] *= s;
      last[1] = st;
    } else out.push([s, st]);
  }
  return out;
}

/** Offsets of every element of the (row-major) sub-space `dims`, starting at `base`. */
function offsetsOf(dims: DimList, base: number): number[] {
  let cur = [base];
  for (const [s, st] of dims) {
    const next = new Array<number>(cur.length * s);
    let k = 0;
    for (let i = 0; i < cur.length; i++) {
      const o = cur[i];
      for (let j = 0; j < s; j++) next[k++] = o + j * st;
    }
    cur = next;
  }
  return cur;
}

export function reducePlan(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  dims: readonly number[],
): ReducePlan {
  const kept: DimList = [];
  const red: DimList = [];
  let count = 1;
  let outN = 1;
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i];
    if (dims.includes(i)) {
      count *= s;
      if (s !== 1) red.push([s, strides[i]]);
    } else {
      outN *= s;
      if (s !== 1) kept.push([s, strides[i]]);
    }
  }
  const keptC = coalesce(kept);
  const outer = outN === 0 ? [] : offsetsOf(keptC, offset);
  const keptDense = keptC.length === 1 && keptC[0][1] === 1;
  if (count === 0) return { outer, rows: [], rowLen: 0, rowStride: 0, count, keptDense };
  const redC = coalesce(red);
  if (redC.length === 0) return { outer, rows: [0], rowLen: 1, rowStride: 0, count, keptDense };
  const [rowLen, rowStride] = redC.pop()!;
  return { outer, rows: offsetsOf(redC, 0), rowLen, rowStride, count, keptDense };
}

/**
 * Every reduced input offset of a plan in order (rows times row positions), for kernels that make
 * several passes or need an element's position within the reduction.
 */
export function reducedOffsets(p: ReducePlan): Int32Array {
  const out = new Int32Array(p.count);
  let k = 0;
  for (let r = 0; r < p.rows.length; r++) {
    let q = p.rows[r];
    for (let i = 0; i < p.rowLen; i++, q += p.rowStride) out[k++] = q;
  }
  return out;
}

/**
 * Generic fold (kept for backends and ops that want a one-line reduction):
 * `step(acc, value)` folds, `init` starts, `finish(acc, count)` maps the result.
 */
export function reduceLoop(
  init: number,
  step: (acc: number, v: number) => number,
  finish: (acc: number, count: number) => number = (a) => a,
) {
  return ({ inputs: [x], outputs: [out], attrs }: Args): void => {
    const p = reducePlan(x.shape, x.strides, x.offset, attrs.dims);
    const a = x.data;
    const o = out.data;
    const { outer, rows, rowLen, rowStride } = p;
    for (let k = 0; k < outer.length; k++) {
      let acc = init;
      for (let r = 0; r < rows.length; r++) {
        let q = outer[k] + rows[r];
        for (let i = 0; i < rowLen; i++, q += rowStride) acc = step(acc, a[q]);
      }
      o[k] = finish(acc, p.count);
    }
  };
}

/**
 * Callback-style walker (slower; kept for compatibility): for every output element, offers a walker
 * over the input offsets of its reduced elements.
 */
export function forEachReduction(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  dims: readonly number[],
  each: (outIndex: number, count: number, walk: (visit: (inOffset: number) => void) => void) => void,
): void {
  const p = reducePlan(shape, strides, offset, dims);
  for (let k = 0; k < p.outer.length; k++) {
    const base = p.outer[k];
    each(k, p.count, (visit) => {
      for (let r = 0; r < p.rows.length; r++) {
        let q = base + p.rows[r];
        for (let i = 0; i < p.rowLen; i++, q += p.rowStride) visit(q);
      }
    });
  }
}

/** Sum (scale 1) or mean (scale 1/count, NaN for an empty reduction), accumulated in float64. */
function sumLike(mean: boolean) {
  return ({ inputs: [x], outputs: [out], attrs }: Args): void => {
    const p = reducePlan(x.shape, x.strides, x.offset, attrs.dims);
    const a = x.data;
    const o = out.data;
    const { outer, rows, rowLen, rowStride } = p;
    const n = outer.length;
    const scale = mean ? 1 / p.count : 1;
    if (p.keptDense && n > 1 && p.count > 0) {
      // Outputs are consecutive: sweep them all per reduced element (cache-friendly column sums).
      const acc = new Float64Array(n);
      const base = outer[0];
      for (let r = 0; r < rows.length; r++) {
        let q = base + rows[r];
        for (let i = 0; i < rowLen; i++, q += rowStride) for (let k = 0; k < n; k++) acc[k] += a[q + k];
      }
      for (let k = 0; k < n; k++) o[k] = acc[k] * scale;
      return;
    }
    for (let k = 0; k < n; k++) {
      const base = outer[k];
      let acc = 0;
      for (let r = 0; r < rows.length; r++) {
        let q = base + rows[r];
        if (rowStride === 1) for (let i = 0; i < rowLen; i++) acc += a[q + i];
        else for (let i = 0; i < rowLen; i++, q += rowStride) acc += a[q];
      }
      o[k] = mean ? acc * scale : acc;
    }
  };
}

/** amax/amin over `dims`, NaN-propagating. An empty reduction is rejected by the op layer. */
function extremum(isMax: boolean) {
  return ({ inputs: [x], outputs: [out], attrs }: Args): void => {
    const p = reducePlan(x.shape, x.strides, x.offset, attrs.dims);
    const a = x.data;
    const o = out.data;
    const { outer, rows, rowLen, rowStride } = p;
    const n = outer.length;
    if (p.count === 0) return;
    if (p.keptDense && n > 1) {
      // NaN is sticky: once acc[k] is NaN no comparison replaces it.
      const acc = new Float64Array(n);
      const base = outer[0];
      for (let k = 0; k < n; k++) acc[k] = a[base + k];
      for (let r = 0; r < rows.length; r++) {
        let q = base + rows[r];
        for (let i = 0; i < rowLen; i++, q += rowStride) {
          if (isMax)
            for (let k = 0; k < n; k++) {
              const v = a[q + k];
              if (v > acc[k] || Number.isNaN(v)) acc[k] = v;
            }
          else
            for (let k = 0; k < n; k++) {
              const v = a[q + k];
              if (v < acc[k] || Number.isNaN(v)) acc[k] = v;
            }
        }
      }
      for (let k = 0; k < n; k++) o[k] = acc[k];
      return;
    }
    for (let k = 0; k < n; k++) {
      const base = outer[k];
      let best = a[base + rows[0]];
      outerLoop: for (let r = 0; r < rows.length; r++) {
        let q = base + rows[r];
        for (let i = 0; i < rowLen; i++, q += rowStride) {
          const v = a[q];
          if (Number.isNaN(v)) {
            best = v;
            break outerLoop;
          }
          if (isMax ? v > best : v < best) best = v;
        }
      }
      o[k] = best;
    }
  };
}

/**
 * max/min (values and int32 indices, attrs.dims holds one dim) and argmax/argmin (indices only;
 * attrs.dims may hold every dim, giving flat row-major indices). The first occurrence wins; NaN
 * wins over numbers (its first position is returned), like PyTorch.
 */
function selectIndex(isMax: boolean, withValues: boolean) {
  return ({ inputs: [x], outputs, attrs }: Args): void => {
    const p = reducePlan(x.shape, x.strides, x.offset, attrs.dims);
    const a = x.data;
    const vals = withValues ? outputs[0].data : null;
    const idx = outputs[withValues ? 1 : 0].data;
    const { outer, rows, rowLen, rowStride } = p;
    if (p.count === 0) return;
    for (let k = 0; k < outer.length; k++) {
      const base = outer[k];
      let best = a[base + rows[0]];
      let bestI = 0;
      let j = 0;
      if (!Number.isNaN(best)) {
        outerLoop: for (let r = 0; r < rows.length; r++) {
          let q = base + rows[r];
          for (let i = 0; i < rowLen; i++, q += rowStride, j++) {
            const v = a[q];
            if (Number.isNaN(v)) {
              best = v;
              bestI = j;
              break outerLoop;
            }
            if (isMax ? v > best : v < best) {
              best = v;
              bestI = j;
            }
          }
        }
      }
      if (vals) vals[k] = best;
      idx[k] = bestI;
    }
  };
}

interface VarAttrs extends ReduceAttrs {
  readonly correction: number;
}

/** var / std with Bessel-style `correction`, two passes (mean, then squared deviations) in float64. */
function variance(sqrt: boolean) {
  return ({ inputs: [x], outputs: [out], attrs }: Args<VarAttrs>): void => {
    const p = reducePlan(x.shape, x.strides, x.offset, attrs.dims);
    const a = x.data;
    const o = out.data;
    const { outer, rows, rowLen, rowStride, count } = p;
    const denom = Math.max(0, count - attrs.correction);
    for (let k = 0; k < outer.length; k++) {
      const base = outer[k];
      let s = 0;
      for (let r = 0; r < rows.length; r++) {
        let q = base + rows[r];
        for (let i = 0; i < rowLen; i++, q += rowStride) s += a[q];
      }
      const m = s / count;
      let ss = 0;
      for (let r = 0; r < rows.length; r++) {
        let q = base + rows[r];
        for (let i = 0; i < rowLen; i++, q += rowStride) {
          const d = a[q] - m;
          ss += d * d;
        }
      }
      const v = ss / denom;
      o[k] = sqrt ? Math.sqrt(v) : v;
    }
  };
}

/** log(sum(exp(x))) with the max subtracted first (an infinite max is not subtracted). */
function logsumexp({ inputs: [x], outputs: [out], attrs }: Args): void {
  const p = reducePlan(x.shape, x.strides, x.offset, attrs.dims);
  const a = x.data;
  const o = out.data;
  const { outer, rows, rowLen, rowStride } = p;
  for (let k = 0; k < outer.length; k++) {
    const base = outer[k];
    let m = Number.NEGATIVE_INFINITY;
    let nan = false;
    for (let r = 0; r < rows.length; r++) {
      let q = base + rows[r];
      for (let i = 0; i < rowLen; i++, q += rowStride) {
        const v = a[q];
        if (v > m) m = v;
        else if (Number.isNaN(v)) nan = true;
      }
    }
    if (nan) {
      o[k] = Number.NaN;
      continue;
    }
    const shift = Number.isFinite(m) ? m : 0;
    let s = 0;
    for (let r = 0; r < rows.length; r++) {
      let q = base + rows[r];
      for (let i = 0; i < rowLen; i++, q += rowStride) s += Math.exp(a[q] - shift);
    }
    o[k] = Math.log(s) + shift;
  }
}

/** prod; integer products wrap around like C (Math.imul keeps them exact modulo 2^32). */
function prod({ inputs: [x], outputs: [out], attrs }: Args): void {
  const p = reducePlan(x.shape, x.strides, x.offset, attrs.dims);
  const a = x.data;
  const o = out.data;
  const { outer, rows, rowLen, rowStride } = p;
  const int = out.dtype === 'int32';
  for (let k = 0; k < outer.length; k++) {
    const base = outer[k];
    let acc = 1;
    for (let r = 0; r < rows.length; r++) {
      let q = base + rows[r];
      if (int) for (let i = 0; i < rowLen; i++, q += rowStride) acc = Math.imul(acc, a[q]);
      else for (let i = 0; i < rowLen; i++, q += rowStride) acc *= a[q];
    }
    o[k] = acc;
  }
}

/**
 * 'prodOthers': for each element, the product of the other elements of its reduction (the gradient
 * of prod), zero-safe: with one zero only the zero's position is non-zero, with two or more all are.
 * Output has the input's shape.
 */
function prodOthers({ inputs: [x], outputs: [out], attrs }: Args): void {
  const p = reducePlan(x.shape, x.strides, x.offset, attrs.dims);
  const o = reducePlan(out.shape, out.strides, out.offset, attrs.dims);
  const a = x.data;
  const d = out.data;
  const inOffs = reducedOffsets(p);
  const outOffs = reducedOffsets(o);
  const n = p.count;
  for (let k = 0; k < p.outer.length; k++) {
    const ib = p.outer[k];
    const ob = o.outer[k];
    let zeros = 0;
    let zeroAt = -1;
    let prodNz = 1;
    for (let i = 0; i < n; i++) {
      const v = a[ib + inOffs[i]];
      if (v === 0) {
        zeros++;
        zeroAt = i;
      } else prodNz *= v;
    }
    if (zeros === 0) for (let i = 0; i < n; i++) d[ob + outOffs[i]] = prodNz / a[ib + inOffs[i]];
    else if (zeros === 1) d[ob + outOffs[zeroAt]] = prodNz;
    // Two or more zeros: every product of the others contains a zero; the output is zero-filled.
  }
}

/** all / any (bool output) and countNonzero (int32 output). NaN counts as non-zero. */
function truthy(mode: 'all' | 'any' | 'count') {
  return ({ inputs: [x], outputs: [out], attrs }: Args): void => {
    const p = reducePlan(x.shape, x.strides, x.offset, attrs.dims);
    const a = x.data;
    const o = out.data;
    const { outer, rows, rowLen, rowStride } = p;
    for (let k = 0; k < outer.length; k++) {
      const base = outer[k];
      let c = 0;
      let res = mode === 'all' ? 1 : 0;
      outerLoop: for (let r = 0; r < rows.length; r++) {
        let q = base + rows[r];
        for (let i = 0; i < rowLen; i++, q += rowStride) {
          const nz = a[q] !== 0;
          if (mode === 'count') {
            if (nz) c++;
          } else if (mode === 'all' ? !nz : nz) {
            res = 1 - res;
            break outerLoop;
          }
        }
      }
      o[k] = mode === 'count' ? c : res;
    }
  };
}

interface NormAttrs extends ReduceAttrs {
  readonly p: number;
}

/** Vector p-norm over `dims`: p = 2, 1, Infinity, -Infinity, 0 (count of non-zeros) or any other p. */
function norm({ inputs: [x], outputs: [out], attrs }: Args<NormAttrs>): void {
  const pl = reducePlan(x.shape, x.strides, x.offset, attrs.dims);
  const a = x.data;
  const o = out.data;
  const { outer, rows, rowLen, rowStride } = pl;
  const p = attrs.p;
  for (let k = 0; k < outer.length; k++) {
    const base = outer[k];
    let acc = p === Number.NEGATIVE_INFINITY ? Number.POSITIVE_INFINITY : 0;
    let nan = false;
    for (let r = 0; r < rows.length; r++) {
      let q = base + rows[r];
      for (let i = 0; i < rowLen; i++, q += rowStride) {
        const v = Math.abs(a[q]);
        if (Number.isNaN(v)) nan = true;
        else if (p === 2) acc += v * v;
        else if (p === 1) acc += v;
        else if (p === Number.POSITIVE_INFINITY) acc = Math.max(acc, v);
        else if (p === Number.NEGATIVE_INFINITY) acc = Math.min(acc, v);
        else if (p === 0) acc += v !== 0 ? 1 : 0;
        else acc += v ** p;
      }
    }
    if (nan) o[k] = Number.NaN;
    else if (p === 2) o[k] = Math.sqrt(acc);
    else if (p === 1 || p === 0 || !Number.isFinite(p)) o[k] = acc;
    else o[k] = acc ** (1 / p);
  }
}

interface DimAttrs {
  readonly dim: number;
  readonly [k: string]: unknown;
}

/**
 * '_gatherDim': out[i] = x[i with i[dim] replaced by idx[i]] (out has idx's shape). Inputs: x, idx.
 * '_scatterAddDim': out (zeros) [i with i[dim] replaced by idx[i]] += src[i]. Inputs: src, idx.
 * Private helpers of the reduce/sort families (gradients of max(dim), sort, topk).
 */
function gatherDim({ inputs: [x, idx], outputs: [out], attrs }: KernelArgs<CpuHandle, DimAttrs>): void {
  const dim = attrs.dim;
  const xs = x.strides.slice();
  const sd = xs[dim];
  xs[dim] = 0;
  const a = x.data;
  const ix = idx.data;
  const o = out.data;
  let k = 0;
  forEachRow(idx.shape, [idx, { strides: xs, offset: x.offset }], (offs, len, st) => {
    let ii = offs[0];
    let xi = offs[1];
    for (let i = 0; i < len; i++, ii += st[0], xi += st[1]) o[k++] = a[xi + ix[ii] * sd];
  });
}

function scatterAddDim({ inputs: [src, idx], outputs: [out], attrs }: KernelArgs<CpuHandle, DimAttrs>): void {
  const dim = attrs.dim;
  const os = out.strides.slice();
  const sd = os[dim];
  os[dim] = 0;
  const s = src.data;
  const ix = idx.data;
  const o = out.data;
  forEachRow(idx.shape, [src, idx, { strides: os, offset: out.offset }], (offs, len, st) => {
    let si = offs[0];
    let ii = offs[1];
    let oi = offs[2];
    for (let i = 0; i < len; i++, si += st[0], ii += st[1], oi += st[2]) o[oi + ix[ii] * sd] += s[si];
  });
}

registerKernel('sum', 'cpu', sumLike(false));
registerKernel('mean', 'cpu', sumLike(true));
registerKernel('prod', 'cpu', prod);
registerKernel('prodOthers', 'cpu', prodOthers);
registerKernel('amax', 'cpu', extremum(true));
registerKernel('amin', 'cpu', extremum(false));
registerKernel('max', 'cpu', selectIndex(true, true));
registerKernel('min', 'cpu', selectIndex(false, true));
registerKernel('argmax', 'cpu', selectIndex(true, false));
registerKernel('argmin', 'cpu', selectIndex(false, false));
registerKernel('var', 'cpu', variance(false));
registerKernel('std', 'cpu', variance(true));
registerKernel('logsumexp', 'cpu', logsumexp);
registerKernel('all', 'cpu', truthy('all'));
registerKernel('any', 'cpu', truthy('any'));
registerKernel('countNonzero', 'cpu', truthy('count'));
registerKernel('norm', 'cpu', norm);
registerKernel('_gatherDim', 'cpu', gatherDim);
registerKernel('_scatterAddDim', 'cpu', scatterAddDim);
