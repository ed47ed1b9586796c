import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';

const i32 = (v: number[] | number[][]) => k.tensor(v, { dtype: 'int32' });
const f64 = (v: number[] | number[][] | number[][][], requiresGrad = false) =>
  k.tensor(v, { dtype: 'float64', requiresGrad });

describe('indexing and shape op errors', () => {
  it('index dtype and bounds', () => {
    const x = k.ones(5, 2);
    expect(() => x.indexSelect(0, k.tensor([1, 2]))).toThrow(
      'indexSelect(): Expected dtype int32 for index (got float32)',
    );
    expect(() => x.indexSelect(0, i32([1, 7]))).toThrow(
      'index 7 is out of bounds for dimension 0 with size 5',
    );
    expect(() => x.indexSelect(0, i32([-1]))).toThrow(
      'indexSelect(): index -1 is out of bounds for dimension 0 with size 5',
    );
    expect(() => x.indexSelect(0, i32([[1]]))).toThrow('indexSelect(): Index is supposed to be a vector');
    expect(() => x.indexSelect(2, i32([0]))).toThrow(
      'indexSelect(): Dimension out of range (expected to be in range of [-2, 1], but got 2)',
    );
    expect(() => x.gather(0, k.tensor([[0]]))).toThrow(
      'gather(): Expected dtype int32 for index (got float32)',
    );
    expect(() => x.gather(0, i32([[5, 0]]))).toThrow(
      'gather(): index 5 is out of bounds for dimension 0 with size 5',
    );
    expect(() => x.gather(0, i32([0]))).toThrow(
      'gather(): Index tensor must have the same number of dimensions as input tensor',
    );
    expect(() => x.gather(0, i32([[0, 0, 0]]))).toThrow(
      'gather(): Size does not match at dimension 1 expected index [1, 3] to be smaller than self [5, 2] apart from dimension 0',
    );
    expect(() => x.scatter(0, i32([[9]]), 1)).toThrow(
      'scatter(): index 9 is out of bounds for dimension 0 with size 5',
    );
    expect(() => x.scatter(0, i32([[0]]), k.ones([1, 1], { dtype: 'float64' }))).toThrow(
      'scatter(): Expected self.dtype to be equal to src.dtype',
    );
    expect(() => x.scatterAdd(1, i32([[0, 1, 0]]), k.ones(1, 2))).toThrow(
      'scatterAdd(): Expected index [1, 3] to be smaller size than src [1, 2]',
    );
    expect(() => x.take(i32([10]))).toThrow('take(): index 10 is out of bounds for dimension 0 with size 10');
    expect(() => x.index(i32([5]))).toThrow('index: index 5 is out of bounds for dimension 0 with size 5');
    expect(() => x.index(0, 2)).toThrow('index: index 2 is out of bounds for dimension 1 with size 2');
    expect(() => x.index(k.tensor([0.5]))).toThrow(
      'index: tensors used as indices must be int32 or bool tensors (got float32)',
    );
  });

  it('masks, index specs and shapes', () => {
    const x = k.ones(3, 4);
    expect(() => x.maskedFill(k.ones(3, 4), 0)).toThrow(
      'maskedFill: only supports boolean masks, but got mask with dtype float32',
    );
    expect(() => x.maskedFill(k.ones([3, 4], { dtype: 'bool' }), k.ones(2))).toThrow(
      'maskedFill: only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s).',
    );
    expect(() => x.maskedSelect(k.ones([2], { dtype: 'bool' }))).toThrow(
      /maskedSelect: The size of tensor a \(4\) must match the size of tensor b \(2\)/,
    );
    expect(() => x.index(0, 0, 0)).toThrow('index: too many indices for tensor of dimension 2 (got 3)');
    expect(() => x.index('...', 0, '...')).toThrow("index: an index can only have a single ellipsis ('...')");
    expect(() => x.index(k.ones([4], { dtype: 'bool' }))).toThrow(
      'index: The shape of the mask [4] at index 0 does not match the shape of the indexed tensor [3, 4] at index 0',
    );
    expect(() => x.index(i32([0, 1]), i32([0, 1, 2]))).toThrow(
      'index: shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]',
    );
    expect(() => x.indexPut([i32([0, 1])], k.ones(3))).toThrow(
      'indexPut: shape mismatch: value tensor of shape [3] cannot be broadcast to indexing result of shape [2, 4]',
    );
    expect(() => k.oneHot(k.tensor([1, 2]))).toThrow(
      'oneHot: one_hot is only applicable to index tensor of type int32 (got float32)',
    );
    expect(() => k.oneHot(i32([0, 3]), 3)).toThrow('oneHot: Class values must be smaller than num_classes.');
    expect(() => k.oneHot(i32([-1]))).toThrow('oneHot: Class values must be non-negative.');
    expect(() => k.oneHot(k.zeros([0], { dtype: 'int32' }))).toThrow(
      'oneHot: Can not infer total number of classes from empty tensor.',
    );
  });

  it('cat, stack, split, chunk, repeat, pad, triu', () => {
    expect(() => k.cat([k.ones(2, 3), k.ones(2, 4)])).toThrow(
      'Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor number 1 in the list.',
    );
    expect(() => k.cat([k.ones(2, 3), k.ones(4, 3)], 1)).toThrow(
      'cat: Sizes of tensors must match except in dimension 1. Expected size 2 but got size 4 for tensor number 1 in the list.',
    );
    expect(() => k.cat([k.ones(2, 3), k.ones(3)])).toThrow(
      'cat: Tensors must have same number of dimensions: got 2 and 1',
    );
    expect(() => k.cat([k.ones([])])).toThrow(
      'cat: zero-dimensional tensor (at position 0) cannot be concatenated',
    );
    expect(() => k.cat([])).toThrow('cat: expected a non-empty list of Tensors');
    expect(() => k.cat([k.ones(2)], 1)).toThrow(
      'cat: Dimension out of range (expected to be in range of [-1, 0], but got 1)',
    );
    expect(() => k.stack([k.ones(2, 3), k.ones(2, 4)])).toThrow(
      'stack: stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at entry 1',
    );
    expect(() => k.ones(5).split([2, 2])).toThrow(
      "split: split_with_sizes expects split_sizes to sum exactly to 5 (input tensor's size at dimension 0), but got split_sizes=[2, 2]",
    );
    expect(() => k.ones(5).split(0)).toThrow(
      'split: split_size can only be 0 if dimension size is 0, but got dimension size of 5',
    );
    expect(() => k.ones(5).chunk(0)).toThrow('chunk: chunk expects `chunks` to be greater than 0, got: 0');
    expect(() => k.ones(2, 3).repeat(2)).toThrow(
      'repeat: Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor',
    );
    expect(() => k.pad(k.ones(2, 3), [1])).toThrow('pad: Padding length must be divisible by 2');
    expect(() => k.pad(k.ones(3), [1, 1, 1, 1])).toThrow(
      'pad: Padding length should be less than or equal to two times the input dimension but got padding length 4 and input of dimension 1',
    );
    expect(() => k.pad(k.ones(1, 3), [3, 3], { mode: 'reflect' })).toThrow(
      'pad: Padding size should be less than the corresponding input dimension, but got: padding (3, 3) at dimension 1 of input [1, 3]',
    );
    expect(() => k.pad(k.ones(1, 3), [-2, -2])).toThrow(
      'pad: The input size 3, plus negative padding -2 and -2 resulted in a negative output size, which is invalid. Check dimension 1 of your input.',
    );
    expect(() => k.pad(k.ones(1, 3), [1, 1], { mode: 'replicate', value: 2 })).toThrow(
      'pad: Padding mode "replicate" doesn\'t take in value argument',
    );
    expect(() => k.ones(3).triu()).toThrow('triu: input tensor must have at least 2 dimensions');
    expect(() => k.ones(2, 3).movedim([0, 1], [0])).toThrow(/movedim: Invalid source or destination dims/);
    expect(() => k.ones(2).flip(0, 0)).toThrow('flip: dim 0 appears multiple times in the list of dims');
  });

  it('in-place forms check leaves and bump versions', () => {
    const leaf = k.ones([3], { requiresGrad: true });
    expect(() => leaf.maskedFill_(k.tensor([true, false, true]), 0)).toThrow(
      'maskedFill_: a leaf Variable that requires grad is being used in an in-place operation.',
    );
    const x = k.zeros(3);
    const v0 = x.version;
    x.indexPut_([i32([0, 2])], 5);
    expect(x.tolist()).toEqual([5, 0, 5]);
    expect(x.version).toBe(v0 + 1);
    x.scatter_(0, i32([1]), 2)
      .scatterAdd_(0, i32([1, 1]), k.ones(2))
      .maskedFill_(k.tensor([true, false, false]), -1);
    expect(x.tolist()).toEqual([-1, 4, 5]);
    expect(() => k.ones(2).maskedFill_(k.ones([2, 2], { dtype: 'bool' }), 0)).toThrow(
      /maskedFill_: output with shape \[2\]/,
    );
  });
});

describe('x.index(...) semantics (hand-computed, PyTorch reference)', () => {
  const x = () => k.arange(12, { dtype: 'float64' }).reshape(3, 4);

  it('x[idx], x[0, -1], x[..., None], x[mask]', () => {
    expect(
      x()
        .index(i32([2, 0]))
        .tolist(),
    ).toEqual([
      [8, 9, 10, 11],
      [0, 1, 2, 3],
    ]);
    expect(x().index(0, -1).tolist()).toBe(3);
    expect(x().index(0, -1).shape).toEqual([]);
    expect(x().index('...', null).shape).toEqual([3, 4, 1]);
    expect(x().index(null).shape).toEqual([1, 3, 4]);
    expect(x().index('...', 1).tolist()).toEqual([1, 5, 9]);
    expect(
      x()
        .index(k.slice(), k.slice(1, null, 2))
        .tolist(),
    ).toEqual([
      [1, 3],
      [5, 7],
      [9, 11],
    ]);
    const mask = k.tensor([
      [true, false, false, true],
      [false, false, false, false],
      [false, true, false, false],
    ]);
    expect(x().index(mask).tolist()).toEqual([0, 3, 9]);
    expect(
      x()
        .index(k.tensor([true, false, true]))
        .tolist(),
    ).toEqual([
      [0, 1, 2, 3],
      [8, 9, 10, 11],
    ]);
    // Advanced index at dim 1 keeps its place; 2-d index tensors give 2-d blocks.
    expect(x().index(k.slice(), i32([[3], [0]])).shape).toEqual([3, 2, 1]);
    expect(
      x()
        .index(k.slice(), i32([3, 0]))
        .tolist(),
    ).toEqual([
      [3, 0],
      [7, 4],
      [11, 8],
    ]);
    // Two tensors broadcast: x[[0, 2], [1, 3]] = [x[0,1], x[2,3]].
    expect(
      x()
        .index(i32([0, 2]), i32([1, 3]))
        .tolist(),
    ).toEqual([1, 11]);
    expect(x().index([2, -1], 0).tolist()).toEqual([8, 8]);
  });

  it('basic indexing is a view; advanced indexing copies', () => {
    const t = x();
    const row = t.index(1);
    expect(row.isView).toBe(true);
    k.noGrad(() => row.fill_(0));
    expect(t.index(1).tolist()).toEqual([0, 0, 0, 0]);
    const picked = t.index(i32([0]));
    k.noGrad(() => picked.fill_(-1));
    expect(t.index(0).tolist()).toEqual([0, 1, 2, 3]);
  });

  it('gradients flow through every spec kind', () => {
    const t = f64(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      true,
    );
    const y = t
      .index(i32([1, 1, 0]))
      .sum()
      .add(t.index(0, -1))
      .add(t.index(k.tensor([false, true]), 0).sum());
    y.backward();
    // rows picked: 1 twice, 0 once; plus t[0, 2]; plus t[1, 0].
    expect(t.grad?.tolist()).toEqual([
      [1, 1, 2],
      [3, 2, 2],
    ]);
    const u = f64(
      [
        [1, 2],
        [3, 4],
      ],
      true,
    );
    u.index(
      k.tensor([
        [true, false],
        [false, true],
      ]),
    )
      .mul(f64([10, 20]))
      .sum()
      .backward();
    expect(u.grad?.tolist()).toEqual([
      [10, 0],
      [0, 20],
    ]);
  });

  it('indexPut and indexPut_ with autograd', () => {
    const base = f64([1, 2, 3, 4], true);
    const v = f64([10, 20], true);
    const out = base.indexPut([i32([3, 0])], v);
    expect(out.tolist()).toEqual([20, 2, 3, 10]);
    out
      .mul(f64([1, 2, 3, 4]))
      .sum()
      .backward();
    expect(base.grad?.tolist()).toEqual([0, 2, 3, 0]);
    expect(v.grad?.tolist()).toEqual([4, 1]);

    const w = f64([1, 2, 3], true);
    const y = w.mul(1);
    y.indexPut_([k.tensor([true, false, true])], 0);
    y.sum().backward();
    expect(w.grad?.tolist()).toEqual([0, 1, 0]);

    const acc = k.zeros(3).indexPut([i32([0, 0, 2])], k.tensor([1, 2, 3]), true);
    expect(acc.tolist()).toEqual([3, 0, 3]);
  });

  it('cat / split / chunk / pad behave like PyTorch', () => {
    const a = k.tensor([[1, 2]]);
    expect(k.cat([k.zeros(0), a, k.tensor([[3, 4]])]).tolist()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(k.cat([a, k.tensor([[5]], { dtype: 'float64' })], 1).dtype).toBe('float64');
    const parts = k.arange(5).split(2);
    expect(parts.map((p) => p.tolist())).toEqual([[0, 1], [2, 3], [4]]);
    expect(parts.every((p) => p.isView)).toBe(true);
    expect(
      k
        .arange(6)
        .chunk(4)
        .map((p) => p.shape[0]),
    ).toEqual([2, 2, 2]);
    expect(k.pad(k.ones(1, 2, 2), [1, 1, 1, 1]).shape).toEqual([1, 4, 4]);
    expect(k.ones(2, 3).repeat(1, 1).isView).toBe(false);
    expect(k.nonzero(k.tensor([0, 3, 0, 1])).tolist()).toEqual([[1], [3]]);
  });
});
