/**
 * Elementwise unary ops. Each entry of UNARY_OPS is the single definition of an op: its name (the
 * kernel name backends register), its backward node name, its dtype rules, and its gradient written
 * with core ops. Functions `k.exp(x)` and methods `x.exp()` / `x.exp_()` are generated from the table.
 * Parameterised activations (leakyRelu, gelu, softplus, elu, hardtanh) use the same machinery with
 * their parameters passed to kernels as attrs.
 */
import type { KernelAttrs } from '../backend.js';
import { type DType, isFloatingPoint } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { traceCall, traceOn } from '../trace.js';
import { where } from './compare.js';
import { zerosLike } from './creation.js';
import { kview, recordGrad, runKernel1 } from './dispatch.js';
import { applyInPlace } from './inplace.js';

/** How an elementwise unary op is defined: its backward node, gradient, saved tensor and accepted dtypes. */
export interface UnarySpec<A extends KernelAttrs = KernelAttrs> {
  /** Backward node name, PyTorch style. */
  readonly backward: string;
  /**
   * What backward reads, as PyTorch saves it: 'x' the input (default), 'y' the output, 'none'
   * nothing (grad then receives the incoming gradient as `v`). Saving only what is needed keeps
   * in-place edits of the other tensor legal.
   */
  readonly saves?: 'x' | 'y' | 'none';
  /** The gradient wrt the input: (incoming grad, saved tensor, attrs) => grad wrt input. */
  readonly grad: (g: Tensor, v: Tensor, attrs: A) => Tensor;
  /** Integer/bool inputs compute in float32 (exp of an int tensor is float, like PyTorch). */
  readonly promotesToFloat?: boolean;
  /** Dtypes the op rejects. */
  readonly rejects?: readonly DType[];
  /** Bool inputs compute in this dtype (square of bool is integer in PyTorch). */
  readonly boolTo?: DType;
  /** Appended to the dtype error, e.g. what to use instead. */
  readonly hint?: string;
}

const NO_BOOL: readonly DType[] = ['bool'];
const FLOAT_ONLY: readonly DType[] = ['int32', 'bool'];
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const GELU_TANH_COEF = 0.044715;

/** PyTorch's SELU constants. */
export const SELU_ALPHA = 1.6732632423543772;
/** PyTorch's SELU scale constant. */
export const SELU_SCALE = 1.0507009873554805;

/** 1 - t², a common factor of tanh-like derivatives. */
const oneMinusSq = (t: Tensor): Tensor => t.square().neg().add(1);
/** Zero gradient of a piecewise-constant op (PyTorch returns zeros, not None). */
const zeroGrad = (g: Tensor): Tensor => zerosLike(g);

/** Names of the elementwise unary ops in `UNARY_OPS`. */
export type UnaryOpName =
  | 'neg'
  | 'exp'
  | 'exp2'
  | 'expm1'
  | 'log'
  | 'log2'
  | 'log10'
  | 'log1p'
  | 'abs'
  | 'sqrt'
  | 'rsqrt'
  | 'square'
  | 'reciprocal'
  | 'sign'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'trunc'
  | 'frac'
  | 'sin'
  | 'cos'
  | 'tan'
  | 'asin'
  | 'acos'
  | 'atan'
  | 'sinh'
  | 'cosh'
  | 'tanh'
  | 'asinh'
  | 'acosh'
  | 'atanh'
  | 'erf'
  | 'erfc'
  | 'sigmoid'
  | 'logsigmoid'
  | 'relu'
  | 'silu'
  | 'mish'
  | 'hardsigmoid'
  | 'hardswish';

/** The table of elementwise unary ops: each entry `foo` gives `k.foo(x)`, `x.foo()` and in-place `x.foo_()`. */
export const UNARY_OPS: Record<UnaryOpName, UnarySpec> = {
  neg: {
    backward: 'NegBackward',
    saves: 'none',
    grad: (g) => g.neg(),
    rejects: NO_BOOL,
    hint: 'to invert a mask use logicalNot()',
  },
  exp: { backward: 'ExpBackward', saves: 'y', grad: (g, y) => g.mul(y), promotesToFloat: true },
  exp2: {
    backward: 'Exp2Backward',
    saves: 'y',
    grad: (g, y) => g.mul(y.mul(Math.LN2)),
    promotesToFloat: true,
  },
  expm1: { backward: 'Expm1Backward', saves: 'y', grad: (g, y) => g.mul(y.add(1)), promotesToFloat: true },
  log: { backward: 'LogBackward', grad: (g, x) => g.div(x), promotesToFloat: true },
  log2: { backward: 'Log2Backward', grad: (g, x) => g.div(x.mul(Math.LN2)), promotesToFloat: true },
  log10: { backward: 'Log10Backward', grad: (g, x) => g.div(x.mul(Math.LN10)), promotesToFloat: true },
  log1p: { backward: 'Log1pBackward', grad: (g, x) => g.div(x.add(1)), promotesToFloat: true },
  abs: { backward: 'AbsBackward', grad: (g, x) => g.mul(x.sign()), rejects: NO_BOOL },
  sqrt: { backward: 'SqrtBackward', saves: 'y', grad: (g, y) => g.div(y.mul(2)), promotesToFloat: true },
  rsqrt: {
    backward: 'RsqrtBackward',
    saves: 'y',
    grad: (g, y) => g.mul(y.square().mul(y).mul(-0.5)),
    promotesToFloat: true,
  },
  square: { backward: 'PowBackward', grad: (g, x) => g.mul(x.mul(2)), boolTo: 'int32' },
  reciprocal: {
    backward: 'ReciprocalBackward',
    saves: 'y',
    grad: (g, y) => g.mul(y.square()).neg(),
    promotesToFloat: true,
  },
  // sign keeps bool (sign of a bool is itself in PyTorch).
  sign: { backward: 'SignBackward', saves: 'none', grad: zeroGrad },
  floor: { backward: 'FloorBackward', saves: 'none', grad: zeroGrad, rejects: NO_BOOL },
  ceil: { backward: 'CeilBackward', saves: 'none', grad: zeroGrad, rejects: NO_BOOL },
  // Rounds half to even, like PyTorch (and unlike Math.round).
  round: { backward: 'RoundBackward', saves: 'none', grad: zeroGrad, rejects: NO_BOOL },
  trunc: { backward: 'TruncBackward', saves: 'none', grad: zeroGrad, rejects: NO_BOOL },
  frac: { backward: 'FracBackward', saves: 'none', grad: (g) => g, rejects: FLOAT_ONLY },
  sin: { backward: 'SinBackward', grad: (g, x) => g.mul(x.cos()), promotesToFloat: true },
  cos: { backward: 'CosBackward', grad: (g, x) => g.mul(x.sin()).neg(), promotesToFloat: true },
  tan: {
    backward: 'TanBackward',
    saves: 'y',
    grad: (g, y) => g.mul(y.square().add(1)),
    promotesToFloat: true,
  },
  asin: { backward: 'AsinBackward', grad: (g, x) => g.div(oneMinusSq(x).sqrt()), promotesToFloat: true },
  acos: {
    backward: 'AcosBackward',
    grad: (g, x) => g.div(oneMinusSq(x).sqrt()).neg(),
    promotesToFloat: true,
  },
  atan: { backward: 'AtanBackward', grad: (g, x) => g.div(x.square().add(1)), promotesToFloat: true },
  sinh: { backward: 'SinhBackward', grad: (g, x) => g.mul(x.cosh()), promotesToFloat: true },
  cosh: { backward: 'CoshBackward', grad: (g, x) => g.mul(x.sinh()), promotesToFloat: true },
  tanh: { backward: 'TanhBackward', saves: 'y', grad: (g, y) => g.mul(oneMinusSq(y)), promotesToFloat: true },
  asinh: {
    backward: 'AsinhBackward',
    grad: (g, x) => g.div(x.square().add(1).sqrt()),
    promotesToFloat: true,
  },
  acosh: {
    backward: 'AcoshBackward',
    grad: (g, x) => g.div(x.square().sub(1).sqrt()),
    promotesToFloat: true,
  },
  atanh: { backward: 'AtanhBackward', grad: (g, x) => g.div(oneMinusSq(x)), promotesToFloat: true },
  erf: {
    backward: 'ErfBackward',
    grad: (g, x) => g.mul(x.square().neg().exp().mul(TWO_OVER_SQRT_PI)),
    promotesToFloat: true,
  },
  erfc: {
    backward: 'ErfcBackward',
    grad: (g, x) => g.mul(x.square().neg().exp().mul(-TWO_OVER_SQRT_PI)),
    promotesToFloat: true,
  },
  sigmoid: {
    backward: 'SigmoidBackward',
    saves: 'y',
    grad: (g, y) => g.mul(y.mul(y.neg().add(1))),
    promotesToFloat: true,
  },
  logsigmoid: {
    backward: 'LogSigmoidBackward',
    grad: (g, x) => g.mul(x.neg().sigmoid()),
    rejects: FLOAT_ONLY,
  },
  relu: {
    backward: 'ReluBackward',
    saves: 'y',
    grad: (g, y) => where(y.gt(0), g, 0),
    rejects: NO_BOOL,
  },
  silu: {
    backward: 'SiluBackward',
    grad: (g, x) => {
      const s = x.sigmoid();
      return g.mul(s.mul(x.mul(s.neg().add(1)).add(1)));
    },
    rejects: FLOAT_ONLY,
  },
  mish: {
    backward: 'MishBackward',
    grad: (g, x) => {
      const t = softplus(x).tanh();
      return g.mul(t.add(x.mul(x.sigmoid()).mul(oneMinusSq(t))));
    },
    rejects: FLOAT_ONLY,
  },
  hardsigmoid: {
    backward: 'HardsigmoidBackward',
    grad: (g, x) => where(x.gt(-3).logicalAnd(x.lt(3)), g.div(6), 0),
    rejects: FLOAT_ONLY,
  },
  hardswish: {
    backward: 'HardswishBackward',
    grad: (g, x) => where(x.lt(-3), 0, where(x.le(3), g.mul(x.div(3).add(0.5)), g)),
    rejects: FLOAT_ONLY,
  },
};

/** The tensor a unary op computes on: validated and converted per the spec's dtype rules. */
function unaryInput(name: string, spec: UnarySpec<never>, x: Tensor): Tensor {
  if (!(x instanceof Tensor))
    throw new TypeError(`${name}: argument 'input' must be a Tensor, not ${x === null ? 'null' : typeof x}`);
  if (spec.rejects?.includes(x.dtype)) {
    const expected = spec.rejects.includes('int32') ? ' (expected a floating point tensor)' : '';
    const hint = spec.hint ? `; ${spec.hint}` : '';
    throw new TypeError(`${name}: not implemented for dtype '${x.dtype}'${expected}${hint}`);
  }
  if (spec.promotesToFloat && !isFloatingPoint(x.dtype)) return x.to('float32');
  if (spec.boolTo && x.dtype === 'bool') return x.to(spec.boolTo);
  return x;
}

/** Runs unary op `name` from its spec (shared by the functions and methods below). */
export function unary<A extends KernelAttrs>(
  name: string,
  spec: UnarySpec<A>,
  x: Tensor,
  attrs: A = {} as A,
): Tensor {
  const src = unaryInput(name, spec as UnarySpec<never>, x);
  const out = runKernel1(name, src.device, [kview(src)], src.shape, src.dtype, attrs);
  const saves = spec.saves ?? 'x';
  const save = saves === 'x' ? [src] : saves === 'y' ? [out] : [];
  recordGrad(spec.backward, [src], [out], ([g], [v]) => [spec.grad(g, v ?? g, attrs)], save);
  return out;
}

const op = (name: UnaryOpName) => {
  const f = (x: Tensor): Tensor => (traceOn ? traceCall(name, f, [x]) : unary(name, UNARY_OPS[name], x));
  return f;
};

/** Elementwise `-x`, like torch.neg. */
export const neg = op('neg');
/** Elementwise `e^x`, like torch.exp. */
export const exp = op('exp');
/** Elementwise `2^x`, like torch.exp2. */
export const exp2 = op('exp2');
/** Elementwise `e^x - 1`, accurate near 0, like torch.expm1. */
export const expm1 = op('expm1');
/** Elementwise natural logarithm, like torch.log. */
export const log = op('log');
/** Elementwise base-2 logarithm, like torch.log2. */
export const log2 = op('log2');
/** Elementwise base-10 logarithm, like torch.log10. */
export const log10 = op('log10');
/** Elementwise `ln(1 + x)`, accurate near 0, like torch.log1p. */
export const log1p = op('log1p');
/** Elementwise absolute value, like torch.abs. */
export const abs = op('abs');
/** Elementwise square root, like torch.sqrt. */
export const sqrt = op('sqrt');
/** Elementwise `1 / sqrt(x)`, like torch.rsqrt. */
export const rsqrt = op('rsqrt');
/** Elementwise `x * x`, like torch.square. */
export const square = op('square');
/** Elementwise `1 / x`, like torch.reciprocal. */
export const reciprocal = op('reciprocal');
/** Elementwise sign (-1, 0 or 1), like torch.sign. */
export const sign = op('sign');
/** Elementwise rounding toward -Infinity, like torch.floor. */
export const floor = op('floor');
/** Elementwise rounding toward +Infinity, like torch.ceil. */
export const ceil = op('ceil');
/** Elementwise rounding to nearest, ties to even, like torch.round. */
export const round = op('round');
/** Elementwise rounding toward zero, like torch.trunc. */
export const trunc = op('trunc');
/** Elementwise fractional part `x - trunc(x)`, like torch.frac. */
export const frac = op('frac');
/** Elementwise sine, like torch.sin. */
export const sin = op('sin');
/** Elementwise cosine, like torch.cos. */
export const cos = op('cos');
/** Elementwise tangent, like torch.tan. */
export const tan = op('tan');
/** Elementwise arcsine, like torch.asin. */
export const asin = op('asin');
/** Elementwise arccosine, like torch.acos. */
export const acos = op('acos');
/** Elementwise arctangent, like torch.atan. */
export const atan = op('atan');
/** Elementwise hyperbolic sine, like torch.sinh. */
export const sinh = op('sinh');
/** Elementwise hyperbolic cosine, like torch.cosh. */
export const cosh = op('cosh');
/** Elementwise hyperbolic tangent, like torch.tanh. */
export const tanh = op('tanh');
/** Elementwise inverse hyperbolic sine, like torch.asinh. */
export const asinh = op('asinh');
/** Elementwise inverse hyperbolic cosine, like torch.acosh. */
export const acosh = op('acosh');
/** Elementwise inverse hyperbolic tangent, like torch.atanh. */
export const atanh = op('atanh');
/** Elementwise error function, like torch.erf. */
export const erf = op('erf');
/** Elementwise complementary error function `1 - erf(x)`, like torch.erfc. */
export const erfc = op('erfc');
/** Elementwise logistic sigmoid `1 / (1 + e^-x)`, like torch.sigmoid. */
export const sigmoid = op('sigmoid');
/** Elementwise `log(sigmoid(x))`, computed stably, like torch.nn.functional.logsigmoid. */
export const logsigmoid = op('logsigmoid');
/** Elementwise `max(x, 0)`, like torch.relu. */
export const relu = op('relu');
/** Elementwise `x * sigmoid(x)` (swish), like torch.nn.functional.silu. */
export const silu = op('silu');
/** Elementwise `x * tanh(softplus(x))`, like torch.nn.functional.mish. */
export const mish = op('mish');
/** Elementwise piecewise-linear sigmoid `relu6(x + 3) / 6`, like torch.nn.functional.hardsigmoid. */
export const hardsigmoid = op('hardsigmoid');
/** Elementwise `x * relu6(x + 3) / 6`, like torch.nn.functional.hardswish. */
export const hardswish = op('hardswish');

// ------------------------------------------------------------------ parameterised activations

type LeakyReluAttrs = { negativeSlope: number };
const LEAKY_RELU: UnarySpec<LeakyReluAttrs> = {
  backward: 'LeakyReluBackward',
  grad: (g, x, a) => where(x.gt(0), g, g.mul(a.negativeSlope)),
  rejects: FLOAT_ONLY,
};

/** `x` where positive, `negativeSlope * x` elsewhere. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  if (traceOn) return traceCall('leakyRelu', leakyRelu, [x, negativeSlope]);
  checkNumber('leakyRelu', 'negativeSlope', negativeSlope);
  return unary('leakyRelu', LEAKY_RELU, x, { negativeSlope });
}

/** GELU's formula: exact ('none', with erf) or the 'tanh' approximation. */
export type GeluApproximate = 'none' | 'tanh';
/** Options of `gelu`. */
export interface GeluOptions {
  approximate?: GeluApproximate;
}
type GeluAttrs = { approximate: GeluApproximate };
const GELU: UnarySpec<GeluAttrs> = {
  backward: 'GeluBackward',
  grad: (g, x, a) => {
    if (a.approximate === 'tanh') {
      // d/dx 0.5·x·(1 + tanh(u)), u = √(2/π)(x + c·x³)
      const t = x.add(x.square().mul(x).mul(GELU_TANH_COEF)).mul(SQRT_2_OVER_PI).tanh();
      const du = x
        .square()
        .mul(3 * GELU_TANH_COEF)
        .add(1)
        .mul(SQRT_2_OVER_PI);
      return g.mul(
        t
          .add(1)
          .mul(0.5)
          .add(x.mul(0.5).mul(oneMinusSq(t)).mul(du)),
      );
    }
    // d/dx x·Φ(x) = Φ(x) + x·φ(x)
    const cdf = x.mul(Math.SQRT1_2).erf().add(1).mul(0.5);
    const pdf = x.square().mul(-0.5).exp().mul(INV_SQRT_2PI);
    return g.mul(cdf.add(x.mul(pdf)));
  },
  rejects: FLOAT_ONLY,
};

/** Gaussian error linear unit: `x·Φ(x)`, or its tanh approximation. */
export function gelu(x: Tensor, opts: GeluOptions = {}): Tensor {
  if (traceOn) return traceCall('gelu', gelu, [x, opts]);
  const approximate = opts.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh')
    throw new Error(
      `gelu: approximate argument must be either 'none' or 'tanh' (got '${String(approximate)}')`,
    );
  return unary('gelu', GELU, x, { approximate });
}

/** Options of `softplus`: `beta` and the linear `threshold`. */
export interface SoftplusOptions {
  beta?: number;
  threshold?: number;
}
type SoftplusAttrs = { beta: number; threshold: number };
const SOFTPLUS: UnarySpec<SoftplusAttrs> = {
  backward: 'SoftplusBackward',
  grad: (g, x, a) => {
    const bx = x.mul(a.beta);
    return where(bx.gt(a.threshold), g, g.mul(bx.sigmoid()));
  },
  rejects: FLOAT_ONLY,
};

/** `log(1 + exp(beta·x)) / beta`, linear where `beta·x > threshold` (for numerical stability). */
export function softplus(x: Tensor, opts: SoftplusOptions = {}): Tensor {
  if (traceOn) return traceCall('softplus', softplus, [x, opts]);
  const beta = opts.beta ?? 1;
  const threshold = opts.threshold ?? 20;
  checkNumber('softplus', 'beta', beta);
  checkNumber('softplus', 'threshold', threshold);
  return unary('softplus', SOFTPLUS, x, { beta, threshold });
}

/** elu, selu and celu share one kernel: `x > 0 ? scale·x : scale·alpha·(exp(inputScale·x) - 1)`. */
type EluAttrs = { alpha: number; scale: number; inputScale: number };
const ELU: UnarySpec<EluAttrs> = {
  backward: 'EluBackward',
  grad: (g, x, a) =>
    where(
      x.gt(0),
      g.mul(a.scale),
      g.mul(
        x
          .mul(a.inputScale)
          .exp()
          .mul(a.scale * a.alpha * a.inputScale),
      ),
    ),
  rejects: FLOAT_ONLY,
};

/** Elementwise ELU: `x` for x > 0, else `alpha * (e^x - 1)`, like torch.nn.functional.elu. */
export function elu(x: Tensor, alpha = 1): Tensor {
  if (traceOn) return traceCall('elu', elu, [x, alpha]);
  checkNumber('elu', 'alpha', alpha);
  return unary('elu', ELU, x, { alpha, scale: 1, inputScale: 1 });
}

/** Elementwise SELU: `scale * elu(x, alpha)` with PyTorch's constants, like torch.selu. */
export function selu(x: Tensor): Tensor {
  if (traceOn) return traceCall('selu', selu, [x]);
  return unary('elu', ELU, x, { alpha: SELU_ALPHA, scale: SELU_SCALE, inputScale: 1 });
}

/** Elementwise CELU: `max(0, x) + min(0, alpha * (e^(x/alpha) - 1))`, like torch.celu. */
export function celu(x: Tensor, alpha = 1): Tensor {
  if (traceOn) return traceCall('celu', celu, [x, alpha]);
  checkNumber('celu', 'alpha', alpha);
  if (alpha === 0) throw new Error('celu: ZeroDivisionError (alpha must not be 0)');
  return unary('elu', ELU, x, { alpha, scale: 1, inputScale: 1 / alpha });
}

type HardtanhAttrs = { minVal: number; maxVal: number };
const HARDTANH: UnarySpec<HardtanhAttrs> = {
  backward: 'HardtanhBackward',
  // Zero at the boundaries themselves, like PyTorch's hardtanh_backward (clamp's passes them).
  grad: (g, x, a) => where(x.gt(a.minVal).logicalAnd(x.lt(a.maxVal)), g, 0),
  rejects: NO_BOOL,
};

/** `x` clamped to [minVal, maxVal]; integer tensors stay integer. */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  if (traceOn) return traceCall('hardtanh', hardtanh, [x, minVal, maxVal]);
  checkNumber('hardtanh', 'minVal', minVal);
  checkNumber('hardtanh', 'maxVal', maxVal);
  if (minVal > maxVal)
    throw new Error(`hardtanh: minVal (${minVal}) must be less than or equal to maxVal (${maxVal})`);
  return unary('hardtanh', HARDTANH, x, { minVal, maxVal });
}

/** Elementwise `min(max(x, 0), 6)`, like torch.nn.functional.relu6. */
export const relu6 = (x: Tensor): Tensor => hardtanh(x, 0, 6);

/** `x / (1 + |x|)` (a composition of core ops). */
export const softsign = (x: Tensor): Tensor => x.div(x.abs().add(1));

/** `x` where `x > threshold`, else `value` (a composition of core ops). */
export function threshold(x: Tensor, thresh: number, value: number): Tensor {
  if (traceOn) return traceCall('threshold', threshold, [x, thresh, value]);
  checkNumber('threshold', 'threshold', thresh);
  checkNumber('threshold', 'value', value);
  if (x.dtype === 'bool') throw new TypeError(`threshold: not implemented for dtype 'bool'`);
  const out = where(x.gt(thresh), x, value);
  // The result keeps x's dtype (an int tensor with a float value stays int), as PyTorch's kernel.
  return out.dtype === x.dtype ? out : out.to(x.dtype);
}

function checkNumber(op: string, name: string, v: unknown): void {
  if (typeof v !== 'number')
    throw new TypeError(`${op}: argument '${name}' must be a number, not ${v === null ? 'null' : typeof v}`);
}

// ------------------------------------------------------------------ methods

type UnaryMethods = { [K in UnaryOpName]: () => Tensor } & {
  [K in UnaryOpName as `${K}_`]: () => Tensor;
};

declare module '../tensor.js' {
  // Every UNARY_OPS entry `foo` gives `x.foo()` and in-place `x.foo_()`.
  interface Tensor extends UnaryMethods {
    leakyRelu(negativeSlope?: number): Tensor;
    leakyRelu_(negativeSlope?: number): Tensor;
    gelu(opts?: GeluOptions): Tensor;
    softplus(opts?: SoftplusOptions): Tensor;
    elu(alpha?: number): Tensor;
    elu_(alpha?: number): Tensor;
    selu(): Tensor;
    selu_(): Tensor;
    celu(alpha?: number): Tensor;
    celu_(alpha?: number): Tensor;
    hardtanh(minVal?: number, maxVal?: number): Tensor;
    hardtanh_(minVal?: number, maxVal?: number): Tensor;
    relu6(): Tensor;
    relu6_(): Tensor;
    softsign(): Tensor;
    threshold(threshold: number, value: number): Tensor;
    threshold_(threshold: number, value: number): Tensor;
  }
}

const methods = Tensor.prototype as unknown as Record<string, (this: Tensor) => Tensor>;
for (const [name, spec] of Object.entries(UNARY_OPS) as [string, UnarySpec][]) {
  methods[name] = function () {
    return unary(name, spec, this);
  };
  methods[`${name}_`] = function () {
    return applyInPlace(`${name}_`, this, [], (s) => unary(name, spec, s));
  };
}

const proto = Tensor.prototype;
proto.leakyRelu = function (slope) {
  return leakyRelu(this, slope);
};
proto.leakyRelu_ = function (slope) {
  return applyInPlace('leakyRelu_', this, [], (s) => leakyRelu(s, slope));
};
proto.gelu = function (opts) {
  return gelu(this, opts);
};
proto.softplus = function (opts) {
  return softplus(this, opts);
};
proto.elu = function (alpha) {
  return elu(this, alpha);
};
proto.elu_ = function (alpha) {
  return applyInPlace('elu_', this, [], (s) => elu(s, alpha));
};
proto.selu = function () {
  return selu(this);
};
proto.selu_ = function () {
  return applyInPlace('selu_', this, [], (s) => selu(s));
};
proto.celu = function (alpha) {
  return celu(this, alpha);
};
proto.celu_ = function (alpha) {
  return applyInPlace('celu_', this, [], (s) => celu(s, alpha));
};
proto.hardtanh = function (lo, hi) {
  return hardtanh(this, lo, hi);
};
proto.hardtanh_ = function (lo, hi) {
  return applyInPlace('hardtanh_', this, [], (s) => hardtanh(s, lo, hi));
};
proto.relu6 = function () {
  return relu6(this);
};
proto.relu6_ = function () {
  return applyInPlace('relu6_', this, [], (s) => relu6(s));
};
proto.softsign = function () {
  return softsign(this);
};
proto.threshold = function (th, value) {
  return threshold(this, th, value);
};
proto.threshold_ = function (th, value) {
  return applyInPlace('threshold_', this, [], (s) => threshold(s, th, value));
};
