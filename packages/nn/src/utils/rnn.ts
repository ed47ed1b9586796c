/**
 * `nn.utils.rnn`: variable-length batches as PackedSequence (PyTorch's layout: time-major rows of
 * the sequences still running at each step, longest first), and converting to/from padded
 * tensors. Packing and unpacking are single gathers (indexSelect), so gradients flow back to the
 * padded input.
 */
import * as k from '@kindling/core';

type Tensor = k.Tensor;

function toNumbers(v: Tensor | readonly number[]): number[] {
  if (v instanceof k.Tensor) {
    if (v.ndim !== 1) throw new Error(`lengths must be a 1-d tensor (got shape [${v.shape.join(', ')}])`);
    return Array.from(v.dataSync(), Number);
  }
  return v.slice();
}

function int32(values: readonly number[] | Int32Array, device?: string): Tensor {
  return k.tensor(Int32Array.from(values), { dtype: 'int32', device });
}

function invertPermutation(perm: Tensor): Tensor {
  const p = perm.dataSync();
  const inv = new Int32Array(p.length);
  for (let i = 0; i < p.length; i++) inv[p[i]] = i;
  return int32(inv, perm.device);
}

/**
 * Variable-length sequences packed time-major: `data` [sum(lengths), *] holds, for each time step
 * t, the rows of the `batchSizes[t]` sequences still running (sorted longest first).
 * `sortedIndices` maps sorted position to original batch index (null when the batch was already
 * sorted); `unsortedIndices` is its inverse.
 */
export class PackedSequence {
  readonly data: Tensor;
  /** int32 cpu tensor, one entry per time step. */
  readonly batchSizes: Tensor;
  readonly sortedIndices: Tensor | null;
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
  /** `batchSizes` as numbers. */
  batchSizesList(): number[] {
    if (this.sizes === null) this.sizes = Array.from(this.batchSizes.dataSync(), Number);
    return this.sizes;
  }
  /** The same packing around new data (e.g. an RNN's output). */
  withData(data: Tensor): PackedSequence {
    return new PackedSequence(data, this.batchSizes, this.sortedIndices, this.unsortedIndices);
  }
  to(target: k.DType | string | { dtype?: k.DType; device?: string }): PackedSequence {
    const data = this.data.to(target);
    if (data === this.data) return this;
    const dev = data.device;
    const move = (t: Tensor | null) => (t && t.device !== dev ? t.to(dev) : t);
    return new PackedSequence(data, this.batchSizes, move(this.sortedIndices), move(this.unsortedIndices));
  }
}

export interface PackOptions {
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
  let sortedIndices: Tensor | null = null;
  let x = input;
  if (enforceSorted) {
    for (let i = 1; i < lens.length; i++)
      if (lens[i] > lens[i - 1])
        throw new Error(
          '`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforceSorted: false` to packPaddedSequence and/or packSequence to sidestep this requirement if you do not need ONNX exportability.',
        );
  } else {
    const order = lens.map((_, i) => i).sort((i, j) => lens[j] - lens[i] || i - j);
    sortedIndices = int32(order, input.device);
    lens = order.map((i) => lens[i]);
    x = x.indexSelect(bdim, sortedIndices);
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
  return new PackedSequence(data, int32(batchSizes), sortedIndices);
}

export interface PadPackedOptions {
  batchFirst?: boolean;
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
  let lengths = int32(lens);
  if (sequence.unsortedIndices) {
    padded = padded.indexSelect(1, sequence.unsortedIndices);
    lengths = lengths.indexSelect(0, sequence.unsortedIndices.to('cpu'));
  }
  if (opts.batchFirst) padded = padded.transpose(0, 1);
  return [padded, lengths];
}

export interface PadSequenceOptions {
  batchFirst?: boolean;
  paddingValue?: number;
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
