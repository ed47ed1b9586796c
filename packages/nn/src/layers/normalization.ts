/** BatchNorm1d/2d, LayerNorm, GroupNorm. */
import * as k from '@kindling/core';
import * as F from '../functional/layers.js';
import * as init from '../init.js';
import { Module, type Parameter } from '../module.js';
import { pyBool, pyFloat, pyTuple } from '../repr.js';
import { emptyBuffer, emptyParameter, type FactoryOptions } from './util.js';

/** Options of `BatchNorm1d` and `BatchNorm2d` (like `torch.nn.BatchNorm2d`'s keyword arguments). */
export interface BatchNormOptions extends FactoryOptions {
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
  /** Running-average factor; null uses a cumulative moving average. */
  momentum?: number | null;
  /** Learn a per-channel weight and bias (default `true`). */
  affine?: boolean;
  /**
   * Keep running statistics for eval mode (default `true`); without them batch statistics are always used.
   */
  trackRunningStats?: boolean;
}

/**
 * Batch normalisation over the channel dim with running statistics (buffers `running_mean`,
 * `running_var`, `num_batches_tracked`, PyTorch's state-dict names): batch statistics in training
 * (updating the running ones), running statistics in eval.
 */
abstract class BatchNormBase extends Module {
  /** Number of channels C. */
  readonly numFeatures: number;
  /** Added to the variance for stability. */
  readonly eps: number;
  /** Running-average factor (`null`: cumulative moving average). */
  readonly momentum: number | null;
  /** Whether there is a learnable per-channel weight and bias. */
  readonly affine: boolean;
  /** Whether running statistics are kept. */
  readonly trackRunningStats: boolean;
  /** Per-channel scale [C] (ones initially), or `null` without `affine`. */
  weight: Parameter | null;
  /** Per-channel shift [C] (zeros initially), or `null` without `affine`. */
  bias: Parameter | null;
  /** Running mean buffer [C] (PyTorch's state-dict name), or `null` without `trackRunningStats`. */
  declare running_mean: k.Tensor | null;
  /** Running (unbiased) variance buffer [C], or `null` without `trackRunningStats`. */
  declare running_var: k.Tensor | null;
  /** Number of training batches seen (int32 scalar buffer), or `null` without `trackRunningStats`. */
  declare num_batches_tracked: k.Tensor | null;
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super();
    this.numFeatures = numFeatures;
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    this.weight = this.affine ? emptyParameter([numFeatures], opts) : null;
    this.bias = this.affine ? emptyParameter([numFeatures], opts) : null;
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', emptyBuffer([numFeatures], opts));
      this.registerBuffer('running_var', emptyBuffer([numFeatures], opts));
      this.registerBuffer('num_batches_tracked', k.zeros([], { dtype: 'int32', device: opts.device }));
    } else {
      this.registerBuffer('running_mean', null);
      this.registerBuffer('running_var', null);
      this.registerBuffer('num_batches_tracked', null);
    }
    this.resetParameters();
  }
  /** Alias of `running_mean`. */
  get runningMean(): k.Tensor | null {
    return this.running_mean;
  }
  /** Alias of `running_var`. */
  get runningVar(): k.Tensor | null {
    return this.running_var;
  }
  /** Alias of `num_batches_tracked`. */
  get numBatchesTracked(): k.Tensor | null {
    return this.num_batches_tracked;
  }
  /** Resets running mean to 0, running variance to 1 and the batch count to 0. */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    k.noGrad(() => {
      this.running_mean?.zero_();
      this.running_var?.fill_(1);
      this.num_batches_tracked?.zero_();
    });
  }
  /** Resets the running statistics, weight to ones and bias to zeros. */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }
  protected abstract checkInputDim(input: k.Tensor): void;
  override forward(input: k.Tensor): k.Tensor {
    this.checkInputDim(input);
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked) {
      const nbt = this.num_batches_tracked;
      k.noGrad(() => nbt.add_(1));
      if (this.momentum === null) factor = 1 / nbt.item();
    }
    const bnTraining = this.training || (this.running_mean === null && this.running_var === null);
    const useRunning = !this.training || this.trackRunningStats;
    return F.batchNorm(input, useRunning ? this.running_mean : null, useRunning ? this.running_var : null, {
      weight: this.weight,
      bias: this.bias,
      training: bnTraining,
      momentum: factor,
      eps: this.eps,
    });
  }
  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${this.momentum === null ? 'None' : pyFloat(this.momentum)}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/** BatchNorm over [N, C] or [N, C, L]. */
export class BatchNorm1d extends BatchNormBase {
  protected checkInputDim(input: k.Tensor): void {
    if (input.ndim !== 2 && input.ndim !== 3)
      throw new Error(`BatchNorm1d: expected 2D or 3D input (got ${input.ndim}D input)`);
  }
}

/** BatchNorm over [N, C, H, W]. */
export class BatchNorm2d extends BatchNormBase {
  protected checkInputDim(input: k.Tensor): void {
    if (input.ndim !== 4) throw new Error(`BatchNorm2d: expected 4D input (got ${input.ndim}D input)`);
  }
}

/** Options of `LayerNorm` (like `torch.nn.LayerNorm`'s keyword arguments). */
export interface LayerNormOptions extends FactoryOptions {
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
  /** Learn an elementwise weight and bias over `normalizedShape` (default `true`). */
  elementwiseAffine?: boolean;
  /** With `elementwiseAffine`, also learn the bias (default `true`). */
  bias?: boolean;
}

/** Normalises over the trailing `normalizedShape` dims; weight ones, bias zeros. */
export class LayerNorm extends Module {
  /** The trailing dims normalised over. */
  readonly normalizedShape: number[];
  /** Added to the variance for stability. */
  readonly eps: number;
  /** Whether there is a learnable weight and bias. */
  readonly elementwiseAffine: boolean;
  /** Scale of `normalizedShape` (ones initially), or `null`. */
  weight: Parameter | null;
  /** Shift of `normalizedShape` (zeros initially), or `null`. */
  bias: Parameter | null;
  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape.slice();
    this.eps = opts.eps ?? 1e-5;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    this.weight = this.elementwiseAffine ? emptyParameter(this.normalizedShape, opts) : null;
    this.bias =
      this.elementwiseAffine && opts.bias !== false ? emptyParameter(this.normalizedShape, opts) : null;
    this.resetParameters();
  }
  /** Resets weight to ones and bias to zeros. */
  resetParameters(): void {
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }
  override forward(input: k.Tensor): k.Tensor {
    return F.layerNorm(input, this.normalizedShape, this.weight, this.bias, this.eps);
  }
  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}

/** Options of `GroupNorm` (like `torch.nn.GroupNorm`'s keyword arguments). */
export interface GroupNormOptions extends FactoryOptions {
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
  /** Learn a per-channel weight and bias (default `true`). */
  affine?: boolean;
}

/** Normalises groups of channels of [N, C, ...]; per-channel weight ones, bias zeros. */
export class GroupNorm extends Module {
  /** Number of channel groups. */
  readonly numGroups: number;
  /** Number of channels C (divisible by `numGroups`). */
  readonly numChannels: number;
  /** Added to the variance for stability. */
  readonly eps: number;
  /** Whether there is a learnable per-channel weight and bias. */
  readonly affine: boolean;
  /** Per-channel scale [C] (ones initially), or `null` without `affine`. */
  weight: Parameter | null;
  /** Per-channel shift [C] (zeros initially), or `null` without `affine`. */
  bias: Parameter | null;
  constructor(numGroups: number, numChannels: number, opts: GroupNormOptions = {}) {
    super();
    if (numChannels % numGroups !== 0) throw new Error('num_channels must be divisible by num_groups');
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = opts.eps ?? 1e-5;
    this.affine = opts.affine ?? true;
    this.weight = this.affine ? emptyParameter([numChannels], opts) : null;
    this.bias = this.affine ? emptyParameter([numChannels], opts) : null;
    this.resetParameters();
  }
  /** Resets weight to ones and bias to zeros. */
  resetParameters(): void {
    if (this.weight) init.ones_(this.weight);
    if (this.bias) init.zeros_(this.bias);
  }
  override forward(input: k.Tensor): k.Tensor {
    return F.groupNorm(input, this.numGroups, this.weight, this.bias, this.eps);
  }
  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}
