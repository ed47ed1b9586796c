import { cat, pad, stack } from '../../index.js';
import type { OpCase } from '../conformance.js';

const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

/** Conformance cases of the shape op family. */
export const cases: OpCase[] = [
  // ---------------------------------------------------------------- cat
  {
    op: 'cat',
    name: 'dim 0',
    inputs: [
      { shape: [2, 2], values: [1, 2, 3, 4] },
      { shape: [1, 2], values: [5, 6] },
    ],
    fn: (a, b) => cat([a, b]),
    expected: [
      [1, 2],
      [3, 4],
      [5, 6],
    ],
    gradgrad: true,
  },
  {
    op: 'cat',
    name: 'dim -1, size-0 piece, transposed',
    inputs: [{ shape: [2, 1] }, { shape: [2, 0] }, { shape: [2, 3], layout: 'transposed' }],
    fn: (a, b, c) => cat([a, b, c], -1),
  },
  {
    op: 'cat',
    name: 'legacy 1-d empty tensor is skipped',
    inputs: [{ shape: [0] }, { shape: [2, 3] }, { shape: [1, 3], layout: 'strided' }],
    fn: (a, b, c) => cat([a, b, c]),
  },
  {
    op: 'cat',
    name: 'all 1-d empty',
    inputs: [{ shape: [0] }, { shape: [0] }],
    fn: (a, b) => cat([a, b]),
    expected: [],
  },
  {
    op: 'cat',
    name: 'int32 + float32 promotes',
    inputs: [
      { shape: [2], dtype: 'int32', values: [1, 2] },
      { shape: [1], values: [0.5] },
    ],
    fn: (a, b) => cat([a, b]),
    expected: [1, 2, 0.5],
  },
  {
    op: 'cat',
    name: 'bool',
    inputs: [
      { shape: [1, 2], dtype: 'bool', values: [1, 0] },
      { shape: [1, 2], dtype: 'bool', values: [0, 1] },
    ],
    fn: (a, b) => cat([a, b], 1),
    expected: [[true, false, false, true]],
  },
  {
    op: 'cat',
    name: 'expanded + strided, dim 1 of 3-d',
    inputs: [
      { shape: [2, 3, 2], layout: 'expanded' },
      { shape: [2, 1, 2], layout: 'strided' },
    ],
    fn: (a, b) => cat([a, b], 1),
  },
  // ---------------------------------------------------------------- stack
  {
    op: 'stack',
    name: 'dim 0',
    inputs: [
      { shape: [2], values: [1, 2] },
      { shape: [2], values: [3, 4] },
    ],
    fn: (a, b) => stack([a, b]),
    expected: [
      [1, 2],
      [3, 4],
    ],
    gradgrad: true,
  },
  {
    op: 'stack',
    name: 'dim -1 (new last dim), transposed',
    inputs: [{ shape: [2, 3], layout: 'transposed' }, { shape: [2, 3] }, { shape: [2, 3] }],
    fn: (a, b, c) => stack([a, b, c], -1),
  },
  {
    op: 'stack',
    name: 'size-0 dim',
    inputs: [{ shape: [0, 2] }, { shape: [0, 2] }],
    fn: (a, b) => stack([a, b], 1),
  },
  {
    op: 'stack',
    name: '0-d inputs',
    inputs: [
      { shape: [], values: [3] },
      { shape: [], values: [4] },
    ],
    fn: (a, b) => stack([a, b]),
    expected: [3, 4],
  },
  // ---------------------------------------------------------------- split / chunk
  {
    op: 'split',
    name: 'size 2 of 5 (last piece smaller)',
    inputs: [{ shape: [5, 2], values: range(10) }],
    fn: (a) => a.split(2),
    expected: [
      [
        [0, 1],
        [2, 3],
      ],
      [
        [4, 5],
        [6, 7],
      ],
      [[8, 9]],
    ],
  },
  {
    op: 'split',
    name: 'sections, dim -1, transposed',
    inputs: [{ shape: [3, 6], layout: 'transposed' }],
    fn: (a) => a.split([1, 0, 5], -1),
  },
  {
    op: 'split',
    name: 'size-0 dim',
    inputs: [{ shape: [0, 3] }],
    fn: (a) => a.split(2),
  },
  {
    op: 'chunk',
    name: '3 chunks of 5 rows',
    inputs: [{ shape: [5, 3] }],
    fn: (a) => a.chunk(3),
    gradgrad: true,
  },
  {
    op: 'chunk',
    name: 'more chunks than elements, dim 1, strided',
    inputs: [{ shape: [2, 2], layout: 'strided', values: [1, 2, 3, 4] }],
    fn: (a) => a.chunk(4, 1),
    expected: [
      [[1], [3]],
      [[2], [4]],
    ],
  },
  {
    op: 'chunk',
    name: 'empty dim gives `chunks` empty pieces',
    inputs: [{ shape: [0] }],
    fn: (a) => {
      const out = a.chunk(3);
      if (out.length !== 3) throw new Error(`chunk: expected 3 pieces, got ${out.length}`);
      return out;
    },
  },
  // ---------------------------------------------------------------- flip
  {
    op: 'flip',
    name: 'both dims',
    inputs: [{ shape: [2, 3], values: range(6) }],
    fn: (a) => a.flip(0, 1),
    expected: [
      [5, 4, 3],
      [2, 1, 0],
    ],
    gradgrad: true,
  },
  {
    op: 'flip',
    name: 'dim -1 of strided 3-d',
    inputs: [{ shape: [2, 3, 4], layout: 'strided' }],
    fn: (a) => a.flip([-1]),
  },
  {
    op: 'flip',
    name: 'size-1 and size-0 dims',
    inputs: [{ shape: [1, 0, 3] }],
    fn: (a) => a.flip(0, 1),
  },
  {
    op: 'flip',
    name: 'int32, expanded',
    inputs: [{ shape: [2, 3], dtype: 'int32', layout: 'expanded', values: [1, 2, 3] }],
    fn: (a) => a.flip(1),
    expected: [
      [3, 2, 1],
      [3, 2, 1],
    ],
  },
  // ---------------------------------------------------------------- repeat / tile
  {
    op: 'repeat',
    name: 'leading dim and both dims',
    inputs: [{ shape: [1, 2], values: [1, 2] }],
    fn: (a) => a.repeat(2, 1, 2),
    expected: [[[1, 2, 1, 2]], [[1, 2, 1, 2]]],
    gradgrad: true,
  },
  {
    op: 'repeat',
    name: 'transposed',
    inputs: [{ shape: [3, 2], layout: 'transposed' }],
    fn: (a) => a.repeat([2, 3]),
  },
  {
    op: 'repeat',
    name: 'all ones is a copy; zero repeats',
    inputs: [{ shape: [2, 3] }],
    fn: (a) => [a.repeat(1, 1), a.repeat(0, 2)],
  },
  {
    op: 'repeat',
    name: 'bool, expanded',
    inputs: [{ shape: [2, 2], dtype: 'bool', layout: 'expanded', values: [1, 0] }],
    fn: (a) => a.repeat(1, 2),
    expected: [
      [true, false, true, false],
      [true, false, true, false],
    ],
  },
  {
    op: 'tile',
    name: 'fewer dims than the tensor',
    inputs: [{ shape: [2, 2], values: [1, 2, 3, 4] }],
    fn: (a) => a.tile(2),
    expected: [
      [1, 2, 1, 2],
      [3, 4, 3, 4],
    ],
  },
  {
    op: 'tile',
    name: 'more dims than the tensor, 0-d',
    inputs: [{ shape: [3] }, { shape: [] }],
    fn: (a, b) => [a.tile(2, 2), b.tile([3])],
  },
  // ---------------------------------------------------------------- pad
  {
    op: 'pad',
    name: 'constant, last dim',
    inputs: [{ shape: [2, 2], values: [1, 2, 3, 4] }],
    fn: (a) => pad(a, [1, 2], { value: 9 }),
    expected: [
      [9, 1, 2, 9, 9],
      [9, 3, 4, 9, 9],
    ],
    gradgrad: true,
  },
  {
    op: 'pad',
    name: 'constant, two dims, negative pads crop, transposed',
    inputs: [{ shape: [3, 4], layout: 'transposed' }],
    fn: (a) => pad(a, [-1, 2, 1, -2]),
  },
  {
    op: 'pad',
    name: 'constant int32 and size-0 dim',
    inputs: [{ shape: [2], dtype: 'int32', values: [5, 6] }, { shape: [0, 2] }],
    fn: (a, b) => [pad(a, [1, 1], { value: -1 }), pad(b, [0, 0, 1, 1])],
    expected: [
      [-1, 5, 6, -1],
      [
        [0, 0],
        [0, 0],
      ],
    ],
  },
  {
    op: 'pad',
    name: 'reflect',
    inputs: [{ shape: [1, 4], values: [1, 2, 3, 4] }],
    fn: (a) => pad(a, [2, 3], { mode: 'reflect' }),
    expected: [[3, 2, 1, 2, 3, 4, 3, 2, 1]],
    gradgrad: true,
  },
  {
    op: 'pad',
    name: 'reflect 2-d, strided',
    inputs: [{ shape: [2, 3, 4], layout: 'strided' }],
    fn: (a) => pad(a, [1, 2, 2, 1], { mode: 'reflect' }),
  },
  {
    op: 'pad',
    name: 'replicate',
    inputs: [{ shape: [1, 3], values: [1, 2, 3] }],
    fn: (a) => pad(a, [2, 1], { mode: 'replicate' }),
    expected: [[1, 1, 1, 2, 3, 3]],
  },
  {
    op: 'pad',
    name: 'replicate 2-d, expanded',
    inputs: [{ shape: [2, 2, 3], layout: 'expanded' }],
    fn: (a) => pad(a, [1, 1, 2, 0], { mode: 'replicate' }),
  },
  {
    op: 'pad',
    name: 'circular',
    inputs: [{ shape: [1, 3], values: [1, 2, 3] }],
    fn: (a) => pad(a, [2, 3], { mode: 'circular' }),
    expected: [[2, 3, 1, 2, 3, 1, 2, 3]],
  },
  {
    op: 'pad',
    name: 'circular 2-d with negative pad',
    inputs: [{ shape: [2, 3, 4] }],
    fn: (a) => pad(a, [1, -1, 2, 1], { mode: 'circular' }),
  },
  // ---------------------------------------------------------------- triu / tril
  {
    op: 'triu',
    name: 'diagonal 0',
    inputs: [{ shape: [3, 3], values: range(9, 1) }],
    fn: (a) => a.triu(),
    expected: [
      [1, 2, 3],
      [0, 5, 6],
      [0, 0, 9],
    ],
    gradgrad: true,
  },
  {
    op: 'triu',
    name: 'diagonal -1, batched, transposed',
    inputs: [{ shape: [2, 3, 4], layout: 'transposed' }],
    fn: (a) => a.triu(-1),
  },
  {
    op: 'triu',
    name: 'in place on a copy, size-0',
    inputs: [{ shape: [2, 3] }, { shape: [0, 3] }],
    fn: (a, b) => [a.mul(1).triu_(1), b.triu()],
  },
  {
    op: 'tril',
    name: 'diagonal 1, wide',
    inputs: [{ shape: [2, 4], values: range(8, 1) }],
    fn: (a) => a.tril(1),
    expected: [
      [1, 2, 0, 0],
      [5, 6, 7, 0],
    ],
  },
  {
    op: 'tril',
    name: 'bool and int32',
    inputs: [
      { shape: [2, 2], dtype: 'bool', values: [1, 1, 1, 1] },
      { shape: [2, 2], dtype: 'int32', values: [1, 2, 3, 4] },
    ],
    fn: (a, b) => [a.tril(), b.tril(-1)],
    expected: [
      [
        [true, false],
        [true, true],
      ],
      [
        [0, 0],
        [3, 0],
      ],
    ],
  },
  {
    op: 'tril',
    name: 'strided, in place on a copy',
    inputs: [{ shape: [3, 3], layout: 'strided' }],
    fn: (a) => a.mul(1).tril_(),
    gradgrad: true,
  },
  // ---------------------------------------------------------------- movedim / swapaxes
  {
    op: 'movedim',
    name: 'single and multiple dims',
    inputs: [{ shape: [2, 3, 4] }],
    fn: (a) => {
      const m = a.movedim(0, -1);
      if (m.shape.join() !== '3,4,2') throw new Error(`movedim: got shape [${m.shape}]`);
      const n = a.movedim([0, 1], [2, 0]);
      if (n.shape.join() !== '3,4,2') throw new Error(`movedim: got shape [${n.shape}]`);
      return [m, n, a.moveaxis(2, 0)];
    },
  },
  {
    op: 'movedim',
    name: 'values',
    inputs: [{ shape: [2, 3], values: range(6) }],
    fn: (a) => a.movedim(1, 0),
    expected: [
      [0, 3],
      [1, 4],
      [2, 5],
    ],
  },
  {
    op: 'swapaxes',
    name: 'negative dims',
    inputs: [{ shape: [2, 3, 1], layout: 'strided' }],
    fn: (a) => [a.swapaxes(0, -1), a.swapdims(-2, -3)],
  },
];
