/** Flatten and Unflatten. */
import type * as k from '@kindling/core';
import { Module } from '../module.js';
import { pyTuple } from '../repr.js';

/** Flattens dims startDim..endDim (default 1..-1, keeping the batch dim). */
export class Flatten extends Module {
  /** First dim to flatten. */
  readonly startDim: number;
  /** Last dim to flatten (inclusive). */
  readonly endDim: number;
  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = startDim;
    this.endDim = endDim;
  }
  override forward(input: k.Tensor): k.Tensor {
    return input.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Expands dim `dim` into `unflattenedSize`. */
export class Unflatten extends Module {
  /** The dim that is expanded. */
  readonly dim: number;
  /** The shape that `dim` expands into. */
  readonly unflattenedSize: readonly number[];
  constructor(dim: number, unflattenedSize: readonly number[]) {
    super();
    this.dim = dim;
    this.unflattenedSize = unflattenedSize.slice();
  }
  override forward(input: k.Tensor): k.Tensor {
    return input.unflatten(this.dim, this.unflattenedSize);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=${pyTuple(this.unflattenedSize)}`;
  }
}
