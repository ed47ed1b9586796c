/** PyTorch's torch.utils.data.DataLoader, sync- and async-iterable. */
import * as k from '@kindling/core';
import { type Dataset, isBatchedDataset, permutation } from './dataset.js';

type Tensor = k.Tensor;

/** What `defaultCollate` makes of a batch of samples of type T. */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean
    ? Tensor
    : T extends string
      ? string[]
      : T extends readonly unknown[]
        ? { [I in keyof T]: Collated<T[I]> }
        : T extends object
          ? { [K in keyof T]: Collated<T[K]> }
          : T[];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
}

/**
 * PyTorch's default_collate: tensors are stacked along a new first dim; numbers become a tensor
 * (int32 when all are integers, else float32); booleans a bool tensor; typed arrays a stacked
 * tensor; arrays (tuples) and plain objects are collated element/key-wise; strings stay a list.
 */
export function defaultCollate<T>(batch: readonly T[]): Collated<T> {
  return collate(batch as readonly unknown[]) as Collated<T>;
}

function collate(batch: readonly unknown[]): unknown {
  if (batch.length === 0) throw new Error('defaultCollate: empty batch');
  const first = batch[0];
  if (k.isTensor(first)) {
    if (!batch.every(k.isTensor)) throw new TypeError('defaultCollate: batch mixes Tensors with other types');
    return k.stack(batch as Tensor[], 0);
  }
  if (typeof first === 'number') {
    if (!batch.every((v) => typeof v === 'number'))
      throw new TypeError('defaultCollate: batch mixes numbers with other types');
    const nums = batch as number[];
    return k.tensor(nums, { dtype: nums.every(Number.isInteger) ? 'int32' : 'float32' });
  }
  if (typeof first === 'boolean') return k.tensor(batch as boolean[], { dtype: 'bool' });
  if (typeof first === 'string') return batch.slice();
  if (ArrayBuffer.isView(first) && !(first instanceof DataView)) {
    const arrays = batch as k.TypedArray[];
    const len = arrays[0].length;
    if (!arrays.every((a) => a.length === len))
      throw new Error('each element in list of batch should be of equal size');
    const parts = arrays.map((a) => k.tensor(a));
    try {
      return k.stack(parts, 0);
    } finally {
      k.dispose(parts);
    }
  }
  if (Array.isArray(first)) {
    const len = first.length;
    if (!batch.every((s) => Array.isArray(s) && s.length === len))
      throw new Error('each element in list of batch should be of equal size');
    return first.map((_, i) => collate(batch.map((s) => (s as unknown[])[i])));
  }
  if (isPlainObject(first)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first))
      out[key] = collate(batch.map((s) => (s as Record<string, unknown>)[key]));
    return out;
  }
  throw new TypeError(
    `default_collate: batch must contain tensors, numbers, booleans, strings, typed arrays, arrays or plain objects; found ${first === null ? 'null' : typeof first}`,
  );
}

/** Options of `DataLoader` (like `torch.utils.data.DataLoader`'s arguments; no workers). */
export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1); null yields single samples uncollated. */
  batchSize?: number | null;
  /** Reshuffle the order at the start of every epoch (every iteration of the loader). */
  shuffle?: boolean;
  /** Generator for shuffling (seed it for reproducible order); default: k.defaultGenerator. */
  generator?: k.Generator;
  /** Drop the last incomplete batch. */
  dropLast?: boolean;
  /** Turns a list of samples into a batch (default: `defaultCollate`). */
  collateFn?: (samples: T[]) => B;
  /** Custom order of sample indices (mutually exclusive with shuffle). */
  sampler?: Iterable<number>;
}

/**
 * Iterates a dataset in (shuffled) mini-batches: `for (const [x, y] of loader)` or
 * `for await (const [x, y] of loader)` (which also accepts datasets whose `get` is async and yields
 * to the event loop between batches). TensorDatasets with the default collate are batched with one
 * indexSelect per tensor.
 */
export class DataLoader<T = unknown, B = Collated<T>> implements Iterable<B>, AsyncIterable<B> {
  /** The dataset being iterated. */
  readonly dataset: Dataset<T>;
  /** Samples per batch; `null` yields single samples uncollated. */
  readonly batchSize: number | null;
  /** Whether each epoch reshuffles the order. */
  readonly shuffle: boolean;
  /** Whether the last incomplete batch is dropped. */
  readonly dropLast: boolean;
  /** Generator used for shuffling. */
  readonly generator: k.Generator;
  /** Turns a list of samples into a batch. */
  readonly collateFn: (samples: T[]) => B;
  private readonly sampler: Iterable<number> | undefined;
  private readonly customCollate: boolean;

  constructor(dataset: Dataset<T>, opts: DataLoaderOptions<T, B> = {}) {
    this.dataset = dataset;
    const bs = opts.batchSize === undefined ? 1 : opts.batchSize;
    if (bs !== null && (!Number.isInteger(bs) || bs <= 0))
      throw new Error(`batch_size should be a positive integer value, but got batch_size=${bs}`);
    if (opts.sampler !== undefined && opts.shuffle)
      throw new Error('sampler option is mutually exclusive with shuffle');
    this.batchSize = bs;
    this.shuffle = opts.shuffle ?? false;
    this.dropLast = opts.dropLast ?? false;
    this.generator = opts.generator ?? k.defaultGenerator;
    this.customCollate = opts.collateFn !== undefined;
    this.collateFn = opts.collateFn ?? ((samples: T[]) => defaultCollate(samples) as unknown as B);
    this.sampler = opts.sampler;
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.sampler ? [...this.sampler].length : this.dataset.length;
    if (this.batchSize === null) return n;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The sample order for one epoch, split into batches (draws from the generator when shuffling). */
  batchIndices(): number[][] {
    const n = this.dataset.length;
    let order: number[];
    if (this.sampler) order = [...this.sampler];
    else if (this.shuffle) order = permutation(n, this.generator);
    else order = Array.from({ length: n }, (_, i) => i);
    const bs = this.batchSize ?? 1;
    const out: number[][] = [];
    for (let i = 0; i < order.length; i += bs) {
      const b = order.slice(i, i + bs);
      if (b.length < bs && this.dropLast) break;
      out.push(b);
    }
    return out;
  }

  private fetchSync(indices: number[]): B {
    const ds = this.dataset;
    if (this.batchSize !== null && !this.customCollate && isBatchedDataset(ds))
      return ds.getBatch(indices) as B;
    const samples = indices.map((i) => {
      const s = ds.get(i);
      if (s instanceof Promise)
        throw new Error('DataLoader: the dataset returned a Promise; iterate with `for await` instead');
      return s;
    });
    if (this.batchSize === null) return samples[0] as unknown as B;
    return this.collateFn(samples);
  }

  *[Symbol.iterator](): Iterator<B> {
    for (const b of this.batchIndices()) yield this.fetchSync(b);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    const ds = this.dataset;
    let last = Date.now();
    for (const b of this.batchIndices()) {
      // Let timers, I/O and rendering run at least every ~16 ms of loading and training.
      if (Date.now() - last > 16) {
        await yieldToEventLoop();
        last = Date.now();
      }
      if (this.batchSize !== null && !this.customCollate && isBatchedDataset(ds)) {
        yield ds.getBatch(b) as B;
        continue;
      }
      const samples = await Promise.all(b.map((i) => ds.get(i)));
      yield this.batchSize === null ? (samples[0] as unknown as B) : this.collateFn(samples);
    }
  }
}

function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown };
  return new Promise((resolve) => {
    if (typeof g.setImmediate === 'function') g.setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
