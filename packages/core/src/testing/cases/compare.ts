import { clamp, isclose, where } from '../../ops/compare.js';
import type { Tensor } from '../../tensor.js';
import type { InputSpec, OpCase } from '../conformance.js';
import { expectDtype, expectSame } from './unary.js';

/** A bool result with no autograd history: comparisons are never differentiable. */
function boolResult(t: Tensor): Tensor {
  expectDtype(t, 'bool');
  if (t.requiresGrad || t.gradFn) throw new Error('a comparison result must not require grad');
  return t;
}

const NAN = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

type Fn2 = (a: Tensor, b: Tensor) => Tensor;

/** Comparison/logical battery: shapes, layouts, dtypes, scalars; `hand` is [a, b, out]. */
function boolBattery(
  op: string,
  fn: Fn2,
  scalar: (a: Tensor) => Tensor,
  hand: [readonly number[], readonly number[], readonly number[]],
  extra: { int?: [number[], number[], number[]]; bool?: [number[], number[], number[]] } = {},
): OpCase[] {
  // Small integers as floats, so ties (and so eq/le/ge) actually occur.
  const v: InputSpec['values'] = { int: [-2, 3] };
  const c = (name: string, a: InputSpec, b: InputSpec, more: Partial<OpCase> = {}): OpCase => ({
    op,
    name,
    inputs: [
      { values: v, ...a },
      { values: v, ...b },
    ],
    fn: (x, y) => boolResult(fn(x, y)),
    noGrad: true,
    ...more,
  });
  const cases: OpCase[] = [
    c('same shape', { shape: [2, 3] }, { shape: [2, 3] }),
    c('broadcast [3,1] x [4]', { shape: [3, 1] }, { shape: [4] }),
    c('0-d x [2,3]', { shape: [] }, { shape: [2, 3] }),
    c('size-0 dim', { shape: [0, 3] }, { shape: [1, 3] }),
    c('size-1 dims', { shape: [1, 3, 1] }, { shape: [2, 1, 4] }),
    c('transposed x strided', { shape: [3, 4], layout: 'transposed' }, { shape: [3, 4], layout: 'strided' }),
    c('expanded', { shape: [3, 2], layout: 'expanded' }, { shape: [3, 2] }),
    c('float64', { shape: [4], dtype: 'float64' }, { shape: [4], dtype: 'float64' }),
    c('int32 x float promotes', { shape: [2, 3], dtype: 'int32' }, { shape: [3], values: 'normal' }),
    c(
      'hand-computed values',
      { shape: [hand[0].length], values: hand[0] },
      { shape: [hand[1].length], values: hand[1] },
      { expected: hand[2] },
    ),
    {
      op,
      name: 'scalar other',
      inputs: [{ shape: [5], values: [-1, 0, 0.5, 1, NAN] }],
      fn: (x) => boolResult(scalar(x)),
      noGrad: true,
    },
  ];
  for (const [dtype, spec] of [
    ['int32', extra.int],
    ['bool', extra.bool],
  ] as const) {
    if (!spec) continue;
    cases.push(
      c(
        `${dtype} inputs`,
        { shape: [spec[0].length], dtype, values: spec[0] },
        { shape: [spec[1].length], dtype, values: spec[1] },
        { expected: spec[2] },
      ),
    );
  }
  return cases;
}

// a vs b with a tie, NaNs and signed zeros.
const CA = [1, 2, 3, NAN, -0, INF];
const CB = [2, 2, 2, NAN, 0, INF];
const IA = [1, 2, 3, -2147483648];
const IB = [2, 2, 2, 2147483647];
const BA = [0, 0, 1, 1];
const BB = [0, 1, 0, 1];

const comparisons: OpCase[] = [
  ...boolBattery(
    'eq',
    (a, b) => a.eq(b),
    (a) => a.eq(0.5),
    [CA, CB, [0, 1, 0, 0, 1, 1]],
    {
      int: [IA, IB, [0, 1, 0, 0]],
      bool: [BA, BB, [1, 0, 0, 1]],
    },
  ),
  ...boolBattery(
    'ne',
    (a, b) => a.ne(b),
    (a) => a.ne(0.5),
    [CA, CB, [1, 0, 1, 1, 0, 0]],
    {
      int: [IA, IB, [1, 0, 1, 1]],
      bool: [BA, BB, [0, 1, 1, 0]],
    },
  ),
  ...boolBattery(
    'lt',
    (a, b) => a.lt(b),
    (a) => a.lt(0.5),
    [CA, CB, [1, 0, 0, 0, 0, 0]],
    {
      int: [IA, IB, [1, 0, 0, 1]],
      bool: [BA, BB, [0, 1, 0, 0]],
    },
  ),
  ...boolBattery(
    'le',
    (a, b) => a.le(b),
    (a) => a.le(0.5),
    [CA, CB, [1, 1, 0, 0, 1, 1]],
    {
      int: [IA, IB, [1, 1, 0, 1]],
      bool: [BA, BB, [1, 1, 0, 1]],
    },
  ),
  ...boolBattery(
    'gt',
    (a, b) => a.gt(b),
    (a) => a.gt(0.5),
    [CA, CB, [0, 0, 1, 0, 0, 0]],
    {
      int: [IA, IB, [0, 0, 1, 0]],
      bool: [BA, BB, [0, 0, 1, 0]],
    },
  ),
  ...boolBattery(
    'ge',
    (a, b) => a.ge(b),
    (a) => a.ge(0.5),
    [CA, CB, [0, 1, 1, 0, 1, 1]],
    {
      int: [IA, IB, [0, 1, 1, 0]],
      bool: [BA, BB, [1, 0, 1, 1]],
    },
  ),
  // Truth values: non-zero and NaN are true.
  ...boolBattery(
    'logicalAnd',
    (a, b) => a.logicalAnd(b),
    (a) => a.logicalAnd(true),
    [
      [0, 0, 2, -1, NAN],
      [0, 3, 0, 0.5, 1],
      [0, 0, 0, 1, 1],
    ],
    { int: [IA, [0, 1, 2, 3], [0, 1, 1, 1]], bool: [BA, BB, [0, 0, 0, 1]] },
  ),
  ...boolBattery(
    'logicalOr',
    (a, b) => a.logicalOr(b),
    (a) => a.logicalOr(0),
    [
      [0, 0, 2, -1, NAN],
      [0, 3, 0, 0.5, 0],
      [0, 1, 1, 1, 1],
    ],
    {
      int: [
        [0, 0, 5, 5],
        [0, 7, 0, 7],
        [0, 1, 1, 1],
      ],
      bool: [BA, BB, [0, 1, 1, 1]],
    },
  ),
  ...boolBattery(
    'logicalXor',
    (a, b) => a.logicalXor(b),
    (a) => a.logicalXor(1),
    [
      [0, 0, 2, -1, NAN],
      [0, 3, 0, 0.5, 0],
      [0, 1, 1, 0, 1],
    ],
    {
      int: [
        [0, 0, 5, 5],
        [0, 7, 0, 7],
        [0, 1, 1, 0],
      ],
      bool: [BA, BB, [0, 1, 1, 0]],
    },
  ),
  {
    op: 'lt',
    name: 'int32 tensor vs float scalar compares in float',
    inputs: [{ shape: [3], dtype: 'int32', values: [1, 2, 3] }],
    fn: (a) => boolResult(a.lt(2.5)),
    expected: [true, true, false],
  },
  {
    op: 'eq',
    name: 'float32 vs float scalar compares in float32 (0.1 rounds like the tensor)',
    inputs: [{ shape: [2], values: [0.1, 0.2], requiresGrad: false }],
    fn: (a) => boolResult(a.eq(0.1)),
    expected: [true, false],
  },
];

/** Unary predicates: float values incl. NaN/±inf; integer and bool inputs too. */
function predicate(
  op: string,
  fn: (x: Tensor) => Tensor,
  floatOut: number[],
  intOut: number[],
  boolOut: number[],
): OpCase[] {
  const c = (name: string, input: InputSpec, more: Partial<OpCase> = {}): OpCase => ({
    op,
    name,
    inputs: [input],
    fn: (x) => boolResult(fn(x)),
    noGrad: true,
    ...more,
  });
  return [
    c('float values', { shape: [5], values: [NAN, INF, -INF, 0, 1.5] }, { expected: floatOut }),
    c('float64, transposed', { shape: [2, 3], dtype: 'float64', layout: 'transposed' }),
    c('strided', { shape: [2, 3], layout: 'strided' }),
    c('expanded', { shape: [3, 2], layout: 'expanded' }),
    c('0-d', { shape: [] }),
    c('size-0 dim', { shape: [2, 0] }),
    c('int32', { shape: [3], dtype: 'int32', values: [0, -3, 7] }, { expected: intOut }),
    c('bool', { shape: [2], dtype: 'bool', values: [1, 0] }, { expected: boolOut }),
  ];
}

const predicates: OpCase[] = [
  ...predicate('logicalNot', (x) => x.logicalNot(), [0, 0, 0, 1, 0], [1, 0, 0], [0, 1]),
  ...predicate('isnan', (x) => x.isnan(), [1, 0, 0, 0, 0], [0, 0, 0], [0, 0]),
  ...predicate('isinf', (x) => x.isinf(), [0, 1, 1, 0, 0], [0, 0, 0], [0, 0]),
  ...predicate('isposinf', (x) => x.isposinf(), [0, 1, 0, 0, 0], [0, 0, 0], [0, 0]),
  ...predicate('isneginf', (x) => x.isneginf(), [0, 0, 1, 0, 0], [0, 0, 0], [0, 0]),
  ...predicate('isfinite', (x) => x.isfinite(), [0, 0, 0, 1, 1], [1, 1, 1], [1, 1]),
  {
    op: 'logicalNot',
    name: 'in-place on bool',
    inputs: [{ shape: [3], dtype: 'bool', values: [1, 0, 1] }],
    fn: (x) => {
      const y = x.clone();
      return expectSame(y.logicalNot_(), y);
    },
    expected: [false, true, false],
  },
  {
    op: 'isclose',
    name: 'default tolerances, NaN and inf',
    inputs: [
      { shape: [6], values: [1, 1, 1e-9, NAN, INF, INF], requiresGrad: false },
      { shape: [6], values: [1 + 1e-6, 1.001, 0, NAN, INF, -INF], requiresGrad: false },
    ],
    fn: (a, b) => [boolResult(isclose(a, b)), boolResult(a.isclose(b, { equalNan: true, rtol: 0.01 }))],
    expected: [
      [1, 0, 1, 0, 1, 0],
      [1, 1, 1, 1, 1, 0],
    ],
  },
  {
    op: 'isclose',
    name: 'int32 vs scalar',
    inputs: [{ shape: [3], dtype: 'int32', values: [100, 101, 110] }],
    fn: (a) => boolResult(a.isclose(100, { rtol: 0.05, atol: 0 })),
    expected: [true, true, false],
  },
];

// ------------------------------------------------------------------ where

const whereCases: OpCase[] = [
  {
    op: 'where',
    name: 'same shape',
    inputs: [{ shape: [2, 3], dtype: 'bool' }, { shape: [2, 3] }, { shape: [2, 3] }],
    fn: (c, a, b) => where(c, a, b),
    gradgrad: true,
  },
  {
    op: 'where',
    name: 'hand-computed values',
    inputs: [
      { shape: [4], dtype: 'bool', values: [1, 0, 0, 1] },
      { shape: [4], values: [1, 2, 3, 4] },
      { shape: [4], values: [-1, -2, -3, -4] },
    ],
    fn: (c, a, b) => where(c, a, b),
    expected: [1, -2, -3, 4],
  },
  {
    op: 'where',
    name: 'broadcast all three: cond [3,1], a [4], b 0-d',
    inputs: [{ shape: [3, 1], dtype: 'bool' }, { shape: [4] }, { shape: [] }],
    fn: (c, a, b) => where(c, a, b),
    gradgrad: true,
  },
  {
    op: 'where',
    name: 'cond broadcast against a and b, [2,1,3] x [4,1]',
    inputs: [{ shape: [4, 1], dtype: 'bool' }, { shape: [2, 1, 3] }, { shape: [1, 3] }],
    fn: (c, a, b) => where(c, a, b),
  },
  {
    op: 'where',
    name: 'scalar other (method form)',
    inputs: [{ shape: [2, 3], dtype: 'bool' }, { shape: [2, 3] }],
    fn: (c, a) => a.where(c, 0),
  },
  {
    op: 'where',
    name: 'scalar first value',
    inputs: [
      { shape: [3], dtype: 'bool', values: [1, 0, 1] },
      { shape: [3], values: [4, 5, 6] },
    ],
    fn: (c, b) => where(c, 1.5, b),
    expected: [1.5, 5, 1.5],
  },
  {
    op: 'where',
    name: 'two integer scalars give int32',
    inputs: [{ shape: [3], dtype: 'bool', values: [1, 0, 1] }],
    fn: (c) => expectDtype(where(c, 1, 0), 'int32'),
    expected: [1, 0, 1],
  },
  {
    op: 'where',
    name: 'float scalar with integer scalar gives float32',
    inputs: [{ shape: [2], dtype: 'bool', values: [1, 0] }],
    fn: (c) => expectDtype(where(c, 0.5, 2), 'float32'),
    expected: [0.5, 2],
  },
  {
    op: 'where',
    name: 'int32 and float tensors promote',
    inputs: [
      { shape: [3], dtype: 'bool', values: [1, 0, 1] },
      { shape: [3], dtype: 'int32', values: [1, 2, 3] },
      { shape: [3], values: [0.5, 0.25, 0.125] },
    ],
    fn: (c, a, b) => where(c, a, b),
    expected: [1, 0.25, 3],
  },
  {
    op: 'where',
    name: 'int32 only',
    inputs: [
      { shape: [3], dtype: 'bool', values: [0, 1, 0] },
      { shape: [3], dtype: 'int32', values: [1, 2, 3] },
      { shape: [3], dtype: 'int32', values: [-1, -2, -3] },
    ],
    fn: (c, a, b) => expectDtype(where(c, a, b), 'int32'),
    expected: [-1, 2, -3],
  },
  {
    op: 'where',
    name: 'bool values',
    inputs: [
      { shape: [2], dtype: 'bool', values: [0, 1] },
      { shape: [2], dtype: 'bool', values: [1, 1] },
      { shape: [2], dtype: 'bool', values: [0, 0] },
    ],
    fn: (c, a, b) => expectDtype(where(c, a, b), 'bool'),
    expected: [false, true],
  },
  {
    op: 'where',
    name: 'transposed cond, strided a, expanded b',
    inputs: [
      { shape: [3, 2], dtype: 'bool', layout: 'transposed' },
      { shape: [3, 2], layout: 'strided' },
      { shape: [3, 2], layout: 'expanded' },
    ],
    fn: (c, a, b) => where(c, a, b),
  },
  {
    op: 'where',
    name: '0-d',
    inputs: [{ shape: [], dtype: 'bool' }, { shape: [] }, { shape: [] }],
    fn: (c, a, b) => where(c, a, b),
  },
  {
    op: 'where',
    name: 'size-0 dim',
    inputs: [{ shape: [0, 3], dtype: 'bool' }, { shape: [3] }, { shape: [0, 1] }],
    fn: (c, a, b) => where(c, a, b),
  },
  {
    op: 'where',
    name: 'float64',
    inputs: [
      { shape: [4], dtype: 'bool' },
      { shape: [4], dtype: 'float64' },
      { shape: [4], dtype: 'float64' },
    ],
    fn: (c, a, b) => expectDtype(where(c, a, b), 'float64'),
  },
  {
    op: 'where',
    name: 'cond from a comparison (relu by hand)',
    inputs: [{ shape: [2, 3] }],
    fn: (a) => where(a.gt(0), a, 0),
    gradgrad: true,
  },
];

// ------------------------------------------------------------------ clamp

const clampCases: OpCase[] = [
  {
    op: 'clamp',
    name: 'scalar bounds',
    inputs: [{ shape: [2, 3] }],
    fn: (x) => x.clamp(-0.5, 0.5),
    gradgrad: true,
  },
  {
    op: 'clamp',
    name: 'hand-computed values (inclusive bounds, NaN propagates)',
    inputs: [{ shape: [6], values: [-2, -0.5, 0, 0.5, 2, NAN], requiresGrad: false }],
    fn: (x) => [x.clamp(-0.5, 0.5), x.clamp(0), x.clamp(null, 0)],
    expected: [
      [-0.5, -0.5, 0, 0.5, 0.5, NAN],
      [0, 0, 0, 0.5, 2, NAN],
      [-2, -0.5, 0, 0, 0, NAN],
    ],
  },
  {
    op: 'clamp',
    name: 'min > max gives max everywhere',
    inputs: [{ shape: [3], values: [-1, 0, 1], requiresGrad: false }],
    fn: (x) => x.clamp(0.5, -0.5),
    expected: [-0.5, -0.5, -0.5],
  },
  { op: 'clamp', name: 'min only', inputs: [{ shape: [2, 3] }], fn: (x) => x.clamp(0) },
  {
    op: 'clamp',
    name: 'max only (undefined min)',
    inputs: [{ shape: [2, 3] }],
    fn: (x) => x.clamp(undefined, 0.2),
  },
  {
    op: 'clamp',
    name: 'tensor bounds broadcast: x [3,4], min [4], max [3,1]',
    inputs: [{ shape: [3, 4] }, { shape: [4] }, { shape: [3, 1] }],
    fn: (x, lo, hi) => x.clamp(lo, hi),
    gradgrad: true,
  },
  {
    op: 'clamp',
    name: 'tensor bounds hand values',
    inputs: [
      { shape: [4], values: [-2, 0, 2, 5], requiresGrad: false },
      { shape: [4], values: [-1, -1, 3, 0], requiresGrad: false },
      { shape: [4], values: [1, 1, 4, -1], requiresGrad: false },
    ],
    fn: (x, lo, hi) => clamp(x, lo, hi),
    expected: [-1, 0, 3, -1],
  },
  {
    op: 'clamp',
    name: 'bounds broadcast x up: x [3], min [2,1]',
    inputs: [{ shape: [3] }, { shape: [2, 1] }],
    fn: (x, lo) => clamp(x, lo),
  },
  {
    op: 'clamp',
    name: 'tensor max, scalar min',
    inputs: [{ shape: [2, 3] }, { shape: [2, 1] }],
    fn: (x, hi) => clamp(x, -0.3, hi),
  },
  {
    op: 'clamp',
    name: 'int32 with integer bounds stays int32',
    inputs: [{ shape: [4], dtype: 'int32', values: [-5, 0, 3, 9] }],
    fn: (x) => expectDtype(x.clamp(-1, 4), 'int32'),
    expected: [-1, 0, 3, 4],
  },
  {
    op: 'clamp',
    name: 'int32 with a float bound promotes to float32',
    inputs: [{ shape: [3], dtype: 'int32', values: [1, 2, 3] }],
    fn: (x) => expectDtype(x.clamp(1.5), 'float32'),
    expected: [1.5, 2, 3],
  },
  {
    op: 'clamp',
    name: 'transposed',
    inputs: [{ shape: [3, 4], layout: 'transposed' }],
    fn: (x) => x.clamp(-0.4, 0.6),
  },
  {
    op: 'clamp',
    name: 'strided',
    inputs: [{ shape: [2, 3], layout: 'strided' }],
    fn: (x) => x.clamp(-0.4, 0.6),
  },
  {
    op: 'clamp',
    name: 'expanded with expanded tensor bound',
    inputs: [
      { shape: [3, 2], layout: 'expanded' },
      { shape: [3, 2], layout: 'expanded' },
    ],
    fn: (x, lo) => x.clamp(lo),
  },
  { op: 'clamp', name: '0-d', inputs: [{ shape: [] }], fn: (x) => x.clamp(-0.4, 0.6) },
  { op: 'clamp', name: 'size-0 dim', inputs: [{ shape: [0, 2] }], fn: (x) => x.clamp(-0.4, 0.6) },
  {
    op: 'clamp',
    name: 'float64',
    inputs: [{ shape: [4], dtype: 'float64' }],
    fn: (x) => expectDtype(x.clamp(-0.4, 0.6), 'float64'),
  },
  {
    op: 'clamp',
    name: 'in-place clamp_',
    inputs: [{ shape: [2, 3] }],
    fn: (x) => {
      const y = x.mul(1);
      return expectSame(y.clamp_(-0.3, 0.3), y);
    },
  },
  {
    op: 'clamp',
    name: 'in-place clamp_ with a tensor bound',
    inputs: [{ shape: [2, 3] }, { shape: [3] }],
    fn: (x, lo) => {
      const y = x.mul(1);
      return expectSame(y.clamp_(lo), y);
    },
  },
  {
    op: 'clampMin',
    name: 'clampMin / clampMax / clip',
    inputs: [{ shape: [5], values: [-2, -0.5, 0, 0.5, 2], requiresGrad: false }],
    fn: (x) => [x.clampMin(-1), x.clampMax(1), x.clip(-1, 1)],
    expected: [
      [-1, -0.5, 0, 0.5, 2],
      [-2, -0.5, 0, 0.5, 1],
      [-1, -0.5, 0, 0.5, 1],
    ],
  },
  {
    op: 'clampMin',
    name: 'in-place clampMin_ and clampMax_',
    inputs: [{ shape: [2, 3] }],
    fn: (x) => {
      const y = x.mul(1);
      y.clampMin_(-0.5).clampMax_(0.5);
      return y;
    },
  },
];

/** Conformance cases of the compare op family. */
export const cases: OpCase[] = [...comparisons, ...predicates, ...whereCases, ...clampCases];
