import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';
import * as data from '../src/data/index.js';

const rows = (t: k.Tensor) => t.tolist() as number[][];

function makeDataset(n = 10) {
  const x = k.arange(n * 2, { dtype: 'float32' }).reshape(n, 2);
  const y = k.arange(n, { dtype: 'int32' });
  return { x, y, ds: new data.TensorDataset(x, y) };
}

describe('TensorDataset', () => {
  it('indexes samples along the first dim', () => {
    const { ds } = makeDataset(4);
    expect(ds.length).toBe(4);
    const [x2, y2] = ds.get(2);
    expect(x2.tolist()).toEqual([4, 5]);
    expect(y2.item()).toBe(2);
    expect(() => ds.get(4)).toThrow('index 4 is out of bounds for dimension 0 with size 4');
    expect(() => new data.TensorDataset(k.zeros([3]), k.zeros([4]))).toThrow('Size mismatch between tensors');
  });
});

describe('DataLoader', () => {
  it('batches in order with the last partial batch, or drops it', () => {
    const { ds } = makeDataset(10);
    const loader = new data.DataLoader(ds, { batchSize: 4 });
    expect(loader.length).toBe(3);
    const ys = [...loader].map(([, y]) => y.tolist());
    expect(ys).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    const [x0] = [...loader][0];
    expect(x0.shape).toEqual([4, 2]);
    expect(rows(x0)[1]).toEqual([2, 3]);
    const dropped = new data.DataLoader(ds, { batchSize: 4, dropLast: true });
    expect(dropped.length).toBe(2);
    expect([...dropped].length).toBe(2);
  });

  it('shuffles deterministically with a seeded generator, differently each epoch', () => {
    const { ds } = makeDataset(10);
    const epoch = (l: data.DataLoader<k.Tensor[]>) => [...l].flatMap(([, y]) => y.tolist() as number[]);
    const a = new data.DataLoader(ds, { batchSize: 3, shuffle: true, generator: new k.Generator(42) });
    const b = new data.DataLoader(ds, { batchSize: 3, shuffle: true, generator: new k.Generator(42) });
    const a1 = epoch(a);
    const a2 = epoch(a);
    expect(epoch(b)).toEqual(a1);
    expect(epoch(b)).toEqual(a2);
    expect(a1).not.toEqual(a2);
    expect([...a1].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // The order is k.randperm's with the same generator state.
    const perm = k.randperm(10, { generator: new k.Generator(42) }).tolist();
    expect(a1).toEqual(perm);
    const c = new data.DataLoader(ds, { batchSize: 3, shuffle: true, generator: new k.Generator(7) });
    expect(epoch(c)).not.toEqual(a1);
    // Features stay paired with labels.
    for (const [x, y] of a)
      (y.tolist() as number[]).forEach((label, i) => expect(rows(x)[i]).toEqual([2 * label, 2 * label + 1]));
  });

  it('is async-iterable', async () => {
    const { ds } = makeDataset(5);
    const seen: number[][] = [];
    for await (const [x, y] of new data.DataLoader(ds, { batchSize: 2 })) {
      expect(x.shape[0]).toBe(y.shape[0]);
      seen.push(y.tolist() as number[]);
    }
    expect(seen).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('collates custom datasets: tensors, numbers, tuples, objects, strings', async () => {
    const ds: data.Dataset<{ img: k.Tensor; label: number; name: string; pair: [number, boolean] }> = {
      length: 3,
      get: (i) => ({
        img: k.full([2], i, { dtype: 'float32' }),
        label: i,
        name: `s${i}`,
        pair: [i * 0.5, i % 2 === 0],
      }),
    };
    const [batch] = [...new data.DataLoader(ds, { batchSize: 3 })];
    expect(batch.img.shape).toEqual([3, 2]);
    expect(batch.label.dtype).toBe('int32');
    expect(batch.label.tolist()).toEqual([0, 1, 2]);
    expect(batch.name).toEqual(['s0', 's1', 's2']);
    expect(batch.pair[0].dtype).toBe('float32');
    expect(batch.pair[0].tolist()).toEqual([0, 0.5, 1]);
    expect(batch.pair[1].tolist()).toEqual([true, false, true]);
    // Async datasets work with for await (and are rejected by the sync iterator).
    const asyncDs: data.Dataset<number> = { length: 2, get: async (i) => i * 10 };
    const out: unknown[] = [];
    for await (const b of new data.DataLoader(asyncDs, { batchSize: 2 })) out.push((b as k.Tensor).tolist());
    expect(out).toEqual([[0, 10]]);
    expect(() => [...new data.DataLoader(asyncDs, { batchSize: 2 })]).toThrow(/for await/);
  });

  it('supports a custom collateFn, batchSize null and a sampler', () => {
    const { ds } = makeDataset(4);
    const sums = [
      ...new data.DataLoader(ds, {
        batchSize: 2,
        collateFn: (samples) => samples.map(([x]) => x.sum().item() as number),
      }),
    ];
    expect(sums).toEqual([
      [1, 5],
      [9, 13],
    ]);
    const single = [...new data.DataLoader(ds, { batchSize: null })];
    expect(single.length).toBe(4);
    expect((single[3] as k.Tensor[])[1].item()).toBe(3);
    const sampled = [...new data.DataLoader(ds, { batchSize: 2, sampler: [3, 1, 2] })].map(([, y]) =>
      y.tolist(),
    );
    expect(sampled).toEqual([[3, 1], [2]]);
    expect(() => new data.DataLoader(ds, { batchSize: 0 })).toThrow(/positive integer/);
    expect(() => new data.DataLoader(ds, { shuffle: true, sampler: [0] })).toThrow(/mutually exclusive/);
  });

  it('default collate rejects ragged batches', () => {
    expect(() => data.defaultCollate([[1, 2], [3]])).toThrow(
      'each element in list of batch should be of equal size',
    );
    expect(() => data.defaultCollate([k.zeros([2]), k.zeros([3])])).toThrow(
      /stack expects each tensor to be equal size/,
    );
  });

  it('randomSplit is seeded and partitions the dataset', () => {
    const { ds } = makeDataset(10);
    const [a, b] = data.randomSplit(ds, [7, 3], new k.Generator(1));
    expect(a.length).toBe(7);
    expect(b.length).toBe(3);
    expect([...a.indices, ...b.indices].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const [c] = data.randomSplit(ds, [0.7, 0.3], new k.Generator(1));
    expect(c.indices).toEqual(a.indices);
    expect(() => data.randomSplit(ds, [5, 4])).toThrow(
      'Sum of input lengths does not equal the length of the input dataset!',
    );
  });
});
