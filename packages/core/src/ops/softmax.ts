/**
 * softmax and logSoftmax along one dim. Kernels compute each line in one sweep of passes (max,
 * sum of exponentials, write) with the max subtracted, so large inputs do not overflow. Gradients
 * are written with core ops and the saved output, so they are differentiable again.
 */
import { type DType, isFloatingPoint } from '../dtype.js';
import { normalizeDim } from '../shape.js';
import { Tensor } from '../tensor.js';
import { traceCall, traceOn } from '../trace.js';
import { kview, recordGrad, runKernel1 } from './dispatch.js';

/** Options of `softmax`/`logSoftmax`: convert the input to `dtype` first. */
export interface SoftmaxOptions {
  /** Convert the input to this (floating) dtype first, like PyTorch's `dtype=` argument. */
  dtype?: DType;
}

function softmaxLike(op: 'softmax' | 'logSoftmax', x: Tensor, dim: number, opts: SoftmaxOptions): Tensor {
  if (typeof dim !== 'number')
    throw new TypeError(`${op}(): argument 'dim' must be a number (PyTorch's implicit dim is not supported)`);
  const dtype = opts.dtype ?? x.dtype;
  if (!isFloatingPoint(dtype))
    throw new TypeError(
      `${op}(): expected a floating point input, got ${x.dtype}; pass { dtype: 'float32' } to convert it first`,
    );
  const src = x.dtype === dtype ? x : x.to(dtype);
  const d = normalizeDim(op, dim, src.ndim);
  const out = runKernel1(op, src.device, [kview(src)], src.shape, src.dtype, { dim: d });
  if (op === 'softmax')
    recordGrad('SoftmaxBackward', [src], [out], ([g], [y]) => [y.mul(g.sub(g.mul(y).sum(d, true)))], [out]);
  else
    recordGrad('LogSoftmaxBackward', [src], [out], ([g], [y]) => [g.sub(y.exp().mul(g.sum(d, true)))], [out]);
  return out;
}

/** exp(x) / sum(exp(x)) along `dim`, computed stably. */
export function softmax(x: Tensor, dim: number, opts: SoftmaxOptions = {}): Tensor {
  if (traceOn) return traceCall('softmax', softmax, [x, dim, opts]);
  return softmaxLike('softmax', x, dim, opts);
}

/** log(softmax(x)) along `dim`, computed stably as x - max - log(sum(exp(x - max))). */
export function logSoftmax(x: Tensor, dim: number, opts: SoftmaxOptions = {}): Tensor {
  if (traceOn) return traceCall('logSoftmax', logSoftmax, [x, dim, opts]);
  return softmaxLike('logSoftmax', x, dim, opts);
}

declare module '../tensor.js' {
  interface Tensor {
    softmax(dim: number, opts?: SoftmaxOptions): Tensor;
    logSoftmax(dim: number, opts?: SoftmaxOptions): Tensor;
  }
}

Tensor.prototype.softmax = function (dim, opts) {
  return softmax(this, dim, opts);
};
Tensor.prototype.logSoftmax = function (dim, opts) {
  return logSoftmax(this, dim, opts);
};
