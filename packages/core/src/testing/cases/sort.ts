import type { OpCase } from '../conformance.js';

const NAN = Number.NaN;

/** Conformance cases of the sort op family. */
export const cases: OpCase[] = [
  {
    op: 'sort',
    name: 'values and indices',
    inputs: [{ shape: [2, 3], values: [3, 1, 2, 0, 5, -1] }],
    fn: (a) => a.sort(),
    expected: [
      [
        [1, 2, 3],
        [-1, 0, 5],
      ],
      [
        [1, 2, 0],
        [2, 0, 1],
      ],
    ],
  },
  { op: 'sort', name: 'last dim', inputs: [{ shape: [3, 5] }], fn: (a) => a.sort(), gradgrad: true },
  {
    op: 'sort',
    name: 'descending dim 0 (positional)',
    inputs: [{ shape: [4, 3] }],
    fn: (a) => a.sort(0, true),
    gradgrad: true,
  },
  {
    op: 'sort',
    name: 'options object, 3-d middle dim',
    inputs: [{ shape: [2, 4, 3] }],
    fn: (a) => a.sort({ dim: 1, descending: true }),
  },
  {
    op: 'sort',
    name: 'transposed',
    inputs: [{ shape: [3, 4], layout: 'transposed' }],
    fn: (a) => a.sort(-1),
  },
  { op: 'sort', name: 'strided', inputs: [{ shape: [3, 4], layout: 'strided' }], fn: (a) => a.sort(0) },
  { op: 'sort', name: 'expanded', inputs: [{ shape: [3, 4], layout: 'expanded' }], fn: (a) => a.sort(1) },
  {
    op: 'sort',
    name: 'size-1 and size-0',
    inputs: [{ shape: [1, 0] }],
    fn: (a) => [...a.sort(0), ...a.sort(1)],
  },
  { op: 'sort', name: '0-d', inputs: [{ shape: [] }], fn: (a) => a.sort() },
  {
    op: 'sort',
    name: 'NaN is largest',
    inputs: [{ shape: [5], values: [1, NAN, -2, NAN, 0] }],
    fn: (a) => [...a.sort(), ...a.sort(0, true)],
    expected: [
      [-2, 0, 1, NAN, NAN],
      [2, 4, 0, 1, 3],
      [NAN, NAN, 1, 0, -2],
      [1, 3, 0, 4, 2],
    ],
    noGrad: true,
  },
  {
    op: 'sort',
    name: 'stable with ties, both directions',
    inputs: [{ shape: [6], values: [2, 1, 2, 1, 0, 2] }],
    fn: (a) => [a.sort({ stable: true })[1], a.sort({ stable: true, descending: true })[1]],
    expected: [
      [4, 1, 3, 0, 2, 5],
      [0, 2, 5, 1, 3, 4],
    ],
    noGrad: true,
  },
  {
    op: 'sort',
    name: 'int32, and sorting int32 indices',
    inputs: [{ shape: [4], dtype: 'int32', values: [7, -3, 5, 0] }],
    fn: (a) => [...a.sort(0, true), a.argsort().sort()[0]],
    expected: [
      [7, 5, 0, -3],
      [0, 2, 3, 1],
      [0, 1, 2, 3],
    ],
  },
  {
    op: 'sort',
    name: 'bool',
    inputs: [{ shape: [4], dtype: 'bool', values: [1, 0, 1, 0] }],
    fn: (a) => a.sort(),
    expected: [
      [false, false, true, true],
      [1, 3, 0, 2],
    ],
  },
  {
    op: 'argsort',
    name: 'values',
    inputs: [{ shape: [2, 3], values: [3, 1, 2, 0, 5, -1] }],
    fn: (a) => [a.argsort(1), a.argsort(0, true)],
    expected: [
      [
        [1, 2, 0],
        [2, 0, 1],
      ],
      [
        [0, 1, 0],
        [1, 0, 1],
      ],
    ],
  },
  {
    op: 'argsort',
    name: 'transposed',
    inputs: [{ shape: [2, 3], values: [3, 1, 2, 0, 5, -1], layout: 'transposed' }],
    fn: (a) => a.argsort({ dim: -1 }),
    expected: [
      [1, 2, 0],
      [2, 0, 1],
    ],
  },
  {
    op: 'msort',
    name: 'dim 0',
    inputs: [{ shape: [3, 2], values: [3, 1, 2, 0, 5, -1] }],
    fn: (a) => a.msort(),
    expected: [
      [2, -1],
      [3, 0],
      [5, 1],
    ],
  },
  {
    op: 'topk',
    name: 'values and indices',
    inputs: [{ shape: [2, 4], values: [3, 1, 4, 1.5, 9, 2, 6, 5] }],
    fn: (a) => a.topk(2),
    expected: [
      [
        [4, 3],
        [9, 6],
      ],
      [
        [2, 0],
        [0, 2],
      ],
    ],
  },
  {
    op: 'topk',
    name: 'largest, last dim',
    inputs: [{ shape: [3, 5] }],
    fn: (a) => a.topk(3),
    gradgrad: true,
  },
  {
    op: 'topk',
    name: 'smallest along dim 0 (options)',
    inputs: [{ shape: [5, 3] }],
    fn: (a) => a.topk(2, { dim: 0, largest: false }),
    gradgrad: true,
  },
  {
    op: 'topk',
    name: 'positional (k, dim, largest)',
    inputs: [{ shape: [4, 3] }],
    fn: (a) => a.topk(1, 0, false),
  },
  { op: 'topk', name: 'transposed', inputs: [{ shape: [3, 4], layout: 'transposed' }], fn: (a) => a.topk(2) },
  { op: 'topk', name: 'strided', inputs: [{ shape: [3, 4], layout: 'strided' }], fn: (a) => a.topk(4, 1) },
  { op: 'topk', name: 'expanded', inputs: [{ shape: [3, 4], layout: 'expanded' }], fn: (a) => a.topk(2, -1) },
  {
    op: 'topk',
    name: 'small k of a long line (selection path)',
    inputs: [{ shape: [2, 40] }],
    fn: (a) => [...a.topk(3), ...a.topk(2, -1, false)],
  },
  { op: 'topk', name: 'k = 0', inputs: [{ shape: [2, 3] }], fn: (a) => a.topk(0) },
  {
    op: 'topk',
    name: 'NaN is largest; int32',
    inputs: [{ shape: [4], values: [1, NAN, 3, 2] }],
    fn: (a) => [...a.topk(2), ...a.int().topk(2, 0, false)],
    expected: [
      [NAN, 3],
      [1, 2],
      [0, 1],
      [1, 0],
    ],
    noGrad: true,
  },
  {
    op: 'kthvalue',
    name: 'values',
    inputs: [{ shape: [2, 4], values: [3, 1, 4, 1.5, 9, 2, 6, 5] }],
    fn: (a) => a.kthvalue(2),
    expected: [
      [1.5, 5],
      [3, 3],
    ],
  },
  {
    op: 'kthvalue',
    name: 'dim 0 keepdim',
    inputs: [{ shape: [4, 3] }],
    fn: (a) => a.kthvalue(3, 0, true),
    gradgrad: true,
  },
  {
    op: 'kthvalue',
    name: 'transposed',
    inputs: [{ shape: [3, 4], layout: 'transposed' }],
    fn: (a) => a.kthvalue(1, -1),
  },
  {
    op: 'median',
    name: 'all elements, lower median',
    inputs: [{ shape: [2, 2], values: [4, 1, 3, 2] }],
    fn: (a) => a.median(),
    expected: 2,
  },
  { op: 'median', name: 'all elements', inputs: [{ shape: [3, 3] }], fn: (a) => a.median(), gradgrad: true },
  {
    op: 'median',
    name: 'dim 1: values and indices',
    inputs: [{ shape: [2, 4], values: [3, 1, 4, 1.5, 9, 2, 6, 5] }],
    fn: (a) => a.median(1),
    expected: [
      [1.5, 5],
      [3, 3],
    ],
  },
  { op: 'median', name: 'dim 0 keepdim', inputs: [{ shape: [5, 3] }], fn: (a) => a.median(0, true) },
  { op: 'median', name: 'strided', inputs: [{ shape: [3, 5], layout: 'strided' }], fn: (a) => a.median(-1) },
  {
    op: 'median',
    name: 'NaN propagates',
    inputs: [{ shape: [2, 3], values: [1, NAN, 3, 2, 1, 0] }],
    fn: (a) => [...a.median(1), a.median()],
    expected: [[NAN, 1], [1, 1], NAN],
    noGrad: true,
  },
  {
    op: 'median',
    name: 'int32',
    inputs: [{ shape: [4], dtype: 'int32', values: [4, -1, 3, 2] }],
    fn: (a) => a.median(),
    expected: 2,
  },
];
