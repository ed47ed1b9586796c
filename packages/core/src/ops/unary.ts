/**
 * Elementwise unary ops. Each entry of UNARY_OPS is the single definition of an op: its name (the
 * kernel name backends register), its backward node name, and its gradient written with core ops.
 * Functions `k.exp(x)` and methods `x.exp()` / `x.exp_()` are generated from the table.
 */
import { type DType, isFloatingPoint } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { kview, recordGrad, runKernel1 } from './dispatch.js';
import { applyInPlace } from './inplace.js';

export interface UnarySpec {
  /** Backward node name, PyTorch style. */
  readonly backward: string;
  /** d(out)/d(in) applied to the incoming gradient: (grad, input, output) => grad wrt input. */
  readonly grad: (g: Tensor, x: Tensor, y: Tensor) => Tensor;
  /** Integer/bool inputs compute in float32 (exp of an int tensor is float, like PyTorch). */
  readonly promotesToFloat?: boolean;
  /** Dtypes the op rejects. */
  readonly rejects?: readonly DType[];
}

export type UnaryOpName = 'neg' | 'exp';

export const UNARY_OPS: Record<UnaryOpName, UnarySpec> = {
  neg: { backward: 'NegBackward', grad: (g) => g.neg(), rejects: ['bool'] },
  exp: { backward: 'ExpBackward', grad: (g, _x, y) => g.mul(y), promotesToFloat: true },
};

/** Runs unary op `name` from its spec (shared by the functions and methods below). */
export function unary(name: string, spec: UnarySpec, x: Tensor): Tensor {
  if (spec.rejects?.includes(x.dtype)) throw new TypeError(`${name}: not implemented for dtype '${x.dtype}'`);
  const src = spec.promotesToFloat && !isFloatingPoint(x.dtype) ? x.to('float32') : x;
  const out = runKernel1(name, src.device, [kview(src)], src.shape, src.dtype);
  recordGrad(spec.backward, [src], [out], ([g], [xs, y]) => [spec.grad(g, xs, y)], [src, out]);
  return out;
}

export const neg = (x: Tensor): Tensor => unary('neg', UNARY_OPS.neg, x);
export const exp = (x: Tensor): Tensor => unary('exp', UNARY_OPS.exp, x);

declare module '../tensor.js' {
  interface Tensor {
    neg(): Tensor;
    neg_(): Tensor;
    exp(): Tensor;
    exp_(): Tensor;
  }
}

for (const [name, spec] of Object.entries(UNARY_OPS) as [string, UnarySpec][]) {
  const proto = Tensor.prototype as unknown as Record<string, (this: Tensor) => Tensor>;
  proto[name] = function () {
    return unary(name, spec, this);
  };
  proto[`${name}_`] = function () {
    return applyInPlace(`${name}_`, this, [], (s) => unary(name, spec, s));
  };
}
