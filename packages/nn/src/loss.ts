/** Loss modules (PyTorch's torch.nn losses): thin Modules over `nn.functional`'s loss functions. */
import type * as k from '@kindling/core';
import * as F from './functional/loss.js';
import { Module } from './module.js';

type Tensor = k.Tensor;

/** Base of the losses with a `reduction` (PyTorch's _Loss). */
export class Loss extends Module {
  reduction: F.Reduction;
  constructor(opts: F.ReductionOptions = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
  }
}

/** Base of the losses with a per-class `weight` buffer (PyTorch's _WeightedLoss). */
export class WeightedLoss extends Loss {
  declare weight: Tensor | null;
  constructor(opts: F.ReductionOptions & { weight?: Tensor | null } = {}) {
    super(opts);
    this.registerBuffer('weight', opts.weight ?? null);
  }
}

export class MSELoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, { reduction: this.reduction });
  }
}

export class L1Loss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, { reduction: this.reduction });
  }
}

export class SmoothL1Loss extends Loss {
  beta: number;
  constructor(opts: F.SmoothL1LossOptions = {}) {
    super(opts);
    this.beta = opts.beta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

export class HuberLoss extends Loss {
  delta: number;
  constructor(opts: F.HuberLossOptions = {}) {
    super(opts);
    this.delta = opts.delta ?? 1;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

export class NLLLoss extends WeightedLoss {
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

export class CrossEntropyLoss extends WeightedLoss {
  ignoreIndex: number;
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

export class BCELoss extends WeightedLoss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export class BCEWithLogitsLoss extends Loss {
  declare weight: Tensor | null;
  /** Registered under PyTorch's state-dict name `pos_weight`. */
  declare pos_weight: Tensor | null;
  constructor(opts: F.BCEWithLogitsOptions = {}) {
    super(opts);
    this.registerBuffer('weight', opts.weight ?? null);
    this.registerBuffer('pos_weight', opts.posWeight ?? null);
  }
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

export interface KLDivLossOptions {
  reduction?: F.Reduction | 'batchmean';
  logTarget?: boolean;
}

export class KLDivLoss extends Module {
  reduction: F.Reduction | 'batchmean';
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

export class CosineEmbeddingLoss extends Loss {
  margin: number;
  constructor(opts: F.CosineEmbeddingLossOptions = {}) {
    super(opts);
    this.margin = opts.margin ?? 0;
  }
  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return F.cosineEmbeddingLoss(input1, input2, target, { reduction: this.reduction, margin: this.margin });
  }
}
