/** Loss modules (PyTorch's torch.nn losses): thin Modules over `nn.functional`'s loss functions. */
import type * as k from '@kindling/core';
import * as F from './functional/loss.js';
import { Module } from './module.js';

type Tensor = k.Tensor;

/** Base of the losses with a `reduction` (PyTorch's _Loss). */
export class Loss extends Module {
  /** `'mean'` (default), `'sum'` or `'none'`. */
  reduction: F.Reduction;
  constructor(opts: F.ReductionOptions = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
  }
}

/** Base of the losses with a per-class `weight` buffer (PyTorch's _WeightedLoss). */
export class WeightedLoss extends Loss {
  /** Per-class rescaling weight (a buffer; `null` for none). */
  declare weight: Tensor | null;
  constructor(opts: F.ReductionOptions & { weight?: Tensor | null } = {}) {
    super(opts);
    this.registerBuffer('weight', opts.weight ?? null);
  }
}

/** Mean squared error, like `torch.nn.MSELoss`; see `nn.functional.mseLoss`. */
export class MSELoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error, like `torch.nn.L1Loss`; see `nn.functional.l1Loss`. */
export class L1Loss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction });
  }
}

/** Squared error below `beta`, absolute error above, like `torch.nn.SmoothL1Loss`. */
export class SmoothL1Loss extends Loss {
  /** Threshold between the squared and absolute regimes (default 1). */
  beta: number;
  constructor(opts: F.SmoothL1LossOptions = {}) {
    super(opts);
    this.beta = opts.beta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** Squared error below `delta`, linear above, like `torch.nn.HuberLoss`. */
export class HuberLoss extends Loss {
  /** Threshold between the squared and linear regimes (default 1). */
  delta: number;
  constructor(opts: F.HuberLossOptions = {}) {
    super(opts);
    this.delta = opts.delta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/** Negative log-likelihood of class indices given log-probabilities [N, C, ...], like `torch.nn.NLLLoss`. */
export class NLLLoss extends WeightedLoss {
  /** Target value that contributes neither loss nor weight (default -100). */
  ignoreIndex: number;
  constructor(opts: F.NLLLossOptions = {}) {
    super(opts);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
    });
  }
}

/**
 * Cross entropy of logits [N, C, ...] against class indices or class probabilities, like
 * `torch.nn.CrossEntropyLoss`; see `nn.functional.crossEntropy`.
 */
export class CrossEntropyLoss extends WeightedLoss {
  /** Target value that contributes neither loss nor weight (default -100). */
  ignoreIndex: number;
  /** Amount of smoothing towards the uniform distribution, in [0, 1] (default 0). */
  labelSmoothing: number;
  constructor(opts: F.CrossEntropyOptions = {}) {
    super(opts);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    this.labelSmoothing = opts.labelSmoothing ?? 0;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    });
  }
}

/** Binary cross entropy of probabilities, like `torch.nn.BCELoss`. */
export class BCELoss extends WeightedLoss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** Sigmoid plus binary cross entropy in one numerically stable step, like `torch.nn.BCEWithLogitsLoss`. */
export class BCEWithLogitsLoss extends Loss {
  /** Rescaling weight broadcast to the input (a buffer; `null` for none). */
  declare weight: Tensor | null;
  /** Registered under PyTorch's state-dict name `pos_weight`. */
  declare pos_weight: Tensor | null;
  constructor(opts: F.BCEWithLogitsOptions = {}) {
    super(opts);
    this.registerBuffer('weight', opts.weight ?? null);
    this.registerBuffer('pos_weight', opts.posWeight ?? null);
  }
  /** Weight of positive examples (the `pos_weight` buffer). */
  get posWeight(): Tensor | null {
    return this.pos_weight;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, {
      weight: this.weight,
      posWeight: this.posWeight,
      reduction: this.reduction,
    });
  }
}

/** Options of `KLDivLoss` (like `torch.nn.KLDivLoss`'s arguments). */
export interface KLDivLossOptions {
  /** `'mean'` (default, over all elements), `'batchmean'` (the true KL divergence), `'sum'` or `'none'`. */
  reduction?: F.Reduction | 'batchmean';
  /** `target` holds log-probabilities (default `false`). */
  logTarget?: boolean;
}

/** Kullback–Leibler divergence with log-probability input, like `torch.nn.KLDivLoss`. */
export class KLDivLoss extends Module {
  /** `'mean'` (default), `'batchmean'`, `'sum'` or `'none'`. */
  reduction: F.Reduction | 'batchmean';
  /** `target` holds log-probabilities. */
  logTarget: boolean;
  constructor(opts: KLDivLossOptions = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
    this.logTarget = opts.logTarget ?? false;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

/**
 * `1 − cos(x1, x2)` for target 1, `max(0, cos(x1, x2) − margin)` for −1, like `torch.nn.CosineEmbeddingLoss`.
 */
export class CosineEmbeddingLoss extends Loss {
  /** Margin for dissimilar pairs, in [-1, 1] (default 0). */
  margin: number;
  constructor(opts: F.CosineEmbeddingLossOptions = {}) {
    super(opts);
    this.margin = opts.margin ?? 0;
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.cosineEmbeddingLoss(input1, input2, target, { reduction: this.reduction, margin: this.margin });
  }
}
