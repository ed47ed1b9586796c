/**
 * Views share storage with their input (zero copy), as in PyTorch. Each records a backward node that
 * maps the gradient back to the input's shape.
 */
import { contiguousStrides, formatShape, normalizeDim, numelOf, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { traceCall, traceOn } from '../trace.js';
import { runCopyKernel } from './copy.js';
import { zeros } from './creation.js';
import { kview, recordGrad } from './dispatch.js';

type ShapeArg = readonly number[] | number[];

function viewOf(x: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  return x._withGeometry(shape, strides, offset);
}

/**
 * The gradient of a view that selects part of its input: zeros of the input's shape with `g` written
 * into the same view of them. Its own backward applies the view again, so it is twice differentiable.
 */
export function scatterIntoZeros(
  name: string,
  g: Tensor,
  inputShape: readonly number[],
  applyView: (t: Tensor) => Tensor,
): Tensor {
  const out = zeros(inputShape, { dtype: g.dtype, device: g.device });
  const dst = applyView(out);
  if (dst.numel() > 0) runCopyKernel(g.device, kview(dst), kview(g, dst.shape));
  dst.dispose();
  recordGrad(name, [g], [out], ([gg]) => [applyView(gg)]);
  return out;
}

function inferSize(op: string, shape: readonly number[], numel: number): number[] {
  const out = shape.slice();
  let infer = -1;
  let known = 1;
  for (let i = 0; i < out.length; i++) {
    if (out[i] === -1) {
      if (infer >= 0) throw new Error(`${op}: only one dimension can be inferred`);
      infer = i;
    } else if (!Number.isInteger(out[i]) || out[i] < 0)
      throw new Error(`${op}: invalid shape dimension ${out[i]}`);
    else known *= out[i];
  }
  if (infer >= 0) {
    if (known === 0 || numel % known !== 0)
      throw new Error(`${op}: shape '${formatShape(shape)}' is invalid for input of size ${numel}`);
    out[infer] = numel / known;
  } else if (known !== numel)
    throw new Error(`${op}: shape '${formatShape(shape)}' is invalid for input of size ${numel}`);
  return out;
}

/** PyTorch's computeStride: strides for viewing (shape, strides) as newShape without a copy, or null. */
function computeViewStrides(
  shape: readonly number[],
  strides: readonly number[],
  newShape: readonly number[],
): number[] | null {
  if (shape.length === 0) return newShape.map(() => 1);
  const numel = numelOf(shape);
  if (numel === 0) return shapesEqual(shape, newShape) ? strides.slice() : contiguousStrides(newShape);
  const newStrides = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d];
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}

function shapeFromArgs(args: readonly (number | ShapeArg)[]): number[] {
  return Array.isArray(args[0]) ? (args[0] as number[]).slice() : (args as number[]).slice();
}

/** A view with a new shape sharing storage (one dim may be -1), like torch.Tensor.view; throws when the strides do not allow it. */
export function view(x: Tensor, ...shapeArgs: (number | ShapeArg)[]): Tensor {
  if (traceOn) return traceCall('view', view, [x, ...shapeArgs]);
  const shape = inferSize('view', shapeFromArgs(shapeArgs), x.numel());
  const strides = computeViewStrides(x.shape, x._strides, shape);
  if (strides === null)
    throw new Error(
      `view: view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead. (input shape ${formatShape(x.shape)}, strides ${formatShape(x._strides)}, requested ${formatShape(shape)})`,
    );
  const out = viewOf(x, shape, strides, x._offset);
  const inShape = x.shape;
  recordGrad('ViewBackward', [x], [out], ([g]) => [reshape(g, inShape)]);
  return out;
}

/** A view when the strides allow it, else a contiguous copy (like PyTorch). */
export function reshape(x: Tensor, ...shapeArgs: (number | ShapeArg)[]): Tensor {
  if (traceOn) return traceCall('reshape', reshape, [x, ...shapeArgs]);
  const shape = inferSize('reshape', shapeFromArgs(shapeArgs), x.numel());
  const strides = computeViewStrides(x.shape, x._strides, shape);
  if (strides !== null) {
    const out = viewOf(x, shape, strides, x._offset);
    const inShape = x.shape;
    recordGrad('ViewBackward', [x], [out], ([g]) => [reshape(g, inShape)]);
    return out;
  }
  return view(x.clone(), shape);
}

/** A view with dims `dim0` and `dim1` swapped, like torch.transpose. */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  if (traceOn) return traceCall('transpose', transpose, [x, dim0, dim1]);
  const n = x.ndim;
  const a = normalizeDim('transpose', dim0, n);
  const b = normalizeDim('transpose', dim1, n);
  const shape = x.shape.slice();
  const strides = x._strides.slice();
  [shape[a], shape[b]] = [shape[b], shape[a]];
  [strides[a], strides[b]] = [strides[b], strides[a]];
  const out = viewOf(x, shape, strides, x._offset);
  recordGrad('TransposeBackward', [x], [out], ([g]) => [transpose(g, a, b)]);
  return out;
}

/** A view with the dims reordered, like torch.permute. */
export function permute(x: Tensor, ...dimsArgs: (number | ShapeArg)[]): Tensor {
  if (traceOn) return traceCall('permute', permute, [x, ...dimsArgs]);
  const dims = shapeFromArgs(dimsArgs);
  if (dims.length !== x.ndim)
    throw new Error(
      `permute: number of dims don't match in permute (input has ${x.ndim} dims, got ${dims.length}: ${formatShape(dims)})`,
    );
  const norm = dims.map((d) => normalizeDim('permute', d, x.ndim));
  if (new Set(norm).size !== norm.length) throw new Error(`permute: repeated dim in ${formatShape(dims)}`);
  const out = viewOf(
    x,
    norm.map((d) => x.shape[d]),
    norm.map((d) => x._strides[d]),
    x._offset,
  );
  const inverse = new Array<number>(norm.length);
  norm.forEach((d, i) => {
    inverse[d] = i;
  });
  recordGrad('PermuteBackward', [x], [out], ([g]) => [permute(g, inverse)]);
  return out;
}

/** Broadcasts size-1 dims (and new leading dims) to `shape` with stride 0; -1 keeps a dim. */
export function expand(x: Tensor, ...shapeArgs: (number | ShapeArg)[]): Tensor {
  if (traceOn) return traceCall('expand', expand, [x, ...shapeArgs]);
  const req = shapeFromArgs(shapeArgs);
  if (req.length < x.ndim)
    throw new Error(
      `expand: the number of sizes provided (${req.length}) must be greater or equal to the number of dimensions in the tensor (${x.ndim})`,
    );
  const lead = req.length - x.ndim;
  const shape = new Array<number>(req.length);
  const strides = new Array<number>(req.length);
  for (let i = 0; i < req.length; i++) {
    const j = i - lead;
    const want = req[i];
    if (j < 0) {
      if (want < 0)
        throw new Error(
          `expand: the expanded size of the tensor (${want}) isn't allowed in a leading, non-existing dimension ${i}`,
        );
      shape[i] = want;
      strides[i] = 0;
    } else {
      const have = x.shape[j];
      const size = want === -1 ? have : want;
      if (have !== size && have !== 1)
        throw new Error(
          `expand: The expanded size of the tensor (${size}) must match the existing size (${have}) at non-singleton dimension ${i}.  Target sizes: ${formatShape(req)}.  Tensor sizes: ${formatShape(x.shape)}`,
        );
      shape[i] = size;
      strides[i] = have === size ? x._strides[j] : 0;
    }
  }
  const out = viewOf(x, shape, strides, x._offset);
  const inShape = x.shape;
  recordGrad('ExpandBackward', [x], [out], ([g]) => [sumToSize(g, inShape)]);
  return out;
}

/** A view without size-1 dims (all of them, or those in `dim`), like torch.squeeze. */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  if (traceOn) return traceCall('squeeze', squeeze, [x, dim]);
  const dims =
    dim === undefined
      ? x.shape.map((_, i) => i)
      : (typeof dim === 'number' ? [dim] : dim).map((d) => normalizeDim('squeeze', d, x.ndim));
  const shape: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < x.ndim; i++) {
    if (dims.includes(i) && x.shape[i] === 1) continue;
    shape.push(x.shape[i]);
    strides.push(x._strides[i]);
  }
  const out = viewOf(x, shape, strides, x._offset);
  const inShape = x.shape;
  recordGrad('SqueezeBackward', [x], [out], ([g]) => [reshape(g, inShape)]);
  return out;
}

/** A view with a size-1 dim inserted at `dim`, like torch.unsqueeze. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  if (traceOn) return traceCall('unsqueeze', unsqueeze, [x, dim]);
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1);
  const shape = x.shape.slice();
  const strides = x._strides.slice();
  const stride = d < x.ndim ? x.shape[d] * x._strides[d] : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, stride);
  const out = viewOf(x, shape, strides, x._offset);
  recordGrad('UnsqueezeBackward', [x], [out], ([g]) => [squeeze(g, d)]);
  return out;
}

/** Flattens dims `startDim`..`endDim` into one (a view when possible), like torch.flatten. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (traceOn) return traceCall('flatten', flatten, [x, startDim, endDim]);
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim('flatten', startDim, x.ndim);
  const e = normalizeDim('flatten', endDim, x.ndim);
  if (s > e)
    throw new Error(
      `flatten: flatten() has invalid args: start_dim (${startDim}) cannot come after end_dim (${endDim})`,
    );
  if (s === e) return x;
  const shape = [...x.shape.slice(0, s), numelOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/** Splits dim `dim` into `sizes` (a view), like torch.unflatten. */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  if (traceOn) return traceCall('unflatten', unflatten, [x, dim, sizes]);
  const d = normalizeDim('unflatten', dim, x.ndim);
  const inner = inferSize('unflatten', sizes, x.shape[d]);
  return view(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
}

/**
 * Elements start, start+step, ... < end along `dim` (Python slice semantics: negative and
 * out-of-range bounds are clamped). Used by narrow and by indexing with `k.slice`.
 */
export function sliceDim(
  x: Tensor,
  dim: number,
  start?: number | null,
  end?: number | null,
  step = 1,
): Tensor {
  const d = normalizeDim('slice', dim, x.ndim);
  if (!Number.isInteger(step) || step <= 0)
    throw new Error(`slice: step must be a positive integer (got ${step})`);
  const n = x.shape[d];
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  const s = start == null ? 0 : clamp(start);
  const e = end == null ? n : clamp(end);
  const len = e > s ? Math.ceil((e - s) / step) : 0;
  const shape = x.shape.slice();
  const strides = x._strides.slice();
  shape[d] = len;
  strides[d] = x._strides[d] * step;
  const out = viewOf(x, shape, strides, x._offset + (len > 0 ? s * x._strides[d] : 0));
  const inShape = x.shape;
  recordGrad('SliceBackward', [x], [out], ([g]) => [
    scatterIntoZeros('SliceBackwardBackward', g, inShape, (t) => sliceDim(t, d, s, e, step)),
  ]);
  return out;
}

/** A view of `length` elements of dim `dim` from `start`, like torch.narrow. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  if (traceOn) return traceCall('narrow', narrow, [x, dim, start, length]);
  const d = normalizeDim('narrow', dim, x.ndim);
  const n = x.shape[d];
  const s = start < 0 ? start + n : start;
  if (s < 0 || s > n)
    throw new RangeError(`narrow: start (${start}) out of range for dimension ${d} of size ${n}`);
  if (length < 0 || s + length > n)
    throw new RangeError(`narrow: start (${s}) + length (${length}) exceeds dimension size (${n}).`);
  return sliceDim(x, d, s, s + length);
}

/** Picks index `index` of `dim`, removing the dim. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  if (traceOn) return traceCall('select', select, [x, dim, index]);
  if (x.ndim === 0) throw new Error('select: select() cannot be applied to a 0-dim tensor.');
  const d = normalizeDim('select', dim, x.ndim);
  const n = x.shape[d];
  if (!Number.isInteger(index) || index < -n || index >= n)
    throw new RangeError(`select: index ${index} is out of bounds for dimension ${d} with size ${n}`);
  const i = index < 0 ? index + n : index;
  const shape = x.shape.slice();
  const strides = x._strides.slice();
  shape.splice(d, 1);
  strides.splice(d, 1);
  const out = viewOf(x, shape, strides, x._offset + i * x._strides[d]);
  const inShape = x.shape;
  recordGrad('SelectBackward', [x], [out], ([g]) => [
    scatterIntoZeros('SelectBackwardBackward', g, inShape, (t) => select(t, d, i)),
  ]);
  return out;
}

/** Sums `g` over broadcast dims so it has `shape` (the gradient of expand). */
export function sumToSize(g: Tensor, shape: readonly number[]): Tensor {
  if (traceOn) return traceCall('sumToSize', sumToSize, [g, shape]);
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  let out = dims.length ? (g as Tensor & { sum(d: number[], keepdim: boolean): Tensor }).sum(dims, true) : g;
  if (lead > 0 || !shapesEqual(out.shape, shape)) out = reshape(out, shape);
  return out;
}

declare module '../tensor.js' {
  interface Tensor {
    view(...shape: number[]): Tensor;
    view(shape: readonly number[]): Tensor;
    viewAs(other: Tensor): Tensor;
    reshape(...shape: number[]): Tensor;
    reshape(shape: readonly number[]): Tensor;
    reshapeAs(other: Tensor): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    /** Transpose of a ≤2-d tensor. */
    t(): Tensor;
    /** Transpose of the last two dims. */
    readonly mT: Tensor;
    permute(...dims: number[]): Tensor;
    permute(dims: readonly number[]): Tensor;
    expand(...shape: number[]): Tensor;
    expand(shape: readonly number[]): Tensor;
    expandAs(other: Tensor): Tensor;
    squeeze(dim?: number | readonly number[]): Tensor;
    unsqueeze(dim: number): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    unflatten(dim: number, sizes: readonly number[]): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    select(dim: number, index: number): Tensor;
    sumToSize(shape: readonly number[]): Tensor;
  }
}

const proto = Tensor.prototype;
proto.view = function (...s: (number | ShapeArg)[]) {
  return view(this, ...s);
};
proto.viewAs = function (o) {
  return view(this, o.shape);
};
proto.reshape = function (...s: (number | ShapeArg)[]) {
  return reshape(this, ...s);
};
proto.reshapeAs = function (o) {
  return reshape(this, o.shape);
};
proto.transpose = function (a, b) {
  return transpose(this, a, b);
};
proto.t = function () {
  if (this.ndim > 2)
    throw new Error(`t: t() expects a tensor with <= 2 dimensions, but self is ${this.ndim}D`);
  return this.ndim < 2 ? this : transpose(this, 0, 1);
};
Object.defineProperty(proto, 'mT', {
  get(this: Tensor) {
    if (this.ndim < 2)
      throw new Error(
        `mT: tensor.mT is only supported on matrices or batches of matrices. Got ${this.ndim}-D tensor.`,
      );
    return transpose(this, -2, -1);
  },
});
proto.permute = function (...d: (number | ShapeArg)[]) {
  return permute(this, ...d);
};
proto.expand = function (...s: (number | ShapeArg)[]) {
  return expand(this, ...s);
};
proto.expandAs = function (o) {
  return expand(this, o.shape);
};
proto.squeeze = function (d) {
  return squeeze(this, d);
};
proto.unsqueeze = function (d) {
  return unsqueeze(this, d);
};
proto.flatten = function (s, e) {
  return flatten(this, s, e);
};
proto.unflatten = function (d, s) {
  return unflatten(this, d, s);
};
proto.narrow = function (d, s, l) {
  return narrow(this, d, s, l);
};
proto.select = function (d, i) {
  return select(this, d, i);
};
proto.sumToSize = function (s) {
  return sumToSize(this, s);
};
