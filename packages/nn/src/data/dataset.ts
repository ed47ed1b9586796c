/** PyTorch's torch.utils.data datasets. */
import * as k from '@kindling/core';

type Tensor = k.Tensor;

/** A map-style dataset (PyTorch's `Dataset`: `__getitem__` is `get`, `__len__` is `length`). */
export interface Dataset<T> {
  /** Number of samples. */
  readonly length: number;
  /** The sample at `index` (0 <= index < length); may be a promise for async sources. */
  get(index: number): T | Promise<T>;
}

/** A dataset whose samples can be fetched as one batch (DataLoader uses this instead of collating). */
export interface BatchedDataset<B> {
  /** The samples at `indices` as one batch. */
  getBatch(indices: readonly number[]): B;
}

/** Whether `d` has a `getBatch` method (see `BatchedDataset`). */
export function isBatchedDataset(d: unknown): d is BatchedDataset<unknown> {
  return typeof (d as { getBatch?: unknown })?.getBatch === 'function';
}

/** Wraps tensors sharing their first dimension; sample i is `[t0[i], t1[i], ...]`. */
export class TensorDataset implements Dataset<Tensor[]>, BatchedDataset<Tensor[]> {
  /** The wrapped tensors. */
  readonly tensors: Tensor[];
  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new Error('TensorDataset: expected at least one tensor');
    for (const t of tensors) {
      if (!k.isTensor(t)) throw new TypeError('TensorDataset: every argument must be a Tensor');
      if (t.ndim === 0) throw new Error('TensorDataset: tensors must have at least one dimension');
    }
    if (!tensors.every((t) => t.shape[0] === tensors[0].shape[0]))
      throw new Error('Size mismatch between tensors');
    this.tensors = tensors;
  }
  /** Size of the tensors' first dimension. */
  get length(): number {
    return this.tensors[0].shape[0];
  }
  get(index: number): Tensor[] {
    const n = this.length;
    if (!Number.isInteger(index) || index < -n || index >= n)
      throw new RangeError(`index ${index} is out of bounds for dimension 0 with size ${n}`);
    return this.tensors.map((t) => t.select(0, index));
  }
  /** The samples at `indices`, already batched (one indexSelect per tensor). */
  getBatch(indices: readonly number[]): Tensor[] {
    const n = this.length;
    for (const i of indices)
      if (!Number.isInteger(i) || i < 0 || i >= n)
        throw new RangeError(`index ${i} is out of bounds for dimension 0 with size ${n}`);
    const device = this.tensors[0].device;
    const idx = k.tensor(Int32Array.from(indices), { device });
    try {
      return this.tensors.map((t) => k.indexSelect(t, 0, idx.device === t.device ? idx : idx.to(t.device)));
    } finally {
      idx.dispose();
    }
  }
}

/** A view of `dataset` restricted to `indices` (PyTorch's Subset). */
export class Subset<T> implements Dataset<T> {
  constructor(
    /** The underlying dataset. */
    readonly dataset: Dataset<T>,
    /** Indices into `dataset`, in subset order. */
    readonly indices: readonly number[],
  ) {}
  /** Number of indices. */
  get length(): number {
    return this.indices.length;
  }
  get(index: number): T | Promise<T> {
    if (index < 0 || index >= this.indices.length)
      throw new RangeError(`index ${index} is out of range for a Subset of length ${this.indices.length}`);
    return this.dataset.get(this.indices[index]);
  }
}

/**
 * Randomly splits a dataset into non-overlapping subsets of the given lengths (or fractions that
 * sum to 1), with a seeded generator for reproducibility.
 */
export function randomSplit<T>(
  dataset: Dataset<T>,
  lengths: readonly number[],
  generator: k.Generator = k.defaultGenerator,
): Subset<T>[] {
  const n = dataset.length;
  let sizes = lengths.slice();
  const isFrac =
    lengths.every((l) => l >= 0 && l <= 1) && Math.abs(lengths.reduce((a, b) => a + b, 0) - 1) < 1e-9;
  if (isFrac && lengths.reduce((a, b) => a + b, 0) !== n) {
    sizes = lengths.map((f) => Math.floor(n * f));
    const rem = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < rem; i++) sizes[i % sizes.length] += 1;
  }
  if (sizes.reduce((a, b) => a + b, 0) !== n)
    throw new Error('Sum of input lengths does not equal the length of the input dataset!');
  const perm = permutation(n, generator);
  const out: Subset<T>[] = [];
  let off = 0;
  for (const s of sizes) {
    out.push(new Subset(dataset, perm.slice(off, off + s)));
    off += s;
  }
  return out;
}

/** A random permutation of 0..n-1 drawn from `g` (the same sequence `k.randperm(n, { generator })` gives). */
export function permutation(n: number, g: k.Generator): number[] {
  const arr = new Array<number>(n);
  for (let i = 0; i < n; i++) arr[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.int(0, i + 1);
    const t = arr[i];
    arr[i] = arr[j];
    arr[j] = t;
  }
  return arr;
}
