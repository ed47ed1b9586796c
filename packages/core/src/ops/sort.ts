/**
 * Sorting and selection along one dim: sort, argsort, msort, topk, kthvalue, median. NaN sorts as
 * the largest value, like PyTorch. Values' gradients are scattered back to the positions the indices
 * name, with differentiable gather/scatter helpers, so they are differentiable again.
 */
import { formatShape, normalizeDim } from '../shape.js';
import { Tensor } from '../tensor.js';
import { traceCall, traceOn } from '../trace.js';
import { kview, recordGrad, runKernel } from './dispatch.js';
import {
  _scatterAddDim,
  dropKeptDims,
  evenlyDistribute,
  reduceShapes,
  unsqueezeReduced,
  type ValuesIndices,
  valuesIndices,
} from './reduce.js';

export type { ValuesIndices } from './reduce.js';

/** Options of `sort`/`argsort`: the dim, descending order and stability. */
export interface SortOptions {
  /** Dim to sort along (default -1). */
  dim?: number;
  /** Largest first (default false). */
  descending?: boolean;
  /** Keep the order of equal elements (the cpu sort is always stable). */
  stable?: boolean;
}

function sortArgs(
  op: string,
  x: Tensor,
  dimOrOpts: number | SortOptions | undefined,
  descending: boolean | undefined,
): { d: number; descending: boolean; stable: boolean } {
  const o: SortOptions =
    typeof dimOrOpts === 'object' && dimOrOpts !== null ? dimOrOpts : { dim: dimOrOpts, descending };
  const d = normalizeDim(op, o.dim ?? -1, x.ndim);
  return { d, descending: o.descending ?? descending ?? false, stable: o.stable ?? false };
}

/** Wires the gradient of values selected by int32 `indices` along `d` back to the input's positions. */
function selectionGrad(name: string, x: Tensor, values: Tensor, indices: Tensor, d: number): void {
  const inShape = x.shape;
  recordGrad(
    name,
    [x],
    [values, indices],
    ([g], [idx]) => [inShape.length === 0 ? g.reshape(inShape) : _scatterAddDim(g, idx, d, inShape)],
    [indices],
  );
}

/**
 * Sorts along a dim: `[values, indices]` (int32 indices into the input). Call as
 * `sort(x, dim?, descending?)` or `sort(x, { dim, descending, stable })`.
 */
export function sort(x: Tensor, dim?: number | SortOptions, descending?: boolean): ValuesIndices {
  if (traceOn) return traceCall('sort', sort, [x, dim, descending]);
  const a = sortArgs('sort', x, dim, descending);
  const [values, indices] = runKernel(
    'sort',
    x.device,
    [kview(x)],
    [
      { shape: x.shape, dtype: x.dtype },
      { shape: x.shape, dtype: 'int32' },
    ],
    { dim: a.d, descending: a.descending, stable: a.stable },
  );
  selectionGrad('SortBackward', x, values, indices, a.d);
  return valuesIndices(values, indices);
}

/** The int32 indices that sort `x` along a dim (same arguments as `sort`). */
export function argsort(x: Tensor, dim?: number | SortOptions, descending?: boolean): Tensor {
  if (traceOn) return traceCall('argsort', argsort, [x, dim, descending]);
  const a = sortArgs('argsort', x, dim, descending);
  const [values, indices] = runKernel(
    'sort',
    x.device,
    [kview(x)],
    [
      { shape: x.shape, dtype: x.dtype },
      { shape: x.shape, dtype: 'int32' },
    ],
    { dim: a.d, descending: a.descending, stable: a.stable },
  );
  values.dispose();
  return indices;
}

/** Sorted values along dim 0, like torch.msort. */
export function msort(x: Tensor): Tensor {
  if (traceOn) return traceCall('msort', msort, [x]);
  return sort(x, 0)[0];
}

/** Options of `topk`: the dim, largest or smallest, and whether results are sorted. */
export interface TopkOptions {
  /** Dim to select along (default -1). */
  dim?: number;
  /** The k largest (default true) or the k smallest. */
  largest?: boolean;
  /** Return them sorted (default true; they are always sorted on cpu). */
  sorted?: boolean;
}

/**
 * The `k` largest (or smallest) elements along a dim: `[values, indices]`. Call as
 * `topk(x, k, dim?, largest?, sorted?)` or `topk(x, k, { dim, largest, sorted })`.
 */
export function topk(
  x: Tensor,
  k: number,
  dim?: number | TopkOptions,
  largest?: boolean,
  sorted?: boolean,
): ValuesIndices {
  if (traceOn) return traceCall('topk', topk, [x, k, dim, largest, sorted]);
  const o: TopkOptions = typeof dim === 'object' && dim !== null ? dim : { dim, largest, sorted };
  const d = normalizeDim('topk', o.dim ?? -1, x.ndim);
  const n = x.ndim === 0 ? 1 : x.shape[d];
  if (!Number.isInteger(k) || k < 0 || k > n)
    throw new RangeError(
      `topk: selected index k out of range (k = ${k}, but dimension ${d} of input ${formatShape(x.shape)} has size ${n})`,
    );
  const shape = x.shape.slice();
  if (shape.length > 0) shape[d] = k;
  const [values, indices] = runKernel(
    'topk',
    x.device,
    [kview(x)],
    [
      { shape, dtype: x.dtype },
      { shape, dtype: 'int32' },
    ],
    { dim: d, k, largest: o.largest ?? true, sorted: o.sorted ?? true },
  );
  selectionGrad('TopkBackward', x, values, indices, d);
  return valuesIndices(values, indices);
}

/**
 * Runs the 'kthvalue' kernel: per line along `d`, the element of (0-based) rank `k` in ascending
 * order; with `median`, the rank is the lower median and any NaN makes the result NaN.
 */
function kthAlong(
  op: string,
  x: Tensor,
  d: number,
  k: number,
  keepdim: boolean,
  median: boolean,
): ValuesIndices {
  const r = reduceShapes(op, x, d, keepdim);
  const [v, i] = runKernel(
    'kthvalue',
    x.device,
    [kview(x)],
    [
      { shape: r.keptShape, dtype: x.dtype },
      { shape: r.keptShape, dtype: 'int32' },
    ],
    { dim: d, k, median },
  );
  const values = dropKeptDims(v, r);
  const indices = dropKeptDims(i, r);
  const inShape = x.shape;
  recordGrad(
    op === 'kthvalue' ? 'KthvalueBackward' : 'MedianBackward1',
    [x],
    [values, indices],
    ([g], [idx]) => [
      inShape.length === 0
        ? g.reshape(inShape)
        : _scatterAddDim(unsqueezeReduced(g, r), unsqueezeReduced(idx, r), d, inShape),
    ],
    [indices],
  );
  return valuesIndices(values, indices);
}

/** The k-th smallest element (1-based k) along `dim` (default -1): `[values, indices]`. */
export function kthvalue(x: Tensor, k: number, dim = -1, keepdim = false): ValuesIndices {
  if (traceOn) return traceCall('kthvalue', kthvalue, [x, k, dim, keepdim]);
  const d = normalizeDim('kthvalue', dim, x.ndim);
  const n = x.ndim === 0 ? 1 : x.shape[d];
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new RangeError(
      `kthvalue(): selected number k out of range for dimension ${d} (k = ${k}, size ${n})`,
    );
  return kthAlong('kthvalue', x, d, k - 1, keepdim, false);
}

/**
 * `median(x)`: the lower median of all elements (NaN if any is NaN; ties share the gradient).
 * `median(x, dim, keepdim)`: `[values, indices]` of the lower median along `dim`.
 */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function median(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  if (traceOn) return traceCall('median', median, [x, dim, keepdim]);
  if (dim === undefined) {
    if (x.numel() === 0) throw new Error('median() input tensor cannot be empty');
    const flat = x.detach().reshape([-1]);
    const [v, i] = runKernel(
      'kthvalue',
      x.device,
      [kview(flat)],
      [
        { shape: [], dtype: x.dtype },
        { shape: [], dtype: 'int32' },
      ],
      { dim: 0, k: (flat.shape[0] - 1) >> 1, median: true },
    );
    i.dispose();
    const r = reduceShapes('median', x, undefined, false);
    recordGrad('MedianBackward0', [x], [v], ([g], [xs, y]) => [evenlyDistribute(g, xs, y, r)], [x, v]);
    return v;
  }
  const d = normalizeDim('median', dim, x.ndim);
  const n = x.ndim === 0 ? 1 : x.shape[d];
  if (n === 0) throw new Error(`median(): Expected reduction dim ${d} to have non-zero size.`);
  return kthAlong('median', x, d, (n - 1) >> 1, keepdim, true);
}

declare module '../tensor.js' {
  interface Tensor {
    sort(dim?: number | SortOptions, descending?: boolean): ValuesIndices;
    argsort(dim?: number | SortOptions, descending?: boolean): Tensor;
    msort(): Tensor;
    topk(k: number, dim?: number | TopkOptions, largest?: boolean, sorted?: boolean): ValuesIndices;
    kthvalue(k: number, dim?: number, keepdim?: boolean): ValuesIndices;
    median(): Tensor;
    median(dim: number, keepdim?: boolean): ValuesIndices;
  }
}

const proto = Tensor.prototype;
proto.sort = function (dim, descending) {
  return sort(this, dim, descending);
};
proto.argsort = function (dim, descending) {
  return argsort(this, dim, descending);
};
proto.msort = function () {
  return msort(this);
};
proto.topk = function (k, dim, largest, sorted) {
  return topk(this, k, dim, largest, sorted);
};
proto.kthvalue = function (k, dim, keepdim) {
  return kthvalue(this, k, dim, keepdim);
};
proto.median = function (this: Tensor, dim?: number, keepdim?: boolean) {
  return dim === undefined ? median(this) : median(this, dim, keepdim);
} as Tensor['median'];
