/**
 * Scans along one dim: cumsum, cumprod, cummax, cummin. Kernels take `attrs.dim` and, for cumsum and
 * cumprod, `attrs.reverse` (scan from the end), which gives cumsum's gradient without a flip.
 */
import { isGradEnabled } from '../autograd/mode.js';
import { type DType, isFloatingPoint } from '../dtype.js';
import { normalizeDim } from '../shape.js';
import { Tensor } from '../tensor.js';
import { traceCall, traceOn } from '../trace.js';
import { eye, tensor } from './creation.js';
import { kview, recordGrad, runKernel, runKernel1 } from './dispatch.js';
import { _scatterAddDim, all, type ValuesIndices, valuesIndices } from './reduce.js';

/** Options of `cumsum`/`cumprod`: the dtype to accumulate in. */
export interface ScanOptions {
  /** Convert the input to this dtype first (integer and bool inputs otherwise scan in int32). */
  dtype?: DType;
}

function scanInput(op: string, x: Tensor, dim: number, opts: ScanOptions): { src: Tensor; d: number } {
  const d = normalizeDim(op, dim, x.ndim);
  const dtype = opts.dtype ?? (isFloatingPoint(x.dtype) ? x.dtype : 'int32');
  return { src: x.dtype === dtype ? x : x.to(dtype), d };
}

/** Inclusive cumulative sum along `d`, from the end when `reverse`. */
function cumsumAlong(x: Tensor, d: number, reverse: boolean): Tensor {
  const out = runKernel1('cumsum', x.device, [kview(x)], x.shape, x.dtype, { dim: d, reverse });
  recordGrad('CumsumBackward', [x], [out], ([g]) => [cumsumAlong(g, d, !reverse)]);
  return out;
}

/** Cumulative sum along `dim`. Integer and bool inputs give int32. */
export function cumsum(x: Tensor, dim: number, opts: ScanOptions = {}): Tensor {
  if (traceOn) return traceCall('cumsum', cumsum, [x, dim, opts]);
  const { src, d } = scanInput('cumsum', x, dim, opts);
  return cumsumAlong(src, d, false);
}

function cumprodAlong(x: Tensor, d: number): Tensor {
  const out = runKernel1('cumprod', x.device, [kview(x)], x.shape, x.dtype, { dim: d, reverse: false });
  recordGrad(
    'CumprodBackward',
    [x],
    [out],
    ([g], [xs, y]) => {
      if (!isGradEnabled())
        // First-order only: the zero-safe O(n) kernel.
        return [
          runKernel1('cumprodBackward', xs.device, [kview(xs), kview(g)], xs.shape, xs.dtype, { dim: d }),
        ];
      // Building a differentiable graph: reversed cumsum of g*y over x without zeros (PyTorch's
      // formula), else the O(n²) formula below, exact with zeros at every order.
      if (xs.canReadSync() && all(xs).item() !== 0) return [cumsumAlong(g.mul(y), d, true).div(xs)];
      return [cumprodGradDifferentiable(xs, g, d)];
    },
    [x, out],
  );
  return out;
}

/** d cumprod(x) / dx applied to g, with ops only: grad_k = sum_{i>=k} g_i prod_{j<=i, j!=k} x_j. */
function cumprodGradDifferentiable(x: Tensor, g: Tensor, d: number): Tensor {
  if (x.ndim === 0) return g;
  const n = x.shape[d];
  const opts = { dtype: x.dtype, device: x.device };
  const id = eye(n, opts);
  const tri = new Float64Array(n * n);
  for (let k = 0; k < n; k++) for (let i = k; i < n; i++) tri[k * n + i] = 1;
  const upper = tensor(tri, { ...opts, shape: [n, n] });
  const xt = x.transpose(d, -1);
  // m[..., k, j] = x_j for j != k, 1 on the diagonal; its cumprod over j skips x_k.
  const m = xt.unsqueeze(-2).mul(id.neg().add(1)).add(id);
  const c = cumprodAlong(m, m.ndim - 1);
  return c.mul(g.transpose(d, -1).unsqueeze(-2)).mul(upper).sum(-1).transpose(d, -1);
}

/** Cumulative product along `dim`. Integer and bool inputs give int32. The gradient is exact with zeros. */
export function cumprod(x: Tensor, dim: number, opts: ScanOptions = {}): Tensor {
  if (traceOn) return traceCall('cumprod', cumprod, [x, dim, opts]);
  const { src, d } = scanInput('cumprod', x, dim, opts);
  return cumprodAlong(src, d);
}

function cumExtremum(op: 'cummax' | 'cummin', x: Tensor, dim: number): ValuesIndices {
  const d = normalizeDim(op, dim, x.ndim);
  const [values, indices] = runKernel(
    op,
    x.device,
    [kview(x)],
    [
      { shape: x.shape, dtype: x.dtype },
      { shape: x.shape, dtype: 'int32' },
    ],
    { dim: d },
  );
  const inShape = x.shape;
  recordGrad(
    op === 'cummax' ? 'CummaxBackward' : 'CumminBackward',
    [x],
    [values, indices],
    ([g], [idx]) => [inShape.length === 0 ? g : _scatterAddDim(g, idx, d, inShape)],
    [indices],
  );
  return valuesIndices(values, indices);
}

/** Running maximum along `dim` and the index where it was found (the last one among ties; NaN sticks). */
export function cummax(x: Tensor, dim: number): ValuesIndices {
  if (traceOn) return traceCall('cummax', cummax, [x, dim]);
  return cumExtremum('cummax', x, dim);
}

/** Running minimum along `dim` and the index where it was found (the last one among ties; NaN sticks). */
export function cummin(x: Tensor, dim: number): ValuesIndices {
  if (traceOn) return traceCall('cummin', cummin, [x, dim]);
  return cumExtremum('cummin', x, dim);
}

declare module '../tensor.js' {
  interface Tensor {
    cumsum(dim: number, opts?: ScanOptions): Tensor;
    cumprod(dim: number, opts?: ScanOptions): Tensor;
    cummax(dim: number): ValuesIndices;
    cummin(dim: number): ValuesIndices;
  }
}

const proto = Tensor.prototype;
proto.cumsum = function (dim, opts) {
  return cumsum(this, dim, opts);
};
proto.cumprod = function (dim, opts) {
  return cumprod(this, dim, opts);
};
proto.cummax = function (dim) {
  return cummax(this, dim);
};
proto.cummin = function (dim) {
  return cummin(this, dim);
};
