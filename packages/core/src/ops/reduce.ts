/**
 * Reductions over one or several dims, with `keepdim`. Kernels reduce `attrs.dims` of their input into
 * a keepdim-shaped output. Gradients are written with core ops so they are differentiable again.
 */
import { isGradEnabled } from '../autograd/mode.js';
import { type DType, isFloatingPoint } from '../dtype.js';
import { contiguousStrides, normalizeDim, normalizeDims } from '../shape.js';
import { Tensor } from '../tensor.js';
import { traceCall, traceOn } from '../trace.js';
import { maximum, minimum } from './binary.js';
import { where } from './compare.js';
import { eye } from './creation.js';
import { kview, recordGrad, runKernel, runKernel1 } from './dispatch.js';

/** A dim, a list of dims, or null/undefined (every dim). An empty list also means every dim, like PyTorch. */
export type DimArg = number | readonly number[] | null | undefined;

export interface ReduceShapes {
  dims: number[];
  /** Output shape with reduced dims kept as size 1 (what kernels produce). */
  keptShape: number[];
  /** Output shape the user sees. */
  outShape: number[];
}

function isEmptyList(dim: DimArg): boolean {
  return dim !== null && dim !== undefined && typeof dim !== 'number' && dim.length === 0;
}

export function reduceShapes(op: string, x: Tensor, dim: DimArg, keepdim: boolean): ReduceShapes {
  const dims = normalizeDims(op, dim === null || isEmptyList(dim) ? undefined : dim, x.ndim);
  const keptShape = x.shape.map((s, i) => (dims.includes(i) ? 1 : s));
  const outShape = keepdim ? keptShape : x.shape.filter((_, i) => !dims.includes(i));
  return { dims, keptShape, outShape };
}

/** Runs reduction kernel `op` and drops the reduced dims unless `keepdim`. */
export function reduceKernel(
  op: string,
  x: Tensor,
  r: ReduceShapes,
  dtype: DType,
  attrs: Record<string, unknown> = {},
): Tensor {
  const kept = runKernel1(op, x.device, [kview(x)], r.keptShape, dtype, { dims: r.dims, ...attrs });
  return dropKeptDims(kept, r);
}

/** The kernel's keepdim-shaped output re-shaped (same storage, not a view) to the user's shape. */
export function dropKeptDims(kept: Tensor, r: ReduceShapes): Tensor {
  if (r.keptShape.length === r.outShape.length) return kept;
  const out = new Tensor(kept.storage, r.outShape, contiguousStrides(r.outShape), 0, null);
  kept.dispose();
  return out;
}

/** Restores reduced dims (as size 1) so a gradient of a reduction broadcasts back over its input. */
export function unsqueezeReduced(g: Tensor, r: ReduceShapes): Tensor {
  return g.ndim === r.keptShape.length ? g : g.reshape(r.keptShape);
}

/** Number of elements each output of a reduction combines. */
function reducedCount(x: Tensor, r: ReduceShapes): number {
  let n = 1;
  for (const d of r.dims) n *= x.shape[d] ?? 1;
  return n;
}

/** PyTorch's check for reductions that have no identity (max, min, amax, argmax...). */
function checkNonEmpty(op: string, x: Tensor, r: ReduceShapes, dimGiven: boolean): void {
  if (!dimGiven && x.numel() === 0 && (op === 'max' || op === 'min' || op === 'argmax' || op === 'argmin'))
    throw new Error(
      `${op}(): Expected reduction dim to be specified for input.numel() == 0.${op === 'max' || op === 'min' ? " Specify the reduction dim with the 'dim' argument." : ''}`,
    );
  for (const d of r.dims)
    if (x.shape[d] === 0) throw new Error(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
}

/** Options of `sum`: the output dtype (integer and bool inputs otherwise sum in int32). */
export interface SumOptions {
  dtype?: DType;
}

/** Sum over `dim` (all dims when omitted). Integer and bool inputs sum to int32. */
export function sum(x: Tensor, dim?: DimArg, keepdim = false, opts: SumOptions = {}): Tensor {
  if (traceOn) return traceCall('sum', sum, [x, dim, keepdim, opts]);
  const r = reduceShapes('sum', x, dim, keepdim);
  const dtype = opts.dtype ?? (isFloatingPoint(x.dtype) ? x.dtype : 'int32');
  const src = x.dtype === dtype ? x : x.to(dtype);
  const out = reduceKernel('sum', src, r, dtype);
  const inShape = x.shape;
  recordGrad('SumBackward', [src], [out], ([g]) => [unsqueezeReduced(g, r).expand(inShape)]);
  return out;
}

/** Mean over `dim` (all dims when omitted); NaN for an empty reduction. Needs a floating dtype. */
export function mean(x: Tensor, dim?: DimArg, keepdim = false, opts: SumOptions = {}): Tensor {
  if (traceOn) return traceCall('mean', mean, [x, dim, keepdim, opts]);
  const dtype = opts.dtype ?? x.dtype;
  if (!isFloatingPoint(dtype))
    throw new TypeError(
      `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${x.dtype}`,
    );
  const r = reduceShapes('mean', x, dim, keepdim);
  const src = x.dtype === dtype ? x : x.to(dtype);
  const out = reduceKernel('mean', src, r, dtype);
  const inShape = x.shape;
  const n = reducedCount(x, r);
  recordGrad('MeanBackward', [src], [out], ([g]) => [unsqueezeReduced(g, r).expand(inShape).div(n)]);
  return out;
}

/** For every element, the product of the other elements of its reduction, differentiably (O(n²)). */
function prodOthersDifferentiable(x: Tensor, dims: readonly number[]): Tensor {
  const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const perm = [...kept, ...dims];
  const xp = x.permute(perm);
  const lead = kept.map((d) => x.shape[d]);
  let n = 1;
  for (const d of dims) n *= x.shape[d];
  const flat = xp.reshape([...lead, n]);
  const id = eye(n, { dtype: x.dtype, device: x.device });
  const off = id.neg().add(1);
  // m[..., k, j] = x_j for j != k, 1 on the diagonal: its product over j omits x_k.
  const m = flat.unsqueeze(-2).mul(off).add(id);
  const others = prod(m, -1);
  const inverse = new Array<number>(perm.length);
  perm.forEach((d, i) => {
    inverse[d] = i;
  });
  return others.reshape(xp.shape).permute(inverse);
}

/**
 * Product over `dim` (all dims when omitted; a list of dims is accepted as an extension). Integer
 * and bool inputs multiply to int32. The gradient is exact with zeros in the input, like PyTorch's.
 */
export function prod(x: Tensor, dim?: DimArg, keepdim = false, opts: SumOptions = {}): Tensor {
  if (traceOn) return traceCall('prod', prod, [x, dim, keepdim, opts]);
  const r = reduceShapes('prod', x, dim, keepdim);
  const dtype = opts.dtype ?? (isFloatingPoint(x.dtype) ? x.dtype : 'int32');
  const src = x.dtype === dtype ? x : x.to(dtype);
  const out = reduceKernel('prod', src, r, dtype);
  recordGrad(
    'ProdBackward',
    [src],
    [out],
    ([g], [xs, y]) => {
      const gk = unsqueezeReduced(g, r);
      if (!isGradEnabled()) {
        // First-order only: the zero-safe O(n) kernel.
        const others = runKernel1('prodOthers', xs.device, [kview(xs)], xs.shape, xs.dtype, { dims: r.dims });
        return [gk.mul(others)];
      }
      // Building a differentiable graph: y / x when there is no zero (as PyTorch does), else the
      // O(n²) product-of-others, which stays exact with zeros at every order.
      if (xs.canReadSync() && all(xs).item() !== 0) return [gk.mul(unsqueezeReduced(y, r)).div(xs)];
      return [gk.mul(prodOthersDifferentiable(xs, r.dims))];
    },
    [src, out],
  );
  return out;
}

/** @internal Gradient of amax/amin/max()/min()/median(): split evenly among the elements equal to the result. */
export function evenlyDistribute(g: Tensor, x: Tensor, y: Tensor, r: ReduceShapes): Tensor {
  const mask = x.eq(unsqueezeReduced(y, r)).to(x.dtype);
  const count = mask.sum(r.dims, true);
  return unsqueezeReduced(g, r).mul(mask).div(count);
}

function extremum(op: 'amax' | 'amin', name: string, x: Tensor, dim: DimArg, keepdim: boolean): Tensor {
  const r = reduceShapes(name, x, dim, keepdim);
  checkNonEmpty(name, x, r, dim !== undefined && dim !== null);
  const out = reduceKernel(op, x, r, x.dtype);
  const backward =
    name === 'max' || name === 'min'
      ? `${name[0].toUpperCase()}${name.slice(1)}Backward1`
      : `${op[0].toUpperCase()}${op.slice(1)}Backward`;
  recordGrad(backward, [x], [out], ([g], [xs, y]) => [evenlyDistribute(g, xs, y, r)], [x, out]);
  return out;
}

/** Maximum over `dim` (all dims when omitted). NaN propagates. Ties share the gradient evenly. */
export function amax(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  if (traceOn) return traceCall('amax', amax, [x, dim, keepdim]);
  return extremum('amax', 'amax', x, dim, keepdim);
}

/** Minimum over `dim` (all dims when omitted). NaN propagates. Ties share the gradient evenly. */
export function amin(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  if (traceOn) return traceCall('amin', amin, [x, dim, keepdim]);
  return extremum('amin', 'amin', x, dim, keepdim);
}

/** `[values, indices]` of max/min/sort/topk, also readable as `.values` and `.indices` (like PyTorch's named tuple). */
export type ValuesIndices = [values: Tensor, indices: Tensor] & {
  readonly values: Tensor;
  readonly indices: Tensor;
};

export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  const out = [values, indices] as [Tensor, Tensor];
  Object.defineProperty(out, 'values', { value: values, enumerable: false });
  Object.defineProperty(out, 'indices', { value: indices, enumerable: false });
  return out as ValuesIndices;
}

/** @internal out = x gathered along `dim` at int32 `idx` (out has idx's shape). Twice differentiable. */
export function _gatherDim(x: Tensor, idx: Tensor, dim: number): Tensor {
  const out = runKernel1('_gatherDim', x.device, [kview(x), kview(idx)], idx.shape, x.dtype, { dim });
  const inShape = x.shape;
  recordGrad('GatherBackward', [x], [out], ([g], [i]) => [_scatterAddDim(g, i, dim, inShape)], [idx]);
  return out;
}

/** @internal Zeros of `shape` with `src` added at int32 `idx` along `dim`. Twice differentiable. */
export function _scatterAddDim(src: Tensor, idx: Tensor, dim: number, shape: readonly number[]): Tensor {
  const out = runKernel1('_scatterAddDim', src.device, [kview(src), kview(idx)], shape, src.dtype, { dim });
  recordGrad('ScatterAddBackward', [src], [out], ([g], [i]) => [_gatherDim(g, i, dim)], [idx]);
  return out;
}

/** max/min along one dim: values and the (first) index of each, gradient to the selected element. */
function selectAlong(op: 'max' | 'min', x: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  const d = normalizeDim(op, dim, x.ndim);
  const r = reduceShapes(op, x, d, keepdim);
  checkNonEmpty(op, x, r, true);
  const [v, i] = runKernel(
    op,
    x.device,
    [kview(x)],
    [
      { shape: r.keptShape, dtype: x.dtype },
      { shape: r.keptShape, dtype: 'int32' },
    ],
    { dims: r.dims },
  );
  const values = dropKeptDims(v, r);
  const indices = dropKeptDims(i, r);
  const inShape = x.shape;
  const ax = x.ndim === 0 ? 0 : d;
  recordGrad(
    op === 'max' ? 'MaxBackward0' : 'MinBackward0',
    [x],
    [values, indices],
    ([g], [idx]) => {
      if (inShape.length === 0) return [g];
      return [_scatterAddDim(unsqueezeReduced(g, r), unsqueezeReduced(idx, r), ax, inShape)];
    },
    [indices],
  );
  return valuesIndices(values, indices);
}

function maxMin(op: 'max' | 'min', x: Tensor, dimOrOther: number | Tensor | undefined, keepdim: boolean) {
  if (dimOrOther instanceof Tensor) return op === 'max' ? maximum(x, dimOrOther) : minimum(x, dimOrOther);
  if (dimOrOther === undefined) return extremum(op === 'max' ? 'amax' : 'amin', op, x, undefined, false);
  return selectAlong(op, x, dimOrOther, keepdim);
}

/**
 * `max(x)`: the largest value (NaN propagates; ties share the gradient). `max(x, dim, keepdim)`:
 * `[values, indices]` along `dim` (first index of the max; gradient to it). `max(x, other)`: elementwise
 * maximum.
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dimOrOther?: number | Tensor, keepdim = false): Tensor | ValuesIndices {
  if (traceOn) return traceCall('max', max, [x, dimOrOther, keepdim]);
  return maxMin('max', x, dimOrOther, keepdim);
}

/** Like `max`, for the smallest values. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dimOrOther?: number | Tensor, keepdim = false): Tensor | ValuesIndices {
  if (traceOn) return traceCall('min', min, [x, dimOrOther, keepdim]);
  return maxMin('min', x, dimOrOther, keepdim);
}

function argExtremum(op: 'argmax' | 'argmin', x: Tensor, dim: number | null | undefined, keepdim: boolean) {
  const given = dim !== undefined && dim !== null;
  const r = reduceShapes(op, x, given ? normalizeDim(op, dim, x.ndim) : undefined, keepdim);
  checkNonEmpty(op, x, r, given);
  return reduceKernel(op, x, r, 'int32');
}

/** Index (int32) of the largest value along `dim`, or in the flattened tensor when `dim` is omitted. */
export function argmax(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  if (traceOn) return traceCall('argmax', argmax, [x, dim, keepdim]);
  return argExtremum('argmax', x, dim, keepdim);
}

/** Index (int32) of the smallest value along `dim`, or in the flattened tensor when `dim` is omitted. */
export function argmin(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  if (traceOn) return traceCall('argmin', argmin, [x, dim, keepdim]);
  return argExtremum('argmin', x, dim, keepdim);
}

/** Options of `var`/`std`: `correction` (Bessel's, default 1) or the older `unbiased` flag, and `keepdim`. */
export interface VarOptions {
  /** Subtracted from the element count in the divisor (default 1, Bessel's correction). */
  correction?: number;
  /** Legacy form: true means correction 1, false correction 0. */
  unbiased?: boolean;
  keepdim?: boolean;
}

interface VarArgs {
  r: ReduceShapes;
  correction: number;
}

function isOptions(v: unknown): v is VarOptions {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function varArgs(
  op: string,
  x: Tensor,
  dimOrOpts: DimArg | VarOptions | boolean,
  opts: VarOptions | boolean | undefined,
  keepdim: boolean | undefined,
): VarArgs {
  let dim: DimArg;
  let o: VarOptions = {};
  if (typeof dimOrOpts === 'boolean') o = { unbiased: dimOrOpts };
  else if (isOptions(dimOrOpts)) o = { ...dimOrOpts };
  else dim = dimOrOpts;
  if (typeof opts === 'boolean') o.unbiased = opts;
  else if (opts) o = { ...o, ...opts };
  if (o.correction !== undefined && o.unbiased !== undefined)
    throw new Error(`${op}(): Cannot specify both unbiased and correction`);
  if (!isFloatingPoint(x.dtype))
    throw new TypeError(
      `${op}(): std and var only support floating point and complex dtypes (got ${x.dtype})`,
    );
  const correction = o.correction ?? (o.unbiased === false ? 0 : 1);
  return { r: reduceShapes(op, x, dim, keepdim ?? o.keepdim ?? false), correction };
}

/**
 * Variance over `dim` (all dims when omitted) with divisor `N - correction` (default correction 1).
 * Accepts `var(x, dim, { correction, keepdim })`, `var(x, { correction })` and the legacy
 * `var(x, dim, unbiased, keepdim)` / `var(x, unbiased)`.
 */
function variance(
  x: Tensor,
  dim?: DimArg | VarOptions | boolean,
  opts?: VarOptions | boolean,
  keepdim?: boolean,
): Tensor {
  if (traceOn) return traceCall('var', variance, [x, dim, opts, keepdim]);
  const { r, correction } = varArgs('var', x, dim, opts, keepdim);
  const out = reduceKernel('var', x, r, x.dtype, { correction });
  const denom = Math.max(0, reducedCount(x, r) - correction);
  recordGrad(
    'VarBackward',
    [x],
    [out],
    ([g], [xs]) => [
      unsqueezeReduced(g, r)
        .mul(xs.sub(mean(xs, r.dims, true)))
        .mul(2 / denom),
    ],
    [x],
  );
  return out;
}

export { variance as var };

/** Standard deviation: the square root of `var` (same arguments). The gradient at std 0 is 0, like PyTorch. */
export function std(
  x: Tensor,
  dim?: DimArg | VarOptions | boolean,
  opts?: VarOptions | boolean,
  keepdim?: boolean,
): Tensor {
  if (traceOn) return traceCall('std', std, [x, dim, opts, keepdim]);
  const { r, correction } = varArgs('std', x, dim, opts, keepdim);
  const out = reduceKernel('std', x, r, x.dtype, { correction });
  const denom = Math.max(0, reducedCount(x, r) - correction);
  recordGrad(
    'StdBackward',
    [x],
    [out],
    ([g], [xs, y]) => {
      // Where std is 0 every deviation is 0: divide by 1 there so the gradient is 0, not NaN.
      const safe = nonZero(unsqueezeReduced(y, r));
      return [
        unsqueezeReduced(g, r)
          .mul(xs.sub(mean(xs, r.dims, true)))
          .div(safe.mul(denom)),
      ];
    },
    [x, out],
  );
  return out;
}

/** `[var, mean]` over the same dims, like torch.var_mean. */
export function varMean(
  x: Tensor,
  dim?: DimArg | VarOptions | boolean,
  opts?: VarOptions | boolean,
  keepdim?: boolean,
): [Tensor, Tensor] {
  if (traceOn) return traceCall('varMean', varMean, [x, dim, opts, keepdim]);
  const { r } = varArgs('var_mean', x, dim, opts, keepdim);
  return [variance(x, dim, opts, keepdim), mean(x, r.dims, r.outShape.length === r.keptShape.length)];
}

/** `[std, mean]` over the same dims, like torch.std_mean. */
export function stdMean(
  x: Tensor,
  dim?: DimArg | VarOptions | boolean,
  opts?: VarOptions | boolean,
  keepdim?: boolean,
): [Tensor, Tensor] {
  if (traceOn) return traceCall('stdMean', stdMean, [x, dim, opts, keepdim]);
  const { r } = varArgs('std_mean', x, dim, opts, keepdim);
  return [std(x, dim, opts, keepdim), mean(x, r.dims, r.outShape.length === r.keptShape.length)];
}

/** log(sum(exp(x))) over `dim` (all dims when omitted), computed stably (the max is subtracted first). */
export function logsumexp(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  if (traceOn) return traceCall('logsumexp', logsumexp, [x, dim, keepdim]);
  const src = isFloatingPoint(x.dtype) ? x : x.to('float32');
  const r = reduceShapes('logsumexp', src, dim, keepdim);
  const out = reduceKernel('logsumexp', src, r, src.dtype);
  recordGrad(
    'LogsumexpBackward',
    [src],
    [out],
    ([g], [xs, y]) => [unsqueezeReduced(g, r).mul(xs.sub(unsqueezeReduced(y, r)).exp())],
    [src, out],
  );
  return out;
}

/** True (bool) where every element along `dim` (all dims when omitted) is non-zero. */
export function all(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  if (traceOn) return traceCall('all', all, [x, dim, keepdim]);
  return reduceKernel('all', x, reduceShapes('all', x, dim, keepdim), 'bool');
}

/** True (bool) where some element along `dim` (all dims when omitted) is non-zero. */
export function any(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  if (traceOn) return traceCall('any', any, [x, dim, keepdim]);
  return reduceKernel('any', x, reduceShapes('any', x, dim, keepdim), 'bool');
}

/** Number (int32) of non-zero elements along `dim` (all dims when omitted). */
export function countNonzero(x: Tensor, dim?: DimArg): Tensor {
  if (traceOn) return traceCall('countNonzero', countNonzero, [x, dim]);
  return reduceKernel('countNonzero', x, reduceShapes('count_nonzero', x, dim, false), 'int32');
}

/** The order `p` of `norm`: a number (2, 1, Infinity, -Infinity, 0...) or 'fro'. */
export type NormOrd = number | 'fro';

/**
 * Vector p-norm over `dim` (all dims when omitted): p = 2 (default, also 'fro'), 1, Infinity,
 * -Infinity, 0 (number of non-zeros) or any p > 0. The gradient at a zero norm is 0, like PyTorch.
 */
export function norm(x: Tensor, p: NormOrd = 2, dim?: DimArg, keepdim = false): Tensor {
  if (traceOn) return traceCall('norm', norm, [x, p, dim, keepdim]);
  const ord = p === 'fro' ? 2 : p;
  if (typeof ord !== 'number' || Number.isNaN(ord))
    throw new Error(`norm(): unsupported norm type ${String(p)} (expected a number or 'fro')`);
  if (!isFloatingPoint(x.dtype))
    throw new TypeError(
      `norm(): input dtype should be either floating point or complex. Got ${x.dtype} instead.`,
    );
  const r = reduceShapes('norm', x, dim, keepdim);
  if (!Number.isFinite(ord) && x.numel() === 0) checkNonEmpty('norm', x, r, true);
  const out = reduceKernel('norm', x, r, x.dtype, { p: ord });
  recordGrad(
    'NormBackward',
    [x],
    [out],
    ([g], [xs, y]) => {
      const gk = unsqueezeReduced(g, r);
      const yk = unsqueezeReduced(y, r);
      if (ord === 0) return [xs.mul(0)];
      if (ord === 2) return [gk.mul(xs).div(nonZero(yk))];
      const sign = xs.sign();
      if (ord === 1) return [gk.mul(sign)];
      const ax = xs.abs();
      if (!Number.isFinite(ord)) return [evenlyDistribute(g, ax, y, r).mul(sign)];
      // d/dx (sum |x|^p)^(1/p) = sign(x) |x|^(p-1) / norm^(p-1)
      return [gk.mul(sign).mul(ax.div(nonZero(yk)).pow(ord - 1))];
    },
    [x, out],
  );
  return out;
}

/** `t` with zeros replaced by 1 (a safe divisor where the numerator is 0 too). */
function nonZero(t: Tensor): Tensor {
  return where(t.eq(0), 1, t);
}

declare module '../tensor.js' {
  interface Tensor {
    sum(dim?: DimArg, keepdim?: boolean, opts?: SumOptions): Tensor;
    mean(dim?: DimArg, keepdim?: boolean, opts?: SumOptions): Tensor;
    prod(dim?: DimArg, keepdim?: boolean, opts?: SumOptions): Tensor;
    max(): Tensor;
    max(dim: number, keepdim?: boolean): ValuesIndices;
    max(other: Tensor): Tensor;
    min(): Tensor;
    min(dim: number, keepdim?: boolean): ValuesIndices;
    min(other: Tensor): Tensor;
    amax(dim?: DimArg, keepdim?: boolean): Tensor;
    amin(dim?: DimArg, keepdim?: boolean): Tensor;
    argmax(dim?: number | null, keepdim?: boolean): Tensor;
    argmin(dim?: number | null, keepdim?: boolean): Tensor;
    var(dim?: DimArg | VarOptions | boolean, opts?: VarOptions | boolean, keepdim?: boolean): Tensor;
    std(dim?: DimArg | VarOptions | boolean, opts?: VarOptions | boolean, keepdim?: boolean): Tensor;
    logsumexp(dim?: DimArg, keepdim?: boolean): Tensor;
    all(dim?: DimArg, keepdim?: boolean): Tensor;
    any(dim?: DimArg, keepdim?: boolean): Tensor;
    countNonzero(dim?: DimArg): Tensor;
    norm(p?: NormOrd, dim?: DimArg, keepdim?: boolean): Tensor;
  }
}

const proto = Tensor.prototype;
proto.sum = function (dim, keepdim, opts) {
  return sum(this, dim, keepdim, opts);
};
proto.mean = function (dim, keepdim, opts) {
  return mean(this, dim, keepdim, opts);
};
proto.prod = function (dim, keepdim, opts) {
  return prod(this, dim, keepdim, opts);
};
proto.max = function (this: Tensor, dimOrOther?: number | Tensor, keepdim?: boolean) {
  return maxMin('max', this, dimOrOther, keepdim ?? false);
} as Tensor['max'];
proto.min = function (this: Tensor, dimOrOther?: number | Tensor, keepdim?: boolean) {
  return maxMin('min', this, dimOrOther, keepdim ?? false);
} as Tensor['min'];
proto.amax = function (dim, keepdim) {
  return amax(this, dim, keepdim);
};
proto.amin = function (dim, keepdim) {
  return amin(this, dim, keepdim);
};
proto.argmax = function (dim, keepdim) {
  return argmax(this, dim, keepdim);
};
proto.argmin = function (dim, keepdim) {
  return argmin(this, dim, keepdim);
};
proto.var = function (dim, opts, keepdim) {
  return variance(this, dim, opts, keepdim);
};
proto.std = function (dim, opts, keepdim) {
  return std(this, dim, opts, keepdim);
};
proto.logsumexp = function (dim, keepdim) {
  return logsumexp(this, dim, keepdim);
};
proto.all = function (dim, keepdim) {
  return all(this, dim, keepdim);
};
proto.any = function (dim, keepdim) {
  return any(this, dim, keepdim);
};
proto.countNonzero = function (dim) {
  return countNonzero(this, dim);
};
proto.norm = function (p, dim, keepdim) {
  return norm(this, p, dim, keepdim);
};
