import * as k from '../../index.js';
import type { OpCase } from '../conformance.js';

/** Creation functions: values must be identical on every backend (random ones are drawn on the host). */
const none: OpCase['inputs'] = [];
export const cases: OpCase[] = [
  {
    op: 'zeros',
    name: 'shape args',
    inputs: none,
    fn: () => k.zeros(2, 2),
    expected: [
      [0, 0],
      [0, 0],
    ],
  },
  { op: 'ones', name: 'int32', inputs: none, fn: () => k.ones([3], { dtype: 'int32' }), expected: [1, 1, 1] },
  { op: 'full', name: 'float', inputs: none, fn: () => k.full([2], 2.5), expected: [2.5, 2.5] },
  { op: 'full', name: 'bool', inputs: none, fn: () => k.full([2], true), expected: [true, true] },
  { op: 'arange', name: 'start end step', inputs: none, fn: () => k.arange(1, 10, 3), expected: [1, 4, 7] },
  {
    op: 'arange',
    name: 'float step',
    inputs: none,
    fn: () => k.arange(0, 1, 0.25),
    expected: [0, 0.25, 0.5, 0.75],
  },
  {
    op: 'linspace',
    name: 'endpoints exact',
    inputs: none,
    fn: () => k.linspace(-1, 1, 5),
    expected: [-1, -0.5, 0, 0.5, 1],
  },
  {
    op: 'eye',
    name: 'rectangular',
    inputs: none,
    fn: () => k.eye(2, 3),
    expected: [
      [1, 0, 0],
      [0, 1, 0],
    ],
  },
  {
    op: 'tensor',
    name: 'nested bools',
    inputs: none,
    fn: () => k.tensor([[true], [false]]),
    expected: [[true], [false]],
  },
  {
    op: 'zerosLike',
    name: 'keeps dtype',
    inputs: [{ shape: [2], dtype: 'int32' }],
    fn: (x) => k.zerosLike(x),
    expected: [0, 0],
  },
  // Compared with the cpu backend on other devices: the same seed gives the same values everywhere.
  { op: 'randn', name: 'seeded', inputs: none, fn: () => k.randn([4], { generator: new k.Generator(3) }) },
  {
    op: 'rand',
    name: 'seeded, float64',
    inputs: none,
    fn: () => k.rand([3], { dtype: 'float64', generator: new k.Generator(4) }),
  },
  {
    op: 'randint',
    name: 'seeded',
    inputs: none,
    fn: () => k.randint(0, 10, [5], { generator: new k.Generator(5) }),
  },
];
