/**
 * Copies and conversions. One backend kernel serves them all: 'copy' writes a strided (possibly
 * broadcast) source into a strided destination of the same shape, converting dtype.
 */
import { getBackend, getKernel, type KernelTensor } from '../backend.js';
import { assertDType, type DType, isFloatingPoint } from '../dtype.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { traceCall, traceOn } from '../trace.js';
import { allocTensor, kview, needsGrad, recordGrad, scalarTensor, type TensorLike } from './dispatch.js';
import { applyInPlace } from './inplace.js';

/** Runs the 'copy' kernel from `src` (already broadcast to dst's shape) into `dst`. */
export function runCopyKernel(device: string, dst: KernelTensor, src: KernelTensor): void {
  getKernel('copy', device)({ inputs: [src], outputs: [dst], attrs: {}, backend: getBackend(device) });
}

/** A compact row-major copy with no autograd history (for reads). */
export function contiguousCopy(t: Tensor, dtype: DType = t.dtype): Tensor {
  // the copy writes every element: no zero-fill needed
  const out = allocTensor(t.device, t.shape, dtype, true);
  if (out.numel() > 0) runCopyKernel(t.device, kview(out), kview(t));
  return out;
}

/** A copy with its own storage; gradient flows back unchanged (CloneBackward). */
export function clone(x: Tensor): Tensor {
  if (traceOn) return traceCall('clone', clone, [x]);
  const out = contiguousCopy(x);
  recordGrad('CloneBackward', [x], [out], ([g]) => [g]);
  return out;
}

/** `x` itself when already contiguous, else a contiguous copy. */
export function contiguous(x: Tensor): Tensor {
  if (traceOn) return traceCall('contiguous', contiguous, [x]);
  return x.isContiguous() ? x : clone(x);
}

/** Converts to another dtype (a no-op returning `x` when it already has it). */
export function toDtype(x: Tensor, dtype: DType): Tensor {
  assertDType('to', dtype);
  if (dtype === x.dtype) return x;
  const out = contiguousCopy(x, dtype);
  if (isFloatingPoint(dtype) && isFloatingPoint(x.dtype)) {
    const src = x.dtype;
    recordGrad('ToCopyBackward', [x], [out], ([g]) => [toDtype(g, src)]);
  }
  return out;
}

/** Moves to another device. Needs a synchronous read on the source device; else use `toAsync`. */
export function toDevice(x: Tensor, device: string): Tensor {
  if (device === x.device) return x;
  if (!x.canReadSync())
    throw new Error(
      `to('${device}'): the '${x.device}' backend cannot read synchronously; use 'await tensor.toAsync("${device}")' instead`,
    );
  const out = allocTensor(device, x.shape, x.dtype, true);
  const data = x.dataSync();
  out.storage.backend.write(out.storage.handle, x.dtype, data);
  const src = x.device;
  recordGrad('ToCopyBackward', [x], [out], ([g]) => [toDevice(g, src)]);
  return out;
}

export async function toDeviceAsync(x: Tensor, device: string): Promise<Tensor> {
  if (device === x.device) return x;
  const out = allocTensor(device, x.shape, x.dtype, true);
  const data = await x.data();
  out.storage.backend.write(out.storage.handle, x.dtype, data);
  const src = x.device;
  recordGrad('ToCopyBackward', [x], [out], ([g]) => [toDevice(g, src)]);
  return out;
}

/** Copies `src` (broadcast to self's shape, any dtype) into self in place. */
export function copy_(self: Tensor, src: TensorLike): Tensor {
  if (traceOn) return traceCall('copy_', copy_, [self, src]);
  let s = src instanceof Tensor ? src : scalarTensor(src, self.dtype, self.device);
  if (s.device !== self.device) s = toDevice(s, self.device);
  // Gradient w.r.t. src flows through expand (which sums over broadcast dims); old self gets none.
  return applyInPlace('copy_', self, [s], () => (needsGrad(s) ? s.expand(self.shape) : s), {
    anyDtype: true,
  });
}

/** Fills `self` with `value` in place, like torch.Tensor.fill_. */
export function fill_(self: Tensor, value: TensorLike): Tensor {
  if (traceOn) return traceCall('fill_', fill_, [self, value]);
  if (value instanceof Tensor && value.ndim !== 0)
    throw new Error(
      `fill_: only supports 0-dimension value tensor but got tensor with ${value.ndim} dimensions (shape ${formatShape(value.shape)})`,
    );
  return copy_(self, value);
}

/** Fills `self` with zeros in place, like torch.Tensor.zero_. */
export function zero_(self: Tensor): Tensor {
  if (traceOn) return traceCall('zero_', zero_, [self]);
  return copy_(self, 0);
}

declare module '../tensor.js' {
  interface Tensor {
    clone(): Tensor;
    contiguous(): Tensor;
    /** @internal */ contiguousCopy(): Tensor;
    /** `to(dtype)` converts; `to(device)` moves; `to({ dtype, device })` both. */
    to(target: DType | string | { dtype?: DType; device?: string }): Tensor;
    toAsync(device: string): Promise<Tensor>;
    cpu(): Tensor;
    float(): Tensor;
    double(): Tensor;
    int(): Tensor;
    bool(): Tensor;
    type(dtype: DType): Tensor;
    copy_(src: TensorLike): Tensor;
    fill_(value: TensorLike): Tensor;
    zero_(): Tensor;
  }
}

const DTYPE_NAMES = new Set(['float32', 'float64', 'int32', 'bool']);
const proto = Tensor.prototype;
proto.clone = function () {
  return clone(this);
};
proto.contiguous = function () {
  return contiguous(this);
};
proto.contiguousCopy = function () {
  return contiguousCopy(this);
};
proto.to = function (target) {
  if (typeof target === 'string')
    return DTYPE_NAMES.has(target) ? toDtype(this, target as DType) : toDevice(this, target);
  let out: Tensor = this;
  if (target.device) out = toDevice(out, target.device);
  if (target.dtype) out = toDtype(out, target.dtype);
  return out;
};
proto.toAsync = function (device) {
  return toDeviceAsync(this, device);
};
proto.cpu = function () {
  return toDevice(this, 'cpu');
};
proto.float = function () {
  return toDtype(this, 'float32');
};
proto.double = function () {
  return toDtype(this, 'float64');
};
proto.int = function () {
  return toDtype(this, 'int32');
};
proto.bool = function () {
  return toDtype(this, 'bool');
};
proto.type = function (dtype) {
  return toDtype(this, dtype);
};
proto.copy_ = function (src) {
  return copy_(this, src);
};
proto.fill_ = function (v) {
  return fill_(this, v);
};
proto.zero_ = function () {
  return zero_(this);
};
