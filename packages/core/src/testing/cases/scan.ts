import type { OpCase } from '../conformance.js';

const NAN = Number.NaN;

/** Conformance cases of the scan op family. */
export const cases: OpCase[] = [
  {
    op: 'cumsum',
    name: 'values dim 1',
    inputs: [{ shape: [2, 3], values: [1, 2, 3, 4, 5, 6] }],
    fn: (a) => a.cumsum(1),
    expected: [
      [1, 3, 6],
      [4, 9, 15],
    ],
    gradgrad: true,
  },
  { op: 'cumsum', name: 'dim 0', inputs: [{ shape: [3, 4] }], fn: (a) => a.cumsum(0) },
  { op: 'cumsum', name: 'negative dim, 3-d', inputs: [{ shape: [2, 3, 4] }], fn: (a) => a.cumsum(-2) },
  {
    op: 'cumsum',
    name: 'transposed',
    inputs: [{ shape: [3, 4], layout: 'transposed' }],
    fn: (a) => a.cumsum(1),
  },
  { op: 'cumsum', name: 'strided', inputs: [{ shape: [3, 4], layout: 'strided' }], fn: (a) => a.cumsum(-1) },
  { op: 'cumsum', name: 'expanded', inputs: [{ shape: [3, 4], layout: 'expanded' }], fn: (a) => a.cumsum(0) },
  {
    op: 'cumsum',
    name: 'size-1 and size-0',
    inputs: [{ shape: [1, 0] }],
    fn: (a) => [a.cumsum(0), a.cumsum(1)],
  },
  { op: 'cumsum', name: '0-d', inputs: [{ shape: [] }], fn: (a) => a.cumsum(0) },
  {
    op: 'cumsum',
    name: 'int32',
    inputs: [{ shape: [4], dtype: 'int32', values: [1, -2, 3, 4] }],
    fn: (a) => a.cumsum(0),
    expected: [1, -1, 2, 6],
  },
  {
    op: 'cumsum',
    name: 'bool gives int32',
    inputs: [{ shape: [4], dtype: 'bool', values: [1, 0, 1, 1] }],
    fn: (a) => a.cumsum(0),
    expected: [1, 1, 2, 3],
  },
  {
    op: 'cumprod',
    name: 'values',
    inputs: [{ shape: [2, 3], values: [1, 2, 3, 4, 5, 6] }],
    fn: (a) => a.cumprod(1),
    expected: [
      [1, 2, 6],
      [4, 20, 120],
    ],
    gradgrad: true,
  },
  { op: 'cumprod', name: 'dim 0', inputs: [{ shape: [4, 3] }], fn: (a) => a.cumprod(0), gradgrad: true },
  {
    op: 'cumprod',
    name: 'zeros: gradient exact',
    inputs: [{ shape: [2, 5], values: [2, 0, 3, 0.5, 4, 1.5, 0, -2, 0, 3] }],
    fn: (a) => a.cumprod(1),
    expected: [
      [2, 0, 0, 0, 0],
      [1.5, 0, 0, 0, 0],
    ],
    gradgrad: true,
  },
  {
    op: 'cumprod',
    name: 'transposed',
    inputs: [{ shape: [3, 4], layout: 'transposed' }],
    fn: (a) => a.cumprod(-1),
  },
  { op: 'cumprod', name: 'strided', inputs: [{ shape: [3, 4], layout: 'strided' }], fn: (a) => a.cumprod(0) },
  {
    op: 'cumprod',
    name: 'expanded',
    inputs: [{ shape: [3, 4], layout: 'expanded' }],
    fn: (a) => a.cumprod(0),
  },
  { op: 'cumprod', name: 'size-0 dim', inputs: [{ shape: [2, 0] }], fn: (a) => a.cumprod(1) },
  {
    op: 'cumprod',
    name: 'int32',
    inputs: [{ shape: [4], dtype: 'int32', values: [1, -2, 3, 4] }],
    fn: (a) => a.cumprod(0),
    expected: [1, -2, -6, -24],
  },
  {
    op: 'cummax',
    name: 'values, last index among ties, NaN sticks',
    inputs: [{ shape: [2, 4], values: [1, 3, 3, 2, 1, NAN, 5, NAN] }],
    fn: (a) => a.cummax(1),
    expected: [
      [
        [1, 3, 3, 3],
        [1, NAN, NAN, NAN],
      ],
      [
        [0, 1, 2, 2],
        [0, 1, 1, 3],
      ],
    ],
    noGrad: true,
  },
  { op: 'cummax', name: 'dim 0', inputs: [{ shape: [4, 3] }], fn: (a) => a.cummax(0), gradgrad: true },
  {
    op: 'cummax',
    name: 'transposed',
    inputs: [{ shape: [3, 4], layout: 'transposed' }],
    fn: (a) => a.cummax(-1),
  },
  {
    op: 'cummin',
    name: 'values',
    inputs: [{ shape: [4], values: [3, 1, 2, 0] }],
    fn: (a) => a.cummin(0),
    expected: [
      [3, 1, 1, 0],
      [0, 1, 1, 3],
    ],
  },
  { op: 'cummin', name: 'strided', inputs: [{ shape: [3, 4], layout: 'strided' }], fn: (a) => a.cummin(1) },
  {
    op: 'cummin',
    name: 'int32',
    inputs: [{ shape: [3], dtype: 'int32', values: [2, 5, -1] }],
    fn: (a) => a.cummin(0),
    expected: [
      [2, 2, -1],
      [0, 0, 2],
    ],
  },
];
