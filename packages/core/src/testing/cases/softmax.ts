import type { OpCase } from '../conformance.js';

const INF = Number.POSITIVE_INFINITY;

/** Conformance cases of the softmax op family. */
export const cases: OpCase[] = [
  { op: 'softmax', name: 'last dim', inputs: [{ shape: [3, 4] }], fn: (a) => a.softmax(-1), gradgrad: true },
  {
    op: 'softmax',
    name: 'values',
    inputs: [{ shape: [2, 2], values: [0, Math.LN2, 1, 1] }],
    fn: (a) => a.softmax(1),
    expected: [
      [1 / 3, 2 / 3],
      [0.5, 0.5],
    ],
  },
  { op: 'softmax', name: 'dim 0', inputs: [{ shape: [3, 4] }], fn: (a) => a.softmax(0), gradgrad: true },
  { op: 'softmax', name: 'middle dim of 3-d', inputs: [{ shape: [2, 3, 4] }], fn: (a) => a.softmax(1) },
  {
    op: 'softmax',
    name: 'transposed',
    inputs: [{ shape: [3, 4], layout: 'transposed' }],
    fn: (a) => a.softmax(-1),
  },
  { op: 'softmax', name: 'strided', inputs: [{ shape: [3, 4], layout: 'strided' }], fn: (a) => a.softmax(1) },
  {
    op: 'softmax',
    name: 'expanded',
    inputs: [{ shape: [3, 4], layout: 'expanded' }],
    fn: (a) => a.softmax(0),
  },
  {
    op: 'softmax',
    name: 'size-1 dim is 1',
    inputs: [{ shape: [3, 1] }],
    fn: (a) => a.softmax(1),
    expected: [[1], [1], [1]],
  },
  { op: 'softmax', name: 'size-0 dim', inputs: [{ shape: [2, 0] }], fn: (a) => a.softmax(1) },
  { op: 'softmax', name: '0-d', inputs: [{ shape: [] }], fn: (a) => a.softmax(0), expected: 1 },
  {
    op: 'softmax',
    name: 'large values are stable, -inf gets 0',
    inputs: [{ shape: [2, 3], values: [1000, 1000, -INF, -1000, -1000, -1000] }],
    fn: (a) => a.softmax(1),
    expected: [
      [0.5, 0.5, 0],
      [1 / 3, 1 / 3, 1 / 3],
    ],
    noGrad: true,
  },
  {
    op: 'softmax',
    name: 'int32 with dtype',
    inputs: [{ shape: [2], dtype: 'int32', values: [1, 1] }],
    fn: (a) => a.softmax(0, { dtype: 'float32' }),
    expected: [0.5, 0.5],
  },
  {
    op: 'logSoftmax',
    name: 'last dim',
    inputs: [{ shape: [3, 4] }],
    fn: (a) => a.logSoftmax(-1),
    gradgrad: true,
  },
  {
    op: 'logSoftmax',
    name: 'values',
    inputs: [{ shape: [2], values: [0, Math.LN2] }],
    fn: (a) => a.logSoftmax(0),
    expected: [Math.log(1 / 3), Math.log(2 / 3)],
  },
  {
    op: 'logSoftmax',
    name: 'dim 0 of 3-d',
    inputs: [{ shape: [3, 2, 2] }],
    fn: (a) => a.logSoftmax(0),
    gradgrad: true,
  },
  {
    op: 'logSoftmax',
    name: 'transposed',
    inputs: [{ shape: [3, 4], layout: 'transposed' }],
    fn: (a) => a.logSoftmax(1),
  },
  {
    op: 'logSoftmax',
    name: 'strided',
    inputs: [{ shape: [3, 4], layout: 'strided' }],
    fn: (a) => a.logSoftmax(-1),
  },
  {
    op: 'logSoftmax',
    name: 'expanded',
    inputs: [{ shape: [3, 4], layout: 'expanded' }],
    fn: (a) => a.logSoftmax(-1),
  },
  { op: 'logSoftmax', name: 'size-1 dim', inputs: [{ shape: [1, 3] }], fn: (a) => a.logSoftmax(0) },
  { op: 'logSoftmax', name: 'size-0 dim', inputs: [{ shape: [0, 3] }], fn: (a) => a.logSoftmax(0) },
  {
    op: 'logSoftmax',
    name: 'large values are stable',
    inputs: [{ shape: [3], values: [1000, 1000, -1000] }],
    fn: (a) => a.logSoftmax(0),
    expected: [-Math.LN2, -Math.LN2, -2000 - Math.LN2],
  },
];
