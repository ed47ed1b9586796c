/**
 * The op layer's machinery: every op validates its arguments and infers output shapes/dtypes, then
 * calls `runKernel` (which finds the kernel registered for the inputs' device) and `recordGrad`
 * (which attaches a backward node when autograd is recording).
 */
import { isGradEnabled } from '../autograd/mode.js';
import { type BackwardFn, type Edge, FunctionNode, SavedTensor } from '../autograd/node.js';
import {
  getBackend,
  getKernel,
  type KernelAttrs,
  type KernelTensor,
  kernelWritesAllOutputs,
} from '../backend.js';
import { type DType, isFloatingPoint, promoteTypes } from '../dtype.js';
import { Storage } from '../memory.js';
import { contiguousStrides, numelOf, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';

export interface OutSpec {
  readonly shape: Shape;
  readonly dtype: DType;
}

const NO_ATTRS: KernelAttrs = Object.freeze({});

/** The kernel's view of a tensor, optionally broadcast (stride 0) to `shape`. */
export function kview(t: Tensor, shape?: Shape): KernelTensor {
  const storage = t.storage;
  if (shape === undefined || shape === t.shape)
    return { data: storage.handle, dtype: t.dtype, shape: t.shape, strides: t._strides, offset: t._offset };
  const n = shape.length;
  const strides = new Array<number>(n);
  const lead = n - t.shape.length;
  for (let i = 0; i < n; i++) {
    const j = i - lead;
    strides[i] = j < 0 || t.shape[j] === 1 ? (j >= 0 && shape[i] === 1 ? t._strides[j] : 0) : t._strides[j];
  }
  return { data: storage.handle, dtype: t.dtype, shape, strides, offset: t._offset };
}

/** Throws PyTorch's error when tensors of one op live on different devices. */
export function commonDevice(op: string, tensors: readonly Tensor[]): string {
  const d = tensors[0].device;
  for (let i = 1; i < tensors.length; i++) {
    const di = tensors[i].device;
    if (di !== d)
      throw new Error(
        `${op}: Expected all tensors to be on the same device, but found at least two devices, ${d} and ${di}!`,
      );
  }
  return d;
}

/** Allocates a contiguous tensor on `device` without initialising it beyond the backend's zero-fill. */
export function allocTensor(device: string, shape: Shape, dtype: DType, uninitialized = false): Tensor {
  const backend = getBackend(device);
  const numel = numelOf(shape);
  const storage = new Storage(backend, backend.alloc(dtype, numel, uninitialized), dtype, numel);
  return new Tensor(storage, shape.slice(), contiguousStrides(shape), 0, null);
}

/** Runs the kernel `op` of `device` on the given input views, allocating contiguous outputs. */
export function runKernel(
  op: string,
  device: string,
  inputs: readonly KernelTensor[],
  outs: readonly OutSpec[],
  attrs: KernelAttrs = NO_ATTRS,
): Tensor[] {
  const kernel = getKernel(op, device);
  const backend = getBackend(device);
  const uninitialized = kernelWritesAllOutputs(op, device);
  const outputs = outs.map((o) => allocTensor(device, o.shape, o.dtype, uninitialized));
  kernel({ inputs, outputs: outputs.map((t) => kview(t)), attrs, backend });
  return outputs;
}

/** Single-output convenience form of runKernel. */
export function runKernel1(
  op: string,
  device: string,
  inputs: readonly KernelTensor[],
  shape: Shape,
  dtype: DType,
  attrs: KernelAttrs = NO_ATTRS,
): Tensor {
  return runKernel(op, device, inputs, [{ shape, dtype }], attrs)[0];
}

/** True when an op on these inputs must record a backward node. */
export function needsGrad(...inputs: readonly (Tensor | null | undefined)[]): boolean {
  if (!isGradEnabled()) return false;
  let needs = false;
  for (const t of inputs) {
    if (!t) continue;
    if (t.base !== null) t._checkViewFresh();
    if (t.requiresGrad) needs = true;
  }
  return needs;
}

/**
 * Attaches a backward node named `name` (e.g. 'MulBackward') to `outputs` when autograd records.
 * `backward(grads, saved, needsInputGrad)` must be written with core ops (so higher-order gradients
 * work) and return one gradient (or null) per input. `save` lists tensors backward reads; they are
 * checked against in-place modification.
 */
export function recordGrad(
  name: string,
  inputs: readonly (Tensor | null | undefined)[],
  outputs: readonly Tensor[],
  backward: BackwardFn,
  save: readonly Tensor[] = [],
): void {
  if (!needsGrad(...inputs)) return;
  const next: (Edge | null)[] = inputs.map((t) => {
    if (!t?.requiresGrad) return null;
    if (t.gradFn) return { node: t.gradFn, inputNr: t.outputNr };
    return { node: t.gradAccumulator(), inputNr: 0 };
  });
  const saved: SavedTensor[] = [];
  const node = new FunctionNode(
    name,
    next,
    outputs.map((o) => ({ shape: o.shape, dtype: o.dtype, device: o.device })),
    backward,
    saved,
  );
  outputs.forEach((o, i) => {
    if (isFloatingPoint(o.dtype)) o._setGradFn(node, i);
  });
  for (const t of save) {
    saved.push(new SavedTensor(t._aliasForSave(), t.gradFn ? { name: t.gradFn.name, nr: t.outputNr } : null));
  }
}

// ------------------------------------------------------------------ operands and dtype promotion

/** A tensor or a JS scalar, accepted wherever PyTorch accepts a Number or a Tensor. */
export type TensorLike = Tensor | number | boolean;

const CATEGORY: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 2 };

function scalarCategory(v: number | boolean): number {
  if (typeof v === 'boolean') return 0;
  return Number.isInteger(v) ? 1 : 2;
}
const DEFAULT_FOR_CATEGORY: DType[] = ['bool', 'int32', 'float32'];

/**
 * PyTorch's result_type: dimensioned tensors decide the dtype; 0-d tensors and JS numbers only
 * raise it when they belong to a higher category (bool < integer < floating). JS numbers that are
 * integers count as integers, others as floats (they become float32, the default dtype).
 */
export function resultType(operands: readonly TensorLike[]): DType {
  let dimT: DType | null = null;
  let zeroT: DType | null = null;
  let scalarCat = -1;
  for (const o of operands) {
    if (o instanceof Tensor) {
      if (o.ndim > 0) dimT = dimT ? promoteTypes(dimT, o.dtype) : o.dtype;
      else zeroT = zeroT ? promoteTypes(zeroT, o.dtype) : o.dtype;
    } else scalarCat = Math.max(scalarCat, scalarCategory(o));
  }
  let result: DType | null = dimT;
  if (zeroT) {
    if (!result || CATEGORY[zeroT] > CATEGORY[result]) result = zeroT;
  }
  if (scalarCat >= 0) {
    if (!result) result = DEFAULT_FOR_CATEGORY[scalarCat];
    else if (scalarCat > CATEGORY[result]) result = DEFAULT_FOR_CATEGORY[scalarCat];
  }
  return result ?? 'float32';
}

/** Turns a JS scalar into a 0-d tensor of `dtype` on `device`. */
export function scalarTensor(value: number | boolean, dtype: DType, device: string): Tensor {
  const t = allocTensor(device, [], dtype);
  const v = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  const Ctor =
    dtype === 'float32'
      ? Float32Array
      : dtype === 'float64'
        ? Float64Array
        : dtype === 'int32'
          ? Int32Array
          : Uint8Array;
  t.storage.backend.write(t.storage.handle, dtype, Ctor.of(dtype === 'bool' ? (v ? 1 : 0) : v));
  return t;
}

export function firstTensor(op: string, operands: readonly TensorLike[]): Tensor {
  for (const o of operands) if (o instanceof Tensor) return o;
  throw new TypeError(`${op}: expected at least one Tensor argument`);
}

export function assertTensor(op: string, v: unknown, name = 'input'): Tensor {
  if (!(v instanceof Tensor))
    throw new TypeError(`${op}: argument '${name}' must be a Tensor, not ${v === null ? 'null' : typeof v}`);
  return v;
}
