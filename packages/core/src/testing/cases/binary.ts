import type { OpCase } from '../conformance.js';

/** Conformance cases of the binary elementwise family. */
export const cases: OpCase[] = [
  {
    op: 'add',
    name: 'same shape',
    inputs: [{ shape: [2, 3] }, { shape: [2, 3] }],
    fn: (a, b) => a.add(b),
    gradgrad: true,
  },
  {
    op: 'add',
    name: 'broadcast [3,1] + [4]',
    inputs: [{ shape: [3, 1] }, { shape: [4] }],
    fn: (a, b) => a.add(b),
  },
  { op: 'add', name: 'scalar alpha', inputs: [{ shape: [5] }], fn: (a) => a.add(2.5, 3) },
  {
    op: 'add',
    name: 'transposed + strided',
    inputs: [
      { shape: [3, 4], layout: 'transposed' },
      { shape: [3, 4], layout: 'strided' },
    ],
    fn: (a, b) => a.add(b),
  },
  { op: 'add', name: 'size-0 dim', inputs: [{ shape: [0, 3] }, { shape: [3] }], fn: (a, b) => a.add(b) },
  {
    op: 'add',
    name: 'int32',
    inputs: [
      { shape: [4], dtype: 'int32' },
      { shape: [4], dtype: 'int32' },
    ],
    fn: (a, b) => a.add(b),
  },
  {
    op: 'add',
    name: 'int32 + float scalar promotes',
    inputs: [{ shape: [2], dtype: 'int32', values: [1, 2] }],
    fn: (a) => a.add(0.5),
    expected: [1.5, 2.5],
  },
  {
    op: 'sub',
    name: 'expanded',
    inputs: [{ shape: [3, 2], layout: 'expanded' }, { shape: [3, 2] }],
    fn: (a, b) => a.sub(b),
  },
  {
    op: 'mul',
    name: 'broadcast 0-d',
    inputs: [{ shape: [] }, { shape: [2, 3] }],
    fn: (a, b) => a.mul(b),
    gradgrad: true,
  },
  {
    op: 'mul',
    name: 'size-1 dims',
    inputs: [{ shape: [1, 3, 1] }, { shape: [2, 1, 4] }],
    fn: (a, b) => a.mul(b),
  },
  {
    op: 'div',
    name: 'broadcast',
    inputs: [{ shape: [2, 3] }, { shape: [3], values: 'nonzero' }],
    fn: (a, b) => a.div(b),
    gradgrad: true,
  },
  {
    op: 'div',
    name: 'int32 true division',
    inputs: [{ shape: [3], dtype: 'int32', values: [1, 2, 3] }],
    fn: (a) => a.div(2),
    expected: [0.5, 1, 1.5],
  },
];
