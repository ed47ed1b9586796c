/**
 * Indexing ops: indexSelect, gather, scatter, scatterAdd, indexAdd, take, maskedFill, maskedSelect,
 * nonzero, oneHot, and PyTorch-style indexing `x.index(...specs)` / `x.indexPut_(specs, values)`.
 *
 * Backends implement two kernels ('gather' and 'scatter'; see backend-cpu's kernels/indexing.ts for
 * their contracts) plus the compare family's 'where' (maskedFill); everything else is a
 * composition. Index tensors are
 * int32. On backends that read synchronously (cpu, wasm) indices are validated on the host and
 * out-of-range values raise PyTorch's IndexError wording. On other backends (webgpu) the negative
 * indices that `x.index()` and `take()` accept are wrapped on the device, and the kernels check the
 * range themselves (webgpu reports an out-of-range index at the next asynchronous read). Like
 * PyTorch with CUDA tensors, `x.index()` also accepts cpu index tensors for a tensor on another
 * device: they are validated on the host and then moved. Ops whose output shape depends on values
 * (nonzero, maskedSelect, indexing with a bool mask, oneHot without numClasses) need a synchronous
 * read; `nonzeroAsync` and `maskedSelectAsync` work everywhere.
 */
import type { KernelTensor } from '../backend.js';
import { formatShape, normalizeDim, numelOf, type Shape, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { traceCall, traceOn } from '../trace.js';
import { add, mul } from './binary.js';
import { lt, where } from './compare.js';
import { toDtype } from './copy.js';
import { arange, tensor, zeros } from './creation.js';
import { assertTensor, commonDevice, kview, recordGrad, runKernel1, scalarTensor } from './dispatch.js';
import { applyInPlace } from './inplace.js';
import { permute, reshape, scatterIntoZeros, select, sliceDim, unsqueeze } from './view.js';

// ------------------------------------------------------------------ validation helpers

function checkIndexDtype(op: string, index: unknown, name = 'index'): Tensor {
  const t = assertTensor(op, index, name);
  if (t.dtype !== 'int32') throw new TypeError(`${op}: Expected dtype int32 for ${name} (got ${t.dtype})`);
  return t;
}

function outOfBounds(op: string, v: number, dim: number, size: number): RangeError {
  return new RangeError(`${op}: index ${v} is out of bounds for dimension ${dim} with size ${size}`);
}

/**
 * Validates index values against `size` on backends that read synchronously. With `allowNegative`,
 * values in [-size, 0) are accepted and the returned tensor has them wrapped (else `index` itself).
 */
function checkBounds(op: string, index: Tensor, size: number, dim: number, allowNegative = false): Tensor {
  if (index.numel() === 0) return index;
  // Asynchronous devices: wrap negatives on the device; the kernels check the range.
  if (!index.canReadSync()) return allowNegative ? where(lt(index, 0), add(index, size), index) : index;
  const d = index.dataSync();
  const lo = allowNegative ? -size : 0;
  let negative = false;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v >= size || v < lo) throw outOfBounds(op, v, dim, size);
    if (v < 0) negative = true;
  }
  if (!negative) return index;
  const w = new Int32Array(d.length);
  for (let i = 0; i < d.length; i++) w[i] = d[i] < 0 ? d[i] + size : d[i];
  return tensor(w, { dtype: 'int32', device: index.device, shape: index.shape });
}

const atLeast1 = (n: number): number => Math.max(n, 1);
const as1d = (t: Tensor): Tensor => (t.ndim === 0 ? reshape(t, [1]) : t);

/** A view of `t` restricted to the leading `shape` of each dim (for src tensors wider than index). */
function restrict(t: Tensor, shape: Shape): KernelTensor {
  return { data: t.storage.handle, dtype: t.dtype, shape, strides: t._strides, offset: t._offset };
}

// ------------------------------------------------------------------ gather / scatter cores (no validation)

function gatherCore(x: Tensor, d: number, index: Tensor): Tensor {
  const out = runKernel1('gather', x.device, [kview(x), kview(index)], index.shape, x.dtype, { dim: d });
  const inShape = x.shape;
  recordGrad(
    'GatherBackward',
    [x],
    [out],
    ([g], [idx]) => [
      scatterCore(zeros(inShape, { dtype: g.dtype, device: g.device }), d, idx, g, 'add', false),
    ],
    [index],
  );
  return out;
}

type Reduce = 'none' | 'add';

/** out = self with `src` (index's shape or wider, or a 0-d value when `isValue`) scattered along d. */
function scatterCore(
  self: Tensor,
  d: number,
  index: Tensor,
  src: Tensor,
  reduce: Reduce,
  isValue: boolean,
): Tensor {
  const srcK = isValue ? kview(src, index.shape) : restrict(src, index.shape);
  const out = runKernel1('scatter', self.device, [kview(self), kview(index), srcK], self.shape, self.dtype, {
    dim: d,
    reduce,
  });
  const srcShape = src.shape;
  recordGrad(
    reduce === 'add' ? 'ScatterAddBackward' : 'ScatterBackward',
    [self, isValue ? null : src],
    [out],
    ([g], [idx], needs) => {
      let gSelf: Tensor | null = null;
      if (needs[0])
        gSelf =
          reduce === 'add' ? g : scatterCore(g, d, idx, scalarTensor(0, g.dtype, g.device), 'none', true);
      let gSrc: Tensor | null = null;
      if (needs[1]) {
        gSrc = gatherCore(g, d, idx);
        if (!shapesEqual(gSrc.shape, srcShape)) {
          const part = gSrc;
          gSrc = scatterIntoZeros('ScatterSrcBackward', part, srcShape, (t) => narrowTo(t, part.shape));
        }
      }
      return [gSelf, gSrc];
    },
    [index],
  );
  return out;
}

/** The leading `shape` block of `t` (a view). */
function narrowTo(t: Tensor, shape: Shape): Tensor {
  let v = t;
  for (let i = 0; i < shape.length; i++) if (v.shape[i] !== shape[i]) v = sliceDim(v, i, 0, shape[i]);
  return v;
}

/** `x` gathered along `d` at the 1-d `index` (its values already valid). */
function indexSelectCore(x: Tensor, d: number, index: Tensor): Tensor {
  const idx = index.ndim === 1 ? index : reshape(index, [index.numel()]);
  const outShape = x.shape.slice();
  outShape[d] = idx.shape[0];
  const ik: KernelTensor = {
    data: idx.storage.handle,
    dtype: 'int32',
    shape: outShape,
    strides: outShape.map((_, i) => (i === d ? idx._strides[0] : 0)),
    offset: idx._offset,
  };
  const out = runKernel1('gather', x.device, [kview(x), ik], outShape, x.dtype, { dim: d });
  const inShape = x.shape;
  recordGrad(
    'IndexSelectBackward',
    [x],
    [out],
    ([g], [i]) => [indexAddCore(zeros(inShape, { dtype: g.dtype, device: g.device }), d, i, g)],
    [idx],
  );
  return out;
}

/** self with `src` rows added at the 1-d `index` along d (scatterAdd of an expanded index). */
function indexAddCore(self: Tensor, d: number, index: Tensor, src: Tensor): Tensor {
  const lined = src.shape.map((_, i) => (i === d ? index.shape[0] : 1));
  const expanded = reshape(index, lined).expand(src.shape);
  return scatterCore(self, d, expanded, src, 'add', false);
}

// ------------------------------------------------------------------ public ops

/** Entries of `x` along `dim` at the positions in the 1-d int32 `index` (PyTorch's index_select). */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  if (traceOn) return traceCall('indexSelect', indexSelect, [x, dim, index]);
  const op = 'indexSelect()';
  assertTensor(op, x);
  checkIndexDtype(op, index);
  commonDevice(op, [x, index]);
  if (index.ndim > 1)
    throw new Error(
      `${op}: Index is supposed to be a vector (got index of shape ${formatShape(index.shape)})`,
    );
  const d = normalizeDim(op, dim, x.ndim);
  if (x.ndim === 0) {
    const out = indexSelect(reshape(x, [1]), 0, index);
    return index.ndim === 0 ? reshape(out, []) : out;
  }
  return indexSelectCore(x, d, checkBounds(op, index, x.shape[d], d));
}

/** `out[i][j] = x[index[i][j]][j]` for dim 0 (PyTorch's gather); the output has index's shape. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  if (traceOn) return traceCall('gather', gather, [x, dim, index]);
  const op = 'gather()';
  assertTensor(op, x);
  checkIndexDtype(op, index);
  commonDevice(op, [x, index]);
  const d = normalizeDim(op, dim, x.ndim);
  if (atLeast1(index.ndim) !== atLeast1(x.ndim))
    throw new Error(
      `${op}: Index tensor must have the same number of dimensions as input tensor (got index ${formatShape(index.shape)} and input ${formatShape(x.shape)})`,
    );
  if (x.ndim === 0 || index.ndim === 0) return reshape(gather(as1d(x), 0, as1d(index)), index.shape);
  for (let i = 0; i < x.ndim; i++)
    if (i !== d && index.shape[i] > x.shape[i])
      throw new Error(
        `${op}: Size does not match at dimension ${i} expected index ${formatShape(index.shape)} to be smaller than self ${formatShape(x.shape)} apart from dimension ${d}`,
      );
  return gatherCore(x, d, checkBounds(op, index, x.shape[d], d));
}

function checkScatter(op: string, self: Tensor, d: number, index: Tensor, src: Tensor | null): void {
  if (atLeast1(index.ndim) !== atLeast1(self.ndim))
    throw new Error(
      `${op}: Index tensor must have the same number of dimensions as self tensor (got index ${formatShape(index.shape)} and self ${formatShape(self.shape)})`,
    );
  if (src && atLeast1(src.ndim) !== atLeast1(index.ndim))
    throw new Error(
      `${op}: Index tensor must have the same number of dimensions as src tensor (got index ${formatShape(index.shape)} and src ${formatShape(src.shape)})`,
    );
  const n = Math.max(index.ndim, self.ndim);
  const dimOf = (t: Tensor, i: number) => (t.ndim === 0 ? 1 : t.shape[i]);
  for (let i = 0; i < n; i++) {
    if (i !== d && dimOf(index, i) > dimOf(self, i))
      throw new Error(
        `${op}: Expected index ${formatShape(index.shape)} to be smaller than self ${formatShape(self.shape)} apart from dimension ${d}`,
      );
    if (src && dimOf(index, i) > dimOf(src, i))
      throw new Error(
        `${op}: Expected index ${formatShape(index.shape)} to be smaller size than src ${formatShape(src.shape)}`,
      );
  }
  if (src && src.dtype !== self.dtype)
    throw new TypeError(
      `${op}: Expected self.dtype to be equal to src.dtype (got self ${self.dtype} and src ${src.dtype})`,
    );
}

function scatterOp(
  op: string,
  self: Tensor,
  dim: number,
  index: Tensor,
  src: Tensor | number | boolean,
  reduce: Reduce,
): Tensor {
  assertTensor(op, self);
  checkIndexDtype(op, index);
  const srcT = src instanceof Tensor ? src : null;
  commonDevice(op, srcT ? [self, index, srcT] : [self, index]);
  const d = normalizeDim(op, dim, self.ndim);
  checkScatter(op, self, d, index, srcT);
  const size = self.ndim === 0 ? 1 : self.shape[d];
  const idx = checkBounds(op, index, size, d);
  const value = srcT ?? scalarTensor(src as number | boolean, self.dtype, self.device);
  if (self.ndim === 0 || index.ndim === 0 || (srcT !== null && srcT.ndim === 0)) {
    const out = scatterCore(as1d(self), 0, as1d(idx), srcT ? as1d(srcT) : value, reduce, srcT === null);
    return reshape(out, self.shape);
  }
  return scatterCore(self, d, idx, value, reduce, srcT === null);
}

/**
 * Out-of-place scatter: a copy of `x` with `out[index[i][j]][j] = src[i][j]` for dim 0 (`src` may be
 * a tensor at least as large as index, of x's dtype, or a number). With duplicate indices the last
 * write wins on cpu (unspecified in PyTorch).
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number | boolean): Tensor {
  if (traceOn) return traceCall('scatter', scatter, [x, dim, index, src]);
  return scatterOp('scatter()', x, dim, index, src, 'none');
}

/** Out-of-place scatter_add: a copy of `x` with `out[index[i][j]][j] += src[i][j]` for dim 0. */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  if (traceOn) return traceCall('scatterAdd', scatterAdd, [x, dim, index, src]);
  assertTensor('scatterAdd()', src, 'src');
  return scatterOp('scatterAdd()', x, dim, index, src, 'add');
}

/** A copy of `x` with `alpha * src` added at the rows `index` (1-d int32) of `dim` (index_add). */
export function indexAdd(x: Tensor, dim: number, index: Tensor, src: Tensor, alpha = 1): Tensor {
  if (traceOn) return traceCall('indexAdd', indexAdd, [x, dim, index, src, alpha]);
  const op = 'indexAdd()';
  assertTensor(op, x);
  checkIndexDtype(op, index);
  assertTensor(op, src, 'source');
  commonDevice(op, [x, index, src]);
  if (index.ndim > 1)
    throw new Error(
      `${op}: Index is supposed to be a vector (got index of shape ${formatShape(index.shape)})`,
    );
  const d = normalizeDim(op, dim, x.ndim);
  const xs = x.ndim === 0 ? [1] : x.shape;
  const want = xs.slice();
  want[d] = index.numel();
  const ss = src.ndim === 0 ? [1] : src.shape;
  if (!shapesEqual(ss, want))
    throw new Error(
      `${op}: Source/destination tensor must have same slice shapes (expected source of shape ${formatShape(want)}, got ${formatShape(src.shape)})`,
    );
  if (src.dtype !== x.dtype)
    throw new TypeError(
      `${op}: Expected self.dtype to be equal to source.dtype (got ${x.dtype} and ${src.dtype})`,
    );
  const idx = checkBounds(op, index, xs[d], d);
  const s = alpha === 1 ? src : mul(src, alpha);
  const out = indexAddCore(as1d(x), d, as1d(idx), as1d(s));
  return x.ndim === 0 ? reshape(out, []) : out;
}

/** Elements of the flattened `x` at `index` (any shape, negative values count from the end). */
export function take(x: Tensor, index: Tensor): Tensor {
  if (traceOn) return traceCall('take', take, [x, index]);
  const op = 'take()';
  assertTensor(op, x);
  checkIndexDtype(op, index);
  commonDevice(op, [x, index]);
  const n = x.numel();
  const idx = checkBounds(op, index, n, 0, true);
  const flat = reshape(x, [n]);
  return reshape(indexSelectCore(flat, 0, idx), index.shape);
}

function maskValue(op: string, x: Tensor, value: Tensor | number | boolean): Tensor {
  if (value instanceof Tensor) {
    if (value.ndim !== 0)
      throw new Error(
        `${op}: only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`,
      );
    return value.dtype === x.dtype ? value : toDtype(value, x.dtype);
  }
  return scalarTensor(value, x.dtype, x.device);
}

function checkMask(op: string, mask: unknown): Tensor {
  const m = assertTensor(op, mask, 'mask');
  if (m.dtype !== 'bool')
    throw new TypeError(`${op}: only supports boolean masks, but got mask with dtype ${m.dtype}`);
  return m;
}

/** Runs the compare family's 'where' kernel (cond, a, b): out = mask ? value : x. */
function maskedFillCore(x: Tensor, mask: Tensor, v: Tensor, shape: Shape): Tensor {
  const out = runKernel1(
    'where',
    x.device,
    [kview(mask, shape), kview(v, shape), kview(x, shape)],
    shape,
    x.dtype,
  );
  const xShape = x.shape;
  recordGrad(
    'MaskedFillBackward',
    [x, v],
    [out],
    ([g], [m], needs) => {
      const gx = maskedFillCore(g, m, scalarTensor(0, g.dtype, g.device), g.shape);
      return [needs[0] ? gx.sumToSize(xShape) : null, needs[1] ? g.sub(gx).sum() : null];
    },
    [mask],
  );
  return out;
}

/**
 * `x` with `value` where the bool `mask` is true (x and mask broadcast together). `value` is a
 * number or a 0-d tensor (differentiable).
 */
export function maskedFill(x: Tensor, mask: Tensor, value: Tensor | number | boolean): Tensor {
  if (traceOn) return traceCall('maskedFill', maskedFill, [x, mask, value]);
  const op = 'maskedFill';
  assertTensor(op, x);
  const m = checkMask(op, mask);
  const v = maskValue(op, x, value);
  commonDevice(op, [x, m, v]);
  const shape = shapesEqual(x.shape, m.shape) ? x.shape : broadcastTwo(op, x.shape, m.shape);
  return maskedFillCore(x, m, v, shape);
}

/** NumPy broadcasting of two shapes; throws (or returns null when `op` is null) if they don't broadcast. */
function broadcastTwo(op: string, a: Shape, b: Shape): number[];
function broadcastTwo(op: null, a: Shape, b: Shape): number[] | null;
function broadcastTwo(op: string | null, a: Shape, b: Shape): number[] | null {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i - n + a.length >= 0 ? a[i - n + a.length] : 1;
    const db = i - n + b.length >= 0 ? b[i - n + b.length] : 1;
    if (da !== db && da !== 1 && db !== 1) {
      if (op === null) return null;
      throw new Error(
        `${op}: The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i} (shapes ${formatShape(a)} and ${formatShape(b)})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

function positionsOf(data: ArrayLike<number>): Int32Array {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) n++;
  const out = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) out[k++] = i;
  return out;
}

function maskedSelectFrom(x: Tensor, shape: Shape, maskData: ArrayLike<number>): Tensor {
  const pos = tensor(positionsOf(maskData), { dtype: 'int32', device: x.device });
  const xe = shapesEqual(x.shape, shape) ? x : x.expand(shape);
  return indexSelectCore(reshape(xe, [numelOf(shape)]), 0, pos);
}

function maskedSelectPrep(x: Tensor, mask: Tensor): { m: Tensor; shape: number[] } {
  const op = 'maskedSelect';
  assertTensor(op, x);
  const m = checkMask(op, mask);
  commonDevice(op, [x, m]);
  const shape = broadcastTwo(op, x.shape, m.shape);
  return { m: shapesEqual(m.shape, shape) ? m : m.expand(shape), shape };
}

/** The 1-d tensor of x's elements where the bool `mask` is true (broadcast together). Needs a sync read. */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  if (traceOn) return traceCall('maskedSelect', maskedSelect, [x, mask]);
  const { m, shape } = maskedSelectPrep(x, mask);
  return maskedSelectFrom(x, shape, m.dataSync());
}

/** `maskedSelect` for devices that read asynchronously (WebGPU): the output size depends on the data. */
export async function maskedSelectAsync(x: Tensor, mask: Tensor): Promise<Tensor> {
  const { m, shape } = maskedSelectPrep(x, mask);
  return maskedSelectFrom(x, shape, await m.data());
}

function nonzeroFrom(shape: Shape, data: ArrayLike<number>, device: string): Tensor {
  const pos = positionsOf(data);
  const nd = shape.length;
  const out = new Int32Array(pos.length * nd);
  for (let k = 0; k < pos.length; k++) {
    let r = pos[k];
    for (let d = nd - 1; d >= 0; d--) {
      out[k * nd + d] = r % shape[d];
      r = Math.floor(r / shape[d]);
    }
  }
  return tensor(out, { dtype: 'int32', device, shape: [pos.length, nd] });
}

/** Int32 coordinates `[n, ndim]` of the non-zero (true) elements, in row-major order. Needs a sync read. */
export function nonzero(x: Tensor): Tensor {
  if (traceOn) return traceCall('nonzero', nonzero, [x]);
  assertTensor('nonzero', x);
  return nonzeroFrom(x.shape, x.dataSync(), x.device);
}

/** `nonzero` for devices that read asynchronously (WebGPU): the output size depends on the data. */
export async function nonzeroAsync(x: Tensor): Promise<Tensor> {
  assertTensor('nonzero', x);
  return nonzeroFrom(x.shape, await x.data(), x.device);
}

/**
 * One-hot encoding of int32 class indices: shape `[...indices.shape, numClasses]`, int32. With
 * `numClasses = -1` the count is max(indices) + 1 (needs a sync read).
 */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  if (traceOn) return traceCall('oneHot', oneHot, [indices, numClasses]);
  const op = 'oneHot';
  assertTensor(op, indices, 'indices');
  if (indices.dtype !== 'int32')
    throw new TypeError(
      `${op}: one_hot is only applicable to index tensor of type int32 (got ${indices.dtype})`,
    );
  if (!Number.isInteger(numClasses) || numClasses < -1)
    throw new Error(`${op}: numClasses should be -1 or a non-negative integer (got ${numClasses})`);
  let c = numClasses;
  if (indices.canReadSync()) {
    const d = indices.dataSync();
    if (c === -1 && d.length === 0)
      throw new Error(`${op}: Can not infer total number of classes from empty tensor.`);
    let lo = 0;
    let hi = -1;
    for (let i = 0; i < d.length; i++) {
      if (d[i] < lo) lo = d[i];
      if (d[i] > hi) hi = d[i];
    }
    if (lo < 0) throw new RangeError(`${op}: Class values must be non-negative.`);
    if (c === -1) c = hi + 1;
    else if (hi >= c) throw new RangeError(`${op}: Class values must be smaller than num_classes.`);
  } else if (c === -1)
    throw new Error(
      `${op}: numClasses must be given on the '${indices.device}' backend (it cannot read synchronously)`,
    );
  const base = zeros([...indices.shape, c], { dtype: 'int32', device: indices.device });
  return scatterCore(
    base,
    indices.ndim,
    unsqueeze(indices, -1),
    scalarTensor(1, 'int32', indices.device),
    'none',
    true,
  );
}

// ------------------------------------------------------------------ x.index(...specs)

/** A Python-style slice `start:end:step` for `x.index(...)`; build it with `k.slice(...)`. */
export class SliceSpec {
  constructor(
    readonly start: number | null = null,
    readonly end: number | null = null,
    readonly step = 1,
  ) {}
}

/** `k.slice(1, -1)` is Python's `1:-1`; `k.slice()` is `:`. Negative bounds count from the end. */
export function slice(start?: number | null, end?: number | null, step?: number): SliceSpec {
  return new SliceSpec(start ?? null, end ?? null, step ?? 1);
}

/**
 * One entry of `x.index(...)`: a number (select; negative counts from the end), `k.slice(...)`,
 * `null` (new axis), `'...'` (ellipsis), an int32 tensor or number array (advanced indexing) or a
 * bool tensor or boolean array (mask).
 */
export type IndexSpec = number | SliceSpec | null | '...' | Tensor | readonly number[] | readonly boolean[];

interface AdvIndex {
  dim: number;
  index: Tensor;
  /** For an int32 index the host could not validate: its dim in x (for the device-side check). */
  srcDim?: number;
}

interface Sliced {
  view: Tensor;
  adv: AdvIndex[];
}

const OP = 'index';

function specTensor(spec: readonly number[] | readonly boolean[], device: string): Tensor {
  if (spec.length > 0 && typeof spec[0] === 'boolean')
    return tensor(spec as readonly boolean[] as boolean[], { dtype: 'bool', device });
  for (const v of spec as readonly number[])
    if (!Number.isInteger(v))
      throw new TypeError(`${OP}: index arrays must hold integers or booleans (got ${String(v)})`);
  return tensor(spec as readonly number[] as number[], { dtype: 'int32', device });
}

/** Applies the basic (view) part of `specs` and collects the advanced (tensor) indices. */
function applySpecs(x: Tensor, specs: readonly IndexSpec[]): Sliced {
  const norm = specs.map((s) => (Array.isArray(s) ? specTensor(s, x.device) : s)) as (
    | number
    | SliceSpec
    | null
    | '...'
    | Tensor
  )[];
  let consumed = 0;
  let ellipses = 0;
  for (const s of norm) {
    if (s === '...') ellipses++;
    else if (s === null) continue;
    else if (s instanceof Tensor) {
      if (s.dtype === 'bool') consumed += s.ndim;
      else if (s.dtype === 'int32') consumed++;
      else
        throw new TypeError(
          `${OP}: tensors used as indices must be int32 or bool tensors (got ${s.dtype}); convert with .int()`,
        );
      // A cpu index may index a tensor on any device (validated on the host, then moved).
      if (s.device !== 'cpu') commonDevice(OP, [x, s]);
    } else if (typeof s === 'number' || s instanceof SliceSpec) consumed++;
    else
      throw new TypeError(
        `${OP}: unsupported index ${String(s)} (expected a number, k.slice(), null, '...', or a tensor)`,
      );
  }
  if (ellipses > 1) throw new Error(`${OP}: an index can only have a single ellipsis ('...')`);
  if (consumed > x.ndim)
    throw new RangeError(`${OP}: too many indices for tensor of dimension ${x.ndim} (got ${consumed})`);

  let y = x;
  let dim = 0; // position in y
  let src = 0; // position in x (for error messages, like PyTorch)
  const adv: AdvIndex[] = [];
  for (const s of norm) {
    if (s === '...') {
      dim += x.ndim - consumed;
      src += x.ndim - consumed;
    } else if (s === null) y = unsqueeze(y, dim++);
    else if (typeof s === 'number') {
      if (!Number.isInteger(s)) throw new TypeError(`${OP}: index ${s} is not an integer`);
      const n = y.shape[dim];
      if (s < -n || s >= n) throw outOfBounds(OP, s, src, n);
      y = select(y, dim, s);
      src++;
    } else if (s instanceof SliceSpec) {
      y = sliceDim(y, dim++, s.start, s.end, s.step);
      src++;
    } else if (s.dtype === 'int32') {
      const idx = checkBounds(OP, s, y.shape[dim], src, true);
      const srcDim = s.canReadSync() ? undefined : src;
      src++;
      adv.push({ dim, index: idx.device === x.device ? idx : idx.to(x.device), srcDim });
      dim++;
    } else if (s.ndim === 0) {
      // x[True] adds a size-1 dim, x[False] a size-0 one.
      y = unsqueeze(y, dim);
      const on = s.item() !== 0;
      adv.push({ dim, index: tensor(on ? [0] : [], { dtype: 'int32', device: x.device }) });
      dim++;
    } else {
      for (let j = 0; j < s.ndim; j++)
        if (s.shape[j] !== y.shape[dim + j])
          throw new RangeError(
            `${OP}: The shape of the mask ${formatShape(s.shape)} at index ${j} does not match the shape of the indexed tensor ${formatShape(x.shape)} at index ${src + j}`,
          );
      const found = nonzero(s);
      const coords = found.device === x.device ? found : found.to(x.device);
      for (let j = 0; j < s.ndim; j++) adv.push({ dim: dim + j, index: select(coords, 1, j) });
      dim += s.ndim;
      src += s.ndim;
    }
  }
  return { view: y, adv };
}

function broadcastIndexShapes(adv: readonly AdvIndex[]): number[] {
  let out: number[] = adv[0].index.shape.slice();
  for (let i = 1; i < adv.length; i++) {
    const s = adv[i].index.shape;
    const n = Math.max(out.length, s.length);
    const next = new Array<number>(n);
    for (let j = 0; j < n; j++) {
      const a = j - n + out.length >= 0 ? out[j - n + out.length] : 1;
      const b = j - n + s.length >= 0 ? s[j - n + s.length] : 1;
      if (a !== b && a !== 1 && b !== 1)
        throw new RangeError(
          `${OP}: shape mismatch: indexing tensors could not be broadcast together with shapes ${adv.map((e) => formatShape(e.index.shape)).join(', ')}`,
        );
      next[j] = a === 1 ? b : a;
    }
    out = next;
  }
  return out;
}

/** Advanced indexing of `y` (NumPy/PyTorch placement rules). */
function advancedGather(y: Tensor, adv: readonly AdvIndex[]): Tensor {
  if (adv.length === 1) {
    const { dim, index } = adv[0];
    const out = indexSelectCore(y, dim, index);
    return reshape(out, [...y.shape.slice(0, dim), ...index.shape, ...y.shape.slice(dim + 1)]);
  }
  const b = broadcastIndexShapes(adv);
  // Indices the host could not validate: the linear index below could hide one out of range, so
  // each is gathered from a (lazily zero) dummy dim of its size, whose kernel checks the range.
  for (const a of adv)
    if (a.srcDim !== undefined) {
      const probe = zeros([...new Array<number>(a.srcDim).fill(1), y.shape[a.dim]], {
        dtype: 'int32',
        device: y.device,
      });
      indexSelectCore(probe, a.srcDim, a.index).dispose();
    }
  const dims = adv.map((a) => a.dim);
  const adjacent = dims.every((d, i) => i === 0 || d === dims[i - 1] + 1);
  const rest = y.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const sizes = dims.map((d) => y.shape[d]);
  // Row-major linear index over the advanced dims, computed on the device.
  let lin: Tensor | null = null;
  let stride = 1;
  for (let j = adv.length - 1; j >= 0; j--) {
    const term = stride === 1 ? adv[j].index : mul(adv[j].index, stride);
    lin = lin === null ? term : add(lin, term);
    stride *= sizes[j];
  }
  const linear = (lin as Tensor).expand(b);
  const moved = permute(y, [...dims, ...rest]);
  const flat = reshape(moved, [numelOf(sizes), ...rest.map((i) => y.shape[i])]);
  const picked = indexSelectCore(flat, 0, reshape(linear, [numelOf(b)]));
  let out = reshape(picked, [...b, ...rest.map((i) => y.shape[i])]);
  const at = dims[0];
  if (adjacent && at > 0) {
    const nb = b.length;
    const perm = [
      ...Array.from({ length: at }, (_, i) => nb + i),
      ...Array.from({ length: nb }, (_, i) => i),
      ...Array.from({ length: out.ndim - nb - at }, (_, i) => nb + at + i),
    ];
    out = permute(out, perm).contiguous();
  }
  return out;
}

/**
 * PyTorch's `x[specs]`: `x.index(0, -1)` is `x[0, -1]`, `x.index(k.slice(1), null, '...')` is
 * `x[1:, None, ...]`, `x.index(idx)` with an int32 tensor gathers along dim 0, `x.index(mask)` with
 * a bool tensor selects like maskedSelect over the dims it covers. Several index tensors broadcast
 * together; when they are not adjacent their dims come first (NumPy rules). Numbers select (like
 * PyTorch, they do not count as advanced indices). Basic indexing returns a view; advanced
 * indexing returns a copy.
 */
export function index(x: Tensor, ...specs: IndexSpec[]): Tensor {
  if (traceOn) return traceCall('index', index, [x, ...specs]);
  assertTensor(OP, x);
  const { view: y, adv } = applySpecs(x, specs);
  if (adv.length === 0) return y === x ? reshape(x, x.shape.slice()) : y;
  return advancedGather(y, adv);
}

function putValues(op: string, x: Tensor, values: Tensor | number | boolean): Tensor {
  if (values instanceof Tensor) {
    commonDevice(op, [x, values]);
    return values.dtype === x.dtype ? values : toDtype(values, x.dtype);
  }
  return scalarTensor(values, x.dtype, x.device);
}

/**
 * Out-of-place `x[specs] = values` (or `+=` with `accumulate`, where duplicates add up): a copy of
 * `x`. `values` broadcasts to the shape of `x.index(...specs)` and is converted to x's dtype.
 */
export function indexPut(
  x: Tensor,
  specs: readonly IndexSpec[],
  values: Tensor | number | boolean,
  accumulate = false,
): Tensor {
  if (traceOn) return traceCall('indexPut', indexPut, [x, specs, values, accumulate]);
  const op = 'indexPut';
  assertTensor(op, x);
  if (!Array.isArray(specs)) throw new TypeError(`${op}: indices must be an array of index specs`);
  const v = putValues(op, x, values);
  const n = x.numel();
  const pos = index(reshape(arange(n, { dtype: 'int32', device: x.device }), x.shape), ...specs);
  const bs = broadcastTwo(null, v.shape, pos.shape);
  if (bs === null || !shapesEqual(bs, pos.shape))
    throw new Error(
      `${op}: shape mismatch: value tensor of shape ${formatShape(v.shape)} cannot be broadcast to indexing result of shape ${formatShape(pos.shape)}`,
    );
  const m = pos.numel();
  const flatPos = reshape(pos, [m]);
  const isValue = !(values instanceof Tensor);
  const src = isValue ? v : reshape(shapesEqual(v.shape, pos.shape) ? v : v.expand(pos.shape), [m]);
  const out = scatterCore(reshape(x, [n]), 0, flatPos, src, accumulate ? 'add' : 'none', isValue);
  return reshape(out, x.shape);
}

// ------------------------------------------------------------------ methods

type ValueLike = Tensor | number | boolean;
const tensorsOf = (...vs: unknown[]): Tensor[] => vs.filter((v): v is Tensor => v instanceof Tensor);

declare module '../tensor.js' {
  interface Tensor {
    indexSelect(dim: number, index: Tensor): Tensor;
    gather(dim: number, index: Tensor): Tensor;
    scatter(dim: number, index: Tensor, src: ValueLike): Tensor;
    scatter_(dim: number, index: Tensor, src: ValueLike): Tensor;
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    scatterAdd_(dim: number, index: Tensor, src: Tensor): Tensor;
    indexAdd(dim: number, index: Tensor, src: Tensor, alpha?: number): Tensor;
    indexAdd_(dim: number, index: Tensor, src: Tensor, alpha?: number): Tensor;
    take(index: Tensor): Tensor;
    maskedFill(mask: Tensor, value: ValueLike): Tensor;
    maskedFill_(mask: Tensor, value: ValueLike): Tensor;
    maskedSelect(mask: Tensor): Tensor;
    nonzero(): Tensor;
    /** PyTorch's `x[...specs]`; see `k.index`. */
    index(...specs: IndexSpec[]): Tensor;
    /** Out-of-place `x[...specs] = values`; see `k.indexPut`. */
    indexPut(specs: readonly IndexSpec[], values: ValueLike, accumulate?: boolean): Tensor;
    /** In-place `x[...specs] = values` (or `+=` with accumulate). */
    indexPut_(specs: readonly IndexSpec[], values: ValueLike, accumulate?: boolean): Tensor;
  }
}

const proto = Tensor.prototype;
proto.indexSelect = function (dim, idx) {
  return indexSelect(this, dim, idx);
};
proto.gather = function (dim, idx) {
  return gather(this, dim, idx);
};
proto.scatter = function (dim, idx, src) {
  return scatter(this, dim, idx, src);
};
proto.scatter_ = function (dim, idx, src) {
  return applyInPlace('scatter_', this, tensorsOf(src), (s) => scatter(s, dim, idx, src));
};
proto.scatterAdd = function (dim, idx, src) {
  return scatterAdd(this, dim, idx, src);
};
proto.scatterAdd_ = function (dim, idx, src) {
  return applyInPlace('scatterAdd_', this, tensorsOf(src), (s) => scatterAdd(s, dim, idx, src));
};
proto.indexAdd = function (dim, idx, src, alpha) {
  return indexAdd(this, dim, idx, src, alpha);
};
proto.indexAdd_ = function (dim, idx, src, alpha) {
  return applyInPlace('indexAdd_', this, tensorsOf(src), (s) => indexAdd(s, dim, idx, src, alpha));
};
proto.take = function (idx) {
  return take(this, idx);
};
proto.maskedFill = function (mask, value) {
  return maskedFill(this, mask, value);
};
proto.maskedFill_ = function (mask, value) {
  return applyInPlace('maskedFill_', this, tensorsOf(value), (s) => maskedFill(s, mask, value));
};
proto.maskedSelect = function (mask) {
  return maskedSelect(this, mask);
};
proto.nonzero = function () {
  return nonzero(this);
};
proto.index = function (...specs) {
  return index(this, ...specs);
};
proto.indexPut = function (specs, values, accumulate) {
  return indexPut(this, specs, values, accumulate);
};
proto.indexPut_ = function (specs, values, accumulate) {
  return applyInPlace('indexPut_', this, tensorsOf(values), (s) => indexPut(s, specs, values, accumulate));
};
