/**
 * Loss functions (PyTorch's torch.nn.functional losses), with PyTorch's reductions, weighting,
 * argument checks and error messages. All are compositions of differentiable core ops, computed in
 * numerically stable forms (log-softmax, log-sigmoid).
 */
import * as k from '@kindling/core';

type Tensor = k.Tensor;

/** How a loss combines per-element values: `'mean'`, `'sum'`, or `'none'` (the unreduced tensor). */
export type Reduction = 'none' | 'mean' | 'sum';

/** The `reduction` option shared by the losses (PyTorch's `reduction=` argument). */
export interface ReductionOptions {
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function checkReduction(
  r: string | undefined,
  allowed: readonly string[] = ['none', 'mean', 'sum'],
): Reduction {
  const red = r ?? 'mean';
  if (!allowed.includes(red)) throw new Error(`${String(red)} is not a valid value for reduction`);
  return red as Reduction;
}

/** PyTorch's apply_loss_reduction. */
function reduce(loss: Tensor, reduction: string): Tensor {
  if (reduction === 'sum') return loss.sum();
  if (reduction === 'mean') return loss.sum().div(loss.numel());
  return loss;
}

function assertTensor(op: string, v: unknown, name: string): Tensor {
  if (!k.isTensor(v))
    throw new TypeError(`${op}(): argument '${name}' must be Tensor, not ${v === null ? 'null' : typeof v}`);
  return v;
}

const warned = new Set<string>();
/** The broadcasting warning of the pointwise regression losses (once per op and shape pair). */
function warnSizes(op: string, input: Tensor, target: Tensor): void {
  if (sameShape(input.shape, target.shape)) return;
  const key = `${op}${fmt(input.shape)}${fmt(target.shape)}`;
  if (warned.has(key)) return;
  warned.add(key);
  console.warn(
    `${op}: Using a target size (${fmt(target.shape)}) that is different to the input size (${fmt(input.shape)}). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.`,
  );
}

// ------------------------------------------------------------------ regression losses

/** Mean squared error `(input − target)²`. */
export function mseLoss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  assertTensor('mse_loss', input, 'input');
  assertTensor('mse_loss', target, 'target');
  const reduction = checkReduction(opts.reduction);
  warnSizes('mse_loss', input, target);
  return reduce(input.sub(target).square(), reduction);
}

/** Mean absolute error `|input − target|`. */
export function l1Loss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  assertTensor('l1_loss', input, 'input');
  assertTensor('l1_loss', target, 'target');
  const reduction = checkReduction(opts.reduction);
  warnSizes('l1_loss', input, target);
  return reduce(input.sub(target).abs(), reduction);
}

/** Options of `smoothL1Loss` (PyTorch's `F.smooth_l1_loss` arguments). */
export interface SmoothL1LossOptions extends ReductionOptions {
  /** Threshold between the squared and absolute regimes (default 1). */
  beta?: number;
}

/** `0.5 z² / beta` where `z = |input − target| < beta`, else `z − 0.5·beta` (L1 when beta = 0). */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: SmoothL1LossOptions = {}): Tensor {
  assertTensor('smooth_l1_loss', input, 'input');
  assertTensor('smooth_l1_loss', target, 'target');
  const reduction = checkReduction(opts.reduction);
  const beta = opts.beta ?? 1;
  if (beta < 0) throw new Error('smooth_l1_loss does not support negative values for beta.');
  warnSizes('smooth_l1_loss', input, target);
  const z = input.sub(target).abs();
  if (beta === 0) return reduce(z, reduction);
  return reduce(k.where(z.lt(beta), z.square().mul(0.5 / beta), z.sub(0.5 * beta)), reduction);
}

/** Options of `huberLoss` (PyTorch's `F.huber_loss` arguments). */
export interface HuberLossOptions extends ReductionOptions {
  /** Threshold between the squared and linear regimes (default 1). */
  delta?: number;
}

/** `0.5 z²` where `z = |input − target| < delta`, else `delta·(z − 0.5·delta)`. */
export function huberLoss(input: Tensor, target: Tensor, opts: HuberLossOptions = {}): Tensor {
  assertTensor('huber_loss', input, 'input');
  assertTensor('huber_loss', target, 'target');
  const reduction = checkReduction(opts.reduction);
  const delta = opts.delta ?? 1;
  if (!(delta > 0)) throw new Error('huber_loss does not support non-positive values for delta.');
  warnSizes('huber_loss', input, target);
  const z = input.sub(target).abs();
  return reduce(k.where(z.lt(delta), z.square().mul(0.5), z.sub(0.5 * delta).mul(delta)), reduction);
}

// ------------------------------------------------------------------ classification losses

/** Options of `nllLoss` (PyTorch's `F.nll_loss` arguments). */
export interface NLLLossOptions extends ReductionOptions {
  /** A manual rescaling weight per class (1-d, C elements). */
  weight?: Tensor | null;
  /** Target value that contributes neither loss nor weight (default -100). */
  ignoreIndex?: number;
}

/** Options of `crossEntropy` (PyTorch's `F.cross_entropy` arguments). */
export interface CrossEntropyOptions extends NLLLossOptions {
  /** Mixes the target with the uniform distribution: (1 − ε)·target + ε/C (default 0). */
  labelSmoothing?: number;
}

function checkWeight(op: string, weight: Tensor | null | undefined, c: number): Tensor | null {
  if (weight === null || weight === undefined) return null;
  assertTensor(op, weight, 'weight');
  if (weight.ndim !== 1 || weight.numel() !== c)
    throw new Error(
      `${op === 'nll_loss' ? '' : `${op}: `}weight tensor should be defined either for all ${c} classes or no classes but got weight tensor of shape: ${fmt(weight.shape)}`,
    );
  return weight;
}

/** PyTorch's nll_loss_nd shape checks for class-index targets. */
function checkNllShapes(input: Tensor, target: Tensor): void {
  if (input.ndim < 1) throw new Error(`Expected 1 or more dimensions (got ${input.ndim})`);
  if (input.ndim !== 1 && target.ndim > 0 && input.shape[0] !== target.shape[0])
    throw new Error(
      `Expected input batch_size (${input.shape[0]}) to match target batch_size (${target.shape[0]}).`,
    );
  if (input.ndim <= 2) {
    if (target.ndim > 1) throw new Error('0D or 1D target tensor expected, multi-target not supported');
    const noBatch = input.ndim === 1 && target.ndim === 0;
    if (!noBatch && (target.ndim === 0 || input.shape[0] !== target.shape[0]))
      throw new Error(`size mismatch (got input: ${fmt(input.shape)}, target: ${fmt(target.shape)})`);
  } else {
    const outSize = [input.shape[0], ...input.shape.slice(2)];
    if (!sameShape(target.shape, outSize))
      throw new Error(`Expected target size ${fmt(outSize)}, got ${fmt(target.shape)}`);
  }
  if (target.dtype !== 'int32')
    throw new TypeError(
      `nll_loss: expected target of dtype int32 (class indices) but found ${target.dtype}; for class probabilities pass a float target of the input's shape`,
    );
}

/** PyTorch's CPU check that every non-ignored class index is in [0, C). */
/** Returns whether any target equals ignoreIndex (null when the device cannot be read synchronously). */
function checkTargetBounds(target: Tensor, c: number, ignoreIndex: number): boolean | null {
  if (!target.canReadSync()) return null;
  const d = target.dataSync();
  let ignored = false;
  for (let i = 0; i < d.length; i++) {
    const t = d[i];
    if (t === ignoreIndex) ignored = true;
    else if (t < 0 || t >= c) throw new RangeError(`Target ${t} is out of bounds.`);
  }
  return ignored;
}

interface PickedClasses {
  /** Mask of non-ignored targets (bool, target's shape). */
  valid: Tensor;
  /** Targets with ignored entries replaced by class 0 (safe to gather with). */
  safe: Tensor;
  /** Per-element weight w[target] (0 where ignored), input's dtype. */
  w: Tensor;
}

function pickClasses(
  input: Tensor,
  target: Tensor,
  weight: Tensor | null,
  ignoreIndex: number,
): PickedClasses {
  const valid = target.ne(ignoreIndex);
  const safe = k.where(valid, target, 0);
  let w: Tensor;
  if (weight) {
    const wt = k.indexSelect(weight, 0, safe.reshape(-1)).reshape(target.shape);
    w = k.where(valid, wt, 0).to(input.dtype);
  } else w = valid.to(input.dtype);
  return { valid, safe, w };
}

/**
 * Negative log-likelihood of class indices: `-weight[t]·input[n, t]`, given log-probabilities
 * `input` of shape [C], [N, C] or [N, C, d1, ...] and int32 targets [], [N] or [N, d1, ...].
 * 'mean' divides by the total weight of the non-ignored targets (NaN when there are none).
 */
export function nllLoss(input: Tensor, target: Tensor, opts: NLLLossOptions = {}): Tensor {
  assertTensor('nll_loss', input, 'input');
  assertTensor('nll_loss', target, 'target');
  const reduction = checkReduction(opts.reduction);
  const ignoreIndex = opts.ignoreIndex ?? -100;
  checkNllShapes(input, target);
  const classDim = input.ndim === 1 ? 0 : 1;
  const c = input.shape[classDim];
  const weight = checkWeight('nll_loss', opts.weight, c);
  const hasIgnored = checkTargetBounds(target, c, ignoreIndex);
  if (hasIgnored === false && weight === null) {
    // Common case (no weights, nothing ignored): each target weighs 1.
    const loss = input.gather(classDim, target.unsqueeze(classDim)).squeeze(classDim).neg();
    if (reduction === 'none') return loss;
    if (reduction === 'sum') return loss.sum();
    return loss.sum().div(loss.numel() === 0 ? Number.NaN : loss.numel());
  }
  const { valid, safe, w } = pickClasses(input, target, weight, ignoreIndex);
  const picked = input.gather(classDim, safe.unsqueeze(classDim)).squeeze(classDim);
  const loss = k.where(valid, picked.mul(w).neg(), 0);
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  return loss.sum().div(w.sum());
}

/**
 * Cross entropy between logits `input` ([C], [N, C] or [N, C, d1, ...]) and either int32 class
 * indices (shape without the class dim) or class probabilities (the input's shape), computed from
 * logSoftmax. Supports per-class `weight`, `ignoreIndex` (indices only) and `labelSmoothing`, with
 * PyTorch's normalisation for 'mean'.
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  assertTensor('cross_entropy', input, 'input');
  assertTensor('cross_entropy', target, 'target');
  const reduction = checkReduction(opts.reduction);
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const ls = opts.labelSmoothing ?? 0;
  if (!(ls >= 0 && ls <= 1)) throw new Error(`label_smoothing must be between 0.0 and 1.0. Got: ${ls}`);
  if (input.ndim < 1) throw new Error(`Expected 1 or more dimensions (got ${input.ndim})`);
  const classDim = input.ndim === 1 ? 0 : 1;
  const c = input.shape[classDim];
  if (sameShape(input.shape, target.shape)) {
    // Class probabilities.
    if (!k.isFloatingPoint(target.dtype))
      throw new TypeError(
        `Expected floating point type for target with class probabilities, got ${target.dtype}`,
      );
    if (ignoreIndex >= 0) throw new Error('ignore_index is not supported for floating point target');
    const weight = checkWeight('cross_entropy', opts.weight, c);
    const logp = k.logSoftmax(input, classDim);
    const t = ls > 0 ? target.mul(1 - ls).add(ls / c) : target;
    let prod = logp.mul(t);
    if (weight) prod = prod.mul(classView(weight, input.ndim, classDim));
    if (reduction === 'none') return prod.sum(classDim).neg();
    if (reduction === 'sum') return prod.sum().neg();
    const n = input.numel() / c;
    return prod
      .sum()
      .neg()
      .div(input.numel() === 0 ? Number.NaN : n);
  }
  checkNllShapes(input, target);
  const logp = k.logSoftmax(input, classDim);
  const nll = nllLoss(logp, target, { weight: opts.weight, ignoreIndex, reduction });
  if (ls === 0) return nll;
  const weight = checkWeight('cross_entropy', opts.weight, c);
  const ignored = target.eq(ignoreIndex);
  let smooth = weight ? logp.mul(classView(weight, input.ndim, classDim)).sum(classDim) : logp.sum(classDim);
  smooth = k.where(ignored, 0, smooth.neg());
  let ret: Tensor;
  if (reduction === 'none') ret = smooth;
  else if (reduction === 'sum') ret = smooth.sum();
  else if (weight) ret = smooth.sum().div(pickClasses(input, target, weight, ignoreIndex).w.sum());
  else ret = smooth.sum().div(ignored.logicalNot().sum());
  return nll.mul(1 - ls).add(ret.mul(ls / c));
}

/** A 1-d per-class tensor viewed to broadcast along `classDim` of an `ndim`-d input. */
function classView(weight: Tensor, ndim: number, classDim: number): Tensor {
  if (ndim <= 1) return weight;
  const shape = new Array<number>(ndim).fill(1);
  shape[classDim] = weight.numel();
  return weight.reshape(shape);
}

/** Options of `binaryCrossEntropy` (PyTorch's `F.binary_cross_entropy` arguments). */
export interface BCELossOptions extends ReductionOptions {
  /** Rescaling weight, broadcast to the input's shape. */
  weight?: Tensor | null;
}

function expandWeight(
  op: string,
  weight: Tensor | null | undefined,
  shape: readonly number[],
): Tensor | null {
  if (weight === null || weight === undefined) return null;
  assertTensor(op, weight, 'weight');
  return weight.expand(k.broadcastShapes(op, shape, weight.shape));
}

/**
 * Binary cross entropy of probabilities: `-w·(t·log(x) + (1 − t)·log(1 − x))`, each log clamped at
 * −100 like PyTorch (so x = 0 or 1 gives a finite loss and a zero, not NaN, gradient).
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: BCELossOptions = {}): Tensor {
  assertTensor('binary_cross_entropy', input, 'input');
  assertTensor('binary_cross_entropy', target, 'target');
  const reduction = checkReduction(opts.reduction);
  if (!sameShape(input.shape, target.shape))
    throw new Error(
      `Using a target size (${fmt(target.shape)}) that is different to the input size (${fmt(input.shape)}) is deprecated. Please ensure they have the same size.`,
    );
  const weight = expandWeight('binary_cross_entropy', opts.weight, input.shape);
  if (input.canReadSync()) {
    const d = input.dataSync();
    for (let i = 0; i < d.length; i++)
      if (!(d[i] >= 0 && d[i] <= 1)) throw new Error('all elements of input should be between 0 and 1');
  }
  const pos = input.gt(0);
  const logX = k.where(pos, k.clamp(k.where(pos, input, 1).log(), -100, null), -100);
  const below = input.lt(1);
  const log1mX = k.where(below, k.clamp(k.where(below, input, 0).neg().log1p(), -100, null), -100);
  let loss = target.sub(1).mul(log1mX).sub(target.mul(logX));
  if (weight) loss = loss.mul(weight);
  return reduce(loss, reduction);
}

/** Options of `binaryCrossEntropyWithLogits` (PyTorch's `F.binary_cross_entropy_with_logits` arguments). */
export interface BCEWithLogitsOptions extends BCELossOptions {
  /** Weight of positive examples, broadcast along the last (class) dim. */
  posWeight?: Tensor | null;
}

/**
 * Sigmoid + binary cross entropy in one numerically stable expression (log-sigmoid):
 * `(1 − t)·x − (1 + (posWeight − 1)·t)·logσ(x)`, times `weight`.
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  opts: BCEWithLogitsOptions = {},
): Tensor {
  assertTensor('binary_cross_entropy_with_logits', input, 'input');
  assertTensor('binary_cross_entropy_with_logits', target, 'target');
  const reduction = checkReduction(opts.reduction);
  if (!sameShape(input.shape, target.shape))
    throw new Error(
      `Target size (${fmt(target.shape)}) must be the same as input size (${fmt(input.shape)})`,
    );
  let lsi = k.logsigmoid(input);
  if (opts.posWeight !== null && opts.posWeight !== undefined) {
    const pw = assertTensor('binary_cross_entropy_with_logits', opts.posWeight, 'pos_weight');
    lsi = lsi.mul(pw.sub(1).mul(target).add(1));
  }
  let loss = target.neg().add(1).mul(input).sub(lsi);
  if (opts.weight !== null && opts.weight !== undefined)
    loss = loss.mul(assertTensor('binary_cross_entropy_with_logits', opts.weight, 'weight'));
  return reduce(loss, reduction);
}

/** Options of `klDiv` (PyTorch's `F.kl_div` arguments; `logTarget` defaults to `false`). */
export interface KLDivOptions {
  /** 'mean' (over all elements, PyTorch's default), 'batchmean' (sum / batch size, the true KL), 'sum' or 'none'. */
  reduction?: Reduction | 'batchmean';
  /** `target` holds log-probabilities instead of probabilities. */
  logTarget?: boolean;
}

/**
 * Kullback–Leibler divergence with `input` as log-probabilities: `t·(log t − input)` pointwise
 * (0 where t = 0), or `exp(t)·(t − input)` with `logTarget`.
 */
export function klDiv(input: Tensor, target: Tensor, opts: KLDivOptions = {}): Tensor {
  assertTensor('kl_div', input, 'input');
  assertTensor('kl_div', target, 'target');
  const reduction = checkReduction(opts.reduction, ['none', 'mean', 'sum', 'batchmean']) as
    | Reduction
    | 'batchmean';
  let loss: Tensor;
  if (opts.logTarget) loss = target.exp().mul(target.sub(input));
  else {
    const zero = target.eq(0);
    const xlogy = k.where(zero, 0, target.mul(k.where(zero, 1, target).log()));
    loss = xlogy.sub(target.mul(input));
  }
  if (reduction === 'batchmean') {
    const s = loss.sum();
    return input.ndim === 0 ? s : s.div(input.shape[0]);
  }
  return reduce(loss, reduction);
}

/** Options of `cosineEmbeddingLoss` (PyTorch's `F.cosine_embedding_loss` arguments). */
export interface CosineEmbeddingLossOptions extends ReductionOptions {
  /** Margin for dissimilar pairs, in [-1, 1] (default 0). */
  margin?: number;
}

/**
 * `1 − cos(x1, x2)` for target 1, `max(0, cos(x1, x2) − margin)` for target −1 (0 for other values),
 * with cos computed over the last dim as PyTorch does (1e-12 added to each squared magnitude).
 */
export function cosineEmbeddingLoss(
  input1: Tensor,
  input2: Tensor,
  target: Tensor,
  opts: CosineEmbeddingLossOptions = {},
): Tensor {
  assertTensor('cosine_embedding_loss', input1, 'input1');
  assertTensor('cosine_embedding_loss', input2, 'input2');
  assertTensor('cosine_embedding_loss', target, 'target');
  const reduction = checkReduction(opts.reduction);
  const margin = opts.margin ?? 0;
  const td = target.ndim;
  if (td !== 0 && td !== 1) throw new Error('0D or 1D target tensor expected, multi-target not supported');
  if (td === 1 && (input1.ndim !== 2 || input2.ndim !== 2))
    throw new Error(
      `1D target tensor expects 2D input tensors, but found inputs with sizes ${fmt(input1.shape)} and ${fmt(input2.shape)}.`,
    );
  if (td === 0 && (input1.ndim !== 1 || input2.ndim !== 1))
    throw new Error(
      `0D target tensor expects 1D input tensors, but found inputs with sizes ${fmt(input1.shape)} and ${fmt(input2.shape)}.`,
    );
  const EPSILON = 1e-12;
  const prodSum = input1.mul(input2).sum(td);
  const mag1 = input1.mul(input1).sum(td).add(EPSILON);
  const mag2 = input2.mul(input2).sum(td).add(EPSILON);
  const cos = prodSum.div(mag1.mul(mag2).sqrt());
  const pos = cos.neg().add(1);
  const neg = k.clamp(cos.sub(margin), 0, null);
  const out = k.where(target.eq(1), pos, 0).add(k.where(target.eq(-1), neg, 0));
  return reduce(out, reduction);
}
