import {
  adaptiveAvgPool2d,
  avgPool2d,
  col2im,
  conv1d,
  conv2d,
  convTranspose2d,
  im2col,
  interpolate,
  maxPool2d,
  maxPool2dWithIndices,
  unbind,
} from '../../ops/nn.js';
import type { OpCase } from '../conformance.js';

/** Conformance cases of the nn family: convolutions, pooling, interpolation. */
export const cases: OpCase[] = [
  {
    op: 'unbind',
    name: 'dim 1 of a transposed input',
    inputs: [{ shape: [2, 3, 4], layout: 'transposed' }],
    fn: (x) => unbind(x, 1),
    gradgrad: true,
  },
  {
    op: 'unbind',
    name: 'values, only some pieces used',
    inputs: [{ shape: [3, 2], values: [1, 2, 3, 4, 5, 6] }],
    fn: (x) => unbind(x)[1].mul(unbind(x, -1)[0].sum()),
    expected: [27, 36],
  },
  {
    op: 'im2col',
    name: 'kernel 2x2, padding 1, stride 2',
    inputs: [{ shape: [1, 2, 3, 4] }],
    fn: (x) => im2col(x, 2, { padding: 1, stride: 2 }),
    gradgrad: true,
  },
  {
    op: 'im2col',
    name: 'values, dilation 2',
    inputs: [{ shape: [1, 1, 3, 3], values: [1, 2, 3, 4, 5, 6, 7, 8, 9] }],
    fn: (x) => im2col(x, 2, { dilation: 2 }),
    expected: [[[1], [3], [7], [9]]],
  },
  {
    op: 'im2col',
    name: 'transposed input, unbatched',
    inputs: [{ shape: [2, 4, 3], layout: 'transposed' }],
    fn: (x) => im2col(x, [2, 1]),
  },
  {
    op: 'col2im',
    name: 'overlapping windows sum',
    inputs: [{ shape: [1, 4, 4], values: Array.from({ length: 16 }, () => 1) }],
    fn: (x) => col2im(x, [3, 3], 2),
    expected: [
      [
        [
          [1, 2, 1],
          [2, 4, 2],
          [1, 2, 1],
        ],
      ],
    ],
  },
  {
    op: 'col2im',
    name: 'strided, padded',
    inputs: [{ shape: [2, 4, 6], layout: 'strided' }],
    fn: (x) => col2im(x, [3, 4], 2, { padding: 1, stride: 2 }),
    gradgrad: true,
  },
  {
    op: 'conv2d',
    name: 'basic with bias',
    inputs: [{ shape: [2, 3, 5, 4] }, { shape: [4, 3, 3, 2] }, { shape: [4] }],
    fn: (x, w, b) => conv2d(x, w, b),
    gradgrad: true,
  },
  {
    op: 'conv2d',
    name: 'known values',
    inputs: [
      { shape: [1, 1, 3, 3], values: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
      { shape: [1, 1, 2, 2], values: [1, 0, 0, -1] },
    ],
    fn: (x, w) => conv2d(x, w),
    expected: [
      [
        [
          [-4, -4],
          [-4, -4],
        ],
      ],
    ],
  },
  {
    op: 'conv2d',
    name: 'stride, padding, dilation',
    inputs: [{ shape: [1, 2, 6, 5] }, { shape: [3, 2, 2, 3] }],
    fn: (x, w) => conv2d(x, w, null, { stride: [2, 1], padding: [1, 2], dilation: [1, 2] }),
  },
  {
    op: 'conv2d',
    name: "groups 2, padding 'same' with even kernel",
    inputs: [{ shape: [1, 4, 4, 3] }, { shape: [6, 2, 2, 2] }, { shape: [6] }],
    fn: (x, w, b) => conv2d(x, w, b, { groups: 2, padding: 'same' }),
  },
  {
    op: 'conv2d',
    name: 'depthwise, transposed input, unbatched',
    inputs: [{ shape: [3, 4, 4], layout: 'transposed' }, { shape: [3, 1, 3, 3] }],
    fn: (x, w) => conv2d(x, w, null, { groups: 3, padding: 1 }),
  },
  {
    op: 'conv2d',
    name: '1x1 pointwise',
    inputs: [{ shape: [2, 3, 2, 2] }, { shape: [2, 3, 1, 1] }],
    fn: (x, w) => conv2d(x, w),
  },
  {
    op: 'conv1d',
    name: 'padding, stride',
    inputs: [{ shape: [2, 2, 7] }, { shape: [3, 2, 3] }, { shape: [3] }],
    fn: (x, w, b) => conv1d(x, w, b, { padding: 1, stride: 2 }),
  },
  {
    op: 'convTranspose2d',
    name: 'stride 2, padding 1, output padding 1',
    inputs: [{ shape: [1, 2, 3, 3] }, { shape: [2, 3, 3, 3] }, { shape: [3] }],
    fn: (x, w, b) => convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
    gradgrad: true,
  },
  {
    op: 'convTranspose2d',
    name: 'known values',
    inputs: [
      { shape: [1, 1, 2, 2], values: [1, 2, 3, 4] },
      { shape: [1, 1, 2, 2], values: [1, 1, 1, 1] },
    ],
    fn: (x, w) => convTranspose2d(x, w),
    expected: [
      [
        [
          [1, 3, 2],
          [4, 10, 6],
          [3, 7, 4],
        ],
      ],
    ],
  },
  {
    op: 'convTranspose2d',
    name: 'groups 2, dilation 2',
    inputs: [{ shape: [2, 4, 2, 3] }, { shape: [4, 1, 2, 2] }],
    fn: (x, w) => convTranspose2d(x, w, null, { groups: 2, dilation: 2 }),
  },
  {
    op: 'maxPool2d',
    name: 'known values and indices',
    inputs: [{ shape: [1, 1, 4, 4], values: [1, 5, 2, 0, 3, 4, 8, 7, -1, 0, 2, 2, 9, 1, 3, 6] }],
    fn: (x) => maxPool2dWithIndices(x, 2),
    expected: [
      [
        [
          [
            [5, 8],
            [9, 6],
          ],
        ],
      ],
      [
        [
          [
            [1, 6],
            [12, 15],
          ],
        ],
      ],
    ],
  },
  {
    op: 'maxPool2d',
    name: 'stride 1, padding 1, ceil mode',
    inputs: [{ shape: [2, 2, 5, 4] }],
    fn: (x) => maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }),
    gradgrad: true,
  },
  {
    op: 'maxPool2d',
    name: 'dilation, strided input, unbatched',
    inputs: [{ shape: [2, 5, 5], layout: 'strided' }],
    fn: (x) => maxPool2d(x, 2, { stride: 1, dilation: 2 }),
  },
  {
    op: 'avgPool2d',
    name: 'padding, count_include_pad',
    inputs: [{ shape: [1, 1, 2, 2], values: [1, 2, 3, 4] }],
    fn: (x) => avgPool2d(x, 2, { stride: 1, padding: 1 }),
    expected: [
      [
        [
          [0.25, 0.75, 0.5],
          [1, 2.5, 1.5],
          [0.75, 1.75, 1],
        ],
      ],
    ],
  },
  {
    op: 'avgPool2d',
    name: 'padding, no count_include_pad',
    inputs: [{ shape: [1, 1, 2, 2], values: [1, 2, 3, 4] }],
    fn: (x) => avgPool2d(x, 2, { stride: 1, padding: 1, countIncludePad: false }),
    expected: [
      [
        [
          [1, 1.5, 2],
          [2, 2.5, 3],
          [3, 3.5, 4],
        ],
      ],
    ],
  },
  {
    op: 'avgPool2d',
    name: 'ceil mode, transposed',
    inputs: [{ shape: [1, 2, 5, 5], layout: 'transposed' }],
    fn: (x) => avgPool2d(x, 2, { ceilMode: true }),
    gradgrad: true,
  },
  {
    op: 'adaptiveAvgPool2d',
    name: 'uneven windows',
    inputs: [{ shape: [1, 1, 3, 5], values: Array.from({ length: 15 }, (_, i) => i) }],
    fn: (x) => adaptiveAvgPool2d(x, [2, 3]),
    expected: [
      [
        [
          [3, 4.5, 6],
          [8, 9.5, 11],
        ],
      ],
    ],
  },
  {
    op: 'adaptiveAvgPool2d',
    name: 'global, and null keeps a size',
    inputs: [{ shape: [2, 3, 4, 5] }],
    fn: (x) => [adaptiveAvgPool2d(x, 1), adaptiveAvgPool2d(x, [2, null])],
  },
  {
    op: 'interpolate',
    name: 'nearest x2',
    inputs: [{ shape: [1, 1, 2, 2], values: [1, 2, 3, 4] }],
    fn: (x) => interpolate(x, { scaleFactor: 2 }),
    expected: [
      [
        [
          [1, 1, 2, 2],
          [1, 1, 2, 2],
          [3, 3, 4, 4],
          [3, 3, 4, 4],
        ],
      ],
    ],
  },
  {
    op: 'interpolate',
    name: 'bilinear x2 (values from PyTorch)',
    inputs: [{ shape: [1, 1, 2, 2], values: [1, 2, 3, 4] }],
    fn: (x) => interpolate(x, { scaleFactor: 2, mode: 'bilinear' }),
    expected: [
      [
        [
          [1, 1.25, 1.75, 2],
          [1.5, 1.75, 2.25, 2.5],
          [2.5, 2.75, 3.25, 3.5],
          [3, 3.25, 3.75, 4],
        ],
      ],
    ],
  },
  {
    op: 'interpolate',
    name: 'bilinear align_corners to size',
    inputs: [{ shape: [1, 1, 2, 2], values: [1, 2, 3, 4] }],
    fn: (x) => interpolate(x, { size: [3, 3], mode: 'bilinear', alignCorners: true }),
    expected: [
      [
        [
          [1, 1.5, 2],
          [2, 2.5, 3],
          [3, 3.5, 4],
        ],
      ],
    ],
  },
  {
    op: 'interpolate',
    name: 'bilinear down, gradients',
    inputs: [{ shape: [2, 1, 5, 4] }],
    fn: (x) => interpolate(x, { size: [3, 7], mode: 'bilinear' }),
    gradgrad: true,
  },
  {
    op: 'interpolate',
    name: 'linear 1-d, nearest to size',
    inputs: [{ shape: [1, 2, 5] }],
    fn: (x) => [interpolate(x, { size: 3, mode: 'linear' }), interpolate(x, { size: 7 })],
  },
];
