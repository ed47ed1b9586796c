import * as k from '../../index.js';
import type { OpCase } from '../conformance.js';

/**
 * Conformance cases of the view family. Views need no kernels, but their gradients scatter back
 * through the backend's copy kernel, and their outputs feed other kernels as strided inputs.
 */
export const cases: OpCase[] = [
  {
    op: 'view',
    name: 'split a dim',
    inputs: [{ shape: [2, 6] }],
    fn: (x) => x.view(2, 2, 3).mul(2),
    gradgrad: true,
  },
  { op: 'view', name: 'infer -1', inputs: [{ shape: [3, 4] }], fn: (x) => x.view(-1).mul(x.view(12)) },
  { op: 'view', name: 'size-0', inputs: [{ shape: [0, 4] }], fn: (x) => x.view(2, 0, 2).add(1) },
  { op: 'view', name: '0-d to [1, 1]', inputs: [{ shape: [] }], fn: (x) => x.view(1, 1).mul(3) },
  {
    op: 'reshape',
    name: 'non-contiguous copies',
    inputs: [{ shape: [3, 4], layout: 'transposed' }],
    fn: (x) => x.reshape(2, 6).mul(2),
  },
  {
    op: 'reshape',
    name: 'strided',
    inputs: [{ shape: [2, 3], layout: 'strided' }],
    fn: (x) => x.reshape(-1).mul(x.reshape(6)),
  },
  {
    op: 'reshape',
    name: 'int32 values',
    inputs: [{ shape: [2, 2], dtype: 'int32', values: [1, 2, 3, 4] }],
    fn: (x) => x.reshape(4),
    expected: [1, 2, 3, 4],
  },
  {
    op: 'transpose',
    name: '2-d',
    inputs: [{ shape: [2, 3], values: [1, 2, 3, 4, 5, 6] }],
    fn: (x) => x.transpose(0, 1).mul(1),
    expected: [
      [1, 4],
      [2, 5],
      [3, 6],
    ],
    gradgrad: true,
  },
  {
    op: 'transpose',
    name: 'negative dims, 3-d, expanded input',
    inputs: [{ shape: [2, 3, 4], layout: 'expanded' }],
    fn: (x) => x.transpose(-1, 0).mul(2),
  },
  {
    op: 'permute',
    name: '3-d',
    inputs: [{ shape: [2, 3, 4] }],
    fn: (x) =>
      x
        .permute(2, 0, 1)
        .contiguous()
        .mul(x.permute([2, 0, 1])),
  },
  {
    op: 'permute',
    name: 'bool',
    inputs: [{ shape: [2, 2], dtype: 'bool', values: [1, 0, 0, 1] }],
    fn: (x) => x.permute(1, 0).contiguous(),
    expected: [
      [true, false],
      [false, true],
    ],
  },
  {
    op: 'expand',
    name: 'size-1 and new dims',
    inputs: [{ shape: [3, 1] }],
    fn: (x) => x.expand(2, 3, 4).mul(1),
    gradgrad: true,
  },
  {
    op: 'expand',
    name: 'keep with -1, to size 0',
    inputs: [{ shape: [1, 2] }],
    fn: (x) => x.expand(0, -1).add(1),
  },
  {
    op: 'squeeze',
    name: 'all size-1 dims',
    inputs: [{ shape: [1, 3, 1, 2] }],
    fn: (x) => x.squeeze().mul(2),
  },
  {
    op: 'squeeze',
    name: 'one dim (no-op on size > 1)',
    inputs: [{ shape: [2, 1, 3] }],
    fn: (x) => x.squeeze(1).add(x.squeeze(0).squeeze(1)),
  },
  {
    op: 'unsqueeze',
    name: 'front, middle, negative',
    inputs: [{ shape: [2, 3], layout: 'transposed' }],
    fn: (x) => [x.unsqueeze(0).mul(2), x.unsqueeze(-1).mul(3), x.unsqueeze(1).add(1)],
  },
  {
    op: 'flatten',
    name: 'range of dims',
    inputs: [{ shape: [2, 3, 4] }],
    fn: (x) => x.flatten(1).mul(x.flatten(0, 1).view(2, 12)),
  },
  {
    op: 'flatten',
    name: 'non-contiguous',
    inputs: [{ shape: [3, 2, 2], layout: 'transposed' }],
    fn: (x) => x.flatten().mul(2),
  },
  {
    op: 'narrow',
    name: 'middle slice',
    inputs: [{ shape: [5, 3] }],
    fn: (x) => x.narrow(0, 1, 3).mul(2),
    gradgrad: true,
  },
  {
    op: 'narrow',
    name: 'empty slice, strided input',
    inputs: [{ shape: [2, 4], layout: 'strided' }],
    fn: (x) => [x.narrow(1, 2, 0).add(1), x.narrow(-1, 1, 2).mul(3)],
  },
  {
    op: 'select',
    name: 'each dim, negative index',
    inputs: [{ shape: [3, 4] }],
    fn: (x) => [x.select(0, 1).mul(2), x.select(1, -1).mul(3)],
    gradgrad: true,
  },
  {
    op: 'select',
    name: 'int32',
    inputs: [{ shape: [2, 2], dtype: 'int32', values: [1, 2, 3, 4] }],
    fn: (x) => x.select(1, 0).contiguous(),
    expected: [1, 3],
  },
  {
    op: 'clone',
    name: 'non-contiguous',
    inputs: [{ shape: [2, 3], layout: 'transposed' }],
    fn: (x) => x.clone().mul(2),
    gradgrad: true,
  },
  {
    op: 'copy_',
    name: 'broadcast into a clone',
    inputs: [{ shape: [2, 3] }, { shape: [3] }],
    fn: (x, y) => x.mul(1).copy_(y).mul(2),
  },
  {
    op: 'to',
    name: 'float32 -> int32 truncates toward zero',
    inputs: [{ shape: [4], values: [1.7, -1.7, 2.5, -0.2], requiresGrad: false }],
    fn: (x) => x.to('int32'),
    expected: [1, -1, 2, 0],
  },
  {
    op: 'to',
    name: 'int32 -> bool',
    inputs: [{ shape: [3], dtype: 'int32', values: [0, 5, -1] }],
    fn: (x) => x.to('bool'),
    expected: [false, true, true],
  },
  {
    op: 'to',
    name: 'float32 -> float64 keeps gradients',
    inputs: [{ shape: [3] }],
    fn: (x) => x.to('float64').mul(2),
  },
  {
    op: 'sumToSize',
    name: 'reduce broadcast dims',
    inputs: [{ shape: [2, 3, 4] }],
    fn: (x) => x.sumToSize([3, 1]),
  },
  {
    op: 'contiguous',
    name: 'expanded input',
    inputs: [{ shape: [3, 2], layout: 'expanded' }],
    fn: (x) => x.contiguous().mul(k.arange(2, { device: x.device })),
  },
];
