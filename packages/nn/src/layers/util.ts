import * as k from '@kindling/core';
import { Parameter } from '../module.js';

/** Where a layer's parameters are created (PyTorch's factory kwargs). */
export interface FactoryOptions {
  /** Dtype of the parameters (default `float32`). */
  dtype?: k.DType;
  /** Device of the parameters (default: the default device). */
  device?: string;
}

/** An uninitialised (zero) parameter of `shape`; layers fill it in `resetParameters()`. */
export function emptyParameter(shape: readonly number[], f: FactoryOptions = {}): Parameter {
  return new Parameter(k.empty(shape, { dtype: f.dtype ?? 'float32', device: f.device }));
}

export function emptyBuffer(shape: readonly number[], f: FactoryOptions = {}, dtype?: k.DType): k.Tensor {
  return k.empty(shape, { dtype: dtype ?? f.dtype ?? 'float32', device: f.device });
}

export function checkPositiveInt(layer: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0)
    throw new Error(`${layer}: ${name} must be a non-negative integer (got ${v})`);
}
