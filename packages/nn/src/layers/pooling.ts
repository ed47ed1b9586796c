/** Pooling layers. */
import * as k from '@kindling/core';
import * as F from '../functional/layers.js';
import { Module } from '../module.js';
import { pyBool, pyFloat, pyTuple } from '../repr.js';

type IntOrPair = number | readonly [number, number];
const show = (v: number | readonly (number | null)[]): string =>
  typeof v === 'number' ? String(v) : `(${v.map((x) => (x === null ? 'None' : String(x))).join(', ')})`;

/** Options of `MaxPool2d` (like `torch.nn.MaxPool2d`'s keyword arguments). */
export interface MaxPool2dOptions {
  /** Defaults to kernelSize. */
  stride?: IntOrPair | null;
  /** Implicit -inf padding on both sides (default 0). */
  padding?: IntOrPair;
  /** Spacing between window elements (default 1). */
  dilation?: IntOrPair;
  /** Round output sizes up instead of down (default `false`). */
  ceilMode?: boolean;
  /** Accepted for PyTorch parity; call `forwardWithIndices` to get the indices (default `false`). */
  returnIndices?: boolean;
}

/** Max over kh×kw windows. With `returnIndices`, use `forwardWithIndices` for the argmax. */
export class MaxPool2d extends Module {
  /** Window size. */
  readonly kernelSize: IntOrPair;
  /** Window step. */
  readonly stride: IntOrPair;
  /** Implicit padding on both sides. */
  readonly padding: IntOrPair;
  /** Spacing between window elements. */
  readonly dilation: IntOrPair;
  /** Whether output sizes round up instead of down. */
  readonly ceilMode: boolean;
  /** Accepted for PyTorch parity; `forward` returns values only, use `forwardWithIndices` for the indices. */
  readonly returnIndices: boolean;
  constructor(kernelSize: IntOrPair, opts: MaxPool2dOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    this.ceilMode = opts.ceilMode ?? false;
    this.returnIndices = opts.returnIndices ?? false;
  }
  private opts(): k.MaxPool2dOptions {
    return { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode };
  }
  override forward(input: k.Tensor): k.Tensor {
    return k.maxPool2d(input, this.kernelSize, this.opts());
  }
  /** `[values, indices]` (indices flat in each H×W plane, as PyTorch's return_indices gives). */
  forwardWithIndices(input: k.Tensor): [k.Tensor, k.Tensor] {
    return k.maxPool2dWithIndices(input, this.kernelSize, this.opts());
  }
  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}, dilation=${show(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/** Options of `AvgPool2d` (like `torch.nn.AvgPool2d`'s keyword arguments). */
export interface AvgPool2dOptions {
  /** Window step (default: `kernelSize`). */
  stride?: IntOrPair | null;
  /** Implicit zero padding on both sides (default 0). */
  padding?: IntOrPair;
  /** Round output sizes up instead of down (default `false`). */
  ceilMode?: boolean;
  /** Count padding zeros in the divisor (default `true`). */
  countIncludePad?: boolean;
  /** Divide by this instead of the window size (default `null`). */
  divisorOverride?: number | null;
}

/** Mean over kh×kw windows. */
export class AvgPool2d extends Module {
  /** Window size. */
  readonly kernelSize: IntOrPair;
  /** Window step. */
  readonly stride: IntOrPair;
  /** Implicit padding on both sides. */
  readonly padding: IntOrPair;
  /** Whether output sizes round up instead of down. */
  readonly ceilMode: boolean;
  /** Whether padding zeros count in the divisor. */
  readonly countIncludePad: boolean;
  /** Divisor used instead of the window size, or `null`. */
  readonly divisorOverride: number | null;
  constructor(kernelSize: IntOrPair, opts: AvgPool2dOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
    this.divisorOverride = opts.divisorOverride ?? null;
  }
  override forward(input: k.Tensor): k.Tensor {
    return k.avgPool2d(input, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    });
  }
  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}`;
  }
}

/** Average pooling to a fixed output size (null keeps that input dim). */
export class AdaptiveAvgPool2d extends Module {
  /** Target output size; `null` keeps that input dim. */
  readonly outputSize: number | readonly [number | null, number | null];
  constructor(outputSize: number | readonly [number | null, number | null]) {
    super();
    this.outputSize = outputSize;
  }
  override forward(input: k.Tensor): k.Tensor {
    return k.adaptiveAvgPool2d(input, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${show(this.outputSize)}`;
  }
}

/** Options of `MaxPool1d` (and, without `dilation`, `AvgPool1d`). */
export interface Pool1dOptions {
  /** Window step (default: `kernelSize`). */
  stride?: number | null;
  /** Implicit padding on both sides (default 0). */
  padding?: number;
  /** Spacing between window elements (default 1). */
  dilation?: number;
  /** Round the output length up instead of down (default `false`). */
  ceilMode?: boolean;
}

/** Max over windows of the last dim of [N, C, L] (or [C, L]), like `torch.nn.MaxPool1d`. */
export class MaxPool1d extends Module {
  /** Window size. */
  readonly kernelSize: number;
  /** Window step. */
  readonly stride: number;
  /** Implicit padding on both sides. */
  readonly padding: number;
  /** Spacing between window elements. */
  readonly dilation: number;
  /** Whether output sizes round up instead of down. */
  readonly ceilMode: boolean;
  constructor(kernelSize: number, opts: Pool1dOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    this.ceilMode = opts.ceilMode ?? false;
  }
  override forward(input: k.Tensor): k.Tensor {
    return F.maxPool1d(input, this.kernelSize, this);
  }
  override extraRepr(): string {
    return `kernel_size=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}, dilation=${this.dilation}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/** Mean over windows of the last dim of [N, C, L] (or [C, L]), like `torch.nn.AvgPool1d`. */
export class AvgPool1d extends Module {
  /** Window size. */
  readonly kernelSize: number;
  /** Window step. */
  readonly stride: number;
  /** Implicit padding on both sides. */
  readonly padding: number;
  /** Whether output sizes round up instead of down. */
  readonly ceilMode: boolean;
  /** Whether padding zeros count in the divisor. */
  readonly countIncludePad: boolean;
  constructor(
    kernelSize: number,
    opts: Omit<Pool1dOptions, 'dilation'> & { countIncludePad?: boolean } = {},
  ) {
    super();
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
  }
  override forward(input: k.Tensor): k.Tensor {
    return F.avgPool1d(input, this.kernelSize, this);
  }
  override extraRepr(): string {
    return `kernel_size=${pyTuple([this.kernelSize])}, stride=${pyTuple([this.stride])}, padding=${pyTuple([this.padding])}`;
  }
}

/** Average pooling of the last dim to a fixed length, like `torch.nn.AdaptiveAvgPool1d`. */
export class AdaptiveAvgPool1d extends Module {
  /** Target output length. */
  readonly outputSize: number;
  constructor(outputSize: number) {
    super();
    this.outputSize = outputSize;
  }
  override forward(input: k.Tensor): k.Tensor {
    return F.adaptiveAvgPool1d(input, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${this.outputSize}`;
  }
}

/** Options of `Upsample`: give `size` or `scaleFactor` (like `torch.nn.Upsample`'s arguments). */
export interface UpsampleOptions {
  /** Output size of the spatial dims. */
  size?: number | readonly number[];
  /** Multiplier of the spatial sizes. */
  scaleFactor?: number | readonly number[];
  /** `'nearest'` (default), `'linear'` (3-d input) or `'bilinear'` (4-d input). */
  mode?: 'nearest' | 'linear' | 'bilinear';
  /** For the linear modes: align the corner pixels of input and output (default `false`). */
  alignCorners?: boolean | null;
}

/** Resizes with `F.interpolate`. */
export class Upsample extends Module {
  /** The resize settings. */
  readonly opts: UpsampleOptions;
  constructor(opts: UpsampleOptions) {
    super();
    this.opts = { ...opts };
  }
  override forward(input: k.Tensor): k.Tensor {
    return F.interpolate(input, this.opts);
  }
  override extraRepr(): string {
    const o = this.opts;
    const parts = [];
    if (o.scaleFactor !== undefined)
      parts.push(
        `scale_factor=${typeof o.scaleFactor === 'number' ? pyFloat(o.scaleFactor) : pyTuple(o.scaleFactor)}`,
      );
    else parts.push(`size=${typeof o.size === 'number' ? o.size : pyTuple(o.size ?? [])}`);
    parts.push(`mode='${o.mode ?? 'nearest'}'`);
    return parts.join(', ');
  }
}
