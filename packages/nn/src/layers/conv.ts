/** Conv1d, Conv2d, ConvTranspose2d. */
import * as k from '@kindling/core';
import * as init from '../init.js';
import { Module, type Parameter } from '../module.js';
import { pyTuple } from '../repr.js';
import { emptyParameter, type FactoryOptions } from './util.js';

/** How a convolution pads its input: with zeros (default) or by reflecting, replicating or wrapping it. */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

function tuple(name: string, v: number | readonly number[], n: number): number[] {
  const t = typeof v === 'number' ? new Array<number>(n).fill(v) : v.slice();
  if (t.length !== n || !t.every((x) => Number.isInteger(x) && x >= 0))
    throw new Error(
      `${name} must be a non-negative integer or a tuple of ${n} of them (got ${JSON.stringify(v)})`,
    );
  return t;
}

/** Options of `Conv1d` and `Conv2d` (like `torch.nn.Conv2d`'s keyword arguments). */
export interface ConvOptions extends FactoryOptions {
  /** Step of the kernel, per spatial dim or one for all (default 1). */
  stride?: number | readonly number[];
  /** Implicit padding on both sides, or 'same' / 'valid'. */
  padding?: number | readonly number[] | 'same' | 'valid';
  /** Spacing between kernel elements (default 1). */
  dilation?: number | readonly number[];
  /** Split input and output channels into this many independent groups (default 1). */
  groups?: number;
  /** Learn an additive bias (default `true`). */
  bias?: boolean;
  /** `'zeros'` (default), `'reflect'`, `'replicate'` or `'circular'`. */
  paddingMode?: PaddingMode;
}

/** Shared by the convolutions: geometry, parameters and PyTorch's default initialisation. */
abstract class ConvNd extends Module {
  /** Channels of the input. */
  readonly inChannels: number;
  /** Channels of the output. */
  readonly outChannels: number;
  /** Kernel size per spatial dim. */
  readonly kernelSize: number[];
  /** Stride per spatial dim. */
  readonly stride: number[];
  /** Padding per spatial dim, or `'same'` / `'valid'`. */
  readonly padding: number[] | 'same' | 'valid';
  /** Dilation per spatial dim. */
  readonly dilation: number[];
  /** Extra size added to one side of the output (transposed convolutions only; zeros otherwise). */
  readonly outputPadding: number[];
  /** Number of channel groups. */
  readonly groups: number;
  /** How the input is padded. */
  readonly paddingMode: PaddingMode;
  /** Whether this is a transposed convolution. */
  readonly transposed: boolean;
  /** [out, in/groups, ...kernel] (transposed: [in, out/groups, ...kernel]), initialised like PyTorch. */
  weight: Parameter;
  /** [out], or `null` when created with `bias: false`. */
  bias: Parameter | null;
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    n: number,
    transposed: boolean,
    opts: ConvOptions & { outputPadding?: number | readonly number[] },
  ) {
    super();
    const name = this.constructor.name;
    const groups = opts.groups ?? 1;
    if (!Number.isInteger(groups) || groups <= 0)
      throw new Error(`${name}: groups must be a positive integer`);
    if (inChannels % groups !== 0) throw new Error(`${name}: in_channels must be divisible by groups`);
    if (outChannels % groups !== 0) throw new Error(`${name}: out_channels must be divisible by groups`);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = tuple('kernel_size', kernelSize, n);
    this.stride = tuple('stride', opts.stride ?? 1, n);
    this.dilation = tuple('dilation', opts.dilation ?? 1, n);
    this.outputPadding = tuple('output_padding', opts.outputPadding ?? 0, n);
    const p = opts.padding ?? 0;
    if (typeof p === 'string') {
      if (p !== 'same' && p !== 'valid')
        throw new Error(`Invalid padding string '${p}', should be one of ['valid', 'same']`);
      if (p === 'same' && this.stride.some((s) => s !== 1))
        throw new Error("padding='same' is not supported for strided convolutions");
      this.padding = p;
    } else this.padding = tuple('padding', p, n);
    this.groups = groups;
    this.paddingMode = opts.paddingMode ?? 'zeros';
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(this.paddingMode))
      throw new Error(
        `padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='${this.paddingMode}'`,
      );
    this.transposed = transposed;
    const wshape = transposed
      ? [inChannels, outChannels / groups, ...this.kernelSize]
      : [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = emptyParameter(wshape, opts);
    this.bias = opts.bias === false ? null : emptyParameter([outChannels], opts);
    this.resetParameters();
  }
  /** Re-initialises weight and bias like PyTorch (Kaiming uniform with a = √5, bias U(±1/√fanIn)). */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }
  /** Explicit padding for non-'zeros' padding modes: pads the input, then convolves with none. */
  protected padInput(input: k.Tensor): k.Tensor {
    const n = this.kernelSize.length;
    let pads: number[];
    if (this.padding === 'valid') return input;
    if (this.padding === 'same') {
      pads = [];
      for (let i = n - 1; i >= 0; i--) {
        const total = this.dilation[i] * (this.kernelSize[i] - 1);
        const left = Math.floor(total / 2);
        pads.push(left, total - left);
      }
    } else
      pads = this.padding
        .slice()
        .reverse()
        .flatMap((p) => [p, p]);
    return k.pad(input, pads, { mode: this.paddingMode as 'reflect' | 'replicate' | 'circular' });
  }
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    const pad = this.padding;
    if (typeof pad === 'string') s += `, padding=${pad}`;
    else if (pad.some((p) => p !== 0)) s += `, padding=${pyTuple(pad)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${pyTuple(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    if (this.paddingMode !== 'zeros') s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

/** 1-d convolution over [N, C, L]. */
export class Conv1d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly [number],
    opts: ConvOptions = {},
  ) {
    super(inChannels, outChannels, kernelSize, 1, false, opts);
  }
  override forward(input: k.Tensor): k.Tensor {
    const zeros = this.paddingMode === 'zeros';
    const x = zeros ? input : this.padInput(input);
    const p = this.padding;
    return k.conv1d(x, this.weight, this.bias, {
      stride: this.stride[0],
      padding: !zeros ? 0 : typeof p === 'string' ? p : p[0],
      dilation: this.dilation[0],
      groups: this.groups,
    });
  }
}

/** 2-d convolution over [N, C, H, W]: `new Conv2d(1, 8, 3, { padding: 1 })`. */
export class Conv2d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly [number, number],
    opts: ConvOptions = {},
  ) {
    super(inChannels, outChannels, kernelSize, 2, false, opts);
  }
  override forward(input: k.Tensor): k.Tensor {
    const zeros = this.paddingMode === 'zeros';
    const x = zeros ? input : this.padInput(input);
    const p = this.padding;
    return k.conv2d(x, this.weight, this.bias, {
      stride: this.stride as [number, number],
      padding: !zeros ? 0 : typeof p === 'string' ? p : (p as [number, number]),
      dilation: this.dilation as [number, number],
      groups: this.groups,
    });
  }
}

/** Options of `ConvTranspose2d` (like `torch.nn.ConvTranspose2d`'s keyword arguments). */
export interface ConvTransposeOptions extends FactoryOptions {
  /** Step of the kernel (default 1). */
  stride?: number | readonly [number, number];
  /** `dilation * (kernelSize - 1) - padding` zeros are added on both sides of the input (default 0). */
  padding?: number | readonly [number, number];
  /** Extra size added to one side of the output (default 0). */
  outputPadding?: number | readonly [number, number];
  /** Split input and output channels into this many independent groups (default 1). */
  groups?: number;
  /** Learn an additive bias (default `true`). */
  bias?: boolean;
  /** Spacing between kernel elements (default 1). */
  dilation?: number | readonly [number, number];
}

/** Transposed 2-d convolution; weight [in, out/groups, kh, kw]. */
export class ConvTranspose2d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly [number, number],
    opts: ConvTransposeOptions = {},
  ) {
    super(inChannels, outChannels, kernelSize, 2, true, opts);
  }
  /** `outputSize` picks the output padding that yields that spatial size, like PyTorch. */
  override forward(input: k.Tensor, outputSize?: readonly number[]): k.Tensor {
    let op = this.outputPadding;
    if (outputSize) {
      const sz = outputSize.slice(-2);
      const hw = input.shape.slice(-2);
      const pad = this.padding as number[];
      op = [0, 1].map((i) => {
        const min =
          (hw[i] - 1) * this.stride[i] - 2 * pad[i] + this.dilation[i] * (this.kernelSize[i] - 1) + 1;
        const extra = sz[i] - min;
        if (extra < 0 || extra >= Math.max(this.stride[i], this.dilation[i]))
          throw new Error(
            `ConvTranspose2d: requested an output size of [${sz.join(', ')}], but valid sizes range from ${min} to ${min + this.stride[i] - 1} (for an input of [${hw.join(', ')}])`,
          );
        return extra;
      });
    }
    return k.convTranspose2d(input, this.weight, this.bias, {
      stride: this.stride as [number, number],
      padding: this.padding as [number, number],
      outputPadding: op as [number, number],
      groups: this.groups,
      dilation: this.dilation as [number, number],
    });
  }
}
