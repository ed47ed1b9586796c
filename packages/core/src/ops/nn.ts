/**
 * Neural-network ops: convolutions, pooling and interpolation. Convolutions lower to im2col (a
 * kernel) plus matmul, so their gradients come from im2col's adjoint (col2im) and matmul's; max
 * pooling has its own kernel returning argmax indices, and its gradient scatters through them.
 * Average and adaptive pooling and interpolation are compositions of these and matmul.
 */
import { hasKernel } from '../backend.js';
import { type DType, isFloatingPoint } from '../dtype.js';
import { formatShape, normalizeDim } from '../shape.js';
import { Tensor } from '../tensor.js';
import { traceCall, traceOn } from '../trace.js';
import { tensor } from './creation.js';
import {
  assertTensor,
  commonDevice,
  kview,
  needsGrad,
  recordGrad,
  runKernel,
  runKernel1,
} from './dispatch.js';
import { indexSelect } from './indexing.js';
import { stack } from './shape.js';

/** One int for every spatial dim, or one per dim. */
export type IntOrPair = number | readonly [number, number];

/** The window geometry shared by im2col, col2im and the pooling kernels (2-d). */
/**
 * Attributes of the 'im2col', 'col2im' and pooling kernels (shared by every backend): kernel size,
 * stride, padding and dilation per spatial dim, and the number of window positions along H and W.
 * Kernels may receive further attributes (e.g. `padValue`).
 */
export interface WindowGeometry {
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly ph: number;
  readonly pw: number;
  readonly dh: number;
  readonly dw: number;
  /** Number of window positions along H and W. */
  readonly oh: number;
  readonly ow: number;
  readonly [attr: string]: unknown;
}

type Geom = WindowGeometry;

function pair(
  op: string,
  name: string,
  v: IntOrPair | undefined,
  dflt: number,
  min: number,
): [number, number] {
  const p: readonly number[] = v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : v;
  if (p.length !== 2 || !p.every((x) => Number.isInteger(x) && x >= min))
    throw new Error(
      `${op}: ${name} must be ${min > 0 ? 'a positive' : 'a non-negative'} integer or a pair of them (got ${JSON.stringify(v)})`,
    );
  return [p[0], p[1]];
}

function checkFloat(op: string, x: Tensor, name = 'input'): void {
  if (!isFloatingPoint(x.dtype))
    throw new TypeError(`${op}: expected a floating point ${name} (got ${x.dtype})`);
}

function pairStr(a: readonly number[]): string {
  return `(${a.join(' x ')})`;
}

// ------------------------------------------------------------------ unbind

/**
 * Views of each index along `dim`, with that dim removed (torch.unbind). One backward node serves
 * all of them (its gradient stacks the pieces' gradients), so unbinding a sequence of T steps costs
 * O(T) in backward, not the O(T²) of T separate `select`s. Recurrent layers rely on this.
 */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  if (traceOn) return traceCall('unbind', unbind, [x, dim]);
  const op = 'unbind';
  assertTensor(op, x);
  if (x.ndim === 0) throw new Error(`${op}: Dimension specified as ${dim} but tensor has no dimensions`);
  const d = normalizeDim(op, dim, x.ndim);
  const shape = x.shape.filter((_, i) => i !== d);
  const strides = x._strides.filter((_, i) => i !== d);
  const step = x._strides[d];
  const outs = Array.from({ length: x.shape[d] }, (_, i) =>
    x._withGeometry(shape, strides, x._offset + i * step),
  );
  // The engine passes zeros for pieces that got no gradient.
  if (outs.length > 0) recordGrad('UnbindBackward', [x], outs, (gs) => [stack(gs, d)]);
  return outs;
}

// ------------------------------------------------------------------ im2col / col2im

/** [N, C, H, W] → [N, C*kh*kw, oh*ow]; positions outside the image read `padValue`. */
function im2colRaw(x: Tensor, g: Geom, padValue = 0): Tensor {
  const [n, c, h, w] = x.shape;
  const out = runKernel1('im2col', x.device, [kview(x)], [n, c * g.kh * g.kw, g.oh * g.ow], x.dtype, {
    ...g,
    padValue,
  });
  recordGrad('Im2ColBackward', [x], [out], ([gr]) => [col2imRaw(gr, g, h, w)]);
  return out;
}

/** The adjoint of im2col: [N, C*kh*kw, oh*ow] → [N, C, H, W], summing overlapping windows. */
function col2imRaw(cols: Tensor, g: Geom, h: number, w: number): Tensor {
  const [n, ckk] = cols.shape;
  const c = ckk / (g.kh * g.kw);
  const out = runKernel1('col2im', cols.device, [kview(cols)], [n, c, h, w], cols.dtype, { ...g, h, w });
  recordGrad('Col2ImBackward', [cols], [out], ([gr]) => [im2colRaw(gr, g)]);
  return out;
}

/** Options of `im2col`/`col2im` (unfold/fold): dilation, padding and stride per spatial dim. */
export interface Im2ColOptions {
  dilation?: IntOrPair;
  padding?: IntOrPair;
  stride?: IntOrPair;
}

function convOut(size: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((size + 2 * p - d * (k - 1) - 1) / s) + 1;
}

/**
 * PyTorch's `F.unfold`: sliding local blocks of a [N, C, H, W] (or [C, H, W]) input as columns,
 * [N, C*kh*kw, L] with L the number of block positions.
 */
export function im2col(input: Tensor, kernelSize: IntOrPair, opts: Im2ColOptions = {}): Tensor {
  if (traceOn) return traceCall('im2col', im2col, [input, kernelSize, opts]);
  const op = 'unfold';
  assertTensor(op, input);
  if (input.ndim !== 3 && input.ndim !== 4)
    throw new Error(
      `${op}: Expected 3D (unbatched) or 4D (batched) input to unfold, but got input of size: ${formatShape(input.shape)}`,
    );
  const x = input.ndim === 3 ? input.unsqueeze(0) : input;
  const [kh, kw] = pair(op, 'kernel_size', kernelSize, 1, 1);
  const [sh, sw] = pair(op, 'stride', opts.stride, 1, 1);
  const [ph, pw] = pair(op, 'padding', opts.padding, 0, 0);
  const [dh, dw] = pair(op, 'dilation', opts.dilation, 1, 1);
  const oh = convOut(x.shape[2], kh, sh, ph, dh);
  const ow = convOut(x.shape[3], kw, sw, pw, dw);
  if (oh < 1 || ow < 1)
    throw new Error(
      `${op}: Given input with spatial size ${pairStr(x.shape.slice(2))}, kernel_size=${pairStr([kh, kw])}, dilation=${pairStr([dh, dw])}, padding=${pairStr([ph, pw])}, calculated shape of the array of sliding blocks as ${pairStr([oh, ow])}, but its components must be at least one.`,
    );
  const out = im2colRaw(x, { kh, kw, sh, sw, ph, pw, dh, dw, oh, ow });
  return input.ndim === 3 ? out.squeeze(0) : out;
}

/** PyTorch's `F.fold`: sums [N, C*kh*kw, L] columns back into a [N, C, outH, outW] image. */
export function col2im(
  input: Tensor,
  outputSize: IntOrPair,
  kernelSize: IntOrPair,
  opts: Im2ColOptions = {},
): Tensor {
  if (traceOn) return traceCall('col2im', col2im, [input, outputSize, kernelSize, opts]);
  const op = 'fold';
  assertTensor(op, input);
  if (input.ndim !== 2 && input.ndim !== 3)
    throw new Error(
      `${op}: Expected 2D (unbatched) or 3D (batched) input to fold, but got input of size: ${formatShape(input.shape)}`,
    );
  const x = input.ndim === 2 ? input.unsqueeze(0) : input;
  const [h, w] = pair(op, 'output_size', outputSize, 1, 1);
  const [kh, kw] = pair(op, 'kernel_size', kernelSize, 1, 1);
  const [sh, sw] = pair(op, 'stride', opts.stride, 1, 1);
  const [ph, pw] = pair(op, 'padding', opts.padding, 0, 0);
  const [dh, dw] = pair(op, 'dilation', opts.dilation, 1, 1);
  if (x.shape[1] % (kh * kw) !== 0)
    throw new Error(
      `${op}: Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${x.shape[1]} and kernel_size=${pairStr([kh, kw])}`,
    );
  const oh = convOut(h, kh, sh, ph, dh);
  const ow = convOut(w, kw, sw, pw, dw);
  if (oh * ow !== x.shape[2])
    throw new Error(
      `${op}: Given output_size=${pairStr([h, w])}, kernel_size=${pairStr([kh, kw])}, dilation=${pairStr([dh, dw])}, padding=${pairStr([ph, pw])}, stride=${pairStr([sh, sw])}, expected size of input's dimension 2 to match the calculated number of sliding blocks ${oh} * ${ow} = ${oh * ow}, but got input.size(2)=${x.shape[2]}.`,
    );
  const out = col2imRaw(x, { kh, kw, sh, sw, ph, pw, dh, dw, oh, ow }, h, w);
  return input.ndim === 2 ? out.squeeze(0) : out;
}

// ------------------------------------------------------------------ convolutions

/** Options of `conv2d`: stride, padding, dilation and groups. */
export interface Conv2dOptions {
  stride?: IntOrPair;
  /** Zero padding on both sides, or 'same' (output size = input size; stride 1 only) or 'valid'. */
  padding?: IntOrPair | 'same' | 'valid';
  dilation?: IntOrPair;
  groups?: number;
}

function checkConvOperands(
  op: string,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null | undefined,
  spatial: number,
  groups: number,
): void {
  assertTensor(op, x);
  assertTensor(op, weight, 'weight');
  const d = spatial + 2;
  if (x.ndim !== d && x.ndim !== d - 1)
    throw new Error(
      `${op}: Expected ${d - 1}D (unbatched) or ${d}D (batched) input to ${op}, but got input of size: ${formatShape(x.shape)}`,
    );
  if (weight.ndim !== d)
    throw new Error(
      `${op}: Expected ${d}-dimensional weight, but got weight of size ${formatShape(weight.shape)}`,
    );
  checkFloat(op, x);
  if (weight.dtype !== x.dtype)
    throw new TypeError(
      `${op}: Input type (${x.dtype}) and weight type (${weight.dtype}) should be the same`,
    );
  if (bias) {
    if (bias.dtype !== x.dtype)
      throw new TypeError(`${op}: Input type (${x.dtype}) and bias type (${bias.dtype}) should be the same`);
    commonDevice(op, [x, weight, bias]);
  } else commonDevice(op, [x, weight]);
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`${op}: non-positive groups is not supported`);
}

/**
 * 2-d convolution (cross-correlation, like PyTorch) of [N, C, H, W] (or [C, H, W]) with weight
 * [O, C/groups, kh, kw] and optional bias [O].
 */
export function conv2d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  opts: Conv2dOptions = {},
): Tensor {
  if (traceOn) return traceCall('conv2d', conv2d, [input, weight, bias, opts]);
  const op = 'conv2d';
  const groups = opts.groups ?? 1;
  checkConvOperands(op, input, weight, bias, 2, groups);
  const unbatched = input.ndim === 3;
  const x = unbatched ? input.unsqueeze(0) : input;
  const [n, c, h, w] = x.shape;
  const [o, cg, kh, kw] = weight.shape;
  if (cg * groups !== c)
    throw new Error(
      `${op}: Given groups=${groups}, weight of size ${formatShape(weight.shape)}, expected input${formatShape(x.shape)} to have ${cg * groups} channels, but got ${c} channels instead`,
    );
  if (o % groups !== 0)
    throw new Error(
      `${op}: Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${formatShape(weight.shape)} instead`,
    );
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== o))
    throw new Error(
      `${op}: Given weight of size ${formatShape(weight.shape)}, expected bias to be 1-dimensional with ${o} elements, but got bias of size ${formatShape(bias.shape)} instead`,
    );
  const [sh, sw] = pair(op, 'stride', opts.stride, 1, 1);
  const [dh, dw] = pair(op, 'dilation', opts.dilation, 1, 1);
  let ph: number;
  let pw: number;
  let oh: number;
  let ow: number;
  if (opts.padding === 'same') {
    if (sh !== 1 || sw !== 1)
      throw new Error(`${op}: padding='same' is not supported for strided convolutions`);
    // PyTorch puts the odd element of the total padding on the far side.
    ph = Math.floor((dh * (kh - 1)) / 2);
    pw = Math.floor((dw * (kw - 1)) / 2);
    oh = h;
    ow = w;
  } else {
    [ph, pw] = opts.padding === 'valid' ? [0, 0] : pair(op, 'padding', opts.padding, 0, 0);
    oh = convOut(h, kh, sh, ph, dh);
    ow = convOut(w, kw, sw, pw, dw);
  }
  if (oh < 1 || ow < 1)
    throw new Error(
      `${op}: Calculated padded input size per channel: ${pairStr([h + 2 * ph, w + 2 * pw])}. Kernel size: ${pairStr([dh * (kh - 1) + 1, dw * (kw - 1) + 1])}. Kernel size can't be greater than actual input size`,
    );
  const kk = cg * kh * kw;
  const l = oh * ow;
  const geom = { kh, kw, sh, sw, ph, pw, dh, dw, oh, ow };
  // A device's optional fused kernel (forward only, float32, groups 1): the same products and
  // summation order as the im2col + matmul + add below, without the column buffer.
  if (
    groups === 1 &&
    x.dtype === 'float32' &&
    weight.dtype === 'float32' &&
    (!bias || bias.dtype === 'float32') &&
    hasKernel('conv2d', x.device) &&
    !needsGrad(x, weight, bias)
  ) {
    const w2 = weight.reshape(o, kk);
    const inputs = bias ? [kview(x), kview(w2), kview(bias)] : [kview(x), kview(w2)];
    const fused = runKernel1('conv2d', x.device, inputs, [n, o, oh, ow], 'float32', geom);
    if (w2 !== weight) w2.dispose();
    return unbatched ? fused.squeeze(0) : fused;
  }
  const pointwise = kh === 1 && kw === 1 && sh === 1 && sw === 1 && ph === 0 && pw === 0;
  const cols = pointwise ? x.reshape(n, c, l) : im2colRaw(x, geom);
  const product =
    groups === 1
      ? weight.reshape(o, kk).matmul(cols)
      : weight.reshape(groups, o / groups, kk).matmul(cols.reshape(n, groups, kk, l));
  const shaped = product.reshape(n, o, oh, ow);
  const out = bias ? shaped.add(bias.reshape(1, o, 1, 1)) : shaped;
  // With no graph recorded nothing else holds the column buffer or the pre-bias product: free them
  // now rather than at the next collection, so repeated inference calls reuse the same memory
  // (on wasm, fresh pages of linear memory cost far more than the convolution itself).
  if (!out.requiresGrad) {
    if (cols !== x) cols.dispose();
    if (bias) {
      shaped.dispose();
      product.dispose();
    }
  }
  return unbatched ? out.squeeze(0) : out;
}

/** Options of `conv1d`: stride, padding, dilation and groups. */
export interface Conv1dOptions {
  stride?: number;
  padding?: number | 'same' | 'valid';
  dilation?: number;
  groups?: number;
}

/** 1-d convolution of [N, C, L] (or [C, L]) with weight [O, C/groups, k]. */
export function conv1d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  opts: Conv1dOptions = {},
): Tensor {
  if (traceOn) return traceCall('conv1d', conv1d, [input, weight, bias, opts]);
  const op = 'conv1d';
  checkConvOperands(op, input, weight, bias, 1, opts.groups ?? 1);
  const p = opts.padding ?? 0;
  const out = conv2d(input.unsqueeze(-2), weight.unsqueeze(-2), bias, {
    stride: [1, opts.stride ?? 1],
    padding: typeof p === 'string' ? p : [0, p],
    dilation: [1, opts.dilation ?? 1],
    groups: opts.groups,
  });
  return out.squeeze(-2);
}

/** Options of `convTranspose2d`: stride, padding, output padding, groups and dilation. */
export interface ConvTranspose2dOptions {
  stride?: IntOrPair;
  padding?: IntOrPair;
  outputPadding?: IntOrPair;
  groups?: number;
  dilation?: IntOrPair;
}

/**
 * Transposed 2-d convolution (the gradient of conv2d with respect to its input) of [N, Cin, H, W]
 * with weight [Cin, O/groups, kh, kw].
 */
export function convTranspose2d(
  input: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  opts: ConvTranspose2dOptions = {},
): Tensor {
  if (traceOn) return traceCall('convTranspose2d', convTranspose2d, [input, weight, bias, opts]);
  const op = 'conv_transpose2d';
  const groups = opts.groups ?? 1;
  checkConvOperands(op, input, weight, bias, 2, groups);
  const unbatched = input.ndim === 3;
  const x = unbatched ? input.unsqueeze(0) : input;
  const [n, cin, h, w] = x.shape;
  const [wc, og, kh, kw] = weight.shape;
  if (wc !== cin)
    throw new Error(
      `${op}: Given transposed=1, weight of size ${formatShape(weight.shape)}, expected input${formatShape(x.shape)} to have ${wc} channels, but got ${cin} channels instead`,
    );
  if (cin % groups !== 0)
    throw new Error(
      `${op}: Given groups=${groups}, expected input channels ${cin} to be divisible by groups`,
    );
  const o = og * groups;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== o))
    throw new Error(
      `${op}: Given weight of size ${formatShape(weight.shape)}, expected bias to be 1-dimensional with ${o} elements, but got bias of size ${formatShape(bias.shape)} instead`,
    );
  const [sh, sw] = pair(op, 'stride', opts.stride, 1, 1);
  const [ph, pw] = pair(op, 'padding', opts.padding, 0, 0);
  const [dh, dw] = pair(op, 'dilation', opts.dilation, 1, 1);
  const [oph, opw] = pair(op, 'output_padding', opts.outputPadding, 0, 0);
  if ((oph >= sh && oph >= dh) || (opw >= sw && opw >= dw))
    throw new Error(
      `${op}: output padding must be smaller than either stride or dilation, but got output_padding=${pairStr([oph, opw])}, stride=${pairStr([sh, sw])}, dilation=${pairStr([dh, dw])}`,
    );
  const outH = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1;
  const outW = (w - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1;
  if (outH < 1 || outW < 1)
    throw new Error(
      `${op}: Given input size ${pairStr([h, w])}, calculated output size ${pairStr([outH, outW])} is too small`,
    );
  const kk = og * kh * kw;
  const l = h * w;
  const cols =
    groups === 1
      ? weight
          .reshape(cin, kk)
          .t()
          .matmul(x.reshape(n, cin, l))
      : weight
          .reshape(groups, cin / groups, kk)
          .transpose(1, 2)
          .matmul(x.reshape(n, groups, cin / groups, l))
          .reshape(n, groups * kk, l);
  let out = col2imRaw(cols, { kh, kw, sh, sw, ph, pw, dh, dw, oh: h, ow: w }, outH, outW);
  if (bias) out = out.add(bias.reshape(1, o, 1, 1));
  return unbatched ? out.squeeze(0) : out;
}

// ------------------------------------------------------------------ pooling

/** Options of `maxPool2d`: stride, padding, dilation and ceil mode. */
export interface MaxPool2dOptions {
  /** Defaults to kernelSize. */
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  dilation?: IntOrPair;
  ceilMode?: boolean;
}

function poolOut(
  op: string,
  size: number,
  k: number,
  s: number,
  p: number,
  d: number,
  ceil: boolean,
): number {
  const num = size + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0);
  let out = Math.floor(num / s) + 1;
  // The last window must start inside the input or the left padding.
  if (ceil && (out - 1) * s >= size + p) out--;
  if (p > Math.floor(k / 2))
    throw new Error(
      `${op}: pad should be at most half of effective kernel size, but got pad=${p}, kernel_size=${k}`,
    );
  return out;
}

interface PoolSetup {
  x: Tensor;
  unbatched: boolean;
  g: Geom;
}

function poolSetup(
  op: string,
  input: Tensor,
  kernelSize: IntOrPair,
  stride: IntOrPair | null | undefined,
  padding: IntOrPair | undefined,
  dilation: IntOrPair | undefined,
  ceilMode: boolean,
): PoolSetup {
  assertTensor(op, input);
  if (input.ndim !== 3 && input.ndim !== 4)
    throw new Error(
      `${op}: Expected 3D or 4D (batch mode) tensor for input, but got input of size: ${formatShape(input.shape)}`,
    );
  const unbatched = input.ndim === 3;
  const x = unbatched ? input.unsqueeze(0) : input;
  const [kh, kw] = pair(op, 'kernel_size', kernelSize, 1, 1);
  const [sh, sw] = stride == null ? [kh, kw] : pair(op, 'stride', stride, 1, 1);
  const [ph, pw] = pair(op, 'padding', padding, 0, 0);
  const [dh, dw] = pair(op, 'dilation', dilation, 1, 1);
  const [, , h, w] = x.shape;
  const oh = poolOut(op, h, kh, sh, ph, dh, ceilMode);
  const ow = poolOut(op, w, kw, sw, pw, dw, ceilMode);
  if (oh < 1 || ow < 1 || x.shape[1] === 0)
    throw new Error(
      `${op}: Given input size: ${formatShape(x.shape.slice(1))}. Calculated output size: ${formatShape([x.shape[1], oh, ow])}. Output size is too small`,
    );
  return { x, unbatched, g: { kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } };
}

/**
 * The gradient of max pooling: `g` summed into zeros of the input's shape at the argmax `indices`.
 * Its own gradient gathers at the same indices, so max pooling is twice differentiable.
 */
function maxPoolBackward(g: Tensor, indices: Tensor, inShape: readonly number[]): Tensor {
  const out = runKernel1('max_pool2d_backward', g.device, [kview(g), kview(indices)], inShape, g.dtype);
  const [n, c, h, w] = inShape;
  const gShape = g.shape;
  recordGrad('MaxPool2DWithIndicesBackwardBackward', [g], [out], ([gg]) => [
    gg
      .reshape(n, c, h * w)
      .gather(2, indices.reshape(n, c, -1))
      .reshape(gShape),
  ]);
  return out;
}

/** Max pooling returning `[values, indices]`, indices flat into each H*W plane (int32). */
export function maxPool2dWithIndices(
  input: Tensor,
  kernelSize: IntOrPair,
  opts: MaxPool2dOptions = {},
): [Tensor, Tensor] {
  if (traceOn) return traceCall('maxPool2dWithIndices', maxPool2dWithIndices, [input, kernelSize, opts]);
  const op = 'max_pool2d';
  const { x, unbatched, g } = poolSetup(
    op,
    input,
    kernelSize,
    opts.stride,
    opts.padding,
    opts.dilation,
    opts.ceilMode ?? false,
  );
  if (x.dtype === 'bool') throw new TypeError(`${op}: not implemented for 'bool'`);
  const [n, c, h, w] = x.shape;
  const shape = [n, c, g.oh, g.ow];
  const [values, indices] = runKernel(
    'max_pool2d',
    x.device,
    [kview(x)],
    [
      { shape, dtype: x.dtype },
      { shape, dtype: 'int32' },
    ],
    { ...g },
  );
  recordGrad(
    'MaxPool2DWithIndicesBackward',
    [x],
    [values],
    ([gr], [idx]) => [maxPoolBackward(gr, idx, [n, c, h, w])],
    [indices],
  );
  return unbatched ? [values.squeeze(0), indices.squeeze(0)] : [values, indices];
}

/** Max pooling over kh×kw windows of [N, C, H, W] (or [C, H, W]). */
export function maxPool2d(input: Tensor, kernelSize: IntOrPair, opts: MaxPool2dOptions = {}): Tensor {
  if (traceOn) return traceCall('maxPool2d', maxPool2d, [input, kernelSize, opts]);
  return maxPool2dWithIndices(input, kernelSize, opts)[0];
}

/** Options of `avgPool2d`: stride, padding, ceil mode, `countIncludePad` and `divisorOverride`. */
export interface AvgPool2dOptions {
  stride?: IntOrPair | null;
  padding?: IntOrPair;
  ceilMode?: boolean;
  /** Count the zero padding in the divisor (default true, like PyTorch). */
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/** Average pooling over kh×kw windows, with PyTorch's divisor rules. */
export function avgPool2d(input: Tensor, kernelSize: IntOrPair, opts: AvgPool2dOptions = {}): Tensor {
  if (traceOn) return traceCall('avgPool2d', avgPool2d, [input, kernelSize, opts]);
  const op = 'avg_pool2d';
  const { x, unbatched, g } = poolSetup(
    op,
    input,
    kernelSize,
    opts.stride,
    opts.padding,
    1,
    opts.ceilMode ?? false,
  );
  checkFloat(op, x);
  const [n, c, h, w] = x.shape;
  const includePad = opts.countIncludePad ?? true;
  const override = opts.divisorOverride ?? null;
  if (override !== null && (!Number.isFinite(override) || override === 0))
    throw new Error(`${op}: divisor must be not zero`);
  const l = g.oh * g.ow;
  const div = new (x.dtype === 'float64' ? Float64Array : Float32Array)(l);
  for (let i = 0; i < g.oh; i++) {
    for (let j = 0; j < g.ow; j++) {
      let hs = i * g.sh - g.ph;
      let ws = j * g.sw - g.pw;
      let he = Math.min(hs + g.kh, h + g.ph);
      let we = Math.min(ws + g.kw, w + g.pw);
      const poolSize = (he - hs) * (we - ws);
      hs = Math.max(hs, 0);
      ws = Math.max(ws, 0);
      he = Math.min(he, h);
      we = Math.min(we, w);
      div[i * g.ow + j] = override ?? (includePad ? poolSize : (he - hs) * (we - ws));
    }
  }
  const cols = im2colRaw(x.reshape(n * c, 1, h, w), g);
  const out = cols
    .sum(1)
    .div(tensor(div, { dtype: x.dtype, device: x.device }))
    .reshape(n, c, g.oh, g.ow);
  return unbatched ? out.squeeze(0) : out;
}

/** [out, in] matrix averaging PyTorch's adaptive windows [floor(i*in/out), ceil((i+1)*in/out)). */
function adaptiveMatrix(inSize: number, outSize: number, dtype: DType, device: string): Tensor {
  const m = new (dtype === 'float64' ? Float64Array : Float32Array)(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    const s = Math.floor((i * inSize) / outSize);
    const e = Math.ceil(((i + 1) * inSize) / outSize);
    for (let j = s; j < e; j++) m[i * inSize + j] = 1 / (e - s);
  }
  return tensor(m, { dtype, device, shape: [outSize, inSize] });
}

/** Adaptive average pooling to `outputSize` (null keeps that input size), like PyTorch. */
export function adaptiveAvgPool2d(
  input: Tensor,
  outputSize: number | null | readonly [number | null, number | null],
): Tensor {
  if (traceOn) return traceCall('adaptiveAvgPool2d', adaptiveAvgPool2d, [input, outputSize]);
  const op = 'adaptive_avg_pool2d';
  assertTensor(op, input);
  if (input.ndim !== 3 && input.ndim !== 4)
    throw new Error(`${op}: Expected 3D or 4D tensor, but got: ${formatShape(input.shape)}`);
  checkFloat(op, input);
  const h = input.shape[input.ndim - 2];
  const w = input.shape[input.ndim - 1];
  const sizes = Array.isArray(outputSize) ? outputSize : [outputSize, outputSize];
  const oh = sizes[0] ?? h;
  const ow = sizes[1] ?? w;
  if (!Number.isInteger(oh) || !Number.isInteger(ow) || oh < 0 || ow < 0)
    throw new Error(`${op}: output_size must be non-negative integers (got ${JSON.stringify(outputSize)})`);
  for (let i = 0; i < input.ndim - 2; i++)
    if (input.shape[i] === 0 && i > 0)
      throw new Error(
        `${op}: Expected input to have non-zero size for non-batch dimensions, but input has sizes ${formatShape(input.shape)}`,
      );
  if (oh === 1 && ow === 1) return input.mean([-2, -1], true);
  let out = input;
  if (oh !== h) out = adaptiveMatrix(h, oh, input.dtype, input.device).matmul(out);
  if (ow !== w) out = out.matmul(adaptiveMatrix(w, ow, input.dtype, input.device).t());
  return out === input ? input.clone() : out;
}

// ------------------------------------------------------------------ interpolation

/** Options of `interpolate`: output `size` or `scaleFactor`, `mode` and `alignCorners`. */
export interface InterpolateOptions {
  size?: number | readonly number[];
  scaleFactor?: number | readonly number[];
  /** 'nearest' (default), 'linear' (3-d input) or 'bilinear' (4-d input). */
  mode?: 'nearest' | 'linear' | 'bilinear';
  alignCorners?: boolean | null;
  recomputeScaleFactor?: boolean | null;
}

/** [out, in] matrix of linear interpolation weights with PyTorch's source-index rules. */
function linearMatrix(
  inSize: number,
  outSize: number,
  alignCorners: boolean,
  scale: number | null,
  dtype: DType,
  device: string,
): Tensor {
  const m = new (dtype === 'float64' ? Float64Array : Float32Array)(outSize * inSize);
  let ratio: number;
  if (alignCorners) ratio = outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  else ratio = scale !== null && scale > 0 ? 1 / scale : inSize / outSize;
  for (let i = 0; i < outSize; i++) {
    let src = alignCorners ? i * ratio : (i + 0.5) * ratio - 0.5;
    if (src < 0) src = 0;
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const i1 = Math.min(i0 + 1, inSize - 1);
    const l1 = src - i0;
    m[i * inSize + i0] += 1 - l1;
    m[i * inSize + i1] += l1;
  }
  return tensor(m, { dtype, device, shape: [outSize, inSize] });
}

function nearestIndex(inSize: number, outSize: number, scale: number | null, device: string): Tensor {
  const ratio = scale !== null && scale > 0 ? 1 / scale : inSize / outSize;
  const idx = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) idx[i] = Math.min(Math.floor(i * ratio), inSize - 1);
  return tensor(idx, { dtype: 'int32', device });
}

/** Resizes the spatial dims of [N, C, W] or [N, C, H, W] input (PyTorch's F.interpolate). */
export function interpolate(input: Tensor, opts: InterpolateOptions = {}): Tensor {
  if (traceOn) return traceCall('interpolate', interpolate, [input, opts]);
  const op = 'interpolate';
  assertTensor(op, input);
  const mode = opts.mode ?? 'nearest';
  const spatial = input.ndim - 2;
  if (spatial < 1 || spatial > 2)
    throw new Error(
      `${op}: expected 3-d or 4-d input (got ${input.ndim}-d input of size ${formatShape(input.shape)})`,
    );
  if (mode === 'linear' && spatial !== 1)
    throw new Error(`${op}: Got ${input.ndim}D input, but linear mode needs 3D input`);
  if (mode === 'bilinear' && spatial !== 2)
    throw new Error(`${op}: Got ${input.ndim}D input, but bilinear mode needs 4D input`);
  if (mode !== 'nearest' && mode !== 'linear' && mode !== 'bilinear')
    throw new Error(`${op}: unsupported mode '${String(mode)}' (expected 'nearest', 'linear' or 'bilinear')`);
  if (mode === 'nearest' && opts.alignCorners != null)
    throw new Error(
      `${op}: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear`,
    );
  checkFloat(op, input);
  if ((opts.size === undefined) === (opts.scaleFactor === undefined))
    throw new Error(`${op}: exactly one of size or scale_factor should be defined`);
  const inSizes = input.shape.slice(2);
  const expand = <T>(v: T | readonly T[], name: string): T[] => {
    if (!Array.isArray(v)) return inSizes.map(() => v as T);
    if (v.length !== spatial)
      throw new Error(
        `${op}: Input and ${name} must have the same number of spatial dimensions, but got input with spatial dimensions of ${formatShape(inSizes)} and ${name} of ${JSON.stringify(v)}.`,
      );
    return (v as readonly T[]).slice();
  };
  let outSizes: number[];
  let scales: (number | null)[];
  if (opts.size !== undefined) {
    outSizes = expand(opts.size, 'output_size');
    scales = outSizes.map(() => null);
  } else {
    const sf = expand(opts.scaleFactor as number | readonly number[], 'scale_factor');
    outSizes = inSizes.map((s, i) => Math.floor(s * sf[i]));
    scales = opts.recomputeScaleFactor ? outSizes.map(() => null) : sf;
  }
  for (const s of outSizes)
    if (!Number.isInteger(s) || s < 1)
      throw new Error(`${op}: output sizes must be positive integers (got ${formatShape(outSizes)})`);
  let out = input;
  for (let i = 0; i < spatial; i++) {
    const dim = 2 + i;
    const inS = inSizes[i];
    const outS = outSizes[i];
    if (mode === 'nearest') {
      if (outS !== inS || (scales[i] !== null && scales[i] !== 1))
        out = indexSelect(out, dim, nearestIndex(inS, outS, scales[i], input.device));
      continue;
    }
    const m = linearMatrix(inS, outS, opts.alignCorners ?? false, scales[i], input.dtype, input.device);
    // Interpolate along `dim` as a matmul over the last dim.
    if (dim === input.ndim - 1) out = out.matmul(m.t());
    else out = m.matmul(out);
  }
  return out === input ? input.clone() : out;
}

declare module '../tensor.js' {
  interface Tensor {
    /** Views of each index along `dim` (torch.unbind); see `k.unbind`. */
    unbind(dim?: number): Tensor[];
  }
}

Tensor.prototype.unbind = function (dim) {
  return unbind(this, dim);
};
