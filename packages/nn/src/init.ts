/**
 * `nn.init`: in-place initialisers with PyTorch's formulas. Values are drawn on the host from the
 * seeded generator (the default one unless `generator` is given) and written under no-grad, so
 * they work on parameters that require grad.
 *
 * @module
 */
import * as k from '@kindling/core';

/** Options of the random initialisers. */
export interface InitOptions {
  /** The generator to draw from (default: the global one seeded by `k.manualSeed`). */
  generator?: k.Generator;
}

/** Nonlinearity names accepted by `calculateGain` and the Kaiming initialisers (PyTorch's strings). */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

/**
 * Which fan the Kaiming initialisers scale by: `'fan_in'` preserves forward variance, `'fan_out'` backward.
 */
export type FanMode = 'fan_in' | 'fan_out';

/** The recommended gain for a nonlinearity (PyTorch's calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || Number.isNaN(slope))
        throw new Error(`negative_slope ${String(param)} not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new Error(`Unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

/** `[fanIn, fanOut]` of a weight: size(1) and size(0) times the receptive field. */
export function calculateFanInAndFanOut(tensor: k.Tensor): [number, number] {
  if (tensor.ndim < 2)
    throw new Error('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  let receptive = 1;
  for (let i = 2; i < tensor.ndim; i++) receptive *= tensor.shape[i];
  return [tensor.shape[1] * receptive, tensor.shape[0] * receptive];
}

function write(t: k.Tensor, values: Float64Array): k.Tensor {
  k.noGrad(() => t.copy_(k.tensor(values, { dtype: t.dtype, device: t.device, shape: t.shape })));
  return t;
}

function draw(t: k.Tensor, f: (g: k.Generator) => number, opts?: InitOptions): k.Tensor {
  const g = opts?.generator ?? k.defaultGenerator;
  const n = t.numel();
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = f(g);
  return write(t, values);
}

/** Fills with U(a, b). */
export function uniform_(tensor: k.Tensor, a = 0, b = 1, opts?: InitOptions): k.Tensor {
  return draw(tensor, (g) => a + (b - a) * g.random(), opts);
}

/** Fills with N(mean, std²). */
export function normal_(tensor: k.Tensor, mean = 0, std = 1, opts?: InitOptions): k.Tensor {
  return draw(tensor, (g) => mean + std * g.normal(), opts);
}

/** N(mean, std²) redrawn until inside [a, b]. */
export function truncNormal_(
  tensor: k.Tensor,
  mean = 0,
  std = 1,
  a = -2,
  b = 2,
  opts?: InitOptions,
): k.Tensor {
  return draw(
    tensor,
    (g) => {
      for (let i = 0; i < 1000; i++) {
        const v = mean + std * g.normal();
        if (v >= a && v <= b) return v;
      }
      return Math.min(Math.max(mean, a), b);
    },
    opts,
  );
}

/** Fills with `value`. */
export function constant_(tensor: k.Tensor, value: number): k.Tensor {
  k.noGrad(() => tensor.fill_(value));
  return tensor;
}
/** Fills with 0. */
export function zeros_(tensor: k.Tensor): k.Tensor {
  return constant_(tensor, 0);
}
/** Fills with 1. */
export function ones_(tensor: k.Tensor): k.Tensor {
  return constant_(tensor, 1);
}

/** The identity matrix (2-d tensors). */
export function eye_(tensor: k.Tensor): k.Tensor {
  if (tensor.ndim !== 2) throw new Error('Only tensors with 2 dimensions are supported');
  const [r, c] = tensor.shape;
  const v = new Float64Array(r * c);
  for (let i = 0; i < Math.min(r, c); i++) v[i * c + i] = 1;
  return write(tensor, v);
}

/** Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform_(tensor: k.Tensor, gain = 1, opts?: InitOptions): k.Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(tensor, -a, a, opts);
}

/** Glorot normal: N(0, std²) with std = gain * sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal_(tensor: k.Tensor, gain = 1, opts?: InitOptions): k.Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  return normal_(tensor, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), opts);
}

/** Options of `kaimingUniform_` and `kaimingNormal_` (like `torch.nn.init.kaiming_uniform_`'s arguments). */
export interface KaimingOptions extends InitOptions {
  /** Negative slope of the rectifier after this layer (leaky_relu only). */
  a?: number;
  /** `'fan_in'` (default) or `'fan_out'`. */
  mode?: FanMode;
  /** The nonlinearity after this layer, for the gain (default `'leaky_relu'`, like PyTorch). */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(tensor: k.Tensor, opts: KaimingOptions): number {
  if (tensor.numel() === 0) return 0;
  const mode = opts.mode ?? 'fan_in';
  if (mode !== 'fan_in' && mode !== 'fan_out')
    throw new Error(`Mode ${String(mode)} not supported, please use one of fan_in, fan_out`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const fan = mode === 'fan_in' ? fanIn : fanOut;
  const gain = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  return gain / Math.sqrt(fan);
}

/** He uniform: U(-b, b) with b = gain * sqrt(3 / fan). */
export function kaimingUniform_(tensor: k.Tensor, opts: KaimingOptions = {}): k.Tensor {
  const bound = Math.sqrt(3) * kaimingStd(tensor, opts);
  return uniform_(tensor, -bound, bound, opts);
}

/** He normal: N(0, std²) with std = gain / sqrt(fan). */
export function kaimingNormal_(tensor: k.Tensor, opts: KaimingOptions = {}): k.Tensor {
  return normal_(tensor, 0, kaimingStd(tensor, opts), opts);
}

/** A (semi-)orthogonal matrix from the QR decomposition of a normal matrix, times `gain`. */
export function orthogonal_(tensor: k.Tensor, gain = 1, opts?: InitOptions): k.Tensor {
  if (tensor.ndim < 2) throw new Error('Only tensors with 2 or more dimensions are supported');
  if (tensor.numel() === 0) return tensor;
  const rows = tensor.shape[0];
  const cols = tensor.numel() / rows;
  const g = opts?.generator ?? k.defaultGenerator;
  // QR of the tall orientation (m >= n): columns of Q are orthonormal.
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  const a = new Float64Array(rows * cols);
  for (let i = 0; i < a.length; i++) a[i] = g.normal();
  // A as m×n column vectors: tall = A (rows×cols) if rows >= cols, else Aᵀ.
  const col = (j: number) => {
    const v = new Float64Array(m);
    for (let i = 0; i < m; i++) v[i] = rows >= cols ? a[i * cols + j] : a[j * cols + i];
    return v;
  };
  const q: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const v = col(j);
    // Modified Gram–Schmidt, twice for stability.
    for (let pass = 0; pass < 2; pass++)
      for (const u of q) {
        let d = 0;
        for (let i = 0; i < m; i++) d += u[i] * v[i];
        for (let i = 0; i < m; i++) v[i] -= d * u[i];
      }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    // Gram–Schmidt gives R a positive diagonal, which is PyTorch's sign fix of Q.
    for (let i = 0; i < m; i++) v[i] = norm > 0 ? v[i] / norm : 0;
    q.push(v);
  }
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) out[i * cols + j] = gain * (rows >= cols ? q[j][i] : q[i][j]);
  return write(tensor, out);
}
