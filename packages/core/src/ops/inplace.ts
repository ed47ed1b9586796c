/**
 * In-place ops (`add_`, `mul_`, `clamp_`, ...) are the out-of-place op followed by a copy into the
 * target, bumping the storage's version counter. With autograd on, the target's history is rebased
 * onto the op's backward node, as PyTorch does.
 */
import { isGradEnabled } from '../autograd/mode.js';
import { getBackend, getKernel, hasKernel } from '../backend.js';
import type { DType } from '../dtype.js';
import { broadcastShapes, formatShape, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { runCopyKernel } from './copy.js';
import { kview, needsGrad, type TensorLike } from './dispatch.js';

const CATEGORY: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 2 };

function checkLeaf(op: string, self: Tensor): void {
  if (isGradEnabled() && self.isLeaf && self.requiresGrad)
    throw new Error(`${op}: a leaf Variable that requires grad is being used in an in-place operation.`);
}

/**
 * PyTorch's assert_no_internal_overlap: writing through a broadcast (stride 0) dim would write
 * several results to one element. Empty tensors have nothing to write.
 */
function checkNoInternalOverlap(op: string, self: Tensor): void {
  const st = self._strides;
  if (self.numel() === 0) return;
  for (let i = 0; i < st.length; i++)
    if (st[i] === 0 && self.shape[i] > 1)
      throw new Error(
        `${op}: unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.`,
      );
}

export interface InPlaceOptions {
  /** Allow any dtype conversion into self (copy_); other ops may not narrow the category. */
  anyDtype?: boolean;
}

/**
 * Computes `compute(src)` out of place, where `src` is self (or, when autograd records, a clone of
 * self so saved values stay valid), then writes the result into self.
 */
export function applyInPlace(
  op: string,
  self: Tensor,
  others: readonly Tensor[],
  compute: (src: Tensor) => Tensor,
  opts: InPlaceOptions = {},
): Tensor {
  checkLeaf(op, self);
  checkNoInternalOverlap(op, self);
  const recording = isGradEnabled() && (self.requiresGrad || others.some((o) => o.requiresGrad));
  const src = recording && self.requiresGrad ? self.clone() : self;
  const result = compute(src);
  if (
    !shapesEqual(result.shape, self.shape) &&
    !shapesEqual(broadcastShapes(op, result.shape, self.shape), self.shape)
  )
    throw new Error(
      `${op}: output with shape ${formatShape(self.shape)} doesn't match the broadcast shape ${formatShape(result.shape)}`,
    );
  if (!opts.anyDtype && CATEGORY[result.dtype] > CATEGORY[self.dtype])
    throw new Error(
      `${op}: result type ${result.dtype} can't be cast to the desired output type ${self.dtype}`,
    );
  if (result.requiresGrad && self.isView && isGradEnabled())
    throw new Error(
      `${op}: in-place operations that record gradients on a view are not supported (a deviation from PyTorch); use the out-of-place op and assemble the result instead`,
    );
  if (self.numel() > 0) runCopyKernel(self.device, kview(self), kview(result, self.shape));
  self.storage.version++;
  if (result.requiresGrad && result.gradFn) {
    // retainGrad() follows the tensor to its new history (PyTorch moves the retains_grad hook).
    const retains = self.retainsGrad;
    if (retains) self.gradFn!.retained!.delete(self.outputNr);
    self._setGradFn(result.gradFn, result.outputNr);
    if (retains) self.retainGrad();
  }
  if (result !== self && result !== src && !others.includes(result)) result.dispose();
  if (src !== self) src.dispose();
  return self;
}

/**
 * `self += alpha * other` through the device's optional in-place kernel 'add_' (see the kernel
 * contract in docs/architecture.md): one pass, no temporary, no copy, which is what an optimizer's
 * update needs. It applies only where the result is exactly that of the general path: both float
 * tensors of one dtype and shape on one device, `self` contiguous, `other` not partially overlapping
 * it, and autograd recording nothing. Returns false when the general path must run instead.
 */
export function tryAddInPlace(self: Tensor, other: TensorLike, alpha: number): boolean {
  if (!(other instanceof Tensor)) return false;
  const dtype = self.dtype;
  if ((dtype !== 'float32' && dtype !== 'float64') || other.dtype !== dtype) return false;
  if (other.device !== self.device || !shapesEqual(other.shape, self.shape) || !self.isContiguous())
    return false;
  // needsGrad also runs the stale-view checks the general path would.
  if (isGradEnabled() && needsGrad(self, other)) return false;
  if (other.storage === self.storage && (other._offset !== self._offset || !other.isContiguous()))
    return false;
  if (!hasKernel('add_', self.device)) return false;
  if (self.numel() > 0) {
    const out = kview(self);
    const kernel = getKernel('add_', self.device);
    kernel({
      inputs: [out, kview(other)],
      outputs: [out],
      attrs: { alpha },
      backend: getBackend(self.device),
    });
  }
  self.storage.version++;
  return true;
}
