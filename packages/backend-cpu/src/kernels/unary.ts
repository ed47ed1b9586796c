import { type KernelArgs, type KernelAttrs, registerKernel } from '@kindling/core';
import type { CpuHandle } from '../backend.js';
import { type UnaryRow, unaryKernel, unaryLoop, WRITES_ALL } from './elementwise.js';

/**
 * Scalar math of the unary elementwise ops (the reference numerics). Inputs arrive in the output's
 * dtype (the op layer promotes); writing into an Int32Array truncates, so integer inputs need an
 * override only where double arithmetic would lose int32 wrapping (square).
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

/**
 * erfc(x) for x >= 2.5 by the continued fraction
 * erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated bottom-up.
 */
function erfcLarge(x: number): number {
  if (x > 27) return 0;
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + k / 2 / f;
  return (Math.exp(-x * x) * INV_SQRT_PI) / f;
}

/**
 * erf to near double precision (JS has no Math.erf): for |x| < 2.5 the all-positive series
 * erf(x) = 2/√π · exp(-x²) · Σ 2ⁿ x²ⁿ⁺¹ / (1·3·…·(2n+1)) (no cancellation); beyond, 1 - erfc.
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < 2.5)) {
    if (Number.isNaN(x)) return x;
    const c = erfcLarge(ax);
    return x > 0 ? 1 - c : c - 1;
  }
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 100; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= Math.abs(sum) * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

export function erfc(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x >= 2.5) return erfcLarge(x);
  if (x <= -2.5) return 2 - erfcLarge(-x);
  return 1 - erf(x);
}

const sigmoid = (x: number): number => {
  // Two forms so exp never overflows into Inf/Inf.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
};
const softplus1 = (x: number): number => (x > 20 ? x : Math.log1p(Math.exp(x)));

/** Round half to even (C's nearbyint), as PyTorch does; Math.round rounds halves up. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export const UNARY_OPS: Record<string, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  exp2: (x) => 2 ** x,
  expm1: Math.expm1,
  log: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  log1p: Math.log1p,
  abs: Math.abs,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  // (0 < x) - (x < 0), as PyTorch: NaN gives 0.
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  trunc: Math.trunc,
  frac: (x) => x - Math.trunc(x),
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  erf,
  erfc,
  sigmoid,
  logsigmoid: (x) => Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x))),
  // NaN propagates (relu is clamp_min(x, 0) in PyTorch).
  relu: (x) => (x > 0 || Number.isNaN(x) ? x : 0),
  silu: (x) => x * sigmoid(x),
  mish: (x) => x * Math.tanh(softplus1(x)),
  hardsigmoid: (x) => (x <= -3 ? 0 : x >= 3 ? 1 : x / 6 + 0.5),
  hardswish: (x) => (x <= -3 ? 0 : x >= 3 ? x : (x * (x + 3)) / 6),
};

/** int32 overrides: exact wrapping products. */
export const INT_UNARY_OPS: Record<string, (x: number) => number> = {
  square: (x) => Math.imul(x, x),
};

const GELU_TANH_COEF = 0.044715;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** Unary ops with parameters: attrs => scalar function. */
export const PARAM_UNARY_OPS: Record<string, (attrs: KernelAttrs) => (x: number) => number> = {
  leakyRelu: (a) => {
    const slope = a.negativeSlope as number;
    return (x) => (x > 0 ? x : x * slope);
  },
  gelu: (a) =>
    a.approximate === 'tanh'
      ? (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + GELU_TANH_COEF * x * x * x)))
      : (x) => 0.5 * x * (1 + erf(x * Math.SQRT1_2)),
  softplus: (a) => {
    const beta = a.beta as number;
    const threshold = a.threshold as number;
    return (x) => (x * beta > threshold ? x : Math.log1p(Math.exp(x * beta)) / beta);
  },
  elu: (a) => {
    const scale = a.scale as number;
    const negCoef = (a.alpha as number) * scale;
    const inputScale = a.inputScale as number;
    return (x) => (x > 0 ? x * scale : negCoef * Math.expm1(x * inputScale));
  },
  hardtanh: (a) => {
    const lo = a.minVal as number;
    const hi = a.maxVal as number;
    return (x) => Math.min(Math.max(x, lo), hi);
  },
};

// Row functions of the hot ops, written out so each loop inlines its math (see elementwise.ts).
// They compute exactly what UNARY_OPS does.
const negRow: UnaryRow = (o, oi, a, ai, sa, n) => {
  if (sa === 1) for (let i = 0; i < n; i++) o[oi + i] = -a[ai + i];
  else for (let i = 0; i < n; i++, ai += sa) o[oi + i] = -a[ai];
};
const expRow: UnaryRow = (o, oi, a, ai, sa, n) => {
  if (sa === 1) for (let i = 0; i < n; i++) o[oi + i] = Math.exp(a[ai + i]);
  else for (let i = 0; i < n; i++, ai += sa) o[oi + i] = Math.exp(a[ai]);
};
const logRow: UnaryRow = (o, oi, a, ai, sa, n) => {
  if (sa === 1) for (let i = 0; i < n; i++) o[oi + i] = Math.log(a[ai + i]);
  else for (let i = 0; i < n; i++, ai += sa) o[oi + i] = Math.log(a[ai]);
};
const sqrtRow: UnaryRow = (o, oi, a, ai, sa, n) => {
  if (sa === 1) for (let i = 0; i < n; i++) o[oi + i] = Math.sqrt(a[ai + i]);
  else for (let i = 0; i < n; i++, ai += sa) o[oi + i] = Math.sqrt(a[ai]);
};
const absRow: UnaryRow = (o, oi, a, ai, sa, n) => {
  if (sa === 1) for (let i = 0; i < n; i++) o[oi + i] = Math.abs(a[ai + i]);
  else for (let i = 0; i < n; i++, ai += sa) o[oi + i] = Math.abs(a[ai]);
};
const squareRow: UnaryRow = (o, oi, a, ai, sa, n) => {
  if (sa === 1)
    for (let i = 0; i < n; i++) {
      const x = a[ai + i];
      o[oi + i] = x * x;
    }
  else
    for (let i = 0; i < n; i++, ai += sa) {
      const x = a[ai];
      o[oi + i] = x * x;
    }
};
const reciprocalRow: UnaryRow = (o, oi, a, ai, sa, n) => {
  if (sa === 1) for (let i = 0; i < n; i++) o[oi + i] = 1 / a[ai + i];
  else for (let i = 0; i < n; i++, ai += sa) o[oi + i] = 1 / a[ai];
};
const rsqrtRow: UnaryRow = (o, oi, a, ai, sa, n) => {
  if (sa === 1) for (let i = 0; i < n; i++) o[oi + i] = 1 / Math.sqrt(a[ai + i]);
  else for (let i = 0; i < n; i++, ai += sa) o[oi + i] = 1 / Math.sqrt(a[ai]);
};
const tanhRow: UnaryRow = (o, oi, a, ai, sa, n) => {
  if (sa === 1) for (let i = 0; i < n; i++) o[oi + i] = Math.tanh(a[ai + i]);
  else for (let i = 0; i < n; i++, ai += sa) o[oi + i] = Math.tanh(a[ai]);
};
const reluRow: UnaryRow = (o, oi, a, ai, sa, n) => {
  if (sa === 1)
    for (let i = 0; i < n; i++) {
      const x = a[ai + i];
      o[oi + i] = x > 0 || Number.isNaN(x) ? x : 0;
    }
  else
    for (let i = 0; i < n; i++, ai += sa) {
      const x = a[ai];
      o[oi + i] = x > 0 || Number.isNaN(x) ? x : 0;
    }
};
const sigmoidRow: UnaryRow = (o, oi, a, ai, sa, n) => {
  for (let i = 0; i < n; i++, ai += sa) {
    const x = a[ai];
    if (x >= 0) o[oi + i] = 1 / (1 + Math.exp(-x));
    else {
      const e = Math.exp(x);
      o[oi + i] = e / (1 + e);
    }
  }
};

/** Written-out rows, used for every dtype that has no INT_UNARY_OPS override. */
export const UNARY_ROWS: Record<string, UnaryRow> = {
  neg: negRow,
  exp: expRow,
  log: logRow,
  sqrt: sqrtRow,
  abs: absRow,
  square: squareRow,
  reciprocal: reciprocalRow,
  rsqrt: rsqrtRow,
  tanh: tanhRow,
  relu: reluRow,
  sigmoid: sigmoidRow,
};

for (const [name, f] of Object.entries(UNARY_OPS)) {
  const row = UNARY_ROWS[name];
  const floatK = row ? unaryKernel(row) : unaryLoop(f);
  const intF = INT_UNARY_OPS[name];
  const intK = intF ? unaryLoop(intF) : floatK;
  registerKernel(
    name,
    'cpu',
    (args: KernelArgs<CpuHandle>) => (args.inputs[0].dtype === 'int32' ? intK : floatK)(args),
    WRITES_ALL,
  );
}

for (const [name, make] of Object.entries(PARAM_UNARY_OPS))
  registerKernel(name, 'cpu', (args: KernelArgs<CpuHandle>) => unaryLoop(make(args.attrs))(args), WRITES_ALL);
