/**
 * `nn.utils.rnn`: variable-length batches as PackedSequence (PyTorch's layout: time-major rows of
 * the sequences still running at each step, longest first), and converting to/from padded
 * tensors. Packing and unpacking are single gathers (indexSelect), so gradients flow back to the
 * padded input.
 *
 * Like PyTorch, the packing metadata is host data: `lengths` are numbers or a cpu tensor and
 * `batchSizes` is a cpu tensor, while the gather indices are built on the host and created on the
 * data's device. Nothing here reads device data, so packed RNNs run on devices that only read
 * asynchronously (WebGPU).
 *
 * @module
 */
import * as k from '@kindling/core';

type Tensor = k.Tensor;

/** Host values of packing metadata (lengths, batch sizes); a tensor must be readable synchronously. */
function toNumbers(v: Tensor | readonly number[], what = 'lengths'): number[] {
  if (v instanceof k.Tensor) {
    if (v.ndim !== 1) throw new Error(`${what} must be a 1-d tensor (got shape [${v.shape.join(', ')}])`);
    if (!v.canReadSync())
      throw new Error(
        `'${what}' must be an array of numbers or a cpu tensor (like PyTorch, which wants it on the CPU), but got a tensor on '${v.device}'; keep it on the cpu, or move it there first with 'await t.toAsync("cpu")'`,
      );
    return Array.from(v.dataSync(), Number);
  }
  return v.slice();
}

/** An int32 tensor on an explicit device: packing metadata is on 'cpu' whatever the default device is. */
function int32(values: readonly number[] | Int32Array, device: string): Tensor {
  return k.tensor(Int32Array.from(values), { dtype: 'int32', device });
}

function invertList(p: readonly number[]): number[] {
  const inv = new Array<number>(p.length);
  for (let i = 0; i < p.length; i++) inv[p[i]] = i;
  return inv;
}

/** The inverse permutation, computed where `perm` lives (a scatter on devices without sync reads). */
function invertPermutation(perm: Tensor): Tensor {
  if (perm.canReadSync()) return int32(invertList(Array.from(perm.dataSync(), Number)), perm.device);
  const n = perm.numel();
  const positions = k.arange(n, { dtype: 'int32', device: perm.device });
  return k.zeros([n], { dtype: 'int32', device: perm.device }).scatter(0, perm, positions);
}

/**
 * Variable-length sequences packed time-major: `data` [sum(lengths), *] holds, for each time step
 * t, the rows of the `batchSizes[t]` sequences still running (sorted longest first).
 * `sortedIndices` maps sorted position to original batch index (null when the batch was already
 * sorted); `unsortedIndices` is its inverse.
 */
export class PackedSequence {
  /** The packed rows, [sum(lengths), *]. */
  readonly data: Tensor;
  /** int32 cpu tensor (host data, like PyTorch's), one entry per time step. */
  readonly batchSizes: Tensor;
  /** On the data's device (or null). */
  readonly sortedIndices: Tensor | null;
  /** On the data's device (or null). */
  readonly unsortedIndices: Tensor | null;
  private sizes: number[] | null = null;
  constructor(
    data: Tensor,
    batchSizes: Tensor,
    sortedIndices: Tensor | null = null,
    unsortedIndices: Tensor | null = null,
  ) {
    this.data = data;
    this.batchSizes = batchSizes;
    this.sortedIndices = sortedIndices;
    this.unsortedIndices = unsortedIndices ?? (sortedIndices ? invertPermutation(sortedIndices) : null);
  }
  /** `batchSizes` as numbers (host data: `batchSizes` must be a cpu tensor). */
  batchSizesList(): number[] {
    if (this.sizes === null) this.sizes = toNumbers(this.batchSizes, 'batchSizes');
    return this.sizes;
  }
  /** The same packing around new data (e.g. an RNN's output). */
  withData(data: Tensor): PackedSequence {
    return derive(this, data, this.sortedIndices, this.unsortedIndices);
  }
  /**
   * Moves/converts the data; the permutations follow the data's device (rebuilt from host copies
   * when known, so no device is read); `batchSizes` stays on the cpu.
   */
  to(target: k.DType | string | { dtype?: k.DType; device?: string }): PackedSequence {
    const data = this.data.to(target);
    if (data === this.data) return this;
    const dev = data.device;
    const order = hostOrder.get(this);
    const move = (t: Tensor | null, host: number[] | undefined) =>
      !t || t.device === dev ? t : host ? int32(host, dev) : t.to(dev);
    return derive(
      this,
      data,
      move(this.sortedIndices, order?.sorted),
      move(this.unsortedIndices, order?.unsorted),
    );
  }
}

/** Host copies of the permutations of PackedSequences built here (no device read needed to use them). */
const hostOrder = new WeakMap<PackedSequence, { sorted: number[]; unsorted: number[] }>();

function derive(
  p: PackedSequence,
  data: Tensor,
  sorted: Tensor | null,
  unsorted: Tensor | null,
): PackedSequence {
  const q = new PackedSequence(data, p.batchSizes, sorted, unsorted);
  const order = hostOrder.get(p);
  if (order) hostOrder.set(q, order);
  return q;
}

/** A PackedSequence whose sort order is known on the host; index tensors go to the data's device. */
function packedWithOrder(data: Tensor, batchSizes: number[], order: number[] | null): PackedSequence {
  if (!order) return new PackedSequence(data, int32(batchSizes, 'cpu'));
  const dev = data.device;
  const unsorted = invertList(order);
  const p = new PackedSequence(data, int32(batchSizes, 'cpu'), int32(order, dev), int32(unsorted, dev));
  hostOrder.set(p, { sorted: order, unsorted });
  return p;
}

/** `unsortedIndices` as numbers, from the host copy or a synchronous read of a cpu/wasm tensor. */
function unsortedList(p: PackedSequence): number[] | null {
  const u = p.unsortedIndices;
  if (!u) return null;
  const known = hostOrder.get(p);
  if (known) return known.unsorted;
  if (!u.canReadSync())
    throw new Error(
      `padPackedSequence: unsortedIndices live on '${u.device}', which cannot be read synchronously to unsort the lengths; build the PackedSequence with packPaddedSequence/packSequence, or pass index tensors on the cpu`,
    );
  return Array.from(u.dataSync(), Number);
}

/** Options of `packPaddedSequence` (like `torch.nn.utils.rnn.pack_padded_sequence`'s arguments). */
export interface PackOptions {
  /** The input is [B, T, *] instead of [T, B, *] (default `false`). */
  batchFirst?: boolean;
  /** When true (the default) lengths must be sorted longest first; otherwise the batch is sorted here. */
  enforceSorted?: boolean;
}

/**
 * Packs a padded batch [T, B, *] ([B, T, *] with batchFirst) of sequences with the given
 * lengths. Like PyTorch, sequences must be sorted longest first unless `enforceSorted: false`.
 */
export function packPaddedSequence(
  input: Tensor,
  lengths: Tensor | readonly number[],
  opts: PackOptions = {},
): PackedSequence {
  const batchFirst = opts.batchFirst ?? false;
  const enforceSorted = opts.enforceSorted ?? true;
  let lens = toNumbers(lengths);
  if (input.ndim < 2)
    throw new Error(
      `packPaddedSequence: expected input of at least 2 dims (got shape [${input.shape.join(', ')}])`,
    );
  const bdim = batchFirst ? 0 : 1;
  const b = input.shape[bdim];
  if (lens.length !== b)
    throw new Error(
      `Expected \`len(lengths)\` to be equal to batch_size, but got ${lens.length} (batch_size=${b})`,
    );
  let order: number[] | null = null;
  let x = input;
  if (enforceSorted) {
    for (let i = 1; i < lens.length; i++)
      if (lens[i] > lens[i - 1])
        throw new Error(
          '`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforceSorted: false` to packPaddedSequence and/or packSequence to sidestep this requirement if you do not need ONNX exportability.',
        );
  } else {
    const perm = lens.map((_, i) => i).sort((i, j) => lens[j] - lens[i] || i - j);
    order = perm;
    lens = perm.map((i) => lens[i]);
    x = x.indexSelect(bdim, int32(perm, input.device));
  }
  if (lens.length > 0 && lens[lens.length - 1] <= 0)
    throw new Error(
      "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0",
    );
  if (batchFirst) x = x.transpose(0, 1);
  const t = x.shape[0];
  const maxLen = lens.length ? lens[0] : 0;
  if (maxLen > t)
    throw new Error(`packPaddedSequence: a length of ${maxLen} exceeds the padded sequence length ${t}`);
  const batchSizes: number[] = [];
  const rows: number[] = [];
  for (let step = 0; step < maxLen; step++) {
    let bs = 0;
    while (bs < lens.length && lens[bs] > step) bs++;
    batchSizes.push(bs);
    for (let i = 0; i < bs; i++) rows.push(step * b + i);
  }
  const flat = x.reshape([t * b, ...x.shape.slice(2)]);
  const data = flat.indexSelect(0, int32(rows, input.device));
  return packedWithOrder(data, batchSizes, order);
}

/** Options of `padPackedSequence` (like `torch.nn.utils.rnn.pad_packed_sequence`'s arguments). */
export interface PadPackedOptions {
  /** Return [B, T, *] instead of [T, B, *] (default `false`). */
  batchFirst?: boolean;
  /** Value of the padded slots (default 0). */
  paddingValue?: number;
  /** Pad to this many steps (at least the longest sequence). */
  totalLength?: number | null;
}

/**
 * Unpacks to a padded batch [T, B, *] ([B, T, *] with batchFirst) in the original batch order;
 * returns `[padded, lengths]` (lengths int32).
 */
export function padPackedSequence(sequence: PackedSequence, opts: PadPackedOptions = {}): [Tensor, Tensor] {
  const sizes = sequence.batchSizesList();
  const steps = sizes.length;
  const b = steps ? sizes[0] : 0;
  let total = steps;
  if (opts.totalLength !== undefined && opts.totalLength !== null) {
    if (opts.totalLength < steps)
      throw new Error(
        `Expected total_length to be at least the length of the longest sequence in input, but got total_length=${opts.totalLength} and max sequence length being ${steps}`,
      );
    total = opts.totalLength;
  }
  const data = sequence.data;
  const n = data.shape[0];
  const feat = data.shape.slice(1);
  // One extra row holding the padding value; every padded slot gathers it.
  const padRow = k.full([1, ...feat], opts.paddingValue ?? 0, { dtype: data.dtype, device: data.device });
  const src = k.cat([data, padRow], 0);
  const idx = new Int32Array(total * b).fill(n);
  let off = 0;
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < sizes[t]; i++) idx[t * b + i] = off + i;
    off += sizes[t];
  }
  let padded = src.indexSelect(0, int32(idx, data.device)).reshape([total, b, ...feat]);
  const lens = new Int32Array(b);
  for (let t = 0; t < steps; t++) for (let i = 0; i < sizes[t]; i++) lens[i]++;
  let lengths = int32(lens, 'cpu');
  const unsorted = unsortedList(sequence);
  if (sequence.unsortedIndices && unsorted) {
    const u = sequence.unsortedIndices;
    padded = padded.indexSelect(1, u.device === data.device ? u : int32(unsorted, data.device));
    lengths = int32(
      unsorted.map((i) => lens[i]),
      'cpu',
    );
  }
  if (opts.batchFirst) padded = padded.transpose(0, 1);
  return [padded, lengths];
}

/** Options of `padSequence` (like `torch.nn.utils.rnn.pad_sequence`'s arguments). */
export interface PadSequenceOptions {
  /** Return [B, maxL, *] instead of [maxL, B, *] (default `false`). */
  batchFirst?: boolean;
  /** Value of the padded slots (default 0). */
  paddingValue?: number;
  /** Pad after (`'right'`, default) or before (`'left'`) each sequence. */
  paddingSide?: 'right' | 'left';
}

/** Stacks [L_i, *] sequences into [maxL, B, *] ([B, maxL, *] with batchFirst), padding the ends. */
export function padSequence(sequences: readonly Tensor[], opts: PadSequenceOptions = {}): Tensor {
  if (sequences.length === 0) throw new Error('padSequence: received an empty list of sequences');
  const maxLen = Math.max(...sequences.map((s) => s.shape[0]));
  const value = opts.paddingValue ?? 0;
  const left = opts.paddingSide === 'left';
  const padded = sequences.map((s) => {
    const extra = maxLen - s.shape[0];
    if (extra === 0) return s;
    const fill = k.full([extra, ...s.shape.slice(1)], value, { dtype: s.dtype, device: s.device });
    return k.cat(left ? [fill, s] : [s, fill], 0);
  });
  return k.stack(padded, opts.batchFirst ? 0 : 1);
}

/** Packs a list of [L_i, *] sequences (sorted longest first unless `enforceSorted: false`). */
export function packSequence(
  sequences: readonly Tensor[],
  opts: { enforceSorted?: boolean } = {},
): PackedSequence {
  const lengths = sequences.map((s) => s.shape[0]);
  return packPaddedSequence(padSequence(sequences), lengths, { enforceSorted: opts.enforceSorted });
}

/** The inverse of padSequence: the list of unpadded sequences. */
export function unpadSequence(
  padded: Tensor,
  lengths: Tensor | readonly number[],
  opts: { batchFirst?: boolean } = {},
): Tensor[] {
  const x = opts.batchFirst ? padded : padded.transpose(0, 1);
  return toNumbers(lengths).map((len, i) => x.select(0, i).narrow(0, 0, len));
}

/** The inverse of packSequence: the list of sequences in their original order. */
export function unpackSequence(packed: PackedSequence): Tensor[] {
  const [padded, lengths] = padPackedSequence(packed, { batchFirst: true });
  return unpadSequence(padded, lengths, { batchFirst: true });
}
