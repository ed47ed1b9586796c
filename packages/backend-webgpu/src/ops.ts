/**
 * The one table mapping elementwise op names to WGSL expressions. Operands are `a`, `b`, `c` in the
 * compute type; parameterised ops read their attrs as `q0`, `q1`, `q2` (f32). `f` is the float32
 * expression, `i` the int32 one; an op without `i` computes integer inputs in f32 and converts the
 * result back (as the cpu backend computes in double and truncates into an Int32Array).
 */
export interface EwDef {
  readonly f: string;
  readonly i?: string;
  /** The expression is a WGSL bool (comparisons, predicates). */
  readonly bool?: boolean;
}

export const UNARY: Record<string, EwDef> = {
  neg: { f: '-a', i: '-a' },
  exp: { f: 'fexp_(a)' },
  exp2: { f: 'select(exp2(a), 0.0, a < -150.0)' },
  expm1: { f: 'expm1_(a)' },
  log: { f: 'flog_(a)' },
  log2: { f: 'flog2_(a)' },
  log10: { f: 'flog2_(a) * 0.30102999566398120' },
  log1p: { f: 'log1p_(a)' },
  abs: { f: 'abs(a)', i: 'abs(a)' },
  sqrt: { f: 'fsqrt_(a)' },
  rsqrt: { f: '1.0 / fsqrt_(a)' },
  square: { f: 'a * a', i: 'a * a' },
  reciprocal: { f: '1.0 / a' },
  sign: { f: 'select(select(0.0, -1.0, a < 0.0), 1.0, a > 0.0)', i: 'sign(a)' },
  floor: { f: 'floor(a)', i: 'a' },
  ceil: { f: 'ceil(a)', i: 'a' },
  round: { f: 'fround_(a)', i: 'a' },
  trunc: { f: 'trunc(a)', i: 'a' },
  frac: { f: 'a - trunc(a)', i: '0' },
  sin: { f: 'sin(a)' },
  cos: { f: 'cos(a)' },
  tan: { f: 'ftan_(a)' },
  asin: { f: 'fasin_(a)' },
  acos: { f: 'facos_(a)' },
  atan: { f: 'atan(a)' },
  sinh: { f: 'fsinh_(a)' },
  cosh: { f: 'fcosh_(a)' },
  tanh: { f: 'ftanh_(a)' },
  asinh: { f: 'asinh_(a)' },
  acosh: { f: 'acosh_(a)' },
  atanh: { f: 'atanh_(a)' },
  erf: { f: 'erf_(a)' },
  erfc: { f: 'erfc_(a)' },
  sigmoid: { f: 'sigmoid_(a)' },
  logsigmoid: { f: 'min(a, 0.0) - log1p_(fexp_(-abs(a)))' },
  relu: { f: 'select(0.0, a, a > 0.0 || isnan_(a))', i: 'max(a, 0)' },
  silu: { f: 'a * sigmoid_(a)' },
  mish: { f: 'a * ftanh_(softplus1_(a))' },
  hardsigmoid: { f: 'select(select(a / 6.0 + 0.5, 1.0, a >= 3.0), 0.0, a <= -3.0)' },
  hardswish: { f: 'select(select(a * (a + 3.0) / 6.0, a, a >= 3.0), 0.0, a <= -3.0)' },
};

/** Unary ops with attrs: the attr names become q0, q1, q2 in order (variants pick a different expression). */
export interface ParamDef {
  readonly attrs: readonly string[];
  readonly f: (attrs: Readonly<Record<string, unknown>>) => { expr: string; variant: string };
}

export const PARAM_UNARY: Record<string, ParamDef> = {
  leakyRelu: { attrs: ['negativeSlope'], f: () => ({ expr: 'select(a * q0, a, a > 0.0)', variant: '' }) },
  gelu: {
    attrs: [],
    f: (a) =>
      a.approximate === 'tanh'
        ? {
            expr: '0.5 * a * (1.0 + ftanh_(0.7978845608028654 * (a + 0.044715 * a * a * a)))',
            variant: 'tanh',
          }
        : { expr: '0.5 * a * (1.0 + erf_(a * 0.7071067811865476))', variant: 'none' },
  },
  softplus: {
    attrs: ['beta', 'threshold'],
    f: () => ({ expr: 'select(log1p_(fexp_(a * q0)) / q0, a, a * q0 > q1)', variant: '' }),
  },
  elu: {
    // q0 = scale, q1 = inputScale, q2 = alpha (the negative branch is alpha·scale·expm1(x·inputScale)).
    attrs: ['scale', 'inputScale', 'alpha'],
    f: () => ({ expr: 'select(q2 * q0 * expm1_(a * q1), a * q0, a > 0.0)', variant: '' }),
  },
  hardtanh: { attrs: ['minVal', 'maxVal'], f: () => ({ expr: 'fmin_(fmax_(a, q0), q1)', variant: '' }) },
};

export const BINARY: Record<string, EwDef> = {
  add: { f: 'a + b', i: 'a + b' },
  sub: { f: 'a - b', i: 'a - b' },
  mul: { f: 'a * b', i: 'a * b' },
  div: { f: 'a / b' },
  floorDivide: { f: 'ffloordiv_(a, b)', i: 'ifloordiv_(a, b)' },
  truncDivide: { f: 'trunc(a / b)', i: 'select(a / b, 0, b == 0)' },
  remainder: { f: 'fremainder_(a, b)', i: 'iremainder_(a, b)' },
  fmod: { f: 'fmod_(a, b)', i: 'select(a % b, 0, b == 0)' },
  pow: { f: 'fpow_(a, b)', i: 'ipow_(a, b)' },
  maximum: { f: 'fmax_(a, b)', i: 'max(a, b)' },
  minimum: { f: 'fmin_(a, b)', i: 'min(a, b)' },
  atan2: { f: 'atan2(a, b)' },
};

export const COMPARE: Record<string, EwDef> = {
  eq: { f: 'a == b', i: 'a == b', bool: true },
  ne: { f: '!(a == b)', i: 'a != b', bool: true },
  lt: { f: 'a < b', i: 'a < b', bool: true },
  le: { f: 'a <= b', i: 'a <= b', bool: true },
  gt: { f: 'a > b', i: 'a > b', bool: true },
  ge: { f: 'a >= b', i: 'a >= b', bool: true },
  logicalAnd: { f: 'truthy_f(a) && truthy_f(b)', i: '(a != 0) && (b != 0)', bool: true },
  logicalOr: { f: 'truthy_f(a) || truthy_f(b)', i: '(a != 0) || (b != 0)', bool: true },
  logicalXor: { f: 'truthy_f(a) != truthy_f(b)', i: '(a != 0) != (b != 0)', bool: true },
};

export const PREDICATE: Record<string, EwDef> = {
  logicalNot: { f: 'a == 0.0', i: 'a == 0', bool: true },
  isnan: { f: 'isnan_(a)', i: 'false', bool: true },
  isinf: { f: 'isinf_(a)', i: 'false', bool: true },
  isposinf: { f: 'bitcast<u32>(a) == 0x7f800000u', i: 'false', bool: true },
  isneginf: { f: 'bitcast<u32>(a) == 0xff800000u', i: 'false', bool: true },
  isfinite: { f: 'isfinite_(a)', i: 'true', bool: true },
};

/** Ternary ops: where(cond, a, b) and clamp's three forms. */
export const CLAMP = {
  both: { f: 'fmin_(fmax_(a, b), c)', i: 'min(max(a, b), c)' },
  lo: { f: 'fmax_(a, b)', i: 'max(a, b)' },
  hi: { f: 'fmin_(a, b)', i: 'min(a, b)' },
} as const;
