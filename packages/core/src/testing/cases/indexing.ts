import { indexPut, nonzero, oneHot, slice, type Tensor } from '../../index.js';
import type { InputSpec, OpCase } from '../conformance.js';

const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);
const idx = (
  shape: readonly number[],
  values: readonly number[],
  layout?: InputSpec['layout'],
): InputSpec => ({
  shape,
  dtype: 'int32',
  values,
  layout,
});
const mask = (
  shape: readonly number[],
  values: readonly number[],
  layout?: InputSpec['layout'],
): InputSpec => ({
  shape,
  dtype: 'bool',
  values,
  layout,
});

/** Conformance cases of the indexing op family. */
export const cases: OpCase[] = [
  // ---------------------------------------------------------------- indexSelect
  {
    op: 'indexSelect',
    name: 'dim 0 with repeated indices',
    inputs: [{ shape: [4, 2], values: range(8) }, idx([3], [3, 0, 3])],
    fn: (x, i) => x.indexSelect(0, i),
    expected: [
      [6, 7],
      [0, 1],
      [6, 7],
    ],
    gradgrad: true,
  },
  {
    op: 'indexSelect',
    name: 'dim -1, transposed input, strided index',
    inputs: [{ shape: [3, 4], layout: 'transposed' }, idx([3], [2, 0, 3], 'strided')],
    fn: (x, i) => x.indexSelect(-1, i),
  },
  {
    op: 'indexSelect',
    name: 'empty index and size-0 input',
    inputs: [{ shape: [3, 2] }, idx([0], []), { shape: [0, 3] }],
    fn: (x, i, z) => [x.indexSelect(0, i), z.indexSelect(1, idx0(i))],
  },
  {
    op: 'indexSelect',
    name: 'int32 input, 0-d index, expanded input',
    inputs: [
      { shape: [3], dtype: 'int32', values: [5, 6, 7] },
      idx([], [2]),
      { shape: [2, 3], layout: 'expanded' },
    ],
    fn: (x, i, e) => [x.indexSelect(0, i), e.indexSelect(0, i.mul(0))],
  },
  // ---------------------------------------------------------------- gather
  {
    op: 'gather',
    name: 'dim 1',
    inputs: [{ shape: [2, 3], values: range(6) }, idx([2, 2], [2, 0, 1, 1])],
    fn: (x, i) => x.gather(1, i),
    expected: [
      [2, 0],
      [4, 4],
    ],
    gradgrad: true,
  },
  {
    op: 'gather',
    name: 'dim 0, index smaller than input, strided input',
    inputs: [{ shape: [3, 4], layout: 'strided' }, idx([2, 3], [2, 0, 1, 1, 1, 0])],
    fn: (x, i) => x.gather(0, i),
  },
  {
    op: 'gather',
    name: 'dim -1, expanded input, transposed index',
    inputs: [{ shape: [3, 4], layout: 'expanded' }, idx([3, 2], [3, 0, 1, 1, 2, 3], 'transposed')],
    fn: (x, i) => x.gather(-1, i),
  },
  {
    op: 'gather',
    name: 'size-0 index, 0-d input',
    inputs: [{ shape: [2, 3] }, idx([0, 3], []), { shape: [] }, idx([], [0])],
    fn: (x, i, s, j) => [x.gather(0, i), s.gather(0, j)],
  },
  {
    op: 'gather',
    name: 'bool input',
    inputs: [mask([2, 2], [1, 0, 0, 1]), idx([2, 1], [1, 1])],
    fn: (x, i) => x.gather(1, i),
    expected: [[false], [true]],
  },
  // ---------------------------------------------------------------- scatter
  {
    op: 'scatter',
    name: 'src tensor, dim 0',
    inputs: [
      { shape: [3, 4], values: range(12) },
      idx([2, 4], [0, 2, 1, 0, 2, 0, 0, 1]),
      { shape: [2, 4], values: range(8, 10) },
    ],
    fn: (x, i, s) => x.scatter(0, i, s),
    expected: [
      [10, 15, 16, 13],
      [4, 5, 12, 17],
      [14, 11, 10, 11],
    ],
    gradgrad: true,
  },
  {
    op: 'scatter',
    name: 'value, dim -1, transposed self',
    inputs: [{ shape: [3, 4], layout: 'transposed' }, idx([3, 2], [0, 3, 1, 2, 3, 2])],
    fn: (x, i) => x.scatter(-1, i, 2.5),
  },
  {
    op: 'scatter',
    name: 'src wider than index',
    inputs: [{ shape: [3, 3] }, idx([1, 2], [2, 0]), { shape: [2, 3] }],
    fn: (x, i, s) => x.scatter(0, i, s),
    gradgrad: true,
  },
  {
    op: 'scatter',
    name: 'int32, size-0 index',
    inputs: [
      { shape: [4], dtype: 'int32', values: [1, 2, 3, 4] },
      idx([2], [3, 0]),
      { shape: [2], dtype: 'int32', values: [9, 8] },
      idx([0], []),
    ],
    fn: (x, i, s, e) => [x.scatter(0, i, s), x.scatter(0, e, 7)],
    expected: [
      [8, 2, 3, 9],
      [1, 2, 3, 4],
    ],
  },
  {
    op: 'scatter_',
    name: 'in place on a copy',
    inputs: [{ shape: [2, 3] }, idx([2, 2], [1, 0, 0, 1]), { shape: [2, 2], layout: 'strided' }],
    fn: (x, i, s) => x.mul(1).scatter_(0, i, s),
  },
  // ---------------------------------------------------------------- scatterAdd / indexAdd
  {
    op: 'scatterAdd',
    name: 'duplicate indices accumulate',
    inputs: [
      { shape: [3], values: [1, 2, 3] },
      idx([4], [0, 2, 0, 0]),
      { shape: [4], values: [1, 10, 100, 1000] },
    ],
    fn: (x, i, s) => x.scatterAdd(0, i, s),
    expected: [1102, 2, 13],
    gradgrad: true,
  },
  {
    op: 'scatterAdd',
    name: 'dim 1, src wider than index and strided',
    inputs: [{ shape: [2, 3] }, idx([2, 2], [0, 0, 2, 1]), { shape: [2, 3], layout: 'strided' }],
    fn: (x, i, s) => x.scatterAdd(1, i, s),
  },
  {
    op: 'scatterAdd_',
    name: 'in place on a copy, expanded self',
    inputs: [{ shape: [2, 3], layout: 'expanded' }, idx([1, 3], [1, 1, 0]), { shape: [1, 3] }],
    fn: (x, i, s) => x.mul(1).scatterAdd_(0, i, s),
  },
  {
    op: 'indexAdd',
    name: 'repeated rows with alpha',
    inputs: [{ shape: [3, 2], values: range(6) }, idx([2], [2, 2]), { shape: [2, 2], values: [1, 2, 3, 4] }],
    fn: (x, i, s) => x.indexAdd(0, i, s, 2),
    expected: [
      [0, 1],
      [2, 3],
      [12, 17],
    ],
    gradgrad: true,
  },
  {
    op: 'indexAdd',
    name: 'dim -1, transposed, in place on a copy',
    inputs: [{ shape: [2, 4], layout: 'transposed' }, idx([3], [3, 0, 1]), { shape: [2, 3] }],
    fn: (x, i, s) => [x.indexAdd(-1, i, s), x.mul(1).indexAdd_(1, i, s)],
  },
  // ---------------------------------------------------------------- take
  {
    op: 'take',
    name: 'negative indices, 2-d index',
    inputs: [{ shape: [2, 3], values: range(6) }, idx([2, 2], [0, -1, 4, 2])],
    fn: (x, i) => x.take(i),
    expected: [
      [0, 5],
      [4, 2],
    ],
    gradgrad: true,
  },
  {
    op: 'take',
    name: 'transposed input, repeated index',
    inputs: [{ shape: [3, 2], layout: 'transposed' }, idx([4], [1, 1, 5, 0])],
    fn: (x, i) => x.take(i),
  },
  // ---------------------------------------------------------------- maskedFill
  {
    op: 'maskedFill',
    name: 'same shape',
    inputs: [{ shape: [2, 3], values: range(6) }, mask([2, 3], [1, 0, 0, 0, 1, 1])],
    fn: (x, m) => x.maskedFill(m, -1),
    expected: [
      [-1, 1, 2],
      [3, -1, -1],
    ],
    gradgrad: true,
  },
  {
    op: 'maskedFill',
    name: 'broadcast mask, 0-d value tensor with grad, transposed input',
    inputs: [{ shape: [2, 3], layout: 'transposed' }, mask([3], [0, 1, 1]), { shape: [] }],
    fn: (x, m, v) => x.maskedFill(m, v),
    gradgrad: true,
  },
  {
    op: 'maskedFill',
    name: 'mask broadcasts the input up, strided mask',
    inputs: [{ shape: [3] }, mask([2, 3], [1, 0, 0, 0, 0, 1], 'strided')],
    fn: (x, m) => x.maskedFill(m, 0.5),
  },
  {
    op: 'maskedFill',
    name: 'int32 and bool inputs, size-0',
    inputs: [
      { shape: [3], dtype: 'int32', values: [1, 2, 3] },
      mask([3], [0, 1, 0]),
      mask([3], [1, 1, 0]),
      { shape: [0, 3] },
    ],
    fn: (x, m, b, z) => [x.maskedFill(m, 7), b.maskedFill(m, false), z.maskedFill(m, 1)],
    expected: [[1, 7, 3], [true, false, false], []],
  },
  {
    op: 'maskedFill_',
    name: 'in place on a copy, expanded input',
    inputs: [{ shape: [2, 3], layout: 'expanded' }, mask([2, 3], [1, 0, 1, 0, 1, 0])],
    fn: (x, m) => x.mul(1).maskedFill_(m, 3),
  },
  // ---------------------------------------------------------------- maskedSelect / nonzero
  {
    op: 'maskedSelect',
    name: 'same shape',
    inputs: [{ shape: [2, 3], values: range(6) }, mask([2, 3], [1, 0, 1, 0, 0, 1])],
    fn: (x, m) => x.maskedSelect(m),
    expected: [0, 2, 5],
    gradgrad: true,
  },
  {
    op: 'maskedSelect',
    name: 'broadcast, strided input',
    inputs: [{ shape: [3], layout: 'strided' }, mask([2, 3], [1, 0, 1, 1, 1, 0])],
    fn: (x, m) => x.maskedSelect(m),
  },
  {
    op: 'maskedSelect',
    name: 'nothing selected, int32',
    inputs: [
      { shape: [2, 2] },
      mask([2, 2], [0, 0, 0, 0]),
      { shape: [2], dtype: 'int32', values: [4, 5] },
      mask([2], [0, 1]),
    ],
    fn: (x, m, i, n) => [x.maskedSelect(m), i.maskedSelect(n)],
    expected: [[], [5]],
  },
  {
    op: 'nonzero',
    name: 'int32, bool, transposed float, 1-d, empty',
    inputs: [
      { shape: [2, 3], dtype: 'int32', values: [0, 1, 0, 2, 0, 3] },
      mask([3], [1, 0, 1]),
      { shape: [2, 2], layout: 'transposed', values: [0, 1.5, 2, 0] },
      { shape: [0, 2] },
    ],
    fn: (i, b, f, e) => [i.nonzero(), nonzero(b), f.nonzero(), e.nonzero()],
    expected: [
      [
        [0, 1],
        [1, 0],
        [1, 2],
      ],
      [[0], [2]],
      [
        [0, 1],
        [1, 0],
      ],
      [],
    ],
    noGrad: true,
  },
  // ---------------------------------------------------------------- oneHot
  {
    op: 'oneHot',
    name: 'inferred number of classes',
    inputs: [idx([3], [0, 2, 1])],
    fn: (i) => oneHot(i),
    expected: [
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
    ],
  },
  {
    op: 'oneHot',
    name: 'explicit classes, 2-d transposed, size-0',
    inputs: [idx([2, 2], [3, 0, 1, 1], 'transposed'), idx([0], [])],
    fn: (i, e) => [oneHot(i, 4), oneHot(e, 2)],
    expected: [
      [
        [
          [0, 0, 0, 1],
          [1, 0, 0, 0],
        ],
        [
          [0, 1, 0, 0],
          [0, 1, 0, 0],
        ],
      ],
      [],
    ],
  },
  // ---------------------------------------------------------------- index (x[...])
  {
    op: 'index',
    name: 'int32 tensor on dim 0 (x[idx])',
    inputs: [{ shape: [3, 2], values: range(6) }, idx([2], [2, 0])],
    fn: (x, i) => x.index(i),
    expected: [
      [4, 5],
      [0, 1],
    ],
    gradgrad: true,
  },
  {
    op: 'index',
    name: 'numbers select (x[0, -1]), negative',
    inputs: [{ shape: [2, 3], values: range(6) }],
    fn: (x) => [x.index(0, -1), x.index(-1)],
    expected: [2, [3, 4, 5]],
  },
  {
    op: 'index',
    name: 'ellipsis and new axes (x[..., None], x[None, ..., 1])',
    inputs: [{ shape: [2, 3], layout: 'transposed' }],
    fn: (x) => {
      const a = x.index('...', null);
      const b = x.index(null, '...', 1);
      if (a.shape.join() !== '2,3,1' || b.shape.join() !== '1,2')
        throw new Error(`index: got shapes [${a.shape}] and [${b.shape}]`);
      return [a, b];
    },
  },
  {
    op: 'index',
    name: 'slices with step and negative bounds (x[1:, ::2], x[:-1])',
    inputs: [{ shape: [3, 5], values: range(15) }],
    fn: (x) => [x.index(slice(1), slice(null, null, 2)), x.index(slice(null, -1), 4)],
    expected: [
      [
        [5, 7, 9],
        [10, 12, 14],
      ],
      [4, 9],
    ],
  },
  {
    op: 'index',
    name: 'bool mask over all dims (x[mask])',
    inputs: [{ shape: [2, 3], values: range(6) }, mask([2, 3], [0, 1, 1, 0, 0, 1])],
    fn: (x, m) => x.index(m),
    expected: [1, 2, 5],
    gradgrad: true,
  },
  {
    op: 'index',
    name: 'bool mask over a middle dim (x[:, mask])',
    inputs: [{ shape: [2, 3, 2], layout: 'strided' }, mask([3], [1, 0, 1])],
    fn: (x, m) => x.index(slice(), m),
  },
  {
    op: 'index',
    name: 'adjacent index tensors keep their place (x[:, i, j])',
    inputs: [{ shape: [2, 3, 4], values: range(24) }, idx([2], [0, 2]), idx([2], [1, 3])],
    fn: (x, i, j) => x.index(slice(), i, j),
    expected: [
      [1, 11],
      [13, 23],
    ],
    gradgrad: true,
  },
  {
    op: 'index',
    name: 'non-adjacent index tensors go first (x[i, :, j])',
    inputs: [{ shape: [2, 3, 4], values: range(24) }, idx([2], [0, 1]), idx([2], [1, 3])],
    fn: (x, i, j) => x.index(i, slice(), j),
    expected: [
      [1, 5, 9],
      [15, 19, 23],
    ],
    gradgrad: true,
  },
  {
    op: 'index',
    name: 'index tensors broadcast together (x[i[:, None], j])',
    inputs: [{ shape: [3, 4], values: range(12) }, idx([2, 1], [0, 2]), idx([3], [0, 1, 3])],
    fn: (x, i, j) => x.index(i, j),
    expected: [
      [0, 1, 3],
      [8, 9, 11],
    ],
  },
  {
    op: 'index',
    name: '2-d index after a slice, transposed input',
    inputs: [{ shape: [2, 3, 4], layout: 'transposed' }, idx([2, 2], [2, 0, 1, 1])],
    fn: (x, i) => x.index(slice(), i),
  },
  {
    op: 'index',
    name: 'negative and repeated indices, number arrays',
    inputs: [{ shape: [4, 2] }, idx([3], [-1, 0, -1])],
    fn: (x, i) => [x.index(i), x.index([1, -4]), x.index([true, false, true, false], 1)],
  },
  {
    op: 'index',
    name: 'number then tensor, tensor then number',
    inputs: [{ shape: [2, 3, 4] }, idx([2], [2, 1])],
    fn: (x, i) => [x.index(1, i), x.index(i.sub(1), slice(), -2)],
  },
  {
    op: 'index',
    name: 'size-0 dims and empty indices',
    inputs: [{ shape: [0, 3] }, idx([2], [2, 0]), { shape: [3] }, idx([0], [])],
    fn: (x, i, y, e) => [x.index(slice(), i), y.index(e), x.index(e)],
  },
  {
    op: 'index',
    name: '0-d bool (x[True], x[False]) and int32/bool sources',
    inputs: [
      { shape: [2], values: [1, 2] },
      mask([], [1]),
      mask([], [0]),
      { shape: [3], dtype: 'int32', values: [4, 5, 6] },
      mask([3], [0, 1, 1]),
    ],
    fn: (x, t, f, i, b) => [x.index(t), x.index(f), i.index(b), b.index([2, 0])],
    expected: [[[1, 2]], [], [5, 6], [true, false]],
    noGrad: true,
  },
  {
    op: 'index',
    name: '0-d bool gradients',
    inputs: [{ shape: [2, 2] }, mask([], [1])],
    fn: (x, t) => x.index(t),
  },
  // ---------------------------------------------------------------- indexPut
  {
    op: 'indexPut',
    name: 'bool mask = number (x[mask] = -1)',
    inputs: [{ shape: [2, 3], values: range(6) }, mask([2, 3], [1, 0, 0, 0, 1, 0])],
    fn: (x, m) => x.indexPut([m], -1),
    expected: [
      [-1, 1, 2],
      [3, -1, 5],
    ],
    gradgrad: true,
  },
  {
    op: 'indexPut',
    name: 'tensor index, broadcast values tensor',
    inputs: [{ shape: [3, 2] }, idx([2], [2, 0]), { shape: [2] }],
    fn: (x, i, v) => indexPut(x, [i], v),
    gradgrad: true,
  },
  {
    op: 'indexPut',
    name: 'accumulate with duplicates',
    inputs: [{ shape: [3], values: [1, 2, 3] }, idx([3], [0, 0, 2]), { shape: [3], values: [1, 2, 3] }],
    fn: (x, i, v) => x.indexPut([i], v, true),
    expected: [4, 2, 6],
    gradgrad: true,
  },
  {
    op: 'indexPut_',
    name: 'in place on a copy, slice and number specs, transposed',
    inputs: [{ shape: [3, 4], layout: 'transposed' }, { shape: [2] }],
    fn: (x, v) => x.mul(1).indexPut_([slice(1), 0], v),
  },
  {
    op: 'indexPut_',
    name: 'int32 target, non-adjacent tensors, values cast',
    inputs: [{ shape: [2, 2, 2], dtype: 'int32', values: range(8) }, idx([2], [0, 1]), idx([2], [1, 0])],
    fn: (x, i, j) => x.clone().indexPut_([i, slice(), j], 9),
    expected: [
      [
        [0, 9],
        [2, 9],
      ],
      [
        [9, 5],
        [9, 7],
      ],
    ],
  },
];

/** A size-0 int32 index of the same device as `i` (avoids building tensors outside the case's inputs). */
function idx0(i: Tensor): Tensor {
  return i.narrow(0, 0, 0);
}
