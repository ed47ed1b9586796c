/**
 * Functional forms of the layers (`nn.functional.conv2d(x, w, b, { padding: 1 })`). Convolution,
 * pooling and interpolation are core ops; normalisation, dropout, embedding and attention are
 * compositions of core ops, so their gradients come from autograd.
 */
import * as k from '@kindling/core';

type Tensor = k.Tensor;

// ------------------------------------------------------------------ linear, conv, pooling (core ops)

/** `input @ weight^T + bias`. */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  return k.linear(input, weight, bias);
}

/** `y[..., o] = x1 · W[o] · x2 + b[o]` for x1 [..., in1], x2 [..., in2], weight [out, in1, in2]. */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (weight.ndim !== 3)
    throw new Error(`bilinear(): weight must be three-dimensional (got shape [${weight.shape.join(', ')}])`);
  const [o, in1, in2] = weight.shape;
  if (input1.shape[input1.ndim - 1] !== in1 || input2.shape[input2.ndim - 1] !== in2)
    throw new Error(
      `bilinear(): input sizes [${input1.shape.join(', ')}] and [${input2.shape.join(', ')}] do not match weight of size [${weight.shape.join(', ')}]`,
    );
  if (input1.shape.slice(0, -1).join(',') !== input2.shape.slice(0, -1).join(','))
    throw new Error(
      `bilinear(): input batch dimensions do not match: got [${input1.shape.slice(0, -1).join(', ')}] and [${input2.shape.slice(0, -1).join(', ')}]`,
    );
  const lead = input1.shape.slice(0, -1);
  const x1 = input1.reshape(-1, in1);
  const x2 = input2.reshape(-1, in2);
  // (x1 @ W viewed as [in1, out*in2]) then a dot with x2 per output feature.
  const t = x1.matmul(weight.permute(1, 0, 2).reshape(in1, o * in2)).reshape(-1, o, in2);
  let y = t.mul(x2.unsqueeze(1)).sum(-1);
  if (bias) y = y.add(bias);
  return y.reshape([...lead, o]);
}

/** 1-d convolution of [N, C, L] (or [C, L]): core's `k.conv1d`, PyTorch's `F.conv1d`. */
export const conv1d = k.conv1d;
/** 2-d convolution of [N, C, H, W] (or [C, H, W]): core's `k.conv2d`, PyTorch's `F.conv2d`. */
export const conv2d = k.conv2d;
/** Transposed 2-d convolution: core's `k.convTranspose2d`, PyTorch's `F.conv_transpose2d`. */
export const convTranspose2d = k.convTranspose2d;
/** 2-d max pooling: core's `k.maxPool2d`, PyTorch's `F.max_pool2d`. */
export const maxPool2d = k.maxPool2d;
/** 2-d max pooling returning `[values, indices]` (PyTorch's `F.max_pool2d(..., return_indices=True)`). */
export const maxPool2dWithIndices = k.maxPool2dWithIndices;
/** 2-d average pooling: core's `k.avgPool2d`, PyTorch's `F.avg_pool2d`. */
export const avgPool2d = k.avgPool2d;
/** Adaptive 2-d average pooling to `outputSize`: core's `k.adaptiveAvgPool2d` (`F.adaptive_avg_pool2d`). */
export const adaptiveAvgPool2d = k.adaptiveAvgPool2d;
/**
 * Resizes the spatial dims (nearest, linear, bilinear): core's `k.interpolate`, PyTorch's `F.interpolate`.
 */
export const interpolate = k.interpolate;
/** Sliding local blocks as columns (PyTorch's F.unfold). */
export const unfold = k.im2col;
/** The adjoint of unfold (PyTorch's F.fold). */
export const fold = k.col2im;

/** Options of `maxPool1d` (PyTorch's `F.max_pool1d` arguments). */
export interface Pool1dOptions {
  /** Window step (default: `kernelSize`). */
  stride?: number | null;
  /** Implicit padding on both sides, -inf for max pooling (default 0). */
  padding?: number;
  /** Spacing between window elements (default 1). */
  dilation?: number;
  /** Round the output length up instead of down (default `false`). */
  ceilMode?: boolean;
}

/** Max pooling over windows of the last dim of [N, C, L] (or [C, L]). */
export function maxPool1d(input: Tensor, kernelSize: number, opts: Pool1dOptions = {}): Tensor {
  return k
    .maxPool2d(input.unsqueeze(-2), [1, kernelSize], {
      stride: [1, opts.stride ?? kernelSize],
      padding: [0, opts.padding ?? 0],
      dilation: [1, opts.dilation ?? 1],
      ceilMode: opts.ceilMode,
    })
    .squeeze(-2);
}

/** Options of `avgPool1d` (PyTorch's `F.avg_pool1d` arguments). */
export interface AvgPool1dOptions {
  /** Window step (default: `kernelSize`). */
  stride?: number | null;
  /** Implicit zero padding on both sides (default 0). */
  padding?: number;
  /** Round the output length up instead of down (default `false`). */
  ceilMode?: boolean;
  /** Count padding zeros in the average's divisor (default `true`). */
  countIncludePad?: boolean;
}

/** Average pooling over windows of the last dim of [N, C, L] (or [C, L]). */
export function avgPool1d(input: Tensor, kernelSize: number, opts: AvgPool1dOptions = {}): Tensor {
  return k
    .avgPool2d(input.unsqueeze(-2), [1, kernelSize], {
      stride: [1, opts.stride ?? kernelSize],
      padding: [0, opts.padding ?? 0],
      ceilMode: opts.ceilMode,
      countIncludePad: opts.countIncludePad,
    })
    .squeeze(-2);
}

/** Adaptive average pooling of the last dim of [N, C, L] (or [C, L]) to `outputSize`. */
export function adaptiveAvgPool1d(input: Tensor, outputSize: number): Tensor {
  return k.adaptiveAvgPool2d(input.unsqueeze(-2), [1, outputSize]).squeeze(-2);
}

/** Pads the last dims; see `k.pad` (`[left, right, top, bottom, ...]`). */
export function pad(
  input: Tensor,
  padding: readonly number[],
  mode: 'constant' | 'reflect' | 'replicate' | 'circular' = 'constant',
  value?: number,
): Tensor {
  return k.pad(input, padding, { mode, value });
}

// ------------------------------------------------------------------ activations

/** `max(0, x)` elementwise. */
export function relu(input: Tensor): Tensor {
  return k.relu(input);
}
/** `x` where positive, `negativeSlope * x` elsewhere. */
export function leakyRelu(input: Tensor, negativeSlope = 0.01): Tensor {
  return k.leakyRelu(input, negativeSlope);
}
/** Gaussian error linear unit, exact or with the `'tanh'` approximation. */
export function gelu(input: Tensor, opts: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  return k.gelu(input, opts);
}
/** `x * sigmoid(x)` (swish). */
export function silu(input: Tensor): Tensor {
  return k.silu(input);
}
/** `1 / (1 + exp(-x))` elementwise. */
export function sigmoid(input: Tensor): Tensor {
  return k.sigmoid(input);
}
/** Hyperbolic tangent elementwise. */
export function tanh(input: Tensor): Tensor {
  return k.tanh(input);
}
/** `x` where positive, `alpha * (exp(x) - 1)` elsewhere. */
export function elu(input: Tensor, alpha = 1): Tensor {
  return k.elu(input, alpha);
}
/** `log(1 + exp(beta * x)) / beta`, and `x` where `beta * x > threshold` (defaults 1 and 20). */
export function softplus(input: Tensor, opts: { beta?: number; threshold?: number } = {}): Tensor {
  return k.softplus(input, opts);
}
/** Softmax over `dim`, optionally computed in `dtype`. */
export function softmax(input: Tensor, dim: number, opts: { dtype?: k.DType } = {}): Tensor {
  return k.softmax(input, dim, opts);
}
/** `log(softmax(x))` over `dim`, computed stably. */
export function logSoftmax(input: Tensor, dim: number, opts: { dtype?: k.DType } = {}): Tensor {
  return k.logSoftmax(input, dim, opts);
}

/** `x / max(||x||_p, eps)` along `dim`. */
export function normalize(input: Tensor, p = 2, dim = 1, eps = 1e-12): Tensor {
  return input.div(input.norm(p, dim, true).clampMin(eps));
}

/** One-hot encoding of int32 class indices: core's `k.oneHot`, PyTorch's `F.one_hot`. */
export const oneHot = k.oneHot;

// ------------------------------------------------------------------ dropout

/** Options of the dropout functions. */
export interface DropoutOptions {
  /** The generator for the mask (default: the global one). */
  generator?: k.Generator;
}

function checkP(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
}

/** A {0, 1/(1-p)} mask of `shape` drawn from the seeded generator. */
function keepMask(shape: readonly number[], p: number, like: Tensor, g: k.Generator): Tensor {
  let n = 1;
  for (const s of shape) n *= s;
  const scale = 1 / (1 - p);
  const m = new Float64Array(n);
  for (let i = 0; i < n; i++) m[i] = g.random() < p ? 0 : scale;
  return k.tensor(m, { dtype: like.dtype, device: like.device, shape });
}

/**
 * Zeroes each element with probability `p` and scales the rest by 1/(1-p) when `training`;
 * returns `input` unchanged otherwise.
 */
export function dropout(input: Tensor, p = 0.5, training = true, opts: DropoutOptions = {}): Tensor {
  checkP(p);
  if (!training || p === 0) return input;
  if (p === 1) return input.mul(0);
  return input.mul(keepMask(input.shape, p, input, opts.generator ?? k.defaultGenerator));
}

/** Zeroes whole channels (dim 1 of [N, C, ...], or dim 0 unbatched) with probability `p`. */
export function dropout2d(input: Tensor, p = 0.5, training = true, opts: DropoutOptions = {}): Tensor {
  checkP(p);
  if (!training || p === 0) return input;
  if (p === 1) return input.mul(0);
  const batched = input.ndim === 4 || input.ndim === 2;
  const c = batched ? 2 : 1;
  const shape = input.shape.map((s, i) => (i < c ? s : 1));
  return input.mul(keepMask(shape, p, input, opts.generator ?? k.defaultGenerator));
}

// ------------------------------------------------------------------ embedding

/**
 * Rows of `weight` at the int32 `input` indices, shape [...input.shape, embeddingDim]. The row
 * `paddingIdx` gets no gradient.
 */
export function embedding(input: Tensor, weight: Tensor, paddingIdx?: number | null): Tensor {
  if (input.dtype !== 'int32')
    throw new TypeError(
      `embedding(): Expected tensor for argument #1 'indices' to have one of the following scalar types: int32; but got ${input.dtype} instead`,
    );
  if (weight.ndim !== 2)
    throw new Error(`embedding(): 'weight' must be 2-D (got shape [${weight.shape.join(', ')}])`);
  const n = weight.shape[0];
  const flat = input.reshape(-1);
  let out = weight.indexSelect(0, flat);
  if (paddingIdx !== undefined && paddingIdx !== null) {
    const pidx = paddingIdx < 0 ? paddingIdx + n : paddingIdx;
    if (pidx < 0 || pidx >= n) throw new Error('embedding(): Padding_idx must be within num_embeddings');
    // Rows looked up at paddingIdx come from a detached weight, so that row receives no gradient.
    if (weight.requiresGrad && k.isGradEnabled())
      out = k.where(flat.eq(pidx).unsqueeze(-1), weight.detach().indexSelect(0, flat), out);
  }
  return out.reshape([...input.shape, weight.shape[1]]);
}

// ------------------------------------------------------------------ normalisation

function channelShape(input: Tensor): number[] {
  return input.shape.map((s, i) => (i === 1 ? s : 1));
}

/** Options of `batchNorm` (PyTorch's `F.batch_norm` arguments). */
export interface BatchNormOptions {
  /** Per-channel scale [C] (default none). */
  weight?: Tensor | null;
  /** Per-channel shift [C] (default none). */
  bias?: Tensor | null;
  /** Normalise with batch statistics and update the running ones (default `false`). */
  training?: boolean;
  /** Weight of the batch statistics in the running averages (default 0.1). */
  momentum?: number;
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
}

/**
 * Batch normalisation over dim 1 of [N, C, ...]. In training it normalises with the batch's
 * biased variance and, under no-grad, updates `runningMean`/`runningVar` in place
 * (`(1 - momentum) * running + momentum * batch`, the variance unbiased); otherwise it uses them.
 */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  opts: BatchNormOptions = {},
): Tensor {
  const training = opts.training ?? false;
  const momentum = opts.momentum ?? 0.1;
  const eps = opts.eps ?? 1e-5;
  if (input.ndim < 2)
    throw new Error(`batch_norm(): expected at least 2-D input (got ${input.ndim}-D input)`);
  const c = input.shape[1];
  for (const [name, t] of [
    ['running_mean', runningMean],
    ['running_var', runningVar],
    ['weight', opts.weight],
    ['bias', opts.bias],
  ] as const)
    if (t && (t.ndim !== 1 || t.shape[0] !== c))
      throw new Error(
        `batch_norm(): ${name} should contain ${c} elements not ${t.numel()} (input of shape [${input.shape.join(', ')}])`,
      );
  const bshape = channelShape(input);
  const dims = input.shape.map((_, i) => i).filter((i) => i !== 1);
  let mean: Tensor;
  let invStd: Tensor;
  if (training) {
    const count = input.numel() / c;
    if (count <= 1)
      throw new Error(
        `Expected more than 1 value per channel when training, got input size [${input.shape.join(', ')}]`,
      );
    mean = input.mean(dims, true);
    const biasedVar = input.var(dims, { correction: 0, keepdim: true });
    invStd = biasedVar.add(eps).rsqrt();
    if (runningMean || runningVar)
      k.noGrad(() => {
        if (runningMean) runningMean.mul_(1 - momentum).add_(mean.reshape(c).to(runningMean.dtype), momentum);
        if (runningVar)
          runningVar.mul_(1 - momentum).add_(
            biasedVar
              .reshape(c)
              .mul(count / (count - 1))
              .to(runningVar.dtype),
            momentum,
          );
      });
  } else {
    if (!runningMean || !runningVar)
      throw new Error('batch_norm(): running_mean and running_var must be defined in evaluation mode');
    mean = runningMean.reshape(bshape);
    invStd = runningVar.reshape(bshape).add(eps).rsqrt();
  }
  let y = input.sub(mean).mul(invStd);
  if (opts.weight) y = y.mul(opts.weight.reshape(bshape));
  if (opts.bias) y = y.add(opts.bias.reshape(bshape));
  return y;
}

/** Normalises over the trailing `normalizedShape` dims (biased variance), then scales and shifts. */
export function layerNorm(
  input: Tensor,
  normalizedShape: number | readonly number[],
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps = 1e-5,
): Tensor {
  const ns = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape.slice();
  const tail = input.shape.slice(input.ndim - ns.length);
  if (ns.length === 0 || ns.length > input.ndim || tail.join(',') !== ns.join(','))
    throw new Error(
      `layer_norm(): Given normalized_shape=[${ns.join(', ')}], expected input with shape [*, ${ns.join(', ')}], but got input of size [${input.shape.join(', ')}]`,
    );
  const dims = ns.map((_, i) => input.ndim - ns.length + i);
  const mean = input.mean(dims, true);
  const v = input.var(dims, { correction: 0, keepdim: true });
  let y = input.sub(mean).mul(v.add(eps).rsqrt());
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return y;
}

/** Normalises [N, C, ...] over groups of C/numGroups channels, then per-channel affine. */
export function groupNorm(
  input: Tensor,
  numGroups: number,
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps = 1e-5,
): Tensor {
  if (input.ndim < 2) throw new Error(`group_norm(): expected at least 2-D input (got ${input.ndim}-D)`);
  const [n, c] = input.shape;
  if (c % numGroups !== 0)
    throw new Error(
      `group_norm(): Expected number of channels in input to be divisible by num_groups, but got input of shape [${input.shape.join(', ')}] and num_groups=${numGroups}`,
    );
  const g = input.reshape(n, numGroups, -1);
  const mean = g.mean(-1, true);
  const v = g.var(-1, { correction: 0, keepdim: true });
  let y = g.sub(mean).mul(v.add(eps).rsqrt()).reshape(input.shape);
  const bshape = channelShape(input);
  if (weight) y = y.mul(weight.reshape(bshape));
  if (bias) y = y.add(bias.reshape(bshape));
  return y;
}

// ------------------------------------------------------------------ attention

/** Options of `scaledDotProductAttention` (PyTorch's `F.scaled_dot_product_attention` arguments). */
export interface ScaledDotProductAttentionOptions {
  /** Bool (true = may attend) or additive float mask broadcastable to [..., L, S]. */
  attnMask?: Tensor | null;
  /** Dropout probability on the attention weights (default 0). */
  dropoutP?: number;
  /** Apply a lower-triangular causal mask; `attnMask` must then be unset (default `false`). */
  isCausal?: boolean;
  /** Defaults to 1/sqrt(E). */
  scale?: number | null;
  /** Generator for the attention dropout. */
  generator?: k.Generator;
}

/** `softmax(q kᵀ · scale + mask) v` over the last two dims, like PyTorch's F.scaled_dot_product_attention. */
export function scaledDotProductAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  opts: ScaledDotProductAttentionOptions = {},
): Tensor {
  const l = query.shape[query.ndim - 2];
  const s = key.shape[key.ndim - 2];
  const scale = opts.scale ?? 1 / Math.sqrt(query.shape[query.ndim - 1]);
  let attn = query.matmul(key.transpose(-2, -1)).mul(scale);
  if (opts.isCausal) {
    if (opts.attnMask)
      throw new Error('scaled_dot_product_attention(): attn_mask must be None when is_causal is set');
    const causal = k.ones([l, s], { dtype: 'bool', device: query.device }).tril();
    attn = attn.maskedFill(causal.logicalNot(), Number.NEGATIVE_INFINITY);
  }
  const m = opts.attnMask;
  if (m) attn = m.dtype === 'bool' ? attn.maskedFill(m.logicalNot(), Number.NEGATIVE_INFINITY) : attn.add(m);
  attn = attn.softmax(-1);
  if (opts.dropoutP) attn = dropout(attn, opts.dropoutP, true, { generator: opts.generator });
  return attn.matmul(value);
}
