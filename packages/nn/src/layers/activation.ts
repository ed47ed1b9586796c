/** Activation modules. */
import type * as k from '@kindling/core';
import * as F from '../functional/layers.js';
import { Module } from '../module.js';
import { pyFloat } from '../repr.js';

/** Accepted for PyTorch parity; results are always new tensors. */
export interface InplaceOption {
  inplace?: boolean;
}

export class ReLU extends Module {
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

export class LeakyReLU extends Module {
  readonly negativeSlope: number;
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

export class GELU extends Module {
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

export class SiLU extends Module {
  override forward(input: k.Tensor): k.Tensor {
    return F.silu(input);
  }
}

export class Sigmoid extends Module {
  override forward(input: k.Tensor): k.Tensor {
    return F.sigmoid(input);
  }
}

export class Tanh extends Module {
  override forward(input: k.Tensor): k.Tensor {
    return F.tanh(input);
  }
}

export class ELU extends Module {
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

export class Softplus extends Module {
  readonly beta: number;
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

export class LogSoftmax extends Module {
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
