/**
 * Comparisons, logical ops, `where`, `clamp` and float classification. Comparison and logical
 * kernels receive their inputs promoted to one dtype (and broadcast) and write a bool output; those
 * ops are never differentiable. `where` and `clamp` route gradients with masks.
 */
import { isGradEnabled, noGrad } from '../autograd/mode.js';
import { isFloatingPoint } from '../dtype.js';
import { broadcastShapesMany } from '../shape.js';
import { Tensor } from '../tensor.js';
import { traceCall, traceOn } from '../trace.js';
import { binaryKernel, binaryOperands } from './binary.js';
import { toDtype } from './copy.js';
import {
  assertTensor,
  commonDevice,
  kview,
  recordGrad,
  resultType,
  runKernel1,
  scalarTensor,
  type TensorLike,
} from './dispatch.js';
import { applyInPlace } from './inplace.js';

// ------------------------------------------------------------------ comparisons and logical ops

function boolBinary(op: string, a: TensorLike, b: TensorLike): Tensor {
  if (traceOn) return traceCall(op, (x: TensorLike, y: TensorLike) => boolBinary(op, x, y), [a, b]);
  return binaryKernel(op, binaryOperands(op, a, b), 'bool');
}

/** Elementwise `a == b` (bool result; NaN is unequal to everything). */
export const eq = (a: TensorLike, b: TensorLike): Tensor => boolBinary('eq', a, b);
/** Elementwise `a != b` (bool result; NaN is unequal to everything). */
export const ne = (a: TensorLike, b: TensorLike): Tensor => boolBinary('ne', a, b);
/** Elementwise `a < b` (bool result). */
export const lt = (a: TensorLike, b: TensorLike): Tensor => boolBinary('lt', a, b);
/** Elementwise `a <= b` (bool result). */
export const le = (a: TensorLike, b: TensorLike): Tensor => boolBinary('le', a, b);
/** Elementwise `a > b` (bool result). */
export const gt = (a: TensorLike, b: TensorLike): Tensor => boolBinary('gt', a, b);
/** Elementwise `a >= b` (bool result). */
export const ge = (a: TensorLike, b: TensorLike): Tensor => boolBinary('ge', a, b);
/** Elementwise truth-value ops: any dtype, non-zero (and NaN) is true. */
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => boolBinary('logicalAnd', a, b);
/** Elementwise logical OR (bool result; non-zero and NaN count as true). */
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => boolBinary('logicalOr', a, b);
/** Elementwise logical XOR (bool result; non-zero and NaN count as true). */
export const logicalXor = (a: TensorLike, b: TensorLike): Tensor => boolBinary('logicalXor', a, b);

function boolUnary(op: string, x: Tensor): Tensor {
  if (traceOn) return traceCall(op, (t: Tensor) => boolUnary(op, t), [x]);
  assertTensor(op, x);
  return runKernel1(op, x.device, [kview(x)], x.shape, 'bool');
}

/** Elementwise logical NOT (bool result; non-zero and NaN count as true). */
export const logicalNot = (x: Tensor): Tensor => boolUnary('logicalNot', x);
/** Elementwise test for NaN (bool result). */
export const isnan = (x: Tensor): Tensor => boolUnary('isnan', x);
/** Elementwise test for +/-Infinity (bool result). */
export const isinf = (x: Tensor): Tensor => boolUnary('isinf', x);
/** Elementwise test for +Infinity (bool result). */
export const isposinf = (x: Tensor): Tensor => boolUnary('isposinf', x);
/** Elementwise test for -Infinity (bool result). */
export const isneginf = (x: Tensor): Tensor => boolUnary('isneginf', x);
/** Elementwise test for finite values: not NaN and not +/-Infinity (bool result). */
export const isfinite = (x: Tensor): Tensor => boolUnary('isfinite', x);

/** Tolerances of `isclose`/`allclose`: `|a - b| <= atol + rtol * |b|`, optionally NaN == NaN. */
export interface IscloseOptions {
  rtol?: number;
  atol?: number;
  equalNan?: boolean;
}

/** `|a - b| <= atol + rtol·|b|` elementwise (or equal, including infinities), like torch.isclose. */
export function isclose(a: Tensor, b: TensorLike, opts: IscloseOptions = {}): Tensor {
  if (traceOn) return traceCall('isclose', isclose, [a, b, opts]);
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-8;
  if (rtol < 0) throw new Error(`isclose: rtol must be greater than or equal to zero, but got ${rtol}`);
  if (atol < 0) throw new Error(`isclose: atol must be greater than or equal to zero, but got ${atol}`);
  return noGrad(() => {
    let close = eq(a, b);
    if (resultType([a, b]) === 'bool') return close;
    // Integers compare in float so `rtol·|b|` is not truncated.
    const fa = isFloatingPoint(a.dtype) ? a : a.to('float32');
    const fb = b instanceof Tensor && !isFloatingPoint(b.dtype) ? b.to('float32') : b;
    if (opts.equalNan)
      close = close.logicalOr(fa.isnan().logicalAnd(fb instanceof Tensor ? fb.isnan() : Number.isNaN(fb)));
    const bAbs = fb instanceof Tensor ? fb.abs() : Math.abs(Number(fb));
    const allowed = bAbs instanceof Tensor ? bAbs.mul(rtol).add(atol) : atol + rtol * bAbs;
    const err = fa.sub(fb).abs();
    return close.logicalOr(err.isfinite().logicalAnd(err.le(allowed)));
  });
}

// ------------------------------------------------------------------ where

/**
 * `a` where `cond` is true, else `b`. All three broadcast together; `a` and `b` (tensors or
 * scalars) are promoted to a common dtype. Gradients flow to `a` and `b` through the mask.
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (traceOn) return traceCall('where', where, [cond, a, b]);
  assertTensor('where', cond, 'condition');
  if (cond.dtype !== 'bool')
    throw new TypeError(
      `where: expected condition to be a boolean tensor, but got a tensor with dtype ${cond.dtype}`,
    );
  const dtype = resultType([a, b]);
  const device = cond.device;
  const asT = (v: TensorLike): Tensor =>
    v instanceof Tensor ? (v.dtype === dtype ? v : toDtype(v, dtype)) : scalarTensor(v, dtype, device);
  const x = asT(a);
  const y = asT(b);
  commonDevice('where', [cond, x, y]);
  const shape = broadcastShapesMany('where', [cond.shape, x.shape, y.shape]);
  const out = runKernel1(
    'where',
    device,
    [kview(cond, shape), kview(x, shape), kview(y, shape)],
    shape,
    dtype,
  );
  const xs = x.shape;
  const ys = y.shape;
  recordGrad(
    'WhereBackward',
    [x, y],
    [out],
    ([g], [c], needs) => [
      needs[0] ? where(c, g, 0).sumToSize(xs) : null,
      needs[1] ? where(c, 0, g).sumToSize(ys) : null,
    ],
    [cond],
  );
  return out;
}

// ------------------------------------------------------------------ clamp

/** A bound of `clamp`: a number, a broadcastable tensor, or null/undefined for no bound. */
export type ClampBound = Tensor | number | null | undefined;

/**
 * Clamps `x` to [min, max] (either may be omitted; numbers or broadcastable tensors). When
 * min > max every element becomes max, like PyTorch. The gradient passes where min <= x <= max;
 * tensor bounds get the gradient where they were selected.
 */
export function clamp(x: Tensor, min?: ClampBound, max?: ClampBound): Tensor {
  if (traceOn) return traceCall('clamp', clamp, [x, min, max]);
  assertTensor('clamp', x);
  const hasMin = min !== null && min !== undefined;
  const hasMax = max !== null && max !== undefined;
  if (!hasMin && !hasMax) throw new Error("clamp: At least one of 'min' or 'max' must not be None");
  for (const [name, v] of [
    ['min', min],
    ['max', max],
  ] as const)
    if (v !== null && v !== undefined && typeof v !== 'number' && !(v instanceof Tensor))
      throw new TypeError(`clamp: argument '${name}' must be a Tensor or a number, not ${typeof v}`);
  const bounds = [hasMin ? (min as Tensor | number) : null, hasMax ? (max as Tensor | number) : null];
  const dtype = resultType([x, ...bounds.filter((v): v is Tensor | number => v !== null)]);
  if (dtype === 'bool') throw new TypeError("clamp: not implemented for dtype 'bool'");
  const asT = (v: Tensor | number): Tensor =>
    v instanceof Tensor ? (v.dtype === dtype ? v : toDtype(v, dtype)) : scalarTensor(v, dtype, x.device);
  const src = x.dtype === dtype ? x : toDtype(x, dtype);
  const lo = bounds[0] === null ? null : asT(bounds[0]);
  const hi = bounds[1] === null ? null : asT(bounds[1]);
  const present = [src, lo, hi].filter((t): t is Tensor => t !== null);
  commonDevice('clamp', present);
  const shape = broadcastShapesMany(
    'clamp',
    present.map((t) => t.shape),
  );
  const out = runKernel1(
    'clamp',
    src.device,
    present.map((t) => kview(t, shape)),
    shape,
    dtype,
    { hasMin, hasMax },
  );
  recordGrad(
    'ClampBackward',
    [src, lo, hi],
    [out],
    ([g], saved, needs) =>
      clampBackward(g, saved[0], lo ? saved[1] : null, hi ? saved[lo ? 2 : 1] : null, needs),
    present,
  );
  return out;
}

/** PyTorch's clamp_backward_min_max, with results summed back to each operand's shape. */
function clampBackward(
  g: Tensor,
  x: Tensor,
  lo: Tensor | null,
  hi: Tensor | null,
  needs: readonly boolean[],
): (Tensor | null)[] {
  let gx: Tensor | null = null;
  let glo: Tensor | null = null;
  let ghi: Tensor | null = null;
  if (lo && hi) {
    if (needs[0]) gx = where(x.ge(lo).logicalAnd(x.le(hi)), g, 0);
    if (needs[1]) glo = where(x.lt(lo).logicalAnd(lo.lt(hi)), g, 0);
    if (needs[2]) ghi = where(x.gt(hi).logicalOr(hi.lt(lo)), g, 0);
  } else if (lo) {
    if (needs[0]) gx = where(x.ge(lo), g, 0);
    if (needs[1]) glo = where(x.lt(lo), g, 0);
  } else if (hi) {
    if (needs[0]) gx = where(x.le(hi), g, 0);
    if (needs[2]) ghi = where(x.gt(hi), g, 0);
  }
  return [
    gx?.sumToSize(x.shape) ?? null,
    glo?.sumToSize(lo!.shape) ?? null,
    ghi?.sumToSize(hi!.shape) ?? null,
  ];
}

/** Clamps `x` from below: `max(x, min)`, like torch.clamp_min. */
export const clampMin = (x: Tensor, min: Tensor | number): Tensor => clamp(x, min, null);
/** Clamps `x` from above: `min(x, max)`, like torch.clamp_max. */
export const clampMax = (x: Tensor, max: Tensor | number): Tensor => clamp(x, null, max);
/** Alias of clamp, like torch.clip. */
export const clip = clamp;

// ------------------------------------------------------------------ methods

declare module '../tensor.js' {
  interface Tensor {
    eq(other: TensorLike): Tensor;
    ne(other: TensorLike): Tensor;
    lt(other: TensorLike): Tensor;
    le(other: TensorLike): Tensor;
    gt(other: TensorLike): Tensor;
    ge(other: TensorLike): Tensor;
    logicalAnd(other: TensorLike): Tensor;
    logicalOr(other: TensorLike): Tensor;
    logicalXor(other: TensorLike): Tensor;
    logicalNot(): Tensor;
    logicalAnd_(other: TensorLike): Tensor;
    logicalOr_(other: TensorLike): Tensor;
    logicalXor_(other: TensorLike): Tensor;
    logicalNot_(): Tensor;
    isnan(): Tensor;
    isinf(): Tensor;
    isposinf(): Tensor;
    isneginf(): Tensor;
    isfinite(): Tensor;
    isclose(other: TensorLike, opts?: IscloseOptions): Tensor;
    /** `this` where `cond`, else `other` (torch.Tensor.where). */
    where(cond: Tensor, other: TensorLike): Tensor;
    clamp(min?: ClampBound, max?: ClampBound): Tensor;
    clamp_(min?: ClampBound, max?: ClampBound): Tensor;
    clampMin(min: Tensor | number): Tensor;
    clampMin_(min: Tensor | number): Tensor;
    clampMax(max: Tensor | number): Tensor;
    clampMax_(max: Tensor | number): Tensor;
    clip(min?: ClampBound, max?: ClampBound): Tensor;
    clip_(min?: ClampBound, max?: ClampBound): Tensor;
  }
}

const tensorsOf = (...vs: unknown[]): Tensor[] => vs.filter((v): v is Tensor => v instanceof Tensor);
const proto = Tensor.prototype;
proto.eq = function (o) {
  return eq(this, o);
};
proto.ne = function (o) {
  return ne(this, o);
};
proto.lt = function (o) {
  return lt(this, o);
};
proto.le = function (o) {
  return le(this, o);
};
proto.gt = function (o) {
  return gt(this, o);
};
proto.ge = function (o) {
  return ge(this, o);
};
proto.logicalAnd = function (o) {
  return logicalAnd(this, o);
};
proto.logicalOr = function (o) {
  return logicalOr(this, o);
};
proto.logicalXor = function (o) {
  return logicalXor(this, o);
};
proto.logicalNot = function () {
  return logicalNot(this);
};
/**
 * In-place logical ops write 0/1 in self's dtype, like PyTorch. Their result has no gradient, so
 * on a tensor that records one they throw rather than leave a stale history on self.
 */
function logicalInPlace(op: string, self: Tensor, others: Tensor[], f: (s: Tensor) => Tensor): Tensor {
  if (isGradEnabled() && self.requiresGrad)
    throw new Error(`${op}: the result is not differentiable; use it on a tensor that does not require grad`);
  return applyInPlace(op, self, others, f);
}
proto.logicalAnd_ = function (o) {
  return logicalInPlace('logicalAnd_', this, tensorsOf(o), (s) => logicalAnd(s, o));
};
proto.logicalOr_ = function (o) {
  return logicalInPlace('logicalOr_', this, tensorsOf(o), (s) => logicalOr(s, o));
};
proto.logicalXor_ = function (o) {
  return logicalInPlace('logicalXor_', this, tensorsOf(o), (s) => logicalXor(s, o));
};
proto.logicalNot_ = function () {
  return logicalInPlace('logicalNot_', this, [], (s) => logicalNot(s));
};
proto.isnan = function () {
  return isnan(this);
};
proto.isinf = function () {
  return isinf(this);
};
proto.isposinf = function () {
  return isposinf(this);
};
proto.isneginf = function () {
  return isneginf(this);
};
proto.isfinite = function () {
  return isfinite(this);
};
proto.isclose = function (o, opts) {
  return isclose(this, o, opts);
};
proto.where = function (cond, other) {
  return where(cond, this, other);
};
proto.clamp = function (min, max) {
  return clamp(this, min, max);
};
proto.clamp_ = function (min, max) {
  return applyInPlace('clamp_', this, tensorsOf(min, max), (s) => clamp(s, min, max));
};
proto.clampMin = function (min) {
  return clampMin(this, min);
};
proto.clampMin_ = function (min) {
  return applyInPlace('clampMin_', this, tensorsOf(min), (s) => clampMin(s, min));
};
proto.clampMax = function (max) {
  return clampMax(this, max);
};
proto.clampMax_ = function (max) {
  return applyInPlace('clampMax_', this, tensorsOf(max), (s) => clampMax(s, max));
};
proto.clip = proto.clamp;
proto.clip_ = proto.clamp_;
