/** Tensor creation: from data, filled, ranges and random. Shapes accept `f(2, 3)` and `f([2, 3])`. */
import { getDefaultDevice } from '../backend.js';
import {
  arrayCtor,
  assertDType,
  castScalar,
  type DType,
  dtypeOfTypedArray,
  type TypedArray,
} from '../dtype.js';
import { defaultGenerator, type Generator } from '../random.js';
import { assertValidShape, numelOf, parseShapeArgs } from '../shape.js';
import type { NestedArray, Tensor, TensorOptions } from '../tensor.js';
import { traceCall, traceOn } from '../trace.js';
import { allocTensor } from './dispatch.js';

/** Options of random creation ops: those of tensor creation plus an explicit `Generator`. */
export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

type ShapeArgs<O> = [shape: readonly number[], opts?: O] | [...dims: number[]] | [...dims: number[], opts: O];

function finish(t: Tensor, opts: TensorOptions | undefined): Tensor {
  if (opts?.requiresGrad) t.requiresGrad_(true);
  return t;
}

function fromArray(shape: readonly number[], data: TypedArray, dtype: DType, opts?: TensorOptions): Tensor {
  const t = allocTensor(opts?.device ?? getDefaultDevice(), shape, dtype);
  if (data.length > 0) t.storage.backend.write(t.storage.handle, dtype, data);
  return finish(t, opts);
}

function inferShape(data: unknown, shape: number[], depth: number): void {
  if (Array.isArray(data)) {
    shape.push(data.length);
    if (data.length > 0) inferShape(data[0], shape, depth + 1);
  }
}

function flatten(
  op: string,
  data: unknown,
  shape: number[],
  dim: number,
  out: number[],
  kinds: { bool: boolean; num: boolean },
): void {
  if (dim === shape.length) {
    if (typeof data === 'boolean') {
      kinds.bool = true;
      out.push(data ? 1 : 0);
    } else if (typeof data === 'number') {
      kinds.num = true;
      out.push(data);
    } else
      throw new TypeError(
        `${op}: could not convert element of type ${Array.isArray(data) ? 'array' : typeof data} to a number`,
      );
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[dim])
    throw new Error(
      `${op}: expected sequence of length ${shape[dim]} at dim ${dim} (got ${Array.isArray(data) ? data.length : typeof data})`,
    );
  for (const v of data) flatten(op, v, shape, dim + 1, out, kinds);
}

/**
 * Creates a tensor from nested arrays, a TypedArray (1-d, dtype from its type: Uint8Array is bool)
 * or a scalar. JS numbers default to float32 (JS cannot tell `1` from `1.0`); pass
 * `{ dtype: 'int32' }` for indices.
 */
export function tensor(
  data: NestedArray<number | boolean> | TypedArray,
  opts: TensorOptions & { shape?: readonly number[] } = {},
): Tensor {
  if (traceOn) return traceCall('tensor', tensor, [data, opts]);
  if (opts.dtype !== undefined) assertDType('tensor', opts.dtype);
  if (ArrayBuffer.isView(data)) {
    const src = data as TypedArray;
    const dtype = opts.dtype ?? dtypeOfTypedArray(src);
    const shape = opts.shape ?? [src.length];
    assertValidShape('tensor', shape);
    if (numelOf(shape) !== src.length)
      throw new Error(`tensor: shape [${shape.join(', ')}] is invalid for input of size ${src.length}`);
    // A Uint8Array is always converted: bool storage must hold only 0/1 (`new Uint8Array([2])`).
    const arr = dtype === dtypeOfTypedArray(src) && dtype !== 'bool' ? src.slice() : convert(src, dtype);
    return fromArray(shape, arr, dtype, opts);
  }
  const shape: number[] = [];
  inferShape(data, shape, 0);
  const flat: number[] = [];
  const kinds = { bool: false, num: false };
  flatten('tensor', data, shape, 0, flat, kinds);
  const dtype = opts.dtype ?? (kinds.bool && !kinds.num ? 'bool' : 'float32');
  const finalShape = opts.shape ?? shape;
  if (numelOf(finalShape) !== flat.length)
    throw new Error(`tensor: shape [${finalShape.join(', ')}] is invalid for input of size ${flat.length}`);
  return fromArray(finalShape, convert(flat, dtype), dtype, opts);
}

function convert(src: ArrayLike<number>, dtype: DType): TypedArray {
  const out = new (arrayCtor(dtype))(src.length);
  if (dtype === 'bool') for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
  else out.set(src as ArrayLike<number>);
  return out;
}

function shapeAndOpts<O>(op: string, args: readonly unknown[]): { shape: number[]; opts: O | undefined } {
  const { shape, rest } = parseShapeArgs(args);
  assertValidShape(op, shape);
  return { shape, opts: rest[0] as O | undefined };
}

function filled(
  shape: readonly number[],
  value: number | boolean,
  opts: TensorOptions | undefined,
  dtype: DType,
): Tensor {
  const t = allocTensor(opts?.device ?? getDefaultDevice(), shape, dtype);
  const v = castScalar(value, dtype);
  if (v !== 0 && t.numel() > 0) {
    const arr = new (arrayCtor(dtype))(t.numel());
    arr.fill(v);
    t.storage.backend.write(t.storage.handle, dtype, arr);
  }
  return finish(t, opts);
}

/** A tensor filled with 0, like torch.zeros: `k.zeros([2, 3])` or `k.zeros(2, 3)`. */
export function zeros(...args: ShapeArgs<TensorOptions>): Tensor {
  if (traceOn) return traceCall('zeros', zeros, args);
  const { shape, opts } = shapeAndOpts<TensorOptions>('zeros', args);
  return filled(shape, 0, opts, opts?.dtype ?? 'float32');
}
/** A tensor filled with 1, like torch.ones: `k.ones([2, 3])` or `k.ones(2, 3)`. */
export function ones(...args: ShapeArgs<TensorOptions>): Tensor {
  if (traceOn) return traceCall('ones', ones, args);
  const { shape, opts } = shapeAndOpts<TensorOptions>('ones', args);
  return filled(shape, 1, opts, opts?.dtype ?? 'float32');
}
/** Uninitialised in PyTorch; zero-filled here (backends always zero new storage). */
export function empty(...args: ShapeArgs<TensorOptions>): Tensor {
  if (traceOn) return traceCall('empty', empty, args);
  const { shape, opts } = shapeAndOpts<TensorOptions>('empty', args);
  return filled(shape, 0, opts, opts?.dtype ?? 'float32');
}
/** dtype follows the value like PyTorch: bool, int32 for integers, else float32. */
export function full(shape: readonly number[], value: number | boolean, opts?: TensorOptions): Tensor {
  if (traceOn) return traceCall('full', full, [shape, value, opts]);
  assertValidShape('full', shape);
  const dtype =
    opts?.dtype ?? (typeof value === 'boolean' ? 'bool' : Number.isInteger(value) ? 'int32' : 'float32');
  return filled(shape, value, opts, dtype);
}

function likeOpts(t: Tensor, opts?: TensorOptions): TensorOptions {
  return {
    dtype: opts?.dtype ?? t.dtype,
    device: opts?.device ?? t.device,
    requiresGrad: opts?.requiresGrad,
  };
}
/** Zeros with `t`'s shape (and its dtype/device unless overridden), like torch.zeros_like. */
export function zerosLike(t: Tensor, opts?: TensorOptions): Tensor {
  if (traceOn) return traceCall('zerosLike', zerosLike, [t, opts]);
  return zeros(t.shape, likeOpts(t, opts));
}
/** Ones with `t`'s shape (and its dtype/device unless overridden), like torch.ones_like. */
export function onesLike(t: Tensor, opts?: TensorOptions): Tensor {
  if (traceOn) return traceCall('onesLike', onesLike, [t, opts]);
  return ones(t.shape, likeOpts(t, opts));
}
/** An uninitialized (in Kindling: zero-filled) tensor with `t`'s shape, like torch.empty_like. */
export function emptyLike(t: Tensor, opts?: TensorOptions): Tensor {
  if (traceOn) return traceCall('emptyLike', emptyLike, [t, opts]);
  return empty(t.shape, likeOpts(t, opts));
}
/** A tensor with `t`'s shape filled with `value`, like torch.full_like. */
export function fullLike(t: Tensor, value: number | boolean, opts?: TensorOptions): Tensor {
  if (traceOn) return traceCall('fullLike', fullLike, [t, value, opts]);
  return full(t.shape, value, likeOpts(t, opts));
}

/** `arange(end)`, `arange(start, end, step?)`; int32 when all arguments are integers. */
export function arange(end: number, opts?: TensorOptions): Tensor;
export function arange(start: number, end: number, opts?: TensorOptions): Tensor;
export function arange(start: number, end: number, step: number, opts?: TensorOptions): Tensor;
export function arange(...args: (number | TensorOptions | undefined)[]): Tensor {
  if (traceOn) return traceCall('arange', arange, args);
  const nums = args.filter((a): a is number => typeof a === 'number');
  const opts = args.find((a): a is TensorOptions => typeof a === 'object' && a !== null);
  const [start, end, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  if (step === 0) throw new Error('arange: step must be nonzero');
  if ((end - start) / step < 0 && end !== start)
    throw new Error(
      `arange: upper bound and larger bound inconsistent with step sign (start=${start}, end=${end}, step=${step})`,
    );
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dtype = opts?.dtype ?? (nums.every(Number.isInteger) ? 'int32' : 'float32');
  const arr = new (arrayCtor(dtype))(n);
  for (let i = 0; i < n; i++) arr[i] = start + i * step;
  return fromArray([n], arr, dtype, opts);
}

/** `steps` evenly spaced values from `start` to `end` inclusive, like torch.linspace. */
export function linspace(start: number, end: number, steps: number, opts?: TensorOptions): Tensor {
  if (traceOn) return traceCall('linspace', linspace, [start, end, steps, opts]);
  if (!Number.isInteger(steps) || steps < 0)
    throw new Error(`linspace: number of steps must be non-negative (got ${steps})`);
  const dtype = opts?.dtype ?? 'float32';
  const arr = new (arrayCtor(dtype))(steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // PyTorch fills the second half from the end so both endpoints are exact (one step: just start).
  const half = steps === 1 ? 1 : Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) arr[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
  return fromArray([steps], arr, dtype, opts);
}

/** The n x m identity matrix (m defaults to n), like torch.eye. */
export function eye(n: number, m?: number | TensorOptions, opts?: TensorOptions): Tensor {
  if (traceOn) return traceCall('eye', eye, [n, m, opts]);
  const cols = typeof m === 'number' ? m : n;
  const o = typeof m === 'object' ? m : opts;
  assertValidShape('eye', [n, cols]);
  const dtype = o?.dtype ?? 'float32';
  const arr = new (arrayCtor(dtype))(n * cols);
  for (let i = 0; i < Math.min(n, cols); i++) arr[i * cols + i] = 1;
  return fromArray([n, cols], arr, dtype, o);
}

function randomFill(op: string, args: readonly unknown[], draw: (g: Generator) => number): Tensor {
  const { shape, opts } = shapeAndOpts<RandomOptions>(op, args);
  const dtype = opts?.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new Error(`${op}: expected a floating point dtype (got ${dtype})`);
  const g = opts?.generator ?? defaultGenerator;
  const arr = new (arrayCtor(dtype))(numelOf(shape));
  for (let i = 0; i < arr.length; i++) arr[i] = draw(g);
  return fromArray(shape, arr, dtype, opts);
}

/** Uniform on [0, 1). */
export function rand(...args: ShapeArgs<RandomOptions>): Tensor {
  if (traceOn) return traceCall('rand', rand, args);
  return randomFill('rand', args, (g) => g.random());
}
/** Standard normal. */
export function randn(...args: ShapeArgs<RandomOptions>): Tensor {
  if (traceOn) return traceCall('randn', randn, args);
  return randomFill('randn', args, (g) => g.normal());
}
/** Uniform [0, 1) random values with `t`'s shape, like torch.rand_like. */
export function randLike(t: Tensor, opts?: RandomOptions): Tensor {
  if (traceOn) return traceCall('randLike', randLike, [t, opts]);
  return rand(t.shape, { ...likeOpts(t, opts), generator: opts?.generator });
}
/** Standard normal random values with `t`'s shape, like torch.randn_like. */
export function randnLike(t: Tensor, opts?: RandomOptions): Tensor {
  if (traceOn) return traceCall('randnLike', randnLike, [t, opts]);
  return randn(t.shape, { ...likeOpts(t, opts), generator: opts?.generator });
}

/** `randint(high, shape)` or `randint(low, high, shape)`: integers in [low, high), int32 by default. */
export function randint(high: number, shape: readonly number[], opts?: RandomOptions): Tensor;
export function randint(low: number, high: number, shape: readonly number[], opts?: RandomOptions): Tensor;
export function randint(
  a: number,
  b: number | readonly number[],
  c?: readonly number[] | RandomOptions,
  d?: RandomOptions,
): Tensor {
  if (traceOn) return traceCall('randint', randint, [a, b, c, d]);
  const [low, high, shape, opts] =
    typeof b === 'number' ? [a, b, c as readonly number[], d] : [0, a, b, c as RandomOptions | undefined];
  assertValidShape('randint', shape);
  if (!(high > low))
    throw new Error(
      `randint: random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`,
    );
  const dtype = opts?.dtype ?? 'int32';
  const g = opts?.generator ?? defaultGenerator;
  const arr = new (arrayCtor(dtype))(numelOf(shape));
  for (let i = 0; i < arr.length; i++) arr[i] = g.int(low, high);
  return fromArray(shape, arr, dtype, opts);
}

/** Uniform integers in [0, n) with each value once (a random permutation). */
export function randperm(n: number, opts?: RandomOptions): Tensor {
  if (traceOn) return traceCall('randperm', randperm, [n, opts]);
  const g = opts?.generator ?? defaultGenerator;
  const arr = new Int32Array(n);
  for (let i = 0; i < n; i++) arr[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.int(0, i + 1);
    const t = arr[i];
    arr[i] = arr[j];
    arr[j] = t;
  }
  const dtype = opts?.dtype ?? 'int32';
  return fromArray([n], dtype === 'int32' ? arr : convert(arr, dtype), dtype, opts);
}
