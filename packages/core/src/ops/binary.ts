/**
 * Elementwise binary ops with NumPy broadcasting and PyTorch dtype promotion. Kernels receive both
 * inputs already promoted to one dtype and broadcast (stride 0) to the output shape.
 */
import { type DType, isFloatingPoint } from '../dtype.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { traceCall, traceOn } from '../trace.js';
import { where } from './compare.js';
import { toDtype } from './copy.js';
import { zeros } from './creation.js';
import {
  commonDevice,
  firstTensor,
  kview,
  needsGrad,
  recordGrad,
  resultType,
  runKernel1,
  scalarTensor,
  type TensorLike,
} from './dispatch.js';
import { applyInPlace, tryAddInPlace } from './inplace.js';

export interface BinaryOperands {
  x: Tensor;
  y: Tensor;
  shape: number[];
  device: string;
  dtype: DType;
}

/** Promotes, converts scalars and broadcasts the two operands of `op`. */
export function binaryOperands(
  op: string,
  a: TensorLike,
  b: TensorLike,
  computeDtype?: (promoted: DType) => DType,
): BinaryOperands {
  const t = firstTensor(op, [a, b]);
  const promoted = resultType([a, b]);
  const dtype = computeDtype ? computeDtype(promoted) : promoted;
  const device = t.device;
  const asT = (v: TensorLike): Tensor => {
    if (v instanceof Tensor) return v.dtype === dtype ? v : toDtype(v, dtype);
    return scalarTensor(v, dtype, device);
  };
  const x = asT(a);
  const y = asT(b);
  commonDevice(op, [x, y]);
  const shape = broadcastShapes(op, x.shape, y.shape);
  return { x, y, shape, device, dtype };
}

/** Runs the binary kernel `op` on prepared operands. */
export function binaryKernel(op: string, o: BinaryOperands, outDtype: DType = o.dtype): Tensor {
  return runKernel1(op, o.device, [kview(o.x, o.shape), kview(o.y, o.shape)], o.shape, outDtype);
}

/** Float result dtype for ops like true division: integers and bool compute in float32. */
export const floatResult = (d: DType): DType => (isFloatingPoint(d) ? d : 'float32');

/** `b * alpha`, keeping JS numbers as numbers. */
function scaled(b: TensorLike, alpha: number | undefined): TensorLike {
  if (alpha === undefined || alpha === 1) return b;
  return b instanceof Tensor ? mul(b, alpha) : Number(b) * alpha;
}

/** Elementwise `a + alpha * b` with broadcasting and type promotion, like torch.add. */
export function add(a: TensorLike, b: TensorLike, alpha?: number): Tensor {
  if (traceOn) return traceCall('add', add, [a, b, alpha]);
  b = scaled(b, alpha);
  const o = binaryOperands('add', a, b);
  // bool + bool is logical or in PyTorch; an 'add' kernel would store 2 in a bool tensor.
  if (o.dtype === 'bool') return binaryKernel('logicalOr', o, 'bool');
  const out = binaryKernel('add', o);
  const xs = o.x.shape;
  const ys = o.y.shape;
  recordGrad('AddBackward', [o.x, o.y], [out], ([g], _s, needs) => [
    needs[0] ? g.sumToSize(xs) : null,
    needs[1] ? g.sumToSize(ys) : null,
  ]);
  return out;
}

/** Elementwise `a - alpha * b` with broadcasting and type promotion, like torch.sub. */
export function sub(a: TensorLike, b: TensorLike, alpha?: number): Tensor {
  if (traceOn) return traceCall('sub', sub, [a, b, alpha]);
  b = scaled(b, alpha);
  const o = binaryOperands('sub', a, b);
  if (o.dtype === 'bool')
    throw new Error(
      'sub: Subtraction, the `-` operator, with two bool tensors is not supported. Use logicalXor() instead.',
    );
  const out = binaryKernel('sub', o);
  const xs = o.x.shape;
  const ys = o.y.shape;
  recordGrad('SubBackward', [o.x, o.y], [out], ([g], _s, needs) => [
    needs[0] ? g.sumToSize(xs) : null,
    needs[1] ? g.neg().sumToSize(ys) : null,
  ]);
  return out;
}

/** Elementwise `a * b` with broadcasting and type promotion, like torch.mul. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  if (traceOn) return traceCall('mul', mul, [a, b]);
  const o = binaryOperands('mul', a, b);
  const out = binaryKernel('mul', o);
  recordGrad(
    'MulBackward',
    [o.x, o.y],
    [out],
    ([g], [x, y], needs) => [
      needs[0] ? mul(g, y).sumToSize(x.shape) : null,
      needs[1] ? mul(g, x).sumToSize(y.shape) : null,
    ],
    [o.x, o.y],
  );
  return out;
}

/** Rounding of `div`: 'trunc' toward zero or 'floor' toward -Infinity. */
export type RoundingMode = 'trunc' | 'floor';
/** Options of `div`: the rounding mode. */
export interface DivOptions {
  /** Omitted/null: true division. 'trunc' rounds toward zero, 'floor' toward -inf (integers stay integer). */
  roundingMode?: RoundingMode | null;
}

/** Rejects bool operands of ops PyTorch does not define on bool. */
function rejectBool(op: string, o: BinaryOperands): void {
  if (o.dtype === 'bool') throw new TypeError(`${op}: not implemented for dtype 'bool'`);
}

/** Division, like torch.div: true division (integers divide as float32) unless a rounding mode is given. */
export function div(a: TensorLike, b: TensorLike, opts: DivOptions = {}): Tensor {
  if (traceOn) return traceCall('div', div, [a, b, opts]);
  const mode = opts.roundingMode ?? null;
  if (mode !== null) {
    if (mode !== 'trunc' && mode !== 'floor')
      throw new Error(
        `div: expected rounding_mode to be one of null, 'trunc', or 'floor' but found '${String(mode)}'`,
      );
    return roundedDiv('div', mode, a, b);
  }
  const o = binaryOperands('div', a, b, floatResult);
  const out = binaryKernel('div', o);
  recordGrad(
    'DivBackward',
    [o.x, o.y],
    [out],
    ([g], [x, y], needs) => [
      needs[0] ? div(g, y).sumToSize(x.shape) : null,
      needs[1] ? mul(g, x).div(mul(y, y)).neg().sumToSize(y.shape) : null,
    ],
    [o.x, o.y],
  );
  return out;
}

/** Rounded division: piecewise constant, so its gradient is zero (as PyTorch's). */
function roundedDiv(op: string, mode: RoundingMode, a: TensorLike, b: TensorLike): Tensor {
  const o = binaryOperands(op, a, b);
  rejectBool(op, o);
  const out = binaryKernel(mode === 'floor' ? 'floorDivide' : 'truncDivide', o);
  const xs = o.x.shape;
  const ys = o.y.shape;
  recordGrad('DivBackward', [o.x, o.y], [out], ([g], _s, needs) => [
    needs[0] ? zeros(xs, { dtype: g.dtype, device: g.device }) : null,
    needs[1] ? zeros(ys, { dtype: g.dtype, device: g.device }) : null,
  ]);
  return out;
}

/** `floor(a / b)`, like torch.floor_divide (integers stay integer). */
export function floorDivide(a: TensorLike, b: TensorLike): Tensor {
  if (traceOn) return traceCall('floorDivide', floorDivide, [a, b]);
  return roundedDiv('floorDivide', 'floor', a, b);
}

/**
 * `a ** b` for tensors and scalars on either side (`pow(2, t)`). Integer powers stay integer and
 * wrap like int32; integer tensors to negative scalar powers are an error, like PyTorch.
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  if (traceOn) return traceCall('pow', pow, [a, b]);
  const o = binaryOperands('pow', a, b);
  rejectBool('pow', o);
  if (o.dtype === 'int32' && typeof b === 'number' && b < 0)
    throw new Error('pow: Integers to negative integer powers are not allowed.');
  const out = binaryKernel('pow', o);
  const scalarExp = o.y.requiresGrad
    ? null
    : typeof b === 'boolean'
      ? Number(b)
      : typeof b === 'number'
        ? b
        : null;
  const scalarBase = typeof a === 'number' ? a : null;
  const saveResult = needsGrad(o.y);
  recordGrad(
    'PowBackward',
    [o.x, o.y],
    [out],
    ([g], [x, y, result], needs) => [
      needs[0] ? powBaseGrad(g, x, y, scalarExp).sumToSize(x.shape) : null,
      needs[1] ? powExponentGrad(g, x, y, result, scalarBase).sumToSize(y.shape) : null,
    ],
    saveResult ? [o.x, o.y, out] : [o.x, o.y],
  );
  return out;
}

/** PyTorch's pow_backward_self: exponent·x^(exponent-1), zero where the exponent is 0. */
function powBaseGrad(g: Tensor, x: Tensor, y: Tensor, scalarExp: number | null): Tensor {
  if (scalarExp !== null)
    return scalarExp === 0
      ? zeros(x.shape, { dtype: g.dtype, device: g.device })
      : mul(g, pow(x, scalarExp - 1).mul(scalarExp));
  return where(y.eq(0), 0, mul(g, mul(y, pow(x, sub(y, 1)))));
}

/** PyTorch's pow_backward_exponent: result·log(x), masked to 0 where x == 0 and exponent >= 0. */
function powExponentGrad(g: Tensor, x: Tensor, y: Tensor, result: Tensor, scalarBase: number | null): Tensor {
  if (scalarBase !== null) {
    if (scalarBase !== 0) return mul(g, result.mul(Math.log(scalarBase)));
    return where(y.ge(0), 0, mul(g, result.mul(-Infinity)));
  }
  return where(x.eq(0).logicalAnd(y.ge(0)), 0, mul(g, mul(result, x.log())));
}

/** Elementwise maximum (NaN propagates); on ties each input gets half the gradient, like PyTorch. */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  if (traceOn) return traceCall('maximum', maximum, [a, b]);
  return minMax('maximum', 'MaximumBackward', a, b);
}

/** Elementwise minimum (NaN propagates); on ties each input gets half the gradient, like PyTorch. */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  if (traceOn) return traceCall('minimum', minimum, [a, b]);
  return minMax('minimum', 'MinimumBackward', a, b);
}

function minMax(op: 'maximum' | 'minimum', backward: string, a: TensorLike, b: TensorLike): Tensor {
  const o = binaryOperands(op, a, b);
  const out = binaryKernel(op, o);
  recordGrad(
    backward,
    [o.x, o.y],
    [out],
    ([g], [x, y], needs) => {
      const shared = where(x.eq(y), g.mul(0.5), g);
      // The input that lost gets nothing: for maximum x < y masks x, for minimum x > y does.
      const xLoses = op === 'maximum' ? x.lt(y) : x.gt(y);
      const yLoses = op === 'maximum' ? x.gt(y) : x.lt(y);
      return [
        needs[0] ? where(xLoses, 0, shared).sumToSize(x.shape) : null,
        needs[1] ? where(yLoses, 0, shared).sumToSize(y.shape) : null,
      ];
    },
    [o.x, o.y],
  );
  return out;
}

/** Python-style modulus: the result has the sign of the divisor (torch.remainder). */
export function remainder(a: TensorLike, b: TensorLike): Tensor {
  if (traceOn) return traceCall('remainder', remainder, [a, b]);
  return modulus('remainder', 'RemainderBackward', 'floor', a, b);
}

/** C-style modulus: the result has the sign of the dividend (torch.fmod). */
export function fmod(a: TensorLike, b: TensorLike): Tensor {
  if (traceOn) return traceCall('fmod', fmod, [a, b]);
  return modulus('fmod', 'FmodBackward', 'trunc', a, b);
}

function modulus(op: string, backward: string, mode: RoundingMode, a: TensorLike, b: TensorLike): Tensor {
  const o = binaryOperands(op, a, b);
  rejectBool(op, o);
  const out = binaryKernel(op, o);
  recordGrad(
    backward,
    [o.x, o.y],
    [out],
    ([g], [x, y], needs) => [
      needs[0] ? g.sumToSize(x.shape) : null,
      needs[1]
        ? mul(g, roundedDiv(op, mode, x, y))
            .neg()
            .sumToSize(y.shape)
        : null,
    ],
    [o.x, o.y],
  );
  return out;
}

/** Elementwise atan2(a, b), the angle of the point (b, a); integers compute in float32. */
export function atan2(a: TensorLike, b: TensorLike): Tensor {
  if (traceOn) return traceCall('atan2', atan2, [a, b]);
  const o = binaryOperands('atan2', a, b, floatResult);
  const out = binaryKernel('atan2', o);
  recordGrad(
    'Atan2Backward',
    [o.x, o.y],
    [out],
    ([g], [x, y], needs) => {
      const denom = add(mul(x, x), mul(y, y));
      return [
        needs[0] ? mul(g, y).div(denom).sumToSize(x.shape) : null,
        needs[1] ? mul(g, x).div(denom).neg().sumToSize(y.shape) : null,
      ];
    },
    [o.x, o.y],
  );
  return out;
}

declare module '../tensor.js' {
  interface Tensor {
    add(other: TensorLike, alpha?: number): Tensor;
    sub(other: TensorLike, alpha?: number): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike, opts?: DivOptions): Tensor;
    add_(other: TensorLike, alpha?: number): Tensor;
    sub_(other: TensorLike, alpha?: number): Tensor;
    mul_(other: TensorLike): Tensor;
    div_(other: TensorLike, opts?: DivOptions): Tensor;
    pow(exponent: TensorLike): Tensor;
    pow_(exponent: TensorLike): Tensor;
    maximum(other: TensorLike): Tensor;
    minimum(other: TensorLike): Tensor;
    remainder(other: TensorLike): Tensor;
    remainder_(other: TensorLike): Tensor;
    fmod(other: TensorLike): Tensor;
    fmod_(other: TensorLike): Tensor;
    floorDivide(other: TensorLike): Tensor;
    floorDivide_(other: TensorLike): Tensor;
    atan2(other: TensorLike): Tensor;
    atan2_(other: TensorLike): Tensor;
  }
}

const others = (v: TensorLike): Tensor[] => (v instanceof Tensor ? [v] : []);
const proto = Tensor.prototype;
proto.add = function (o, alpha) {
  return add(this, o, alpha);
};
proto.sub = function (o, alpha) {
  return sub(this, o, alpha);
};
proto.mul = function (o) {
  return mul(this, o);
};
proto.div = function (o, opts) {
  return div(this, o, opts);
};
proto.add_ = function (o, alpha) {
  if (tryAddInPlace(this, o, alpha ?? 1)) return this;
  return applyInPlace('add_', this, others(o), (s) => add(s, o, alpha));
};
proto.sub_ = function (o, alpha) {
  // a - alpha·b is a + (-alpha)·b exactly in IEEE arithmetic.
  if (tryAddInPlace(this, o, -(alpha ?? 1))) return this;
  return applyInPlace('sub_', this, others(o), (s) => sub(s, o, alpha));
};
proto.mul_ = function (o) {
  return applyInPlace('mul_', this, others(o), (s) => mul(s, o));
};
proto.div_ = function (o, opts) {
  return applyInPlace('div_', this, others(o), (s) => div(s, o, opts));
};

/** Binary ops whose method, in-place method and function share one shape: `(self, other) => Tensor`. */
const SIMPLE: Record<string, (a: TensorLike, b: TensorLike) => Tensor> = {
  pow,
  maximum,
  minimum,
  remainder,
  fmod,
  floorDivide,
  atan2,
};
const INPLACE = new Set(['pow', 'remainder', 'fmod', 'floorDivide', 'atan2']);
const methods = proto as unknown as Record<string, (this: Tensor, o: TensorLike) => Tensor>;
for (const [name, f] of Object.entries(SIMPLE)) {
  methods[name] = function (o) {
    return f(this, o);
  };
  if (INPLACE.has(name))
    methods[`${name}_`] = function (o) {
      return applyInPlace(`${name}_`, this, others(o), (s) => f(s, o));
    };
}
