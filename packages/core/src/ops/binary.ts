/**
 * Elementwise binary ops with NumPy broadcasting and PyTorch dtype promotion. Kernels receive both
 * inputs already promoted to one dtype and broadcast (stride 0) to the output shape.
 */
import { type DType, isFloatingPoint } from '../dtype.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { toDtype } from './copy.js';
import {
  commonDevice,
  firstTensor,
  kview,
  recordGrad,
  resultType,
  runKernel1,
  scalarTensor,
  type TensorLike,
} from './dispatch.js';
import { applyInPlace } from './inplace.js';

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

export function add(a: TensorLike, b: TensorLike, alpha?: number): Tensor {
  b = scaled(b, alpha);
  const o = binaryOperands('add', a, b);
  const out = binaryKernel('add', o);
  const xs = o.x.shape;
  const ys = o.y.shape;
  recordGrad('AddBackward', [o.x, o.y], [out], ([g], _s, needs) => [
    needs[0] ? g.sumToSize(xs) : null,
    needs[1] ? g.sumToSize(ys) : null,
  ]);
  return out;
}

export function sub(a: TensorLike, b: TensorLike, alpha?: number): Tensor {
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

export function mul(a: TensorLike, b: TensorLike): Tensor {
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

/** True division (integers divide as float32), like torch.div with rounding_mode=None. */
export function div(a: TensorLike, b: TensorLike): Tensor {
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

declare module '../tensor.js' {
  interface Tensor {
    add(other: TensorLike, alpha?: number): Tensor;
    sub(other: TensorLike, alpha?: number): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike): Tensor;
    add_(other: TensorLike, alpha?: number): Tensor;
    sub_(other: TensorLike, alpha?: number): Tensor;
    mul_(other: TensorLike): Tensor;
    div_(other: TensorLike): Tensor;
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
proto.div = function (o) {
  return div(this, o);
};
proto.add_ = function (o, alpha) {
  return applyInPlace('add_', this, others(o), (s) => add(s, o, alpha));
};
proto.sub_ = function (o, alpha) {
  return applyInPlace('sub_', this, others(o), (s) => sub(s, o, alpha));
};
proto.mul_ = function (o) {
  return applyInPlace('mul_', this, others(o), (s) => mul(s, o));
};
proto.div_ = function (o) {
  return applyInPlace('div_', this, others(o), (s) => div(s, o));
};
