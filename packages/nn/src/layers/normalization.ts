/** BatchNorm1d/2d, LayerNorm, GroupNorm. */
import * as k from '@kindling/core';
import * as F from '../functional/layers.js';
import * as init from '../init.js';
import { Module, type Parameter } from '../module.js';
import { pyBool, pyFloat, pyTuple } from '../repr.js';
import { emptyBuffer, emptyParameter, type FactoryOptions } from './util.js';

export interface BatchNormOptions extends FactoryOptions {
  eps?: number;
  /** Running-average factor; null uses a cumulative moving average. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/**
 * Batch normalisation over the channel dim with running statistics (buffers `running_mean`,
 * `running_var`, `num_batches_tracked`, PyTorch's state-dict names): batch statistics in training
 * (updating the running ones), running statistics in eval.
 */
abstract class BatchNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: k.Tensor | null;
  declare running_var: k.Tensor | null;
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
  get runningMean(): k.Tensor | null {
    return this.running_mean;
  }
  get runningVar(): k.Tensor | null {
    return this.running_var;
  }
  get numBatchesTracked(): k.Tensor | null {
    return this.num_batches_tracked;
  }
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    k.noGrad(() => {
      this.running_mean?.zero_();
      this.running_var?.fill_(1);
      this.num_batches_tracked?.zero_();
    });
  }
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

export interface LayerNormOptions extends FactoryOptions {
  eps?: number;
  elementwiseAffine?: boolean;
  bias?: boolean;
}

/** Normalises over the trailing `normalizedShape` dims; weight ones, bias zeros. */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
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

export interface GroupNormOptions extends FactoryOptions {
  eps?: number;
  affine?: boolean;
}

/** Normalises groups of channels of [N, C, ...]; per-channel weight ones, bias zeros. */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
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
