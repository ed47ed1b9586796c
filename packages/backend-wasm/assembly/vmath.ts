// Vectorised transcendental functions on f32x4 (and f64x2 helpers for erf/erfc/gelu).
//
// Accuracy (max relative error against Math.* in float64, measured by test/vmath.test.ts):
//   exp, log, tanh, sigmoid: float32 Cephes-style polynomials after range reduction, <= 1e-6.
//   erf, erfc, gelu: evaluated in float64 lanes (two f64x2 halves), then rounded, <= 1e-6.
// No lookup tables are used, so the module has no data segments to re-initialise per thread.

@inline export function fmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

@inline function fmadd64(a: v128, b: v128, c: v128): v128 {
  return f64x2.add(f64x2.mul(a, b), c);
}

@inline function splat(x: f32): v128 {
  return f32x4.splat(x);
}

/** 2^n for integer-valued f32x4 n in [-126, 127]: the magic add leaves n in the low mantissa bits. */
@inline function pow2i(n: v128): v128 {
  return i32x4.add(i32x4.shl(f32x4.add(n, splat(12582912.0)), 23), i32x4.splat(127 << 23));
}

/** Cody-Waite reduction and polynomial shared by vexp and vexp2: e^(x) with r = x - n ln2 (+ lo). */
@inline function expCore(hi: v128, lo: v128, withLo: bool): v128 {
  // pmin/pmax are plain minps/maxps (NaN in hi propagates through both).
  const x = f32x4.pmax(f32x4.pmin(hi, splat(88.73)), splat(-105.0));
  const n = f32x4.sub(fmadd(x, splat(1.44269504088896341), splat(12582912.0)), splat(12582912.0));
  let r = fmadd(n, splat(-0.693359375), x);
  r = fmadd(n, splat(2.12194440e-4), r);
  if (withLo) r = f32x4.add(r, lo);
  let p = splat(1.9875691500e-4);
  p = fmadd(p, r, splat(1.3981999507e-3));
  p = fmadd(p, r, splat(8.3334519073e-3));
  p = fmadd(p, r, splat(4.1665795894e-2));
  p = fmadd(p, r, splat(1.6666665459e-1));
  p = fmadd(p, r, splat(5.0000001201e-1));
  p = fmadd(p, f32x4.mul(r, r), f32x4.add(r, splat(1)));
  // 2^n split in two factors so n in [-152, 128] never leaves the normal exponent range.
  const n1 = f32x4.floor(f32x4.mul(n, splat(0.5)));
  const n2 = f32x4.sub(n, n1);
  return f32x4.mul(f32x4.mul(p, pow2i(n1)), pow2i(n2));
}

/**
 * exp(hi + lo) where lo is a small correction (|lo| << 1): the range reduction subtracts n*ln2 from
 * hi exactly (Cody-Waite split) before adding lo, so hi may carry a large exactly-known part.
 */
@inline export function vexp2(hi: v128, lo: v128): v128 {
  return expCore(hi, lo, true);
}

@inline export function vexp(x: v128): v128 {
  return expCore(x, x, false);
}

/** vexpNormal applies to lanes in [EXP_FAST_MIN, EXP_FAST_MAX] (and NaN). */
export const EXP_FAST_MIN: f32 = -87.33;
export const EXP_FAST_MAX: f32 = 88.37;

/**
 * exp for lanes in [EXP_FAST_MIN, EXP_FAST_MAX] (or NaN), where n = round(x / ln2) lies in
 * [-126, 127] and the result is normal: one 2^n factor instead of vexp's two. Bitwise equal to vexp
 * there (scaling a normal result by powers of two is exact); callers test the range per group of
 * vectors (expFastOk) and use vexp otherwise (overflow, denormal and zero results).
 */
@inline export function vexpNormal(x: v128): v128 {
  const n = f32x4.sub(fmadd(x, splat(1.44269504088896341), splat(12582912.0)), splat(12582912.0));
  let r = fmadd(n, splat(-0.693359375), x);
  r = fmadd(n, splat(2.12194440e-4), r);
  let p = splat(1.9875691500e-4);
  p = fmadd(p, r, splat(1.3981999507e-3));
  p = fmadd(p, r, splat(8.3334519073e-3));
  p = fmadd(p, r, splat(4.1665795894e-2));
  p = fmadd(p, r, splat(1.6666665459e-1));
  p = fmadd(p, r, splat(5.0000001201e-1));
  p = fmadd(p, f32x4.mul(r, r), f32x4.add(r, splat(1)));
  return f32x4.mul(p, pow2i(n));
}

/** True when every lane of lo..hi (lane-wise min and max of a group) suits vexpNormal. */
@inline export function expFastOk(lo: v128, hi: v128): bool {
  return !v128.any_true(v128.or(f32x4.lt(lo, splat(EXP_FAST_MIN)), f32x4.gt(hi, splat(EXP_FAST_MAX))));
}

@inline export function vlog(x0: v128): v128 {
  // Scale denormals up by 2^23.
  const tiny = f32x4.lt(x0, splat(1.17549435e-38));
  let x = v128.bitselect(f32x4.mul(x0, splat(8388608.0)), x0, tiny);
  const eAdj = v128.and(tiny, splat(23.0));
  // x = m * 2^e with m in [0.5, 1)
  const bits = x;
  let e = f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(126)));
  e = f32x4.sub(e, eAdj);
  let m = v128.or(v128.and(bits, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
  const small = f32x4.lt(m, splat(0.707106781186547524));
  // m < sqrt(1/2): e -= 1, m = 2m - 1 ; else m = m - 1
  e = f32x4.sub(e, v128.and(small, splat(1.0)));
  m = f32x4.sub(f32x4.add(m, v128.and(small, m)), splat(1.0));
  const z = f32x4.mul(m, m);
  let y = splat(7.0376836292e-2);
  y = fmadd(y, m, splat(-1.1514610310e-1));
  y = fmadd(y, m, splat(1.1676998740e-1));
  y = fmadd(y, m, splat(-1.2420140846e-1));
  y = fmadd(y, m, splat(1.4249322787e-1));
  y = fmadd(y, m, splat(-1.6668057665e-1));
  y = fmadd(y, m, splat(2.0000714765e-1));
  y = fmadd(y, m, splat(-2.4999993993e-1));
  y = fmadd(y, m, splat(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, m), z);
  y = fmadd(e, splat(-2.12194440e-4), y);
  y = fmadd(z, splat(-0.5), y);
  let r = f32x4.add(m, y);
  r = fmadd(e, splat(0.693359375), r);
  // Specials: x == 0 -> -inf; x < 0 or NaN -> NaN; x == inf -> inf.
  r = v128.bitselect(splat(-Infinity), r, f32x4.eq(x0, splat(0)));
  r = v128.bitselect(splat(NaN), r, v128.not(f32x4.ge(x0, splat(0))));
  r = v128.bitselect(splat(Infinity), r, f32x4.eq(x0, splat(Infinity)));
  return r;
}

@inline export function vsigmoid(x: v128): v128 {
  // e = exp(-|x|); x >= 0: 1/(1+e); x < 0: e/(1+e). Never overflows.
  const e = vexp(f32x4.neg(f32x4.abs(x)));
  const s = f32x4.div(splat(1), f32x4.add(splat(1), e));
  return v128.bitselect(s, f32x4.mul(e, s), f32x4.ge(x, splat(0)));
}

@inline export function vtanh(x: v128): v128 {
  // tanh is odd: evaluate on |x| and copy the sign bit back (keeps tanh(-0) = -0).
  const ax = f32x4.abs(x);
  // |x| < 0.625: odd polynomial (Cephes tanhf).
  const z = f32x4.mul(x, x);
  let p = splat(-5.70498872745e-3);
  p = fmadd(p, z, splat(2.06390887954e-2));
  p = fmadd(p, z, splat(-5.37397155531e-2));
  p = fmadd(p, z, splat(1.33314422036e-1));
  p = fmadd(p, z, splat(-3.33332819422e-1));
  const small = fmadd(f32x4.mul(p, z), ax, ax);
  // otherwise 1 - 2 / (exp(2|x|) + 1)
  const e = vexp(f32x4.add(ax, ax));
  const big = f32x4.sub(splat(1), f32x4.div(splat(2), f32x4.add(e, splat(1))));
  const t = v128.bitselect(small, big, f32x4.lt(ax, splat(0.625)));
  return v128.or(t, v128.and(x, i32x4.splat(0x80000000)));
}

// ---------------------------------------------------------------- float64 lanes (erf family)

/** exp on f64x2, relative error ~1e-15 for x in [-745, 709]. */
@inline function vexp64(x0: v128): v128 {
  const x = f64x2.max(f64x2.min(x0, f64x2.splat(709.0)), f64x2.splat(-745.0));
  const n = f64x2.nearest(f64x2.mul(x, f64x2.splat(1.4426950408889634)));
  let r = fmadd64(n, f64x2.splat(-0.6931471803691238), x);
  r = fmadd64(n, f64x2.splat(-1.9082149292705877e-10), r);
  // Taylor to degree 11 on |r| <= 0.347 (remainder < 2e-14).
  let p = f64x2.splat(2.505210838544172e-8);
  p = fmadd64(p, r, f64x2.splat(2.755731922398589e-7));
  p = fmadd64(p, r, f64x2.splat(2.7557319223985893e-6));
  p = fmadd64(p, r, f64x2.splat(2.48015873015873e-5));
  p = fmadd64(p, r, f64x2.splat(1.984126984126984e-4));
  p = fmadd64(p, r, f64x2.splat(1.3888888888888889e-3));
  p = fmadd64(p, r, f64x2.splat(8.333333333333333e-3));
  p = fmadd64(p, r, f64x2.splat(4.1666666666666664e-2));
  p = fmadd64(p, r, f64x2.splat(1.6666666666666666e-1));
  p = fmadd64(p, r, f64x2.splat(0.5));
  p = fmadd64(p, r, f64x2.splat(1.0));
  p = fmadd64(p, r, f64x2.splat(1.0));
  // 2^n in two halves (n in [-1075, 1024]); exponent bits built from the integer n.
  const n1 = f64x2.floor(f64x2.mul(n, f64x2.splat(0.5)));
  const n2 = f64x2.sub(n, n1);
  return f64x2.mul(f64x2.mul(p, pow2i64(n1)), pow2i64(n2));
}

/** 2^n for integer-valued f64x2 n in [-1022, 1023]. */
@inline function pow2i64(n: v128): v128 {
  // n + 1023 + 2^52 puts the biased exponent in the low mantissa bits; shift it into place.
  const t = f64x2.add(n, f64x2.splat(4503599627371519.0)); // 2^52 + 1023
  return i64x2.shl(t, 52);
}

/**
 * erfc(z) for z >= 0 in f64x2 (Numerical Recipes' Chebyshev fit, fractional error < 1.2e-7):
 * erfc(z) = t * exp(-z^2 - 1.26551223 + t * P(t)), t = 1 / (1 + z / 2).
 */
@inline function verfcPos64(z: v128): v128 {
  const t = f64x2.div(f64x2.splat(1.0), fmadd64(z, f64x2.splat(0.5), f64x2.splat(1.0)));
  let p = f64x2.splat(0.17087277);
  p = fmadd64(p, t, f64x2.splat(-0.82215223));
  p = fmadd64(p, t, f64x2.splat(1.48851587));
  p = fmadd64(p, t, f64x2.splat(-1.13520398));
  p = fmadd64(p, t, f64x2.splat(0.27886807));
  p = fmadd64(p, t, f64x2.splat(-0.18628806));
  p = fmadd64(p, t, f64x2.splat(0.09678418));
  p = fmadd64(p, t, f64x2.splat(0.37409196));
  p = fmadd64(p, t, f64x2.splat(1.00002368));
  p = fmadd64(p, t, f64x2.splat(-1.26551223));
  const arg = f64x2.sub(p, f64x2.mul(z, z));
  return f64x2.mul(t, vexp64(arg));
}

/** erf(x) for |x| < 0.5 by its Taylor series (relative error < 1e-12). */
@inline function verfSmall64(x: v128): v128 {
  const z = f64x2.mul(x, x);
  // 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
  let p = f64x2.splat(-1.1283791670955126 / (362880.0 * 19.0));
  p = fmadd64(p, z, f64x2.splat(1.1283791670955126 / (40320.0 * 17.0)));
  p = fmadd64(p, z, f64x2.splat(-1.1283791670955126 / (5040.0 * 15.0)));
  p = fmadd64(p, z, f64x2.splat(1.1283791670955126 / (720.0 * 13.0)));
  p = fmadd64(p, z, f64x2.splat(-1.1283791670955126 / (120.0 * 11.0)));
  p = fmadd64(p, z, f64x2.splat(1.1283791670955126 / (24.0 * 9.0)));
  p = fmadd64(p, z, f64x2.splat(-1.1283791670955126 / (6.0 * 7.0)));
  p = fmadd64(p, z, f64x2.splat(1.1283791670955126 / (2.0 * 5.0)));
  p = fmadd64(p, z, f64x2.splat(-1.1283791670955126 / 3.0));
  p = fmadd64(p, z, f64x2.splat(1.1283791670955126));
  return f64x2.mul(p, x);
}

/** erf on f64x2. */
@inline export function verf64(x: v128): v128 {
  const ax = f64x2.abs(x);
  const big = f64x2.sub(f64x2.splat(1.0), verfcPos64(ax));
  const bigSigned = v128.or(big, v128.and(x, i64x2.splat(0x8000000000000000)));
  return v128.bitselect(verfSmall64(x), bigSigned, f64x2.lt(ax, f64x2.splat(0.5)));
}

/** erfc on f64x2 (all x). */
@inline export function verfc64(x: v128): v128 {
  const ax = f64x2.abs(x);
  const pos = verfcPos64(ax);
  const neg = f64x2.sub(f64x2.splat(2.0), pos);
  const r = v128.bitselect(neg, pos, f64x2.lt(x, f64x2.splat(0)));
  // small |x|: 1 - erf(x) is accurate enough (erfc in [0.47, 1.53]).
  return v128.bitselect(f64x2.sub(f64x2.splat(1.0), verfSmall64(x)), r, f64x2.lt(ax, f64x2.splat(0.5)));
}

/** gelu(x) = x * Phi(x) = 0.5 x erfc(-x / sqrt 2), accurate in both tails. */
@inline export function vgelu64(x: v128): v128 {
  const z = f64x2.mul(x, f64x2.splat(-0.7071067811865476));
  return f64x2.mul(f64x2.mul(x, f64x2.splat(0.5)), verfc64(z));
}

/** Applies an f64x2 function to the four lanes of an f32x4. */
@inline export function viaF64(op: i32, x: v128): v128 {
  const lo = f64x2.promote_low_f32x4(x);
  const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 1));
  const a = f64op(op, lo);
  const b = f64op(op, hi);
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 4, 5);
}

export const F64_ERF: i32 = 0;
export const F64_ERFC: i32 = 1;
export const F64_GELU: i32 = 2;

@inline export function f64op(op: i32, x: v128): v128 {
  if (op == F64_ERF) return verf64(x);
  if (op == F64_ERFC) return verfc64(x);
  return vgelu64(x);
}
