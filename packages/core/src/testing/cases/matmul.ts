import { addmm, linear } from '../../index.js';
import type { OpCase } from '../conformance.js';

const i32 = 'int32' as const;

/** Conformance cases of the matmul op family. */
export const cases: OpCase[] = [
  // ---- matmul: every rank combination
  {
    op: 'matmul',
    name: '1-d . 1-d (dot, 0-d result)',
    inputs: [{ shape: [5] }, { shape: [5] }],
    fn: (a, b) => a.matmul(b),
    gradgrad: true,
  },
  {
    op: 'matmul',
    name: '2-d @ 2-d',
    inputs: [{ shape: [3, 4] }, { shape: [4, 5] }],
    fn: (a, b) => a.matmul(b),
    gradgrad: true,
  },
  {
    op: 'matmul',
    name: 'expected values',
    inputs: [
      { shape: [2, 3], values: [1, 2, 3, 4, 5, 6] },
      { shape: [3, 2], values: [0.5, -1, 2, 0, -3, 1] },
    ],
    fn: (a, b) => a.matmul(b),
    expected: [
      [-4.5, 2],
      [-6, 2],
    ],
  },
  { op: 'matmul', name: '1-d @ 2-d', inputs: [{ shape: [4] }, { shape: [4, 3] }], fn: (a, b) => a.matmul(b) },
  { op: 'matmul', name: '2-d @ 1-d', inputs: [{ shape: [3, 4] }, { shape: [4] }], fn: (a, b) => a.matmul(b) },
  {
    op: 'matmul',
    name: 'batched 3-d @ 3-d',
    inputs: [{ shape: [2, 3, 4] }, { shape: [2, 4, 5] }],
    fn: (a, b) => a.matmul(b),
  },
  {
    op: 'matmul',
    name: 'broadcast batch [2,1,3,4] @ [3,4,2]',
    inputs: [{ shape: [2, 1, 3, 4] }, { shape: [3, 4, 2] }],
    fn: (a, b) => a.matmul(b),
    gradgrad: true,
  },
  {
    op: 'matmul',
    name: '3-d @ 2-d (folded into one product)',
    inputs: [{ shape: [2, 3, 4] }, { shape: [4, 5] }],
    fn: (a, b) => a.matmul(b),
    gradgrad: true,
  },
  {
    op: 'matmul',
    name: '2-d @ 3-d (broadcast left)',
    inputs: [{ shape: [3, 4] }, { shape: [2, 4, 5] }],
    fn: (a, b) => a.matmul(b),
  },
  {
    op: 'matmul',
    name: '1-d @ 3-d',
    inputs: [{ shape: [4] }, { shape: [2, 4, 3] }],
    fn: (a, b) => a.matmul(b),
  },
  {
    op: 'matmul',
    name: '3-d @ 1-d',
    inputs: [{ shape: [2, 3, 4] }, { shape: [4] }],
    fn: (a, b) => a.matmul(b),
  },
  {
    op: 'matmul',
    name: '4-d @ 4-d with size-1 batch dims on both sides',
    inputs: [{ shape: [2, 1, 2, 3] }, { shape: [1, 3, 3, 2] }],
    fn: (a, b) => a.matmul(b),
  },
  // ---- layouts
  {
    op: 'matmul',
    name: 'transposed @ strided',
    inputs: [
      { shape: [3, 4], layout: 'transposed' },
      { shape: [4, 5], layout: 'strided' },
    ],
    fn: (a, b) => a.matmul(b),
  },
  {
    op: 'matmul',
    name: 'strided @ transposed',
    inputs: [
      { shape: [5, 6], layout: 'strided' },
      { shape: [6, 7], layout: 'transposed' },
    ],
    fn: (a, b) => a.matmul(b),
  },
  {
    op: 'matmul',
    name: 'batched transposed @ expanded batch (stride 0)',
    inputs: [
      { shape: [3, 2, 4], layout: 'transposed' },
      { shape: [3, 4, 2], layout: 'expanded' },
    ],
    fn: (a, b) => a.matmul(b),
  },
  {
    op: 'matmul',
    name: 'mT of a matrix (transposed view) @ itself',
    inputs: [{ shape: [4, 3] }],
    fn: (a) => a.mT.matmul(a),
    gradgrad: true,
  },
  {
    op: 'matmul',
    name: '3-d strided @ 2-d transposed (folding copies a non-viewable input)',
    inputs: [
      { shape: [2, 3, 4], layout: 'strided' },
      { shape: [4, 5], layout: 'transposed' },
    ],
    fn: (a, b) => a.matmul(b),
  },
  {
    op: 'matmul',
    name: 'larger odd sizes (blocked GEMM path)',
    inputs: [{ shape: [13, 17], layout: 'transposed' }, { shape: [17, 11] }],
    fn: (a, b) => a.matmul(b),
  },
  // ---- size-1 and size-0 dims
  {
    op: 'matmul',
    name: '[1,1] @ [1,1]',
    inputs: [{ shape: [1, 1] }, { shape: [1, 1] }],
    fn: (a, b) => a.matmul(b),
  },
  {
    op: 'matmul',
    name: 'row @ column',
    inputs: [{ shape: [1, 4] }, { shape: [4, 1] }],
    fn: (a, b) => a.matmul(b),
  },
  {
    op: 'matmul',
    name: 'column @ row (outer product shape)',
    inputs: [{ shape: [3, 1] }, { shape: [1, 4] }],
    fn: (a, b) => a.matmul(b),
  },
  {
    op: 'matmul',
    name: 'size-0 M',
    inputs: [{ shape: [0, 3] }, { shape: [3, 4] }],
    fn: (a, b) => a.matmul(b),
    expected: [],
  },
  {
    op: 'matmul',
    name: 'K = 0 gives zeros',
    inputs: [{ shape: [2, 0] }, { shape: [0, 3] }],
    fn: (a, b) => a.matmul(b),
    expected: [
      [0, 0, 0],
      [0, 0, 0],
    ],
  },
  {
    op: 'matmul',
    name: 'size-0 batch',
    inputs: [{ shape: [0, 2, 3] }, { shape: [3, 2] }],
    fn: (a, b) => a.matmul(b),
  },
  {
    op: 'matmul',
    name: '1-d . 1-d of length 0 is 0',
    inputs: [{ shape: [0] }, { shape: [0] }],
    fn: (a, b) => a.matmul(b),
    expected: 0,
  },
  // ---- int32 (exact, no gradient)
  {
    op: 'matmul',
    name: 'int32 2-d',
    inputs: [
      { shape: [2, 2], dtype: i32, values: [1, 2, 3, 4] },
      { shape: [2, 2], dtype: i32, values: [5, 6, 7, 8] },
    ],
    fn: (a, b) => a.matmul(b),
    expected: [
      [19, 22],
      [43, 50],
    ],
  },
  {
    op: 'matmul',
    name: 'int32 1-d . 1-d',
    inputs: [
      { shape: [3], dtype: i32, values: [1, -2, 3] },
      { shape: [3], dtype: i32, values: [4, 5, -6] },
    ],
    fn: (a, b) => a.matmul(b),
    expected: -24,
  },
  {
    op: 'matmul',
    name: 'int32 batched transposed',
    inputs: [
      { shape: [2, 2, 3], dtype: i32, values: [1, 0, 2, -1, 3, 1, 2, 2, 0, 1, -1, 4] },
      { shape: [3, 1], dtype: i32, values: [1, 2, 3], layout: 'transposed' },
    ],
    fn: (a, b) => a.matmul(b),
    expected: [
      [[7], [8]],
      [[6], [11]],
    ],
  },
  {
    op: 'matmul',
    name: 'int32 wraps modulo 2^32',
    inputs: [
      { shape: [1, 2], dtype: i32, values: [65536, 2147483647] },
      { shape: [2, 1], dtype: i32, values: [65536, 2] },
    ],
    fn: (a, b) => a.matmul(b),
    expected: [[-2]],
  },
  // ---- mm, bmm, mv, dot, outer
  {
    op: 'mm',
    name: 'transposed operands',
    inputs: [
      { shape: [3, 5], layout: 'transposed' },
      { shape: [5, 2], layout: 'transposed' },
    ],
    fn: (a, b) => a.mm(b),
  },
  {
    op: 'mm',
    name: 'int32',
    inputs: [
      { shape: [1, 3], dtype: i32, values: [1, 2, 3] },
      { shape: [3, 2], dtype: i32, values: [1, 0, 0, 1, 1, 1] },
    ],
    fn: (a, b) => a.mm(b),
    expected: [[4, 5]],
  },
  { op: 'mm', name: 'size-0 N', inputs: [{ shape: [2, 3] }, { shape: [3, 0] }], fn: (a, b) => a.mm(b) },
  {
    op: 'bmm',
    name: 'batched',
    inputs: [{ shape: [3, 2, 4] }, { shape: [3, 4, 5], layout: 'strided' }],
    fn: (a, b) => a.bmm(b),
    gradgrad: true,
  },
  {
    op: 'bmm',
    name: 'expanded batch',
    inputs: [{ shape: [2, 3, 3], layout: 'expanded' }, { shape: [2, 3, 1] }],
    fn: (a, b) => a.bmm(b),
  },
  { op: 'mv', name: 'matrix-vector', inputs: [{ shape: [3, 4] }, { shape: [4] }], fn: (a, v) => a.mv(v) },
  {
    op: 'mv',
    name: 'transposed matrix, strided vector',
    inputs: [
      { shape: [5, 3], layout: 'transposed' },
      { shape: [3], layout: 'strided' },
    ],
    fn: (a, v) => a.mv(v),
  },
  {
    op: 'dot',
    name: 'vectors',
    inputs: [
      { shape: [3], values: [1, 2, 3] },
      { shape: [3], values: [4, 5, 6] },
    ],
    fn: (a, b) => a.dot(b),
    expected: 32,
    gradgrad: true,
  },
  {
    op: 'dot',
    name: 'int32',
    inputs: [
      { shape: [2], dtype: i32, values: [7, -3] },
      { shape: [2], dtype: i32, values: [2, 5] },
    ],
    fn: (a, b) => a.dot(b),
    expected: -1,
  },
  {
    op: 'outer',
    name: 'vectors',
    inputs: [
      { shape: [2], values: [1, 2] },
      { shape: [3], values: [3, 4, 5] },
    ],
    fn: (a, b) => a.outer(b),
    expected: [
      [3, 4, 5],
      [6, 8, 10],
    ],
  },
  {
    op: 'outer',
    name: 'strided, size 0',
    inputs: [{ shape: [3], layout: 'strided' }, { shape: [0] }],
    fn: (a, b) => a.outer(b),
  },
  // ---- addmm and linear
  {
    op: 'addmm',
    name: 'beta and alpha, broadcast input',
    inputs: [{ shape: [3] }, { shape: [2, 4] }, { shape: [4, 3] }],
    fn: (c, a, b) => addmm(c, a, b, { beta: 0.5, alpha: 2 }),
  },
  {
    op: 'addmm',
    name: 'beta = 0 ignores input',
    inputs: [
      { shape: [1, 1], values: [Number.NaN], requiresGrad: false },
      { shape: [1, 2], values: [1, 2] },
      { shape: [2, 1], values: [3, 4] },
    ],
    fn: (c, a, b) => addmm(c, a, b, { beta: 0 }),
    expected: [[11]],
  },
  {
    op: 'linear',
    name: '2-d input with bias',
    inputs: [{ shape: [4, 3] }, { shape: [5, 3] }, { shape: [5] }],
    fn: (x, w, b) => linear(x, w, b),
    gradgrad: true,
  },
  {
    op: 'linear',
    name: '3-d input, no bias',
    inputs: [{ shape: [2, 3, 4] }, { shape: [2, 4] }],
    fn: (x, w) => linear(x, w),
  },
  {
    op: 'linear',
    name: '1-d input',
    inputs: [{ shape: [3] }, { shape: [2, 3] }, { shape: [2] }],
    fn: (x, w, b) => linear(x, w, b),
  },
  {
    op: 'linear',
    name: 'expected values',
    inputs: [
      { shape: [1, 2], values: [1, 2] },
      { shape: [2, 2], values: [1, 0, 1, 1] },
      { shape: [2], values: [0.5, -1] },
    ],
    fn: (x, w, b) => linear(x, w, b),
    expected: [[1.5, 2]],
  },
];
