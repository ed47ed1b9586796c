// Elementwise kernels: one strided N-d walker, one row loop per arity, and one table of per-op
// math per compute type (the switch statements below). Ops are identified by the U_/B_/T_
// constants, exported so the JS side reads their values from the module.
//
// Vector tables (vun/vbin) handle float32, int32 and bool lanes; ops without a vector form fall
// back lane-wise to the float64 scalar tables (sun64/sbin64), which are also the float64 kernels.

import {
  DT_BOOL,
  DT_F32,
  DT_F64,
  DT_I32,
  descBase,
  descNd,
  ld4,
  ldn,
  lastStride,
  st4,
  stn,
  walkAdvance,
  walkInit,
  walkPtr,
  walkRowLen,
} from './common';
import { F64_ERF, F64_ERFC, F64_GELU, expFastOk, vexp, vexpNormal, vlog, vsigmoid, vtanh, viaF64, verf64, verfc64, vgelu64 } from './vmath';

// ---------------------------------------------------------------- op ids
export const U_NEG: i32 = 0;
export const U_ABS: i32 = 1;
export const U_SIGN: i32 = 2;
export const U_SQUARE: i32 = 3;
export const U_RECIPROCAL: i32 = 4;
export const U_SQRT: i32 = 5;
export const U_RSQRT: i32 = 6;
export const U_EXP: i32 = 7;
export const U_EXPM1: i32 = 8;
export const U_EXP2: i32 = 9;
export const U_LOG: i32 = 10;
export const U_LOG2: i32 = 11;
export const U_LOG10: i32 = 12;
export const U_LOG1P: i32 = 13;
export const U_SIN: i32 = 14;
export const U_COS: i32 = 15;
export const U_TAN: i32 = 16;
export const U_ASIN: i32 = 17;
export const U_ACOS: i32 = 18;
export const U_ATAN: i32 = 19;
export const U_SINH: i32 = 20;
export const U_COSH: i32 = 21;
export const U_TANH: i32 = 22;
export const U_ASINH: i32 = 23;
export const U_ACOSH: i32 = 24;
export const U_ATANH: i32 = 25;
export const U_SIGMOID: i32 = 26;
export const U_LOGSIGMOID: i32 = 27;
export const U_SOFTPLUS: i32 = 28; // p0 = beta, p1 = threshold
export const U_RELU: i32 = 29;
export const U_RELU6: i32 = 30;
export const U_LEAKYRELU: i32 = 31; // p0 = negative slope
export const U_ELU: i32 = 32; // x > 0 ? x * p0 : p1 * expm1(x * p2)  (p0 scale, p1 alpha*scale, p2 input scale)
export const U_SELU: i32 = 33;
export const U_CELU: i32 = 34; // p0 = alpha
export const U_GELU: i32 = 35;
export const U_GELU_TANH: i32 = 36;
export const U_SILU: i32 = 37;
export const U_MISH: i32 = 38;
export const U_HARDTANH: i32 = 39; // p0 = min, p1 = max
export const U_HARDSIGMOID: i32 = 40;
export const U_HARDSWISH: i32 = 41;
export const U_ERF: i32 = 42;
export const U_ERFC: i32 = 43;
export const U_FLOOR: i32 = 44;
export const U_CEIL: i32 = 45;
export const U_ROUND: i32 = 46;
export const U_TRUNC: i32 = 47;
export const U_FRAC: i32 = 48;
export const U_ISNAN: i32 = 49;
export const U_ISINF: i32 = 50;
export const U_ISFINITE: i32 = 51;
export const U_LOGICAL_NOT: i32 = 52;
export const U_BITWISE_NOT: i32 = 53;
export const U_CLAMP: i32 = 54; // p0 = min (or -inf), p1 = max (or +inf)
export const U_SIGNBIT: i32 = 55;
export const U_IDENTITY: i32 = 56;
export const U_SOFTSIGN: i32 = 57;
export const U_TANHSHRINK: i32 = 58;
export const U_ADD_SCALAR: i32 = 59; // x + p0
export const U_MUL_SCALAR: i32 = 60; // x * p0
export const U_POW_SCALAR: i32 = 61; // x ^ p0
export const U_CBRT: i32 = 62;
export const U_ISPOSINF: i32 = 63;
export const U_ISNEGINF: i32 = 64;

export const B_ADD: i32 = 0;
export const B_SUB: i32 = 1;
export const B_MUL: i32 = 2;
export const B_DIV: i32 = 3;
export const B_POW: i32 = 4;
export const B_MAXIMUM: i32 = 5;
export const B_MINIMUM: i32 = 6;
export const B_REMAINDER: i32 = 7; // Python-style (sign of divisor)
export const B_FMOD: i32 = 8; // C-style (sign of dividend)
export const B_FLOOR_DIVIDE: i32 = 9;
export const B_ATAN2: i32 = 10;
export const B_EQ: i32 = 11;
export const B_NE: i32 = 12;
export const B_LT: i32 = 13;
export const B_LE: i32 = 14;
export const B_GT: i32 = 15;
export const B_GE: i32 = 16;
export const B_LOGICAL_AND: i32 = 17;
export const B_LOGICAL_OR: i32 = 18;
export const B_LOGICAL_XOR: i32 = 19;
export const B_BITWISE_AND: i32 = 20;
export const B_BITWISE_OR: i32 = 21;
export const B_BITWISE_XOR: i32 = 22;
export const B_HYPOT: i32 = 23;
export const B_COPYSIGN: i32 = 24;
export const B_FMAX: i32 = 25; // NaN-ignoring
export const B_FMIN: i32 = 26;
export const B_XLOGY: i32 = 27;
export const B_TRUNC_DIVIDE: i32 = 28;
// Gradient helpers: a = incoming grad, b = saved tensor.
export const B_RELU_BACKWARD: i32 = 29; // b > 0 ? a : 0  (b = input or output)
export const B_SIGMOID_BACKWARD: i32 = 30; // a * b * (1 - b), b = output
export const B_TANH_BACKWARD: i32 = 31; // a * (1 - b^2), b = output
export const B_GELU_BACKWARD: i32 = 32; // a * gelu'(b), b = input
export const B_SQUARED_DIFF: i32 = 33; // (a - b)^2

export const T_WHERE: i32 = 0; // (cond, a, b) -> cond ? a : b
export const T_MASKED_FILL: i32 = 1; // (x, mask, value) -> mask ? value : x
export const T_LERP: i32 = 2; // a + w (b - a)
export const T_ADDCMUL: i32 = 3; // a + p0 * b * c
export const T_ADDCDIV: i32 = 4; // a + p0 * b / c
export const T_CLAMP: i32 = 5; // min(max(x, lo), hi)

// ---------------------------------------------------------------- float64 scalar tables

@inline function erf64(x: f64): f64 {
  return f64x2.extract_lane(verf64(f64x2.splat(x)), 0);
}
@inline function erfc64(x: f64): f64 {
  return f64x2.extract_lane(verfc64(f64x2.splat(x)), 0);
}
@inline function gelu64(x: f64): f64 {
  return f64x2.extract_lane(vgelu64(f64x2.splat(x)), 0);
}
@inline function sigmoid64(x: f64): f64 {
  if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1.0 + e);
}
@inline function softplus64(x: f64, beta: f64, threshold: f64): f64 {
  const bx = x * beta;
  return bx > threshold ? x : Math.log1p(Math.exp(bx)) / beta;
}

function sun64(op: i32, x: f64, p0: f64, p1: f64, p2: f64): f64 {
  switch (op) {
    case U_NEG:
      return -x;
    case U_ABS:
      return Math.abs(x);
    case U_SIGN:
      return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
    case U_SQUARE:
      return x * x;
    case U_RECIPROCAL:
      return 1.0 / x;
    case U_SQRT:
      return Math.sqrt(x);
    case U_RSQRT:
      return 1.0 / Math.sqrt(x);
    case U_EXP:
      return Math.exp(x);
    case U_EXPM1:
      return Math.expm1(x);
    case U_EXP2:
      return Math.pow(2.0, x);
    case U_LOG:
      return Math.log(x);
    case U_LOG2:
      return Math.log2(x);
    case U_LOG10:
      return Math.log10(x);
    case U_LOG1P:
      return Math.log1p(x);
    case U_SIN:
      return Math.sin(x);
    case U_COS:
      return Math.cos(x);
    case U_TAN:
      return Math.tan(x);
    case U_ASIN:
      return Math.asin(x);
    case U_ACOS:
      return Math.acos(x);
    case U_ATAN:
      return Math.atan(x);
    case U_SINH:
      return Math.sinh(x);
    case U_COSH:
      return Math.cosh(x);
    case U_TANH:
      return Math.tanh(x);
    case U_ASINH:
      return Math.asinh(x);
    case U_ACOSH:
      return Math.acosh(x);
    case U_ATANH:
      return Math.atanh(x);
    case U_SIGMOID:
      return sigmoid64(x);
    case U_LOGSIGMOID:
      return Math.min(x, 0.0) - Math.log1p(Math.exp(-Math.abs(x)));
    case U_SOFTPLUS:
      return softplus64(x, p0, p1);
    case U_RELU:
      return x > 0 ? x : x != x ? x : 0.0;
    case U_RELU6:
      return x != x ? x : Math.min(Math.max(x, 0.0), 6.0);
    case U_LEAKYRELU:
      return x > 0 ? x : x * p0;
    case U_ELU:
      return x > 0 ? x * p0 : p1 * Math.expm1(x * p2);
    case U_SELU:
      return 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * Math.expm1(x));
    case U_CELU:
      return x > 0 ? x : p0 * Math.expm1(x / p0);
    case U_GELU:
      return gelu64(x);
    case U_GELU_TANH:
      return 0.5 * x * (1.0 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
    case U_SILU:
      return x * sigmoid64(x);
    case U_MISH:
      return x * Math.tanh(softplus64(x, 1.0, 20.0));
    case U_HARDTANH:
      return Math.min(Math.max(x, p0), p1);
    case U_HARDSIGMOID:
      return x <= -3.0 ? 0.0 : x >= 3.0 ? 1.0 : x / 6.0 + 0.5;
    case U_HARDSWISH:
      return x <= -3.0 ? 0.0 : x >= 3.0 ? x : (x * (x + 3.0)) / 6.0;
    case U_ERF:
      return erf64(x);
    case U_ERFC:
      return erfc64(x);
    case U_FLOOR:
      return Math.floor(x);
    case U_CEIL:
      return Math.ceil(x);
    case U_ROUND:
      return nearest<f64>(x);
    case U_TRUNC:
      return Math.trunc(x);
    case U_FRAC:
      return x - Math.trunc(x);
    case U_ISNAN:
      return x != x ? 1.0 : 0.0;
    case U_ISINF:
      return Math.abs(x) == Infinity ? 1.0 : 0.0;
    case U_ISFINITE:
      return x - x == 0.0 ? 1.0 : 0.0;
    case U_ISPOSINF:
      return x == Infinity ? 1.0 : 0.0;
    case U_ISNEGINF:
      return x == -Infinity ? 1.0 : 0.0;
    case U_LOGICAL_NOT:
      return x == 0 ? 1.0 : 0.0;
    case U_CLAMP:
      return x != x ? x : Math.min(Math.max(x, p0), p1);
    case U_SIGNBIT:
      return (reinterpret<i64>(x) >>> 63) != 0 ? 1.0 : 0.0;
    case U_SOFTSIGN:
      return x / (1.0 + Math.abs(x));
    case U_TANHSHRINK:
      return x - Math.tanh(x);
    case U_ADD_SCALAR:
      return x + p0;
    case U_MUL_SCALAR:
      return x * p0;
    case U_POW_SCALAR:
      return Math.pow(x, p0);
    case U_CBRT:
      return Math.cbrt(x);
    default:
      return x;
  }
}

@inline function geluGrad64(x: f64): f64 {
  // Phi(x) + x phi(x)
  const cdf = 0.5 * erfc64(-x * 0.7071067811865476);
  return cdf + x * 0.3989422804014327 * Math.exp(-0.5 * x * x);
}

/** PyTorch's div_floor_floating: fmod-based, exact where a / b rounds. */
function floorDiv64(a: f64, b: f64): f64 {
  if (b == 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod != 0 && b < 0 != mod < 0) div -= 1;
  if (div == 0) {
    const q = a / b;
    return q < 0 || (q == 0 && 1.0 / q < 0) ? -0.0 : 0.0;
  }
  let fd = Math.floor(div);
  if (div - fd > 0.5) fd += 1;
  return fd;
}

function remainder64(a: f64, b: f64): f64 {
  const m = a % b;
  return m != 0 && m < 0 != b < 0 ? m + b : m;
}

function sbin64(op: i32, a: f64, b: f64): f64 {
  switch (op) {
    case B_ADD:
      return a + b;
    case B_SUB:
      return a - b;
    case B_MUL:
      return a * b;
    case B_DIV:
      return a / b;
    case B_POW:
      return Math.pow(a, b);
    case B_MAXIMUM:
      return a != a || b != b ? NaN : Math.max(a, b);
    case B_MINIMUM:
      return a != a || b != b ? NaN : Math.min(a, b);
    case B_REMAINDER:
      return remainder64(a, b);
    case B_FMOD:
      return a % b;
    case B_FLOOR_DIVIDE:
      return floorDiv64(a, b);
    case B_TRUNC_DIVIDE:
      return Math.trunc(a / b);
    case B_ATAN2:
      return Math.atan2(a, b);
    case B_EQ:
      return a == b ? 1.0 : 0.0;
    case B_NE:
      return a != b ? 1.0 : 0.0;
    case B_LT:
      return a < b ? 1.0 : 0.0;
    case B_LE:
      return a <= b ? 1.0 : 0.0;
    case B_GT:
      return a > b ? 1.0 : 0.0;
    case B_GE:
      return a >= b ? 1.0 : 0.0;
    case B_LOGICAL_AND:
      return a != 0 && b != 0 ? 1.0 : 0.0;
    case B_LOGICAL_OR:
      return a != 0 || b != 0 ? 1.0 : 0.0;
    case B_LOGICAL_XOR:
      return (a != 0) != (b != 0) ? 1.0 : 0.0;
    case B_HYPOT:
      return Math.hypot(a, b);
    case B_COPYSIGN:
      return Math.abs(a) * ((reinterpret<i64>(b) >>> 63) != 0 ? -1.0 : 1.0);
    case B_FMAX:
      return a != a ? b : b != b ? a : Math.max(a, b);
    case B_FMIN:
      return a != a ? b : b != b ? a : Math.min(a, b);
    case B_XLOGY:
      return b != b ? b : a == 0 ? 0.0 : a * Math.log(b);
    case B_RELU_BACKWARD:
      return b > 0 ? a : 0.0;
    case B_SIGMOID_BACKWARD:
      return a * b * (1.0 - b);
    case B_TANH_BACKWARD:
      return a * (1.0 - b * b);
    case B_GELU_BACKWARD:
      return a * geluGrad64(b);
    case B_SQUARED_DIFF:
      return (a - b) * (a - b);
    default:
      return a;
  }
}

function ster64(op: i32, a: f64, b: f64, c: f64, p0: f64): f64 {
  switch (op) {
    case T_WHERE:
      return a != 0 ? b : c;
    case T_MASKED_FILL:
      return b != 0 ? c : a;
    case T_LERP:
      return a + c * (b - a);
    case T_ADDCMUL:
      return a + p0 * b * c;
    case T_ADDCDIV:
      return a + (p0 * b) / c;
    case T_CLAMP:
      return Math.min(Math.max(a, b), c);
    default:
      return a;
  }
}

// ---------------------------------------------------------------- int32 scalar tables

function sunI32(op: i32, x: i32, p0: i32, p1: i32): i32 {
  switch (op) {
    case U_NEG:
      return -x;
    case U_ABS:
      return x < 0 ? -x : x;
    case U_SIGN:
      return x > 0 ? 1 : x < 0 ? -1 : 0;
    case U_SQUARE:
      return x * x;
    case U_RELU:
      return x > 0 ? x : 0;
    case U_RELU6:
      return x < 0 ? 0 : x > 6 ? 6 : x;
    case U_LOGICAL_NOT:
      return x == 0 ? 1 : 0;
    case U_BITWISE_NOT:
      return ~x;
    case U_CLAMP:
    case U_HARDTANH:
      return x < p0 ? p0 : x > p1 ? p1 : x;
    case U_ISNAN:
    case U_ISINF:
    case U_ISPOSINF:
    case U_ISNEGINF:
      return 0;
    case U_SIGNBIT:
      return x < 0 ? 1 : 0;
    case U_ISFINITE:
      return 1;
    case U_ADD_SCALAR:
      return x + p0;
    case U_MUL_SCALAR:
      return x * p0;
    case U_POW_SCALAR:
      return ipow(x, p0);
    default:
      // like the reference: float64 math, truncated on store
      return <i32>sun64(op, <f64>x, <f64>p0, <f64>p1, 0);
  }
}

function ipow(a: i32, b: i32): i32 {
  if (b < 0) return a == 1 ? 1 : a == -1 ? (b & 1 ? -1 : 1) : 0;
  let r = 1;
  while (b) {
    if (b & 1) r *= a;
    a *= a;
    b >>= 1;
  }
  return r;
}

function sbinI32(op: i32, a: i32, b: i32): i32 {
  switch (op) {
    case B_ADD:
      return a + b;
    case B_SUB:
      return a - b;
    case B_MUL:
      return a * b;
    case B_POW:
      return ipow(a, b);
    case B_MAXIMUM:
    case B_FMAX:
      return a > b ? a : b;
    case B_MINIMUM:
    case B_FMIN:
      return a < b ? a : b;
    case B_REMAINDER: {
      if (b == 0) return 0;
      if (b == -1) return 0;
      const m = a % b;
      return m != 0 && m < 0 != b < 0 ? m + b : m;
    }
    case B_FMOD:
      return b == 0 || b == -1 ? 0 : a % b;
    case B_FLOOR_DIVIDE: {
      if (b == 0) return 0;
      if (b == -1) return -a;
      const q = a / b;
      return q * b != a && a < 0 != b < 0 ? q - 1 : q;
    }
    case B_TRUNC_DIVIDE:
      return b == 0 ? 0 : b == -1 ? -a : a / b;
    case B_EQ:
      return a == b ? 1 : 0;
    case B_NE:
      return a != b ? 1 : 0;
    case B_LT:
      return a < b ? 1 : 0;
    case B_LE:
      return a <= b ? 1 : 0;
    case B_GT:
      return a > b ? 1 : 0;
    case B_GE:
      return a >= b ? 1 : 0;
    case B_LOGICAL_AND:
      return a != 0 && b != 0 ? 1 : 0;
    case B_LOGICAL_OR:
      return a != 0 || b != 0 ? 1 : 0;
    case B_LOGICAL_XOR:
      return (a != 0) != (b != 0) ? 1 : 0;
    case B_BITWISE_AND:
      return a & b;
    case B_BITWISE_OR:
      return a | b;
    case B_BITWISE_XOR:
      return a ^ b;
    case B_RELU_BACKWARD:
      return b > 0 ? a : 0;
    case B_SQUARED_DIFF:
      return (a - b) * (a - b);
    case B_COPYSIGN:
      return (a < 0 ? -a : a) * (b < 0 ? -1 : 1);
    default:
      // like the reference: float64 math, truncated on store
      return <i32>sbin64(op, <f64>a, <f64>b);
  }
}

// ---------------------------------------------------------------- lane-wise fallbacks

@inline function lanesUn64(op: i32, x: v128, p0: f64, p1: f64, p2: f64): v128 {
  let r = f32x4.splat(<f32>sun64(op, <f64>f32x4.extract_lane(x, 0), p0, p1, p2));
  r = f32x4.replace_lane(r, 1, <f32>sun64(op, <f64>f32x4.extract_lane(x, 1), p0, p1, p2));
  r = f32x4.replace_lane(r, 2, <f32>sun64(op, <f64>f32x4.extract_lane(x, 2), p0, p1, p2));
  return f32x4.replace_lane(r, 3, <f32>sun64(op, <f64>f32x4.extract_lane(x, 3), p0, p1, p2));
}

/** Lane-wise float64 evaluation of a binary op whose result is a float (outBool: a 0/1 mask). */
@inline function lanesBin64(op: i32, a: v128, b: v128): v128 {
  let r = f32x4.splat(<f32>sbin64(op, <f64>f32x4.extract_lane(a, 0), <f64>f32x4.extract_lane(b, 0)));
  r = f32x4.replace_lane(r, 1, <f32>sbin64(op, <f64>f32x4.extract_lane(a, 1), <f64>f32x4.extract_lane(b, 1)));
  r = f32x4.replace_lane(r, 2, <f32>sbin64(op, <f64>f32x4.extract_lane(a, 2), <f64>f32x4.extract_lane(b, 2)));
  return f32x4.replace_lane(r, 3, <f32>sbin64(op, <f64>f32x4.extract_lane(a, 3), <f64>f32x4.extract_lane(b, 3)));
}

@inline function lanesUnI32(op: i32, x: v128, p0: i32, p1: i32): v128 {
  let r = i32x4.splat(sunI32(op, i32x4.extract_lane(x, 0), p0, p1));
  r = i32x4.replace_lane(r, 1, sunI32(op, i32x4.extract_lane(x, 1), p0, p1));
  r = i32x4.replace_lane(r, 2, sunI32(op, i32x4.extract_lane(x, 2), p0, p1));
  return i32x4.replace_lane(r, 3, sunI32(op, i32x4.extract_lane(x, 3), p0, p1));
}

@inline function lanesBinI32(op: i32, a: v128, b: v128): v128 {
  let r = i32x4.splat(sbinI32(op, i32x4.extract_lane(a, 0), i32x4.extract_lane(b, 0)));
  r = i32x4.replace_lane(r, 1, sbinI32(op, i32x4.extract_lane(a, 1), i32x4.extract_lane(b, 1)));
  r = i32x4.replace_lane(r, 2, sbinI32(op, i32x4.extract_lane(a, 2), i32x4.extract_lane(b, 2)));
  return i32x4.replace_lane(r, 3, sbinI32(op, i32x4.extract_lane(a, 3), i32x4.extract_lane(b, 3)));
}

/** 0/1 float mask -> i32 0/-1 lanes, for bool outputs of the float64 fallbacks. */
@inline function fmaskToI32(v: v128): v128 {
  return f32x4.ne(v, f32x4.splat(0));
}

// ---------------------------------------------------------------- float32 vector tables

@inline function fsplat(x: f32): v128 {
  return f32x4.splat(x);
}

function vunF32(op: i32, x: v128, P0: v128, P1: v128, p0: f64, p1: f64, p2: f64): v128 {
  switch (op) {
    case U_NEG:
      return f32x4.neg(x);
    case U_ABS:
      return f32x4.abs(x);
    case U_SQUARE:
      return f32x4.mul(x, x);
    case U_RECIPROCAL:
      return f32x4.div(fsplat(1), x);
    case U_SQRT:
      return f32x4.sqrt(x);
    case U_RSQRT:
      return f32x4.div(fsplat(1), f32x4.sqrt(x));
    case U_EXP:
      return vexp(x);
    case U_LOG:
      return vlog(x);
    case U_TANH:
      return vtanh(x);
    case U_SIGMOID:
      return vsigmoid(x);
    case U_SILU:
      return f32x4.mul(x, vsigmoid(x));
    case U_RELU:
      // max(x, 0) with NaN kept: pmax(0, x) = 0 < x ? x : 0 loses NaN, so select explicitly.
      return v128.bitselect(fsplat(0), x, f32x4.lt(x, fsplat(0)));
    case U_RELU6:
      return v128.bitselect(x, f32x4.pmin(fsplat(6), f32x4.pmax(fsplat(0), x)), f32x4.ne(x, x));
    case U_LEAKYRELU:
      return v128.bitselect(x, f32x4.mul(x, P0), f32x4.gt(x, fsplat(0)));
    case U_HARDTANH:
    case U_CLAMP:
      return f32x4.min(f32x4.max(x, P0), P1);
    case U_HARDSIGMOID:
      return f32x4.pmin(fsplat(1), f32x4.pmax(fsplat(0), f32x4.add(f32x4.mul(x, fsplat(1.0 / 6.0)), fsplat(0.5))));
    case U_HARDSWISH:
      return f32x4.div(f32x4.mul(x, f32x4.pmin(fsplat(6), f32x4.pmax(fsplat(0), f32x4.add(x, fsplat(3))))), fsplat(6));
    case U_ERF:
      return viaF64(F64_ERF, x);
    case U_ERFC:
      return viaF64(F64_ERFC, x);
    case U_GELU:
      return viaF64(F64_GELU, x);
    case U_GELU_TANH: {
      const inner = f32x4.mul(fsplat(0.7978845608028654), f32x4.add(x, f32x4.mul(fsplat(0.044715), f32x4.mul(x, f32x4.mul(x, x)))));
      return f32x4.mul(f32x4.mul(fsplat(0.5), x), f32x4.add(fsplat(1), vtanh(inner)));
    }
    case U_FLOOR:
      return f32x4.floor(x);
    case U_CEIL:
      return f32x4.ceil(x);
    case U_ROUND:
      return f32x4.nearest(x);
    case U_TRUNC:
      return f32x4.trunc(x);
    case U_FRAC:
      return f32x4.sub(x, f32x4.trunc(x));
    case U_ISNAN:
      return f32x4.ne(x, x);
    case U_ISINF:
      return f32x4.eq(f32x4.abs(x), fsplat(Infinity));
    case U_ISFINITE:
      return f32x4.eq(f32x4.sub(x, x), fsplat(0));
    case U_LOGICAL_NOT:
      return f32x4.eq(x, fsplat(0));
    case U_SIGNBIT:
      return i32x4.shr_u(x, 31);
    case U_SIGN:
      // (0 < x) - (x < 0): NaN and zeros give 0
      return v128.or(v128.and(f32x4.gt(x, fsplat(0)), fsplat(1)), v128.and(f32x4.lt(x, fsplat(0)), fsplat(-1)));
    case U_ISPOSINF:
      return f32x4.eq(x, fsplat(Infinity));
    case U_ISNEGINF:
      return f32x4.eq(x, fsplat(-Infinity));
    case U_SOFTSIGN:
      return f32x4.div(x, f32x4.add(fsplat(1), f32x4.abs(x)));
    case U_TANHSHRINK:
      return f32x4.sub(x, vtanh(x));
    case U_ADD_SCALAR:
      return f32x4.add(x, P0);
    case U_MUL_SCALAR:
      return f32x4.mul(x, P0);
    case U_IDENTITY:
      return x;
    default:
      return lanesUn64(op, x, p0, p1, p2);
  }
}

function vbinF32(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case B_ADD:
      return f32x4.add(a, b);
    case B_SUB:
      return f32x4.sub(a, b);
    case B_MUL:
      return f32x4.mul(a, b);
    case B_DIV:
      return f32x4.div(a, b);
    case B_MAXIMUM:
      return f32x4.max(a, b);
    case B_MINIMUM:
      return f32x4.min(a, b);
    case B_EQ:
      return f32x4.eq(a, b);
    case B_NE:
      return f32x4.ne(a, b);
    case B_LT:
      return f32x4.lt(a, b);
    case B_LE:
      return f32x4.le(a, b);
    case B_GT:
      return f32x4.gt(a, b);
    case B_GE:
      return f32x4.ge(a, b);
    case B_LOGICAL_AND:
      return v128.and(f32x4.ne(a, fsplat(0)), f32x4.ne(b, fsplat(0)));
    case B_LOGICAL_OR:
      return v128.or(f32x4.ne(a, fsplat(0)), f32x4.ne(b, fsplat(0)));
    case B_LOGICAL_XOR:
      return v128.xor(f32x4.ne(a, fsplat(0)), f32x4.ne(b, fsplat(0)));
    case B_COPYSIGN:
      return v128.bitselect(b, a, i32x4.splat(0x80000000));
    case B_RELU_BACKWARD:
      return v128.and(a, f32x4.gt(b, fsplat(0)));
    case B_SIGMOID_BACKWARD:
      return f32x4.mul(a, f32x4.mul(b, f32x4.sub(fsplat(1), b)));
    case B_TANH_BACKWARD:
      return f32x4.mul(a, f32x4.sub(fsplat(1), f32x4.mul(b, b)));
    case B_SQUARED_DIFF: {
      const d = f32x4.sub(a, b);
      return f32x4.mul(d, d);
    }
    default: {
      const r = lanesBin64(op, a, b);
      return op >= B_EQ && op <= B_LOGICAL_XOR ? fmaskToI32(r) : r;
    }
  }
}

function vterF32(op: i32, a: v128, b: v128, c: v128, P0: v128): v128 {
  switch (op) {
    case T_WHERE:
      return v128.bitselect(b, c, i32x4.ne(a, i32x4.splat(0)));
    case T_MASKED_FILL:
      return v128.bitselect(c, a, i32x4.ne(b, i32x4.splat(0)));
    case T_LERP:
      return f32x4.add(a, f32x4.mul(c, f32x4.sub(b, a)));
    case T_ADDCMUL:
      return f32x4.add(a, f32x4.mul(P0, f32x4.mul(b, c)));
    case T_ADDCDIV:
      return f32x4.add(a, f32x4.div(f32x4.mul(P0, b), c));
    default:
      // clamp: min(max(x, lo), hi), NaN-propagating like Math.min/max
      return f32x4.min(f32x4.max(a, b), c);
  }
}

// ---------------------------------------------------------------- int32 / bool vector tables

function vunI32(op: i32, x: v128, P0: v128, P1: v128, p0: i32, p1: i32): v128 {
  switch (op) {
    case U_NEG:
      return i32x4.neg(x);
    case U_ABS:
      return i32x4.abs(x);
    case U_SQUARE:
      return i32x4.mul(x, x);
    case U_RELU:
      return i32x4.max_s(x, i32x4.splat(0));
    case U_LOGICAL_NOT:
      return i32x4.eq(x, i32x4.splat(0));
    case U_BITWISE_NOT:
      return v128.not(x);
    case U_CLAMP:
    case U_HARDTANH:
      return i32x4.min_s(i32x4.max_s(x, P0), P1);
    case U_IDENTITY:
      return x;
    case U_ADD_SCALAR:
      return i32x4.add(x, P0);
    case U_MUL_SCALAR:
      return i32x4.mul(x, P0);
    default:
      return lanesUnI32(op, x, p0, p1);
  }
}

function vbinI32(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case B_ADD:
      return i32x4.add(a, b);
    case B_SUB:
      return i32x4.sub(a, b);
    case B_MUL:
      return i32x4.mul(a, b);
    case B_MAXIMUM:
    case B_FMAX:
      return i32x4.max_s(a, b);
    case B_MINIMUM:
    case B_FMIN:
      return i32x4.min_s(a, b);
    case B_EQ:
      return i32x4.eq(a, b);
    case B_NE:
      return i32x4.ne(a, b);
    case B_LT:
      return i32x4.lt_s(a, b);
    case B_LE:
      return i32x4.le_s(a, b);
    case B_GT:
      return i32x4.gt_s(a, b);
    case B_GE:
      return i32x4.ge_s(a, b);
    case B_LOGICAL_AND:
      return v128.and(i32x4.ne(a, i32x4.splat(0)), i32x4.ne(b, i32x4.splat(0)));
    case B_LOGICAL_OR:
      return v128.or(i32x4.ne(a, i32x4.splat(0)), i32x4.ne(b, i32x4.splat(0)));
    case B_LOGICAL_XOR:
      return v128.xor(i32x4.ne(a, i32x4.splat(0)), i32x4.ne(b, i32x4.splat(0)));
    case B_BITWISE_AND:
      return v128.and(a, b);
    case B_BITWISE_OR:
      return v128.or(a, b);
    case B_BITWISE_XOR:
      return v128.xor(a, b);
    case B_RELU_BACKWARD:
      return v128.and(a, i32x4.gt_s(b, i32x4.splat(0)));
    default:
      return lanesBinI32(op, a, b);
  }
}

function vterI32(op: i32, a: v128, b: v128, c: v128, P0: v128): v128 {
  switch (op) {
    case T_WHERE:
      return v128.bitselect(b, c, i32x4.ne(a, i32x4.splat(0)));
    case T_MASKED_FILL:
      return v128.bitselect(c, a, i32x4.ne(b, i32x4.splat(0)));
    case T_ADDCMUL:
      return i32x4.add(a, i32x4.mul(P0, i32x4.mul(b, c)));
    case T_LERP:
      return i32x4.add(a, i32x4.mul(c, i32x4.sub(b, a)));
    default:
      return i32x4.min_s(i32x4.max_s(a, b), c);
  }
}

// ---------------------------------------------------------------- scalar loads/stores (float64 rows)

@inline function lds<T>(p: usize): f64 {
  if (isFloat<T>()) return <f64>load<T>(p);
  if (sizeof<T>() == 1) return <f64>load<u8>(p);
  return <f64>load<i32>(p);
}
@inline function sts<T>(p: usize, v: f64): void {
  if (isFloat<T>()) store<T>(p, <T>v);
  else store<u8>(p, v != 0 ? 1 : 0);
}

// ---------------------------------------------------------------- rows

@inline function rowU<TO, TI>(op: i32, n: i32, po: usize, so: isize, pi: usize, si: isize, p0: f64, p1: f64, p2: f64): void {
  if (isFloat<TI>() && sizeof<TI>() == 8) {
    for (let i = 0; i < n; i++) {
      sts<TO>(po, sun64(op, load<f64>(pi), p0, p1, p2));
      po += so;
      pi += si;
    }
    return;
  }
  const isF = isFloat<TI>();
  const P0 = isF ? f32x4.splat(<f32>p0) : i32x4.splat(<i32>p0);
  const P1 = isF ? f32x4.splat(<f32>p1) : i32x4.splat(<i32>p1);
  const so4 = so << 2;
  const si4 = si << 2;
  for (let i = 0; i < n; i += 4) {
    const m = n - i;
    const x = m >= 4 ? ld4<TI>(pi, si) : ldn<TI>(pi, si, m);
    const r = isF ? vunF32(op, x, P0, P1, p0, p1, p2) : vunI32(op, x, P0, P1, <i32>p0, <i32>p1);
    if (m >= 4) st4<TO>(po, so, r);
    else stn<TO>(po, so, r, m);
    po += so4;
    pi += si4;
  }
}

@inline function rowB<TO, TI>(op: i32, n: i32, po: usize, so: isize, pa: usize, sa: isize, pb: usize, sb: isize): void {
  if (isFloat<TI>() && sizeof<TI>() == 8) {
    for (let i = 0; i < n; i++) {
      sts<TO>(po, sbin64(op, load<f64>(pa), load<f64>(pb)));
      po += so;
      pa += sa;
      pb += sb;
    }
    return;
  }
  const isF = isFloat<TI>();
  const so4 = so << 2;
  const sa4 = sa << 2;
  const sb4 = sb << 2;
  for (let i = 0; i < n; i += 4) {
    const m = n - i;
    const a = m >= 4 ? ld4<TI>(pa, sa) : ldn<TI>(pa, sa, m);
    const b = m >= 4 ? ld4<TI>(pb, sb) : ldn<TI>(pb, sb, m);
    const r = isF ? vbinF32(op, a, b) : vbinI32(op, a, b);
    if (m >= 4) st4<TO>(po, so, r);
    else stn<TO>(po, so, r, m);
    po += so4;
    pa += sa4;
    pb += sb4;
  }
}

/** Contiguous float32 binary row with a constant op (hot ops get their own loop). */
@inline function rowBFast(op: i32, n: i32, po: usize, pa: usize, sa: isize, pb: usize, sb: isize): void {
  let i = 0;
  if (sa == 4 && sb == 4) {
    for (; i + 16 <= n; i += 16) {
      v128.store(po, vbinF32Inline(op, v128.load(pa), v128.load(pb)));
      v128.store(po, vbinF32Inline(op, v128.load(pa, 16), v128.load(pb, 16)), 16);
      v128.store(po, vbinF32Inline(op, v128.load(pa, 32), v128.load(pb, 32)), 32);
      v128.store(po, vbinF32Inline(op, v128.load(pa, 48), v128.load(pb, 48)), 48);
      po += 64;
      pa += 64;
      pb += 64;
    }
    for (; i + 4 <= n; i += 4) {
      v128.store(po, vbinF32Inline(op, v128.load(pa), v128.load(pb)));
      po += 16;
      pa += 16;
      pb += 16;
    }
  } else if (sa == 4 && sb == 0) {
    const vb = v128.load32_splat(pb);
    for (; i + 4 <= n; i += 4) {
      v128.store(po, vbinF32Inline(op, v128.load(pa), vb));
      po += 16;
      pa += 16;
    }
  } else if (sa == 0 && sb == 4) {
    const va = v128.load32_splat(pa);
    for (; i + 4 <= n; i += 4) {
      v128.store(po, vbinF32Inline(op, va, v128.load(pb)));
      po += 16;
      pb += 16;
    }
  }
  if (i < n) rowB<f32, f32>(op, n - i, po, 4, pa, sa, pb, sb);
}

@inline function vbinF32Inline(op: i32, a: v128, b: v128): v128 {
  if (op == B_ADD) return f32x4.add(a, b);
  if (op == B_SUB) return f32x4.sub(a, b);
  if (op == B_MUL) return f32x4.mul(a, b);
  return f32x4.div(a, b);
}

@inline function rowT<TO, TA, TB, TC>(
  op: i32,
  n: i32,
  po: usize,
  so: isize,
  pa: usize,
  sa: isize,
  pb: usize,
  sb: isize,
  pc: usize,
  sc: isize,
  p0: f64,
): void {
  if (sizeof<TO>() == 8 || sizeof<TA>() == 8 || sizeof<TB>() == 8 || sizeof<TC>() == 8) {
    for (let i = 0; i < n; i++) {
      sts<TO>(po, ster64(op, lds<TA>(pa), lds<TB>(pb), lds<TC>(pc), p0));
      po += so;
      pa += sa;
      pb += sb;
      pc += sc;
    }
    return;
  }
  const isF = isFloat<TO>();
  const P0 = isF ? f32x4.splat(<f32>p0) : i32x4.splat(<i32>p0);
  for (let i = 0; i < n; i += 4) {
    const m = n - i;
    const a = m >= 4 ? ld4<TA>(pa, sa) : ldn<TA>(pa, sa, m);
    const b = m >= 4 ? ld4<TB>(pb, sb) : ldn<TB>(pb, sb, m);
    const c = m >= 4 ? ld4<TC>(pc, sc) : ldn<TC>(pc, sc, m);
    const r = isF ? vterF32(op, a, b, c, P0) : vterI32(op, a, b, c, P0);
    if (m >= 4) st4<TO>(po, so, r);
    else stn<TO>(po, so, r, m);
    po += so << 2;
    pa += sa << 2;
    pb += sb << 2;
    pc += sc << 2;
  }
}

// ---------------------------------------------------------------- walkers (one per arity)

function walkU<TO, TI>(op: i32, desc: usize, tmp: usize, start: i32, end: i32, p0: f64, p1: f64, p2: f64): void {
  walkInit(desc, tmp, start);
  const so = lastStride(desc, 0);
  const si = lastStride(desc, 1);
  let left = end - start;
  while (left > 0) {
    const len = walkRowLen(desc, tmp, left);
    rowU<TO, TI>(op, len, walkPtr(tmp, 0), so, walkPtr(tmp, 1), si, p0, p1, p2);
    left -= len;
    if (left > 0) walkAdvance(desc, tmp, len);
  }
}

function walkB<TO, TI>(op: i32, desc: usize, tmp: usize, start: i32, end: i32): void {
  walkInit(desc, tmp, start);
  const so = lastStride(desc, 0);
  const sa = lastStride(desc, 1);
  const sb = lastStride(desc, 2);
  let left = end - start;
  while (left > 0) {
    const len = walkRowLen(desc, tmp, left);
    rowB<TO, TI>(op, len, walkPtr(tmp, 0), so, walkPtr(tmp, 1), sa, walkPtr(tmp, 2), sb);
    left -= len;
    if (left > 0) walkAdvance(desc, tmp, len);
  }
}

@inline function walkBFastOp(op: i32, desc: usize, tmp: usize, start: i32, end: i32): void {
  walkInit(desc, tmp, start);
  const sa = lastStride(desc, 1);
  const sb = lastStride(desc, 2);
  let left = end - start;
  while (left > 0) {
    const len = walkRowLen(desc, tmp, left);
    rowBFast(op, len, walkPtr(tmp, 0), walkPtr(tmp, 1), sa, walkPtr(tmp, 2), sb);
    left -= len;
    if (left > 0) walkAdvance(desc, tmp, len);
  }
}

function walkT<TO, TA, TB, TC>(op: i32, desc: usize, tmp: usize, start: i32, end: i32, p0: f64): void {
  walkInit(desc, tmp, start);
  const so = lastStride(desc, 0);
  const sa = lastStride(desc, 1);
  const sb = lastStride(desc, 2);
  const sc = lastStride(desc, 3);
  let left = end - start;
  while (left > 0) {
    const len = walkRowLen(desc, tmp, left);
    rowT<TO, TA, TB, TC>(op, len, walkPtr(tmp, 0), so, walkPtr(tmp, 1), sa, walkPtr(tmp, 2), sb, walkPtr(tmp, 3), sc, p0);
    left -= len;
    if (left > 0) walkAdvance(desc, tmp, len);
  }
}

// ---------------------------------------------------------------- exported entry points

@inline function denseUnaryOneF32(op: i32, x: v128): v128 {
  if (op == U_EXP) return vexp(x);
  if (op == U_LOG) return vlog(x);
  if (op == U_TANH) return vtanh(x);
  if (op == U_SIGMOID) return vsigmoid(x);
  if (op == U_SILU) return f32x4.mul(x, vsigmoid(x));
  if (op == U_GELU) return viaF64(F64_GELU, x);
  if (op == U_RELU) return v128.bitselect(f32x4.splat(0), x, f32x4.lt(x, f32x4.splat(0)));
  if (op == U_NEG) return f32x4.neg(x);
  if (op == U_SQRT) return f32x4.sqrt(x);
  return f32x4.mul(x, x);
}

/**
 * Dense float32 unary loop, four vectors per iteration (independent chains overlap better). exp
 * takes the one-factor vexpNormal for groups whose lanes all give normal results.
 */
@inline function denseUnaryF32(op: i32, n: i32, po: usize, pi: usize): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const x0 = v128.load(pi);
    const x1 = v128.load(pi, 16);
    const x2 = v128.load(pi, 32);
    const x3 = v128.load(pi, 48);
    let y0: v128, y1: v128, y2: v128, y3: v128;
    if (op == U_EXP && expFastOk(f32x4.pmin(f32x4.pmin(x0, x1), f32x4.pmin(x2, x3)), f32x4.pmax(f32x4.pmax(x0, x1), f32x4.pmax(x2, x3)))) {
      y0 = vexpNormal(x0);
      y1 = vexpNormal(x1);
      y2 = vexpNormal(x2);
      y3 = vexpNormal(x3);
    } else {
      y0 = denseUnaryOneF32(op, x0);
      y1 = denseUnaryOneF32(op, x1);
      y2 = denseUnaryOneF32(op, x2);
      y3 = denseUnaryOneF32(op, x3);
    }
    v128.store(po, y0);
    v128.store(po, y1, 16);
    v128.store(po, y2, 32);
    v128.store(po, y3, 48);
    po += 64;
    pi += 64;
  }
  for (; i + 4 <= n; i += 4) {
    v128.store(po, denseUnaryOneF32(op, v128.load(pi)));
    po += 16;
    pi += 16;
  }
  if (i < n) rowU<f32, f32>(op, n - i, po, 4, pi, 4, 0, 0, 0);
}

/** Hot float32 ops on dense operands get loops with the op inlined; false: not handled here. */
function fastUnaryF32(op: i32, n: i32, po: usize, pi: usize): bool {
  switch (op) {
    case U_EXP:
      denseUnaryF32(U_EXP, n, po, pi);
      return true;
    case U_LOG:
      denseUnaryF32(U_LOG, n, po, pi);
      return true;
    case U_TANH:
      denseUnaryF32(U_TANH, n, po, pi);
      return true;
    case U_SIGMOID:
      denseUnaryF32(U_SIGMOID, n, po, pi);
      return true;
    case U_SILU:
      denseUnaryF32(U_SILU, n, po, pi);
      return true;
    case U_GELU:
      denseUnaryF32(U_GELU, n, po, pi);
      return true;
    case U_RELU:
      denseUnaryF32(U_RELU, n, po, pi);
      return true;
    case U_NEG:
      denseUnaryF32(U_NEG, n, po, pi);
      return true;
    case U_SQRT:
      denseUnaryF32(U_SQRT, n, po, pi);
      return true;
    case U_SQUARE:
      denseUnaryF32(U_SQUARE, n, po, pi);
      return true;
    default:
      return false;
  }
}

/** Unary op over [start, end) of the output; tin/tout are DT_ codes (tout is tin or bool). */
export function unary(op: i32, tin: i32, tout: i32, desc: usize, tmp: usize, start: i32, end: i32, p0: f64, p1: f64, p2: f64): void {
  const ob = tout == DT_BOOL;
  if (tin == DT_F32 && !ob && descNd(desc) == 1 && lastStride(desc, 0) == 4 && lastStride(desc, 1) == 4) {
    const po = descBase(desc, 1, 0) + ((<usize>start) << 2);
    const pi = descBase(desc, 1, 1) + ((<usize>start) << 2);
    if (fastUnaryF32(op, end - start, po, pi)) return;
  }
  if (tin == DT_F32) {
    if (ob) walkU<u8, f32>(op, desc, tmp, start, end, p0, p1, p2);
    else walkU<f32, f32>(op, desc, tmp, start, end, p0, p1, p2);
  } else if (tin == DT_F64) {
    if (ob) walkU<u8, f64>(op, desc, tmp, start, end, p0, p1, p2);
    else walkU<f64, f64>(op, desc, tmp, start, end, p0, p1, p2);
  } else if (tin == DT_I32) {
    if (ob) walkU<u8, i32>(op, desc, tmp, start, end, p0, p1, p2);
    else walkU<i32, i32>(op, desc, tmp, start, end, p0, p1, p2);
  } else {
    walkU<u8, u8>(op, desc, tmp, start, end, p0, p1, p2);
  }
}

/** Binary op over [start, end) of the output. */
export function binary(op: i32, tin: i32, tout: i32, desc: usize, tmp: usize, start: i32, end: i32): void {
  const ob = tout == DT_BOOL;
  if (tin == DT_F32) {
    if (ob) walkB<u8, f32>(op, desc, tmp, start, end);
    else if (op == B_ADD) walkBFastOp(B_ADD, desc, tmp, start, end);
    else if (op == B_SUB) walkBFastOp(B_SUB, desc, tmp, start, end);
    else if (op == B_MUL) walkBFastOp(B_MUL, desc, tmp, start, end);
    else if (op == B_DIV) walkBFastOp(B_DIV, desc, tmp, start, end);
    else walkB<f32, f32>(op, desc, tmp, start, end);
  } else if (tin == DT_F64) {
    if (ob) walkB<u8, f64>(op, desc, tmp, start, end);
    else walkB<f64, f64>(op, desc, tmp, start, end);
  } else if (tin == DT_I32) {
    if (ob) walkB<u8, i32>(op, desc, tmp, start, end);
    else walkB<i32, i32>(op, desc, tmp, start, end);
  } else {
    walkB<u8, u8>(op, desc, tmp, start, end);
  }
}

/**
 * Ternary op; `tval` is the dtype of the value operands (and output), `tsel` the dtype of the
 * selector operand (the condition of where, the mask of maskedFill; equal to tval otherwise).
 */
export function ternary(op: i32, tval: i32, tsel: i32, desc: usize, tmp: usize, start: i32, end: i32, p0: f64): void {
  if (op == T_WHERE) {
    // (cond: tsel, a: tval, b: tval)
    if (tval == DT_F32) {
      if (tsel == DT_BOOL) walkT<f32, u8, f32, f32>(op, desc, tmp, start, end, p0);
      else walkT<f32, f32, f32, f32>(op, desc, tmp, start, end, p0);
    } else if (tval == DT_F64) walkT<f64, u8, f64, f64>(op, desc, tmp, start, end, p0);
    else if (tval == DT_I32) walkT<i32, u8, i32, i32>(op, desc, tmp, start, end, p0);
    else walkT<u8, u8, u8, u8>(op, desc, tmp, start, end, p0);
    return;
  }
  if (op == T_MASKED_FILL) {
    // (x: tval, mask: bool, value: tval)
    if (tval == DT_F32) walkT<f32, f32, u8, f32>(op, desc, tmp, start, end, p0);
    else if (tval == DT_F64) walkT<f64, f64, u8, f64>(op, desc, tmp, start, end, p0);
    else if (tval == DT_I32) walkT<i32, i32, u8, i32>(op, desc, tmp, start, end, p0);
    else walkT<u8, u8, u8, u8>(op, desc, tmp, start, end, p0);
    return;
  }
  if (tval == DT_F32) walkT<f32, f32, f32, f32>(op, desc, tmp, start, end, p0);
  else if (tval == DT_F64) walkT<f64, f64, f64, f64>(op, desc, tmp, start, end, p0);
  else walkT<i32, i32, i32, i32>(op, desc, tmp, start, end, p0);
}

/**
 * x[i] += alpha * y[i] over [start, end) for dense x and y (the optional in-place 'add_' kernel's
 * one-pass form): the product is rounded before the add, as in the out-of-place add(x, mul(y, alpha)).
 * f64 != 0: float64 elements, else float32.
 */
export function axpy(f64: i32, x: usize, y: usize, alpha: f64, start: i32, end: i32): void {
  let i = start;
  if (f64 != 0) {
    const a = f64x2.splat(alpha);
    for (; i + 2 <= end; i += 2) {
      const p = x + ((<usize>i) << 3);
      v128.store(p, f64x2.add(v128.load(p), f64x2.mul(a, v128.load(y + ((<usize>i) << 3)))));
    }
    for (; i < end; i++) {
      const p = x + ((<usize>i) << 3);
      store<f64>(p, load<f64>(p) + alpha * load<f64>(y + ((<usize>i) << 3)));
    }
    return;
  }
  const af = <f32>alpha;
  const a = f32x4.splat(af);
  for (; i + 4 <= end; i += 4) {
    const p = x + ((<usize>i) << 2);
    v128.store(p, f32x4.add(v128.load(p), f32x4.mul(a, v128.load(y + ((<usize>i) << 2)))));
  }
  for (; i < end; i++) {
    const p = x + ((<usize>i) << 2);
    store<f32>(p, load<f32>(p) + af * load<f32>(y + ((<usize>i) << 2)));
  }
}
