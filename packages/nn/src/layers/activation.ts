/** Activation modules. */
import type * as k from '@kindling/core';
import * as F from '../functional/layers.js';
import { Module } from '../module.js';
import { pyFloat } from '../repr.js';

/** Accepted for PyTorch parity; results are always new tensors. */
export interface InplaceOption {
  /** Ignored (default `false`); accepted so PyTorch-style options type-check. */
  inplace?: boolean;
}

/** `max(0, x)` elementwise, like `torch.nn.ReLU`. */
export class ReLU extends Module {
  /** Accepted for PyTorch parity; results are always new tensors. */
  readonly inplace: boolean;
  constructor(opts: InplaceOption = {}) {
    super();
    this.inplace = opts.inplace ?? false;
  }
  override forward(input: k.Tensor): k.Tensor {
    return F.relu(input);
  }
  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/** `x` where positive, `negativeSlope * x` elsewhere (default slope 0.01), like `torch.nn.LeakyReLU`. */
export class LeakyReLU extends Module {
  /** Slope for negative inputs. */
  readonly negativeSlope: number;
  /** Accepted for PyTorch parity; results are always new tensors. */
  readonly inplace: boolean;
  constructor(negativeSlope = 0.01, opts: InplaceOption = {}) {
    super();
    this.negativeSlope = negativeSlope;
    this.inplace = opts.inplace ?? false;
  }
  override forward(input: k.Tensor): k.Tensor {
    return F.leakyRelu(input, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** Gaussian error linear unit, exact or with the `'tanh'` approximation, like `torch.nn.GELU`. */
export class GELU extends Module {
  /** `'none'` (exact, default) or `'tanh'`. */
  readonly approximate: 'none' | 'tanh';
  constructor(opts: { approximate?: 'none' | 'tanh' } = {}) {
    super();
    this.approximate = opts.approximate ?? 'none';
  }
  override forward(input: k.Tensor): k.Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** `x * sigmoid(x)` (swish), like `torch.nn.SiLU`. */
export class SiLU extends Module {
  override forward(input: k.Tensor): k.Tensor {
    return F.silu(input);
  }
}

/** `1 / (1 + exp(-x))` elementwise, like `torch.nn.Sigmoid`. */
export class Sigmoid extends Module {
  override forward(input: k.Tensor): k.Tensor {
    return F.sigmoid(input);
  }
}

/** Hyperbolic tangent elementwise, like `torch.nn.Tanh`. */
export class Tanh extends Module {
  override forward(input: k.Tensor): k.Tensor {
    return F.tanh(input);
  }
}

/** `x` where positive, `alpha * (exp(x) - 1)` elsewhere (default alpha 1), like `torch.nn.ELU`. */
export class ELU extends Module {
  /** Scale of the negative part. */
  readonly alpha: number;
  constructor(alpha = 1) {
    super();
    this.alpha = alpha;
  }
  override forward(input: k.Tensor): k.Tensor {
    return F.elu(input, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}`;
  }
}

/**
 * `log(1 + exp(beta * x)) / beta`, linear above `threshold` (defaults 1 and 20), like `torch.nn.Softplus`.
 */
export class Softplus extends Module {
  /** Sharpness (default 1). */
  readonly beta: number;
  /** Where `beta * x` exceeds it, the output is `x` (default 20). */
  readonly threshold: number;
  constructor(opts: { beta?: number; threshold?: number } = {}) {
    super();
    this.beta = opts.beta ?? 1;
    this.threshold = opts.threshold ?? 20;
  }
  override forward(input: k.Tensor): k.Tensor {
    return F.softplus(input, { beta: this.beta, threshold: this.threshold });
  }
  override extraRepr(): string {
    return `beta=${pyFloat(this.beta)}, threshold=${pyFloat(this.threshold)}`;
  }
}

/** Softmax over `dim` (required: PyTorch's implicit dim choice is deprecated). */
export class Softmax extends Module {
  /** The dimension softmax normalises over. */
  readonly dim: number;
  constructor(dim: number) {
    super();
    this.dim = dim;
  }
  override forward(input: k.Tensor): k.Tensor {
    return F.softmax(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** `log(softmax(x))` over `dim`, computed stably, like `torch.nn.LogSoftmax`. */
export class LogSoftmax extends Module {
  /** The dimension log-softmax normalises over. */
  readonly dim: number;
  constructor(dim: number) {
    super();
    this.dim = dim;
  }
  override forward(input: k.Tensor): k.Tensor {
    return F.logSoftmax(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
