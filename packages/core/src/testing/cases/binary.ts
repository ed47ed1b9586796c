import type { DType } from '../../dtype.js';
import { atan2, floorDivide, pow, remainder } from '../../ops/binary.js';
import type { Tensor } from '../../tensor.js';
import type { InputSpec, OpCase } from '../conformance.js';
import { expectDtype, expectSame } from './unary.js';

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

// ------------------------------------------------------------------ pow, maximum, minimum, remainder, ...

type Values = InputSpec['values'];
type Fn2 = (a: Tensor, b: Tensor) => Tensor;

/** One binary op's conformance battery. */
interface BinaryFamily {
  op: string;
  variant?: string;
  fn: Fn2;
  inplace?: Fn2;
  /** Input domains of the random cases (a, b). */
  values?: [Values, Values];
  /** Hand-computed float32 values: [a, b, out]. */
  hand: [readonly number[], readonly number[], readonly number[]];
  int?: [readonly number[], readonly number[], readonly number[], DType];
  bool?: [readonly number[], readonly number[], readonly number[], DType];
  gradgrad?: boolean;
}

function battery(f: BinaryFamily): OpCase[] {
  const [va, vb] = f.values ?? [undefined, undefined];
  const c = (name: string, a: InputSpec, b: InputSpec, extra: Partial<OpCase> = {}): OpCase => ({
    op: f.op,
    name: f.variant ? `${f.variant}: ${name}` : name,
    inputs: [
      { values: va, ...a },
      { values: vb, ...b },
    ],
    fn: f.fn,
    ...extra,
  });
  const [ha, hb, hout] = f.hand;
  const out: OpCase[] = [
    c('same shape', { shape: [2, 3] }, { shape: [2, 3] }, { gradgrad: f.gradgrad }),
    c('broadcast [3,1] x [4]', { shape: [3, 1] }, { shape: [4] }),
    c('0-d x [2,3]', { shape: [] }, { shape: [2, 3] }),
    c('[2,3] x 0-d', { shape: [2, 3] }, { shape: [] }),
    c('size-0 dim', { shape: [0, 3] }, { shape: [3] }),
    c('size-1 dims', { shape: [1, 3, 1] }, { shape: [2, 1, 4] }),
    c('transposed x strided', { shape: [3, 4], layout: 'transposed' }, { shape: [3, 4], layout: 'strided' }),
    c('expanded', { shape: [3, 2], layout: 'expanded' }, { shape: [3, 2] }),
    c(
      'float64 keeps dtype',
      { shape: [4], dtype: 'float64' },
      { shape: [4], dtype: 'float64' },
      { fn: (a, b) => expectDtype(f.fn(a, b), 'float64') },
    ),
    c(
      'hand-computed values',
      { shape: [ha.length], values: ha },
      { shape: [hb.length], values: hb },
      { expected: hout, noGrad: true },
    ),
  ];
  if (f.inplace) {
    const inplace = f.inplace;
    out.push(
      c(
        'in-place, broadcast other',
        { shape: [2, 3] },
        { shape: [3] },
        {
          fn: (a, b) => {
            const y = a.mul(1);
            return expectSame(inplace(y, b), y);
          },
        },
      ),
    );
  }
  for (const [label, spec] of [
    ['int32', f.int],
    ['bool', f.bool],
  ] as const) {
    if (!spec) continue;
    const [a, b, want, dtype] = spec;
    out.push(
      c(
        `${label} -> ${dtype}`,
        { shape: [a.length], dtype: label, values: a },
        { shape: [b.length], dtype: label, values: b },
        { expected: want, fn: (x, y) => expectDtype(f.fn(x, y), dtype) },
      ),
    );
  }
  return out;
}

const M = [5.5, -5.5, 5.5, -5.5, 3];
const D = [2, 2, -2, -2, 1.5];
const MI = [7, -7, 7, -7, 6, -2147483648];
const DI = [2, 2, -2, -2, 3, -1];

const families: BinaryFamily[] = [
  {
    op: 'pow',
    fn: (a, b) => a.pow(b),
    inplace: (a, b) => a.pow_(b),
    values: ['positive', 'normal'],
    hand: [
      [2, 4, 0.5, 9, 0, 0, -2],
      [3, 0.5, -1, 0.5, 2, 0, 2],
      [8, 2, 2, 3, 0, 1, 4],
    ],
    // 3^20 wraps like int32; negative tensor exponents follow PyTorch's integer pow.
    int: [
      [2, 3, -2, 2, 1, -1, 0, 3],
      [3, 2, 3, -1, -2, -3, 0, 20],
      [8, 9, -8, 0, 1, -1, 1, -808182895],
      'int32',
    ],
    gradgrad: true,
  },
  {
    op: 'maximum',
    fn: (a, b) => a.maximum(b),
    hand: [
      [1, -2, 3, Number.NaN, 0],
      [2, -3, 3, 0, Number.NaN],
      [2, -2, 3, Number.NaN, Number.NaN],
    ],
    int: [[1, 5, -3], [4, 2, -3], [4, 5, -3], 'int32'],
    bool: [[1, 0, 0], [0, 0, 1], [1, 0, 1], 'bool'],
    gradgrad: true,
  },
  {
    op: 'minimum',
    fn: (a, b) => a.minimum(b),
    hand: [
      [1, -2, 3, Number.NaN, 0],
      [2, -3, 3, 0, Number.NaN],
      [1, -3, 3, Number.NaN, Number.NaN],
    ],
    int: [[1, 5, -3], [4, 2, -3], [1, 2, -3], 'int32'],
    bool: [[1, 0, 1], [0, 0, 1], [0, 0, 1], 'bool'],
  },
  {
    op: 'remainder',
    fn: (a, b) => a.remainder(b),
    inplace: (a, b) => a.remainder_(b),
    values: ['normal', 'nonzero'],
    // Sign of the divisor (Python's %).
    hand: [M, D, [1.5, 0.5, -0.5, -1.5, 0]],
    int: [MI, DI, [1, 1, -1, -1, 0, 0], 'int32'],
    gradgrad: true,
  },
  {
    op: 'fmod',
    fn: (a, b) => a.fmod(b),
    inplace: (a, b) => a.fmod_(b),
    values: ['normal', 'nonzero'],
    // Sign of the dividend (C's fmod).
    hand: [M, D, [1.5, -1.5, 1.5, -1.5, 0]],
    int: [MI, DI, [1, -1, 1, -1, 0, 0], 'int32'],
  },
  {
    op: 'floorDivide',
    fn: (a, b) => a.floorDivide(b),
    inplace: (a, b) => a.floorDivide_(b),
    values: ['normal', 'nonzero'],
    hand: [M, D, [2, -3, -3, 2, 2]],
    // INT_MIN / -1 wraps to INT_MIN, as in C.
    int: [MI, DI, [3, -4, -4, 3, 2, -2147483648], 'int32'],
  },
  {
    op: 'div',
    variant: "roundingMode 'floor'",
    fn: (a, b) => a.div(b, { roundingMode: 'floor' }),
    inplace: (a, b) => a.div_(b, { roundingMode: 'floor' }),
    values: ['normal', 'nonzero'],
    hand: [M, D, [2, -3, -3, 2, 2]],
    int: [MI, DI, [3, -4, -4, 3, 2, -2147483648], 'int32'],
  },
  {
    op: 'div',
    variant: "roundingMode 'trunc'",
    fn: (a, b) => a.div(b, { roundingMode: 'trunc' }),
    inplace: (a, b) => a.div_(b, { roundingMode: 'trunc' }),
    values: ['normal', 'nonzero'],
    hand: [M, D, [2, -2, -2, 2, 2]],
    int: [MI, DI, [3, -3, -3, 3, 2, -2147483648], 'int32'],
  },
  {
    op: 'atan2',
    fn: (a, b) => a.atan2(b),
    inplace: (a, b) => a.atan2_(b),
    hand: [
      [1, 1, -1, 0, 2],
      [1, -1, -1, 1, 0],
      [Math.PI / 4, (3 * Math.PI) / 4, (-3 * Math.PI) / 4, 0, Math.PI / 2],
    ],
    int: [[1, 0, -3], [0, 1, 0], [Math.PI / 2, 0, -Math.PI / 2], 'float32'],
    gradgrad: true,
  },
];

cases.push(
  ...families.flatMap(battery),
  {
    op: 'mul',
    name: 'int32 wraps like C',
    inputs: [
      { shape: [3], dtype: 'int32', values: [65536, 46341, -7] },
      { shape: [3], dtype: 'int32', values: [65536, 46341, 3] },
    ],
    fn: (a, b) => a.mul(b),
    expected: [0, -2147479015, -21],
  },
  {
    op: 'pow',
    name: 'tensor ** 2 (scalar exponent)',
    inputs: [{ shape: [2, 3] }],
    fn: (a) => a.pow(2),
    gradgrad: true,
  },
  {
    op: 'pow',
    name: 'tensor ** 0.5',
    inputs: [{ shape: [4], values: [0.25, 1, 4, 9] }],
    fn: (a) => a.pow(0.5),
    expected: [0.5, 1, 2, 3],
  },
  {
    op: 'pow',
    name: 'tensor ** 0 has zero gradient',
    inputs: [{ shape: [3] }],
    fn: (a) => a.pow(0),
    expected: [1, 1, 1],
  },
  {
    op: 'pow',
    name: '2 ** tensor (scalar base, function form)',
    inputs: [{ shape: [2, 3] }],
    fn: (a) => pow(2, a),
    gradgrad: true,
  },
  {
    op: 'pow',
    name: '2 ** tensor values',
    inputs: [{ shape: [3], values: [-1, 0, 3] }],
    fn: (a) => pow(2, a),
    expected: [0.5, 1, 8],
  },
  {
    op: 'pow',
    name: 'int32 tensor ** 2 stays int32',
    inputs: [{ shape: [3], dtype: 'int32', values: [-3, 0, 4] }],
    fn: (a) => expectDtype(a.pow(2), 'int32'),
    expected: [9, 0, 16],
  },
  {
    op: 'pow',
    name: 'int32 tensor ** 0.5 promotes to float32',
    inputs: [{ shape: [2], dtype: 'int32', values: [4, 9] }],
    fn: (a) => expectDtype(a.pow(0.5), 'float32'),
    expected: [2, 3],
  },
  {
    op: 'pow',
    name: 'int32 base, float exponent tensor promotes',
    inputs: [{ shape: [3], dtype: 'int32', values: [1, 2, 3] }, { shape: [3] }],
    // The float operand's dtype wins (float64 under gradcheck).
    fn: (a, b) => expectDtype(a.pow(b), b.dtype),
  },
  {
    op: 'maximum',
    name: 'int32 and float promote',
    inputs: [{ shape: [2, 3], dtype: 'int32' }, { shape: [3] }],
    fn: (a, b) => expectDtype(a.maximum(b), b.dtype),
  },
  {
    op: 'minimum',
    name: 'scalar other',
    inputs: [{ shape: [2, 3] }],
    fn: (a) => a.minimum(0.25),
  },
  {
    op: 'remainder',
    name: 'scalar divisor, and scalar dividend (function form)',
    inputs: [{ shape: [5], values: [-3, -1.5, 0.5, 2.5, 4] }],
    fn: (a) => [a.remainder(2), remainder(5, a)],
    expected: [
      [1, 0.5, 0.5, 0.5, 0],
      [-1, -1, 0, 0, 1],
    ],
    noGrad: true,
  },
  {
    op: 'floorDivide',
    name: 'function form, division by zero gives ±inf/nan for floats',
    inputs: [{ shape: [3], values: [1, -1, 0] }],
    fn: (a) => floorDivide(a, 0),
    expected: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN],
    noGrad: true,
  },
  {
    op: 'atan2',
    name: 'broadcast 0-d, gradients to both',
    inputs: [{ shape: [] }, { shape: [2, 3] }],
    fn: (a, b) => atan2(a, b),
    gradgrad: true,
  },
);
