/** Dropout layers: active in training mode only. */
import type * as k from '@kindling/core';
import * as F from '../functional/layers.js';
import { Module } from '../module.js';
import { pyBool, pyFloat } from '../repr.js';

/** Options of `Dropout` and `Dropout2d`. */
export interface DropoutOptions {
  /** Accepted for PyTorch parity; the result is always a new tensor. */
  inplace?: boolean;
  /** Draw masks from this generator instead of the default one. */
  generator?: k.Generator;
}

abstract class DropoutBase extends Module {
  /** Probability of zeroing an element (or channel). */
  readonly p: number;
  /** Accepted for PyTorch parity; results are always new tensors. */
  readonly inplace: boolean;
  /** Generator of the masks (`undefined`: the default one). */
  readonly generator: k.Generator | undefined;
  constructor(p: number, opts: DropoutOptions) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`dropout probability has to be between 0 and 1, but got ${p}`);
    this.p = p;
    this.inplace = opts.inplace ?? false;
    this.generator = opts.generator;
  }
  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}

/** Zeroes elements with probability p (scaling the rest by 1/(1-p)) in training; identity in eval. */
export class Dropout extends DropoutBase {
  constructor(p = 0.5, opts: DropoutOptions = {}) {
    super(p, opts);
  }
  override forward(input: k.Tensor): k.Tensor {
    return F.dropout(input, this.p, this.training, { generator: this.generator });
  }
}

/** Zeroes whole channels of [N, C, H, W] in training; identity in eval. */
export class Dropout2d extends DropoutBase {
  constructor(p = 0.5, opts: DropoutOptions = {}) {
    super(p, opts);
  }
  override forward(input: k.Tensor): k.Tensor {
    return F.dropout2d(input, this.p, this.training, { generator: this.generator });
  }
}
