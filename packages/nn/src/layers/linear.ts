/** Identity, Linear, Bilinear. */
import type * as k from '@kindling/core';
import * as F from '../functional/layers.js';
import * as init from '../init.js';
import { Module, type Parameter } from '../module.js';
import { pyBool } from '../repr.js';
import { checkPositiveInt, emptyParameter, type FactoryOptions } from './util.js';

/** Returns its input. */
export class Identity extends Module {
  override forward(input: k.Tensor): k.Tensor {
    return input;
  }
}

/** Options of `Linear` and `Bilinear`. */
export interface LinearOptions extends FactoryOptions {
  /** Learn an additive bias (default `true`). */
  bias?: boolean;
}

/** `y = x Wᵀ + b`; W [out, in] ~ kaiming_uniform(a=√5), b ~ U(-1/√in, 1/√in), like PyTorch. */
export class Linear extends Module {
  /** Size of each input sample. */
  readonly inFeatures: number;
  /** Size of each output sample. */
  readonly outFeatures: number;
  /** [outFeatures, inFeatures]. */
  weight: Parameter;
  /** [outFeatures], or `null` when created with `bias: false`. */
  bias: Parameter | null;
  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    checkPositiveInt('Linear', 'in_features', inFeatures);
    checkPositiveInt('Linear', 'out_features', outFeatures);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = emptyParameter([outFeatures, inFeatures], opts);
    this.bias = opts.bias === false ? null : emptyParameter([outFeatures], opts);
    this.resetParameters();
  }
  /** Re-initialises weight and bias like PyTorch. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }
  override forward(input: k.Tensor): k.Tensor {
    return F.linear(input, this.weight, this.bias);
  }
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** MultiheadAttention's output projection (a Linear; PyTorch gives it this name). */
export class NonDynamicallyQuantizableLinear extends Linear {}

/** `y = x1ᵀ A x2 + b` with A [out, in1, in2]; parameters ~ U(-1/√in1, 1/√in1). */
export class Bilinear extends Module {
  /** Size of each first input sample. */
  readonly in1Features: number;
  /** Size of each second input sample. */
  readonly in2Features: number;
  /** Size of each output sample. */
  readonly outFeatures: number;
  /** [outFeatures, in1Features, in2Features]. */
  weight: Parameter;
  /** [outFeatures], or `null` when created with `bias: false`. */
  bias: Parameter | null;
  constructor(in1Features: number, in2Features: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    this.in1Features = in1Features;
    this.in2Features = in2Features;
    this.outFeatures = outFeatures;
    this.weight = emptyParameter([outFeatures, in1Features, in2Features], opts);
    this.bias = opts.bias === false ? null : emptyParameter([outFeatures], opts);
    this.resetParameters();
  }
  /** Re-initialises weight and bias with U(-1/√in1, 1/√in1), like PyTorch. */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.weight.shape[1]);
    init.uniform_(this.weight, -bound, bound);
    if (this.bias) init.uniform_(this.bias, -bound, bound);
  }
  override forward(input1: k.Tensor, input2: k.Tensor): k.Tensor {
    return F.bilinear(input1, input2, this.weight, this.bias);
  }
  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}
