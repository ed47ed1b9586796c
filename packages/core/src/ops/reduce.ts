/** Reductions over one or several dims, with `keepdim`. Kernels reduce `attrs.dims` of their input into a keepdim-shaped output. */
import { type DType, isFloatingPoint } from '../dtype.js';
import { contiguousStrides, normalizeDims } from '../shape.js';
import { Tensor } from '../tensor.js';
import { kview, recordGrad, runKernel1 } from './dispatch.js';

export interface ReduceShapes {
  dims: number[];
  /** Output shape with reduced dims kept as size 1 (what kernels produce). */
  keptShape: number[];
  /** Output shape the user sees. */
  outShape: number[];
}

export function reduceShapes(
  op: string,
  x: Tensor,
  dim: number | readonly number[] | undefined | null,
  keepdim: boolean,
): ReduceShapes {
  const dims = normalizeDims(op, dim ?? undefined, x.ndim);
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

export interface SumOptions {
  dtype?: DType;
}

/** Sum over `dim` (all dims when omitted). Integer and bool inputs sum to int32. */
export function sum(
  x: Tensor,
  dim?: number | readonly number[] | null,
  keepdim = false,
  opts: SumOptions = {},
): Tensor {
  const r = reduceShapes('sum', x, dim, keepdim);
  const dtype = opts.dtype ?? (isFloatingPoint(x.dtype) ? x.dtype : 'int32');
  const src = x.dtype === dtype ? x : x.to(dtype);
  const out = reduceKernel('sum', src, r, dtype);
  const inShape = x.shape;
  recordGrad('SumBackward', [src], [out], ([g]) => [unsqueezeReduced(g, r).expand(inShape)]);
  return out;
}

declare module '../tensor.js' {
  interface Tensor {
    sum(dim?: number | readonly number[] | null, keepdim?: boolean, opts?: SumOptions): Tensor;
  }
}

Tensor.prototype.sum = function (dim, keepdim, opts) {
  return sum(this, dim, keepdim, opts);
};
