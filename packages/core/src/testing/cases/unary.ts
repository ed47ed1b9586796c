import type { DType } from '../../dtype.js';
import type { Tensor } from '../../tensor.js';
import type { InputSpec, OpCase } from '../conformance.js';

/** Throws unless `t` has `dtype`: cases check PyTorch's result dtypes this way. */
export function expectDtype(t: Tensor, dtype: DType): Tensor {
  if (t.dtype !== dtype) throw new Error(`expected a result of dtype ${dtype}, got ${t.dtype}`);
  return t;
}

/** Throws unless the op returned `self` (in-place ops return their target). */
export function expectSame(got: Tensor, self: Tensor): Tensor {
  if (got !== self) throw new Error('expected the in-place op to return self');
  return self;
}

type Values = InputSpec['values'];

/** One unary op's conformance battery. */
interface UnaryFamily {
  op: string;
  /** Names a second battery of the same op (other parameters). */
  variant?: string;
  fn: (x: Tensor) => Tensor;
  /** The in-place form, when the op has one. */
  inplace?: (x: Tensor) => Tensor;
  /** Input domain of the random cases. */
  values?: Values;
  /** Hand-computed float32 values (mpmath at 30 digits): [inputs, outputs]. */
  hand: [readonly number[], readonly number[]];
  /** Integer inputs: true = promote to float32 (inputs taken from `hand`'s integral entries). */
  int?: true | [readonly number[], readonly number[], DType];
  bool?: [readonly number[], readonly number[], DType];
  gradgrad?: boolean;
}

function battery(f: UnaryFamily): OpCase[] {
  const v = f.values;
  const c = (name: string, input: InputSpec, extra: Partial<OpCase> = {}): OpCase => ({
    op: f.op,
    name,
    inputs: [{ values: v, ...input }],
    fn: f.fn,
    ...extra,
  });
  const cases: OpCase[] = [
    c('[2,3]', { shape: [2, 3] }, { gradgrad: f.gradgrad }),
    c('0-d', { shape: [] }),
    c('size-0 dim', { shape: [0, 3] }),
    c('size-1 dims', { shape: [1, 3, 1] }),
    c('transposed', { shape: [3, 4], layout: 'transposed' }),
    c('strided', { shape: [2, 3], layout: 'strided' }),
    c('expanded', { shape: [3, 2], layout: 'expanded' }),
    c(
      'float64 keeps dtype',
      { shape: [4], dtype: 'float64' },
      { fn: (x) => expectDtype(f.fn(x), 'float64') },
    ),
    c(
      'hand-computed values',
      { shape: [f.hand[0].length], values: f.hand[0] },
      { expected: f.hand[1], noGrad: true, fn: (x) => expectDtype(f.fn(x), 'float32') },
    ),
  ];
  if (f.inplace) {
    const inplace = f.inplace;
    // On a non-leaf copy, so gradcheck covers the history rebase of in-place ops.
    cases.push(
      c(
        'in-place',
        { shape: [2, 3] },
        {
          fn: (x) => {
            const y = x.mul(1);
            return expectSame(inplace(y), y);
          },
        },
      ),
    );
  }
  if (f.int) {
    let ints: [readonly number[], readonly number[], DType];
    if (f.int === true) {
      const idx = f.hand[0].map((x, i) => (Number.isInteger(x) ? i : -1)).filter((i) => i >= 0);
      ints = [idx.map((i) => f.hand[0][i]), idx.map((i) => f.hand[1][i]), 'float32'];
    } else ints = f.int;
    const [xs, want, dtype] = ints;
    cases.push(
      c(
        `int32 -> ${dtype}`,
        { shape: [xs.length], dtype: 'int32', values: xs },
        { expected: want, fn: (x) => expectDtype(f.fn(x), dtype) },
      ),
    );
  }
  if (f.bool) {
    const [xs, want, dtype] = f.bool;
    cases.push(
      c(
        `bool -> ${dtype}`,
        { shape: [xs.length], dtype: 'bool', values: xs },
        { expected: want, fn: (x) => expectDtype(f.fn(x), dtype) },
      ),
    );
  }
  return cases;
}

const XS = [-1.5, -0.5, 0, 0.5, 2];
const POS = [0.25, 0.5, 1, 2, 4];
const UNI = [-0.9, -0.5, 0, 0.5, 0.9];
const E = Math.E;

const families: UnaryFamily[] = [
  {
    op: 'neg',
    fn: (x) => x.neg(),
    inplace: (x) => x.neg_(),
    hand: [XS, [1.5, 0.5, 0, -0.5, -2]],
    int: [[3, -2, 0], [-3, 2, 0], 'int32'],
  },
  {
    op: 'exp',
    fn: (x) => x.exp(),
    inplace: (x) => x.exp_(),
    hand: [XS, [0.22313016, 0.60653066, 1, 1.64872127, 7.3890561]],
    int: true,
    bool: [[1, 0], [E, 1], 'float32'],
    gradgrad: true,
  },
  {
    op: 'exp2',
    fn: (x) => x.exp2(),
    inplace: (x) => x.exp2_(),
    hand: [XS, [0.353553391, Math.SQRT1_2, 1, Math.SQRT2, 4]],
    int: true,
  },
  {
    op: 'expm1',
    fn: (x) => x.expm1(),
    inplace: (x) => x.expm1_(),
    hand: [XS, [-0.77686984, -0.39346934, 0, 0.648721271, 6.3890561]],
    int: true,
    gradgrad: true,
  },
  {
    op: 'log',
    fn: (x) => x.log(),
    inplace: (x) => x.log_(),
    values: 'positive',
    hand: [POS, [-1.38629436, -Math.LN2, 0, Math.LN2, 1.38629436]],
    int: true,
    gradgrad: true,
  },
  {
    op: 'log2',
    fn: (x) => x.log2(),
    inplace: (x) => x.log2_(),
    values: 'positive',
    hand: [POS, [-2, -1, 0, 1, 2]],
    int: true,
  },
  {
    op: 'log10',
    fn: (x) => x.log10(),
    inplace: (x) => x.log10_(),
    values: 'positive',
    hand: [POS, [-0.602059991, -0.301029996, 0, 0.301029996, 0.602059991]],
    int: true,
  },
  {
    op: 'log1p',
    fn: (x) => x.log1p(),
    inplace: (x) => x.log1p_(),
    values: 'positive',
    hand: [POS, [0.223143551, 0.405465108, Math.LN2, 1.09861229, 1.60943791]],
    int: true,
  },
  {
    op: 'abs',
    fn: (x) => x.abs(),
    inplace: (x) => x.abs_(),
    hand: [XS, [1.5, 0.5, 0, 0.5, 2]],
    int: [[-3, 2, 0, -2147483648], [3, 2, 0, -2147483648], 'int32'],
    gradgrad: true,
  },
  {
    op: 'sqrt',
    fn: (x) => x.sqrt(),
    inplace: (x) => x.sqrt_(),
    values: 'positive',
    hand: [POS, [0.5, Math.SQRT1_2, 1, Math.SQRT2, 2]],
    int: [[4, 9, 2, -1], [2, 3, Math.SQRT2, Number.NaN], 'float32'],
    gradgrad: true,
  },
  {
    op: 'rsqrt',
    fn: (x) => x.rsqrt(),
    inplace: (x) => x.rsqrt_(),
    values: 'positive',
    hand: [POS, [2, Math.SQRT2, 1, Math.SQRT1_2, 0.5]],
    int: [[4, 1, 0], [0.5, 1, Number.POSITIVE_INFINITY], 'float32'],
    gradgrad: true,
  },
  {
    op: 'square',
    fn: (x) => x.square(),
    inplace: (x) => x.square_(),
    hand: [XS, [2.25, 0.25, 0, 0.25, 4]],
    // int32 wraps like C: 46341² = 2147488281 ≡ -2147479015 (mod 2³²).
    int: [[-3, 46341, 2], [9, -2147479015, 4], 'int32'],
    bool: [[1, 0], [1, 0], 'int32'],
    gradgrad: true,
  },
  {
    op: 'reciprocal',
    fn: (x) => x.reciprocal(),
    inplace: (x) => x.reciprocal_(),
    values: 'nonzero',
    hand: [
      [-2, -0.5, 0.25, 1, 4],
      [-0.5, -2, 4, 1, 0.25],
    ],
    int: [[2, -4, 0], [0.5, -0.25, Number.POSITIVE_INFINITY], 'float32'],
    gradgrad: true,
  },
  {
    op: 'sign',
    fn: (x) => x.sign(),
    inplace: (x) => x.sign_(),
    hand: [XS, [-1, -1, 0, 1, 1]],
    int: [[-3, 0, 7], [-1, 0, 1], 'int32'],
    bool: [[1, 0], [1, 0], 'bool'],
  },
  {
    op: 'floor',
    fn: (x) => x.floor(),
    inplace: (x) => x.floor_(),
    hand: [
      [-1.5, -0.5, 0, 0.5, 2.7],
      [-2, -1, 0, 0, 2],
    ],
    int: [[-3, 5], [-3, 5], 'int32'],
  },
  {
    op: 'ceil',
    fn: (x) => x.ceil(),
    inplace: (x) => x.ceil_(),
    hand: [
      [-1.5, -0.5, 0, 0.5, 2.2],
      [-1, -0, 0, 1, 3],
    ],
    int: [[-3, 5], [-3, 5], 'int32'],
  },
  {
    op: 'round',
    fn: (x) => x.round(),
    inplace: (x) => x.round_(),
    // Half to even, like PyTorch.
    hand: [
      [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.6, -2.4],
      [-2, -2, -0, 0, 2, 2, 3, -2],
    ],
    int: [[-3, 5], [-3, 5], 'int32'],
  },
  {
    op: 'trunc',
    fn: (x) => x.trunc(),
    inplace: (x) => x.trunc_(),
    hand: [
      [-1.5, -0.5, 0, 0.5, 2.7],
      [-1, -0, 0, 0, 2],
    ],
    int: [[-3, 5], [-3, 5], 'int32'],
  },
  {
    op: 'frac',
    fn: (x) => x.frac(),
    inplace: (x) => x.frac_(),
    hand: [
      [-1.5, -0.25, 0, 0.5, 2.75],
      [-0.5, -0.25, 0, 0.5, 0.75],
    ],
  },
  {
    op: 'sin',
    fn: (x) => x.sin(),
    inplace: (x) => x.sin_(),
    hand: [XS, [-0.997494987, -0.479425539, 0, 0.479425539, 0.909297427]],
    int: true,
    gradgrad: true,
  },
  {
    op: 'cos',
    fn: (x) => x.cos(),
    inplace: (x) => x.cos_(),
    hand: [XS, [0.0707372017, 0.877582562, 1, 0.877582562, -0.416146837]],
    int: true,
    gradgrad: true,
  },
  {
    op: 'tan',
    fn: (x) => x.tan(),
    inplace: (x) => x.tan_(),
    values: 'uniform',
    hand: [XS, [-14.1014199, -0.54630249, 0, 0.54630249, -2.18503986]],
    int: true,
    gradgrad: true,
  },
  {
    op: 'asin',
    fn: (x) => x.asin(),
    inplace: (x) => x.asin_(),
    values: 'uniform',
    hand: [UNI, [-1.11976951, -0.523598776, 0, 0.523598776, 1.11976951]],
    int: [[0, 1, 2], [0, Math.PI / 2, Number.NaN], 'float32'],
  },
  {
    op: 'acos',
    fn: (x) => x.acos(),
    inplace: (x) => x.acos_(),
    values: 'uniform',
    hand: [UNI, [2.69056584, 2.0943951, 1.57079633, 1.04719755, 0.451026812]],
    int: true,
  },
  {
    op: 'atan',
    fn: (x) => x.atan(),
    inplace: (x) => x.atan_(),
    hand: [XS, [-0.982793723, -0.463647609, 0, 0.463647609, 1.10714872]],
    int: true,
    gradgrad: true,
  },
  {
    op: 'sinh',
    fn: (x) => x.sinh(),
    inplace: (x) => x.sinh_(),
    hand: [XS, [-2.12927946, -0.521095305, 0, 0.521095305, 3.62686041]],
    int: true,
  },
  {
    op: 'cosh',
    fn: (x) => x.cosh(),
    inplace: (x) => x.cosh_(),
    hand: [XS, [2.35240962, 1.12762597, 1, 1.12762597, 3.76219569]],
    int: true,
  },
  {
    op: 'tanh',
    fn: (x) => x.tanh(),
    inplace: (x) => x.tanh_(),
    hand: [XS, [-0.905148254, -0.462117157, 0, 0.462117157, 0.96402758]],
    int: true,
    gradgrad: true,
  },
  {
    op: 'asinh',
    fn: (x) => x.asinh(),
    inplace: (x) => x.asinh_(),
    hand: [XS, [-1.19476322, -0.481211825, 0, 0.481211825, 1.44363548]],
    int: true,
  },
  {
    op: 'acosh',
    // Shifted into acosh's domain (x > 1) for the random cases.
    fn: (x) => x.add(1).acosh(),
    inplace: (x) => x.add_(1).acosh_(),
    values: 'positive',
    hand: [
      [0, 0.5, 1, 3, 9],
      [0, 0.96242365, 1.3169579, 2.06343707, 2.99322285],
    ],
    int: true,
  },
  {
    op: 'atanh',
    fn: (x) => x.atanh(),
    inplace: (x) => x.atanh_(),
    values: 'uniform',
    hand: [UNI, [-1.47221949, -0.549306144, 0, 0.549306144, 1.47221949]],
    int: [[0, 1, -1], [0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY], 'float32'],
    gradgrad: true,
  },
  {
    op: 'erf',
    fn: (x) => x.erf(),
    inplace: (x) => x.erf_(),
    hand: [XS, [-0.966105146, -0.520499878, 0, 0.520499878, 0.995322265]],
    int: true,
    gradgrad: true,
  },
  {
    op: 'erfc',
    fn: (x) => x.erfc(),
    inplace: (x) => x.erfc_(),
    hand: [XS, [1.96610515, 1.52049988, 1, 0.479500122, 0.00467773498]],
    int: true,
  },
  {
    op: 'sigmoid',
    fn: (x) => x.sigmoid(),
    inplace: (x) => x.sigmoid_(),
    hand: [XS, [0.182425524, 0.377540669, 0.5, 0.622459331, 0.880797078]],
    int: true,
    bool: [[1, 0], [0.731058579, 0.5], 'float32'],
    gradgrad: true,
  },
  {
    op: 'logsigmoid',
    fn: (x) => x.logsigmoid(),
    hand: [XS, [-1.70141328, -0.974076984, -Math.LN2, -0.474076984, -0.126928011]],
    gradgrad: true,
  },
  {
    op: 'relu',
    fn: (x) => x.relu(),
    inplace: (x) => x.relu_(),
    hand: [XS, [0, 0, 0, 0.5, 2]],
    int: [[-3, 0, 4], [0, 0, 4], 'int32'],
    gradgrad: true,
  },
  {
    op: 'silu',
    fn: (x) => x.silu(),
    inplace: (x) => x.silu_(),
    hand: [XS, [-0.273638286, -0.188770334, 0, 0.311229666, 1.76159416]],
    gradgrad: true,
  },
  {
    op: 'mish',
    fn: (x) => x.mish(),
    inplace: (x) => x.mish_(),
    hand: [XS, [-0.298099742, -0.220743775, 0, 0.375245211, 1.94395896]],
    gradgrad: true,
  },
  {
    op: 'hardsigmoid',
    fn: (x) => x.hardsigmoid(),
    inplace: (x) => x.hardsigmoid_(),
    hand: [
      [-4, -1.5, 0, 1.5, 4],
      [0, 0.25, 0.5, 0.75, 1],
    ],
  },
  {
    op: 'hardswish',
    fn: (x) => x.hardswish(),
    inplace: (x) => x.hardswish_(),
    hand: [
      [-4, -1.5, 0, 1.5, 4],
      [0, -0.375, 0, 1.125, 4],
    ],
    gradgrad: true,
  },
  {
    op: 'leakyRelu',
    fn: (x) => x.leakyRelu(),
    inplace: (x) => x.leakyRelu_(),
    hand: [XS, [-0.015, -0.005, 0, 0.5, 2]],
  },
  {
    op: 'leakyRelu',
    variant: 'slope 0.2',
    fn: (x) => x.leakyRelu(0.2),
    inplace: (x) => x.leakyRelu_(0.2),
    hand: [XS, [-0.3, -0.1, 0, 0.5, 2]],
    gradgrad: true,
  },
  {
    op: 'gelu',
    fn: (x) => x.gelu(),
    hand: [XS, [-0.100210802, -0.154268769, 0, 0.345731231, 1.95449974]],
    gradgrad: true,
  },
  {
    op: 'gelu',
    variant: "approximate 'tanh'",
    fn: (x) => x.gelu({ approximate: 'tanh' }),
    hand: [XS, [-0.100428423, -0.15428599, 0, 0.34571401, 1.95459769]],
    gradgrad: true,
  },
  {
    op: 'softplus',
    fn: (x) => x.softplus(),
    hand: [XS, [0.201413278, 0.474076984, Math.LN2, 0.974076984, 2.12692801]],
    gradgrad: true,
  },
  {
    op: 'softplus',
    variant: 'beta 2, threshold 1',
    fn: (x) => x.softplus({ beta: 2, threshold: 1 }),
    hand: [XS, [0.0242936758, 0.156630844, 0.34657359, 0.656630844, 2]],
    gradgrad: true,
  },
  {
    op: 'elu',
    fn: (x) => x.elu(),
    inplace: (x) => x.elu_(),
    hand: [XS, [-0.77686984, -0.39346934, 0, 0.5, 2]],
    gradgrad: true,
  },
  {
    op: 'selu',
    fn: (x) => x.selu(),
    inplace: (x) => x.selu_(),
    hand: [XS, [-1.36581435, -0.691758188, 0, 0.525350494, 2.10140197]],
  },
  {
    op: 'celu',
    fn: (x) => x.celu(0.5),
    inplace: (x) => x.celu_(0.5),
    hand: [XS, [-0.475106466, -0.316060279, 0, 0.5, 2]],
    gradgrad: true,
  },
  {
    op: 'hardtanh',
    fn: (x) => x.hardtanh(),
    inplace: (x) => x.hardtanh_(),
    hand: [XS, [-1, -0.5, 0, 0.5, 1]],
    int: [[-3, 0, 2], [-1, 0, 1], 'int32'],
  },
  {
    op: 'hardtanh',
    variant: '[-0.5, 0.5]',
    fn: (x) => x.hardtanh(-0.5, 0.5),
    inplace: (x) => x.hardtanh_(-0.5, 0.5),
    hand: [XS, [-0.5, -0.5, 0, 0.5, 0.5]],
  },
  {
    op: 'relu6',
    fn: (x) => x.mul(4).relu6(),
    inplace: (x) => x.mul_(4).relu6_(),
    hand: [XS, [0, 0, 0, 2, 6]],
    int: [[-3, 1, 8], [0, 4, 6], 'int32'],
  },
  {
    op: 'softsign',
    fn: (x) => x.softsign(),
    hand: [XS, [-0.6, -0.333333333, 0, 0.333333333, 0.666666667]],
    gradgrad: true,
  },
  {
    op: 'threshold',
    fn: (x) => x.threshold(0.1, -2),
    inplace: (x) => x.threshold_(0.1, -2),
    hand: [XS, [-2, -2, -2, 0.5, 2]],
    int: [[-3, 1, 4], [-2, 1, 4], 'int32'],
  },
];

/** Conformance cases of the unary elementwise family (a battery per op, see `battery`). */
export const cases: OpCase[] = families.flatMap((f) =>
  battery(f).map((c) => (f.variant ? { ...c, name: `${f.variant}: ${c.name}` } : c)),
);

cases.push({
  op: 'threshold',
  name: 'int32 with a float value stays int32 (the value truncates)',
  inputs: [{ shape: [3], dtype: 'int32', values: [-3, 1, 4] }],
  fn: (x) => expectDtype(x.threshold(0.5, -2.5), 'int32'),
  expected: [-2, 1, 4],
});
