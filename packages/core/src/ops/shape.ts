/**
 * Shape manipulation: cat, stack, split, chunk, flip, repeat, tile, pad, triu/tril, movedim,
 * swapaxes. No kernels of their own: cat and constant pad write into views of a fresh output with
 * the 'copy' kernel; the rest are views (split, chunk, movedim, swapaxes) or compositions of
 * views, copies and the indexing ops (indexSelect, maskedFill), which carry the gradients.
 */
import type { KernelTensor } from '../backend.js';
import { type DType, promoteTypes } from '../dtype.js';
import { contiguousStrides, formatShape, normalizeDim, normalizeDims } from '../shape.js';
import { Tensor } from '../tensor.js';
import { traceCall, traceOn } from '../trace.js';
import { clone, runCopyKernel, toDtype } from './copy.js';
import { full, tensor, zeros } from './creation.js';
import { allocTensor, assertTensor, commonDevice, kview, recordGrad } from './dispatch.js';
import { indexSelect, maskedFill } from './indexing.js';
import { applyInPlace } from './inplace.js';
import { expand, permute, reshape, sliceDim, transpose, unsqueeze } from './view.js';

type DimsArg = number | readonly number[];

function dimsFromArgs(args: readonly DimsArg[]): number[] {
  return args.length === 1 && Array.isArray(args[0])
    ? (args[0] as number[]).slice()
    : (args as number[]).slice();
}

/** A strided region of `out` (same strides, shifted offset, smaller shape) for the copy kernel. */
function region(out: Tensor, shape: readonly number[], offset: number): KernelTensor {
  return {
    data: out.storage.handle,
    dtype: out.dtype,
    shape,
    strides: out._strides,
    offset: out._offset + offset,
  };
}

// ------------------------------------------------------------------ cat / stack

/**
 * Concatenates tensors along `dim` (dtypes promote). Like PyTorch, 1-d empty tensors (shape [0])
 * are skipped whatever the other tensors' shapes.
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (traceOn) return traceCall('cat', cat, [tensors, dim]);
  const op = 'cat';
  if (!Array.isArray(tensors)) throw new TypeError(`${op}: expected an array of Tensors`);
  if (tensors.length === 0) throw new Error(`${op}: expected a non-empty list of Tensors`);
  tensors.forEach((t, i) => {
    assertTensor(op, t, `tensors[${i}]`);
    if (t.ndim === 0)
      throw new Error(`${op}: zero-dimensional tensor (at position ${i}) cannot be concatenated`);
  });
  const device = commonDevice(op, tensors);
  let dtype: DType = tensors[0].dtype;
  for (const t of tensors) dtype = promoteTypes(dtype, t.dtype);
  const skipped = tensors.map((t) => t.ndim === 1 && t.shape[0] === 0);
  const srcs = tensors.map((t) => (t.dtype === dtype ? t : toDtype(t, dtype)));
  const firstLive = skipped.indexOf(false);
  if (firstLive < 0) {
    const out = allocTensor(device, [0], dtype);
    recordGrad('CatBackward', srcs, [out], ([g], _s, needs) => srcs.map((_, i) => (needs[i] ? g : null)));
    return out;
  }
  const ref = srcs[firstLive];
  const d = normalizeDim(op, dim, ref.ndim);
  let total = 0;
  srcs.forEach((t, i) => {
    if (skipped[i]) return;
    if (t.ndim !== ref.ndim)
      throw new Error(`${op}: Tensors must have same number of dimensions: got ${ref.ndim} and ${t.ndim}`);
    for (let j = 0; j < t.ndim; j++)
      if (j !== d && t.shape[j] !== ref.shape[j])
        throw new Error(
          `${op}: Sizes of tensors must match except in dimension ${d}. Expected size ${ref.shape[j]} but got size ${t.shape[j]} for tensor number ${i} in the list.`,
        );
    total += t.shape[d];
  });
  const outShape = ref.shape.slice();
  outShape[d] = total;
  const out = allocTensor(device, outShape, dtype);
  const starts: number[] = [];
  let at = 0;
  srcs.forEach((t, i) => {
    starts.push(at);
    if (skipped[i]) return;
    if (t.numel() > 0) runCopyKernel(device, region(out, t.shape, at * out._strides[d]), kview(t));
    at += t.shape[d];
  });
  recordGrad('CatBackward', srcs, [out], ([g], _s, needs) =>
    srcs.map((t, i) => {
      if (!needs[i]) return null;
      if (skipped[i]) return zeros([0], { dtype: g.dtype, device: g.device });
      return sliceDim(g, d, starts[i], starts[i] + t.shape[d]);
    }),
  );
  return out;
}

/** Alias of `cat` (torch.concat). */
export const concat = cat;

/** Joins equally shaped tensors along a new dim `dim`. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (traceOn) return traceCall('stack', stack, [tensors, dim]);
  const op = 'stack';
  if (!Array.isArray(tensors)) throw new TypeError(`${op}: expected an array of Tensors`);
  if (tensors.length === 0) throw new Error(`${op}: stack expects a non-empty TensorList`);
  tensors.forEach((t, i) => {
    assertTensor(op, t, `tensors[${i}]`);
    if (!sameShape(t.shape, tensors[0].shape))
      throw new Error(
        `${op}: stack expects each tensor to be equal size, but got ${formatShape(tensors[0].shape)} at entry 0 and ${formatShape(t.shape)} at entry ${i}`,
      );
  });
  const d = normalizeDim(op, dim, tensors[0].ndim + 1);
  return cat(
    tensors.map((t) => unsqueeze(t, d)),
    d,
  );
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

// ------------------------------------------------------------------ split / chunk (views)

/**
 * Splits into views along `dim`: a number gives chunks of that size (the last may be smaller); an
 * array gives the size of each piece (they must sum to the dim's size).
 */
export function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  if (traceOn) return traceCall('split', split, [x, sizeOrSections, dim]);
  const op = 'split';
  assertTensor(op, x);
  if (x.ndim === 0) throw new Error(`${op}: split expects at least a 1-dimensional tensor`);
  const d = normalizeDim(op, dim, x.ndim);
  const n = x.shape[d];
  if (typeof sizeOrSections === 'number') {
    const s = sizeOrSections;
    if (!Number.isInteger(s) || s < 0)
      throw new Error(`${op}: split expects split_size be non-negative, but got split_size=${s}`);
    if (s === 0 && n > 0)
      throw new Error(
        `${op}: split_size can only be 0 if dimension size is 0, but got dimension size of ${n}`,
      );
    const count = s === 0 ? 1 : Math.max(Math.ceil(n / s), 1);
    return splitViews(
      x,
      d,
      Array.from({ length: count }, (_, i) => Math.min(s, n - i * s)),
    );
  }
  const sizes = sizeOrSections;
  if (sizes.some((s) => !Number.isInteger(s) || s < 0))
    throw new Error(
      `${op}: split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=${formatShape(sizes)}`,
    );
  if (sizes.reduce((a, b) => a + b, 0) !== n)
    throw new Error(
      `${op}: split_with_sizes expects split_sizes to sum exactly to ${n} (input tensor's size at dimension ${d}), but got split_sizes=${formatShape(sizes)}`,
    );
  return splitViews(x, d, sizes);
}

/**
 * Views of consecutive pieces of `dim` with one backward node for all of them (cat of the pieces'
 * gradients), so backward stays linear in the number of pieces.
 */
function splitViews(x: Tensor, d: number, sizes: readonly number[]): Tensor[] {
  let at = 0;
  const outs = sizes.map((size) => {
    const shape = x.shape.slice();
    shape[d] = size;
    const v = x._withGeometry(shape, x._strides, x._offset + (size > 0 ? at * x._strides[d] : 0));
    at += size;
    return v;
  });
  recordGrad('SplitBackward', [x], outs, (gs) => [cat(gs, d)]);
  return outs;
}

/** Splits into `chunks` views of size ceil(n / chunks) along `dim` (fewer when n is small). */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (traceOn) return traceCall('chunk', chunk, [x, chunks, dim]);
  const op = 'chunk';
  assertTensor(op, x);
  if (x.ndim === 0) throw new Error(`${op}: chunk expects at least a 1-dimensional tensor`);
  if (!Number.isInteger(chunks) || chunks <= 0)
    throw new Error(`${op}: chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = normalizeDim(op, dim, x.ndim);
  const n = x.shape[d];
  const s = Math.ceil(n / chunks);
  if (s === 0) return split(x, new Array<number>(chunks).fill(0), d);
  return split(x, s, d);
}

// ------------------------------------------------------------------ flip / repeat / tile

function reversed(n: number, device: string): Tensor {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = n - 1 - i;
  return tensor(idx, { dtype: 'int32', device });
}

/** Reverses the order of elements along `dims` (a copy). */
export function flip(x: Tensor, ...dimsArgs: DimsArg[]): Tensor {
  if (traceOn) return traceCall('flip', flip, [x, ...dimsArgs]);
  const op = 'flip';
  assertTensor(op, x);
  const dims = normalizeDims(op, dimsFromArgs(dimsArgs), x.ndim);
  let y = x;
  for (const d of dims) if (x.shape[d] > 1) y = indexSelect(y, d, reversed(x.shape[d], x.device));
  return y === x ? clone(x) : y;
}

/** Repeats the tensor along each dim (`sizes` may add leading dims), like torch.Tensor.repeat. */
export function repeat(x: Tensor, ...sizesArgs: DimsArg[]): Tensor {
  if (traceOn) return traceCall('repeat', repeat, [x, ...sizesArgs]);
  const op = 'repeat';
  assertTensor(op, x);
  const sizes = dimsFromArgs(sizesArgs);
  if (sizes.length < x.ndim)
    throw new Error(
      `${op}: Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor (got ${formatShape(sizes)} for a tensor of shape ${formatShape(x.shape)})`,
    );
  for (const r of sizes)
    if (!Number.isInteger(r) || r < 0)
      throw new Error(`${op}: Trying to create tensor with negative dimension ${r}: ${formatShape(sizes)}`);
  const padded = [...new Array<number>(sizes.length - x.ndim).fill(1), ...x.shape];
  const viewShape = padded.flatMap((s) => [1, s]);
  const expShape = padded.flatMap((s, i) => [sizes[i], s]);
  const outShape = padded.map((s, i) => s * sizes[i]);
  const out = reshape(expand(reshape(x, viewShape), expShape), outShape);
  return out.storage === x.storage ? clone(out) : out;
}

/** Like repeat, but `dims` shorter than the tensor's rank are padded with leading 1s (torch.tile). */
export function tile(x: Tensor, ...dimsArgs: DimsArg[]): Tensor {
  if (traceOn) return traceCall('tile', tile, [x, ...dimsArgs]);
  assertTensor('tile', x);
  const dims = dimsFromArgs(dimsArgs);
  const sizes = dims.length < x.ndim ? [...new Array<number>(x.ndim - dims.length).fill(1), ...dims] : dims;
  return repeat(x, sizes);
}

// ------------------------------------------------------------------ pad

/** How `pad` fills the border: 'constant', 'reflect', 'replicate' or 'circular'. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/** Options of `pad`: the mode and the constant `value`. */
export interface PadOptions {
  mode?: PadMode;
  /** Fill value of 'constant' mode (default 0). */
  value?: number;
}

/**
 * torch.nn.functional.pad: `pad` lists (before, after) pairs starting from the LAST dim, e.g.
 * `[1, 2]` pads the last dim with 1 before and 2 after, `[1, 1, 2, 2]` also pads the one before it.
 * Negative padding crops. Modes: 'constant' (with `value`), 'reflect' (pad < size), 'replicate',
 * 'circular' (pad <= size); any number of leading dims is allowed in every mode.
 */
export function pad(x: Tensor, padding: readonly number[], opts: PadOptions = {}): Tensor {
  if (traceOn) return traceCall('pad', pad, [x, padding, opts]);
  const op = 'pad';
  assertTensor(op, x);
  const mode = opts.mode ?? 'constant';
  if (!['constant', 'reflect', 'replicate', 'circular'].includes(mode))
    throw new Error(
      `${op}: Unrecognised padding mode ${String(mode)} (expected 'constant', 'reflect', 'replicate' or 'circular')`,
    );
  if (padding.length % 2 !== 0) throw new Error(`${op}: Padding length must be divisible by 2`);
  if (padding.length / 2 > x.ndim)
    throw new Error(
      `${op}: Padding length should be less than or equal to two times the input dimension but got padding length ${padding.length} and input of dimension ${x.ndim}`,
    );
  for (const p of padding)
    if (!Number.isInteger(p))
      throw new Error(`${op}: padding must be integers (got ${formatShape(padding)})`);
  if (mode !== 'constant' && opts.value !== undefined && opts.value !== 0)
    throw new Error(`${op}: Padding mode "${mode}" doesn't take in value argument`);
  const pairs: { dim: number; lo: number; hi: number }[] = [];
  for (let i = 0; i < padding.length / 2; i++)
    pairs.push({ dim: x.ndim - 1 - i, lo: padding[2 * i], hi: padding[2 * i + 1] });
  for (const { dim, lo, hi } of pairs) {
    const n = x.shape[dim];
    if (n + lo + hi < 0)
      throw new Error(
        `${op}: The input size ${n}, plus negative padding ${lo} and ${hi} resulted in a negative output size, which is invalid. Check dimension ${dim} of your input.`,
      );
  }
  if (mode === 'constant') return constantPad(x, pairs, opts.value ?? 0);
  let y = x;
  for (const { dim, lo, hi } of pairs) {
    if (lo === 0 && hi === 0) continue;
    const n = y.shape[dim];
    if (mode === 'reflect' && (lo >= n || hi >= n))
      throw new Error(
        `${op}: Padding size should be less than the corresponding input dimension, but got: padding (${lo}, ${hi}) at dimension ${dim} of input ${formatShape(x.shape)}`,
      );
    if (mode === 'circular' && (lo > n || hi > n))
      throw new Error(
        `${op}: Padding value causes wrapping around more than once (padding (${lo}, ${hi}) at dimension ${dim} of input ${formatShape(x.shape)})`,
      );
    if (mode === 'replicate' && n === 0)
      throw new Error(
        `${op}: Expected a non-empty dimension ${dim} to pad in replicate mode (input ${formatShape(x.shape)})`,
      );
    const len = n + lo + hi;
    const idx = new Int32Array(len);
    for (let j = 0; j < len; j++) {
      const p = j - lo;
      if (mode === 'reflect') idx[j] = p < 0 ? -p : p >= n ? 2 * (n - 1) - p : p;
      else if (mode === 'replicate') idx[j] = Math.min(Math.max(p, 0), n - 1);
      else idx[j] = ((p % n) + n) % n;
    }
    y = indexSelect(y, dim, tensor(idx, { dtype: 'int32', device: x.device }));
  }
  return y === x ? clone(x) : y;
}

function constantPad(
  x: Tensor,
  pairs: readonly { dim: number; lo: number; hi: number }[],
  value: number,
): Tensor {
  // Negative padding crops first (a view); the rest writes the cropped input into a filled output.
  let xc = x;
  for (const { dim, lo, hi } of pairs)
    if (lo < 0 || hi < 0) xc = sliceDim(xc, dim, Math.max(-lo, 0), x.shape[dim] - Math.max(-hi, 0));
  const outShape = x.shape.slice();
  const begin = new Array<number>(x.ndim).fill(0);
  for (const { dim, lo, hi } of pairs) {
    outShape[dim] = x.shape[dim] + lo + hi;
    begin[dim] = Math.max(lo, 0);
  }
  const out = full(outShape, value, { dtype: x.dtype, device: x.device });
  const strides = contiguousStrides(outShape);
  const offset = begin.reduce((acc, b, i) => acc + b * strides[i], 0);
  if (xc.numel() > 0) runCopyKernel(x.device, region(out, xc.shape, offset), kview(xc));
  const inner = xc.shape;
  recordGrad('ConstantPadNdBackward', [xc], [out], ([g]) => {
    let v = g;
    for (let i = 0; i < inner.length; i++)
      if (v.shape[i] !== inner[i]) v = sliceDim(v, i, begin[i], begin[i] + inner[i]);
    return [v];
  });
  return out;
}

// ------------------------------------------------------------------ triu / tril

function triangle(op: string, x: Tensor, diagonal: number, upper: boolean): Tensor {
  assertTensor(op, x);
  if (x.ndim < 2)
    throw new Error(
      `${op}: input tensor must have at least 2 dimensions (got shape ${formatShape(x.shape)})`,
    );
  if (!Number.isInteger(diagonal)) throw new Error(`${op}: diagonal must be an integer (got ${diagonal})`);
  const m = x.shape[x.ndim - 2];
  const n = x.shape[x.ndim - 1];
  const drop = new Uint8Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) drop[i * n + j] = (upper ? j - i >= diagonal : j - i <= diagonal) ? 0 : 1;
  const mask = tensor(drop, { dtype: 'bool', device: x.device, shape: [m, n] });
  return maskedFill(x, mask, 0);
}

/** The upper triangle of the last two dims (elements with col - row >= diagonal); the rest is 0. */
export function triu(x: Tensor, diagonal = 0): Tensor {
  if (traceOn) return traceCall('triu', triu, [x, diagonal]);
  return triangle('triu', x, diagonal, true);
}

/** The lower triangle of the last two dims (elements with col - row <= diagonal); the rest is 0. */
export function tril(x: Tensor, diagonal = 0): Tensor {
  if (traceOn) return traceCall('tril', tril, [x, diagonal]);
  return triangle('tril', x, diagonal, false);
}

// ------------------------------------------------------------------ movedim / swapaxes (views)

/** Moves dims `source` to positions `destination`, the others keeping their order (a view). */
export function movedim(x: Tensor, source: DimsArg, destination: DimsArg): Tensor {
  if (traceOn) return traceCall('movedim', movedim, [x, source, destination]);
  const op = 'movedim';
  assertTensor(op, x);
  const src = (typeof source === 'number' ? [source] : source).map((d) => normalizeDim(op, d, x.ndim));
  const dst = (typeof destination === 'number' ? [destination] : destination).map((d) =>
    normalizeDim(op, d, x.ndim),
  );
  if (src.length !== dst.length)
    throw new Error(
      `${op}: Invalid source or destination dims: source (${formatShape(src)} dims) should contain the same number of dims as destination (${formatShape(dst)} dims)`,
    );
  if (new Set(src).size !== src.length)
    throw new Error(`${op}: repeated dim in \`source\` (${formatShape(src)})`);
  if (new Set(dst).size !== dst.length)
    throw new Error(`${op}: repeated dim in \`destination\` (${formatShape(dst)})`);
  if (x.ndim === 0) return permute(x, []);
  const order = new Array<number>(x.ndim).fill(-1);
  src.forEach((s, i) => {
    order[dst[i]] = s;
  });
  const others = x.shape.map((_, i) => i).filter((i) => !src.includes(i));
  let k = 0;
  for (let i = 0; i < order.length; i++) if (order[i] < 0) order[i] = others[k++];
  return permute(x, order);
}

/** Alias of movedim (NumPy's name). */
export const moveaxis = movedim;

/** Alias of transpose (NumPy's name). */
export function swapaxes(x: Tensor, axis0: number, axis1: number): Tensor {
  if (traceOn) return traceCall('swapaxes', swapaxes, [x, axis0, axis1]);
  return transpose(x, axis0, axis1);
}

/** Alias of transpose. */
export const swapdims = swapaxes;

// ------------------------------------------------------------------ methods

declare module '../tensor.js' {
  interface Tensor {
    split(sizeOrSections: number | readonly number[], dim?: number): Tensor[];
    chunk(chunks: number, dim?: number): Tensor[];
    flip(...dims: number[]): Tensor;
    flip(dims: readonly number[]): Tensor;
    repeat(...sizes: number[]): Tensor;
    repeat(sizes: readonly number[]): Tensor;
    tile(...dims: number[]): Tensor;
    tile(dims: readonly number[]): Tensor;
    triu(diagonal?: number): Tensor;
    triu_(diagonal?: number): Tensor;
    tril(diagonal?: number): Tensor;
    tril_(diagonal?: number): Tensor;
    movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    swapaxes(axis0: number, axis1: number): Tensor;
    swapdims(dim0: number, dim1: number): Tensor;
  }
}

const proto = Tensor.prototype;
proto.split = function (s, d) {
  return split(this, s, d);
};
proto.chunk = function (c, d) {
  return chunk(this, c, d);
};
proto.flip = function (...d: DimsArg[]) {
  return flip(this, ...d);
};
proto.repeat = function (...s: DimsArg[]) {
  return repeat(this, ...s);
};
proto.tile = function (...s: DimsArg[]) {
  return tile(this, ...s);
};
proto.triu = function (d) {
  return triu(this, d);
};
proto.triu_ = function (d) {
  return applyInPlace('triu_', this, [], (s) => triu(s, d));
};
proto.tril = function (d) {
  return tril(this, d);
};
proto.tril_ = function (d) {
  return applyInPlace('tril_', this, [], (s) => tril(s, d));
};
proto.movedim = function (s, d) {
  return movedim(this, s, d);
};
proto.moveaxis = function (s, d) {
  return movedim(this, s, d);
};
proto.swapaxes = function (a, b) {
  return transpose(this, a, b);
};
proto.swapdims = function (a, b) {
  return transpose(this, a, b);
};
