/** Pooling layers. */
import * as k from '@kindling/core';
import * as F from '../functional/layers.js';
import { Module } from '../module.js';
import { pyBool, pyFloat, pyTuple } from '../repr.js';

type IntOrPair = number | readonly [number, number];
const show = (v: number | readonly (number | null)[]): string =>
  typeof v === 'number' ? String(v) : `(${v.map((x) => (x === null ? 'None' : String(x))).join(', ')})`;

export interface MaxPool2dOptions {
  /** Defaults to kernelSize. */
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  dilation?: IntOrPair;
  ceilMode?: boolean;
  returnIndices?: boolean;
}

/** Max over kh×kw windows. With `returnIndices`, use `forwardWithIndices` for the argmax. */
export class MaxPool2d extends Module {
  readonly kernelSize: IntOrPair;
  readonly stride: IntOrPair;
  readonly padding: IntOrPair;
  readonly dilation: IntOrPair;
  readonly ceilMode: boolean;
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

export interface AvgPool2dOptions {
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/** Mean over kh×kw windows. */
export class AvgPool2d extends Module {
  readonly kernelSize: IntOrPair;
  readonly stride: IntOrPair;
  readonly padding: IntOrPair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
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

export interface Pool1dOptions {
  stride?: number | null;
  padding?: number;
  dilation?: number;
  ceilMode?: boolean;
}

export class MaxPool1d extends Module {
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
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

export class AvgPool1d extends Module {
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  readonly ceilMode: boolean;
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

export class AdaptiveAvgPool1d extends Module {
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

export interface UpsampleOptions {
  size?: number | readonly number[];
  scaleFactor?: number | readonly number[];
  mode?: 'nearest' | 'linear' | 'bilinear';
  alignCorners?: boolean | null;
}

/** Resizes with `F.interpolate`. */
export class Upsample extends Module {
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
