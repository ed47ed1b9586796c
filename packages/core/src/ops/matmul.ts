/**
 * Matrix products with PyTorch semantics. One backend kernel, 'matmul', serves them all: it takes
 * a [B..., M, K] and b [B..., K, N] broadcast (stride 0) to one batch shape, with any strides, and
 * writes a contiguous [B..., M, N]. 1-d operands are promoted with views and squeezed afterwards, so
 * their gradients come for free; the batched product's gradient is itself written with matmul and
 * transposes (twice differentiable), summing broadcast batch dims with sumToSize.
 */
import { hasKernel } from '../backend.js';
import type { DType } from '../dtype.js';
import { broadcastShapes, formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { traceCall, traceOn } from '../trace.js';
import { add, mul } from './binary.js';
import { assertTensor, commonDevice, kview, recordGrad, runKernel1 } from './dispatch.js';
import { reshape, squeeze, sumToSize, transpose, unsqueeze } from './view.js';

const MATMUL_DTYPES: ReadonlySet<DType> = new Set<DType>(['float32', 'float64', 'int32']);

/** Checks device and dtypes of a product's two operands (PyTorch requires equal dtypes). */
function checkPair(op: string, a: Tensor, b: Tensor): void {
  assertTensor(op, a, 'input');
  assertTensor(op, b, 'other');
  commonDevice(op, [a, b]);
  if (a.dtype !== b.dtype)
    throw new Error(`${op}: expected m1 and m2 to have the same dtype, but got: ${a.dtype} != ${b.dtype}`);
  if (!MATMUL_DTYPES.has(a.dtype))
    throw new Error(`${op}: not implemented for '${a.dtype}' (supported dtypes: float32, float64, int32)`);
}

function shapeError(op: string, a: readonly number[], b: readonly number[], k1: number, k2: number): Error {
  return new Error(
    `${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be multiplied (${k1} != ${k2})`,
  );
}

/** The broadcast batch shape of two ≥2-d operands, with PyTorch's wording when they don't broadcast. */
function batchShape(op: string, a: readonly number[], b: readonly number[]): number[] {
  const ba = a.slice(0, -2);
  const bb = b.slice(0, -2);
  const n = Math.max(ba.length, bb.length);
  for (let i = 0; i < n; i++) {
    const da = ba[ba.length - n + i] ?? 1;
    const db = bb[bb.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1)
      throw new Error(
        `${op}: the size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i} (batch dimensions of shapes ${formatShape(a)} and ${formatShape(b)} are not broadcastable)`,
      );
  }
  return broadcastShapes(op, ba, bb);
}

function mT(t: Tensor): Tensor {
  return transpose(t, -2, -1);
}

/**
 * The product of two validated ≥2-d operands with matching inner dims and broadcastable batch dims;
 * records `name` as the backward node.
 */
function batchedMatmul(op: string, a: Tensor, b: Tensor, name: string, bias?: Tensor): Tensor {
  const M = a.shape[a.ndim - 2];
  const K = a.shape[a.ndim - 1];
  const N = b.shape[b.ndim - 1];
  const plain = a.ndim === 2 && b.ndim === 2;
  const batch = plain ? [] : batchShape(op, a.shape, b.shape);
  const inputs = plain ? [kview(a), kview(b)] : [kview(a, [...batch, M, K]), kview(b, [...batch, K, N])];
  // bias (2-d products only, callers check it broadcasts to [M, N]) goes through the device's
  // optional fused 'addmm' kernel: bias + a @ b in one pass, bit for bit matmul then add.
  const fused = bias !== undefined && plain;
  const out = fused
    ? runKernel1('addmm', a.device, [kview(bias, [M, N]), ...inputs], [M, N], a.dtype)
    : runKernel1('matmul', a.device, inputs, [...batch, M, N], a.dtype);
  const biasShape = bias?.shape ?? [];
  const aNeeds = a.requiresGrad;
  const bNeeds = b.requiresGrad;
  const aShape = a.shape;
  const bShape = b.shape;
  // A 2-d operand stored transposed (x @ W.t() in linear) gets its gradient in the same layout, as
  // PyTorch's mm backward does: (gᵀ a)ᵀ instead of aᵀ g. Transposed back (W.t()'s backward), it is
  // contiguous again, so the leaf's .grad is a plain copy instead of a transposing one.
  const aColMajor = plain && isColMajor(a);
  const bColMajor = plain && isColMajor(b);
  // Save only what backward reads: b for a's gradient, a for b's.
  const save: Tensor[] = [];
  if (aNeeds) save.push(b);
  if (bNeeds) save.push(a);
  recordGrad(
    fused ? 'AddmmBackward' : name,
    fused ? [a, b, bias] : [a, b],
    [out],
    ([g], saved, needs) => {
      const sb = aNeeds ? saved[0] : null;
      const sa = bNeeds ? saved[aNeeds ? 1 : 0] : null;
      const grads = [
        needs[0] && sb
          ? aColMajor
            ? mT(matmulNd(sb, mT(g)))
            : sumToSize(matmulNd(g, mT(sb)), aShape)
          : null,
        needs[1] && sa
          ? bColMajor
            ? mT(matmulNd(mT(g), sa))
            : sumToSize(matmulNd(mT(sa), g), bShape)
          : null,
      ];
      if (fused) grads.push(needs[2] ? sumToSize(g, biasShape) : null);
      return grads;
    },
    save,
  );
  return out;
}

/**
 * Whether `bias + a @ b` (2-d) can run as the device's optional fused 'addmm' kernel (see the kernel
 * contract in docs/architecture.md): float32 operands and a bias that broadcasts to the product.
 */
function fusesBias(a: Tensor, b: Tensor, bias: Tensor): boolean {
  if (a.ndim !== 2 || b.ndim !== 2 || bias.ndim > 2) return false;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || bias.dtype !== 'float32') return false;
  const M = a.shape[0];
  const N = b.shape[1];
  const [r, c] = bias.ndim === 2 ? bias.shape : [1, bias.ndim === 1 ? bias.shape[0] : 1];
  if ((r !== 1 && r !== M) || (c !== 1 && c !== N)) return false;
  return bias.device === a.device && hasKernel('addmm', a.device);
}

/** Whether a matrix is stored column by column (the transpose of a contiguous matrix). */
function isColMajor(t: Tensor): boolean {
  const [r, c] = t.shape;
  return r > 1 && c > 1 && t._strides[0] === 1 && t._strides[1] === r;
}

/** ≥2-d product used by gradients (operands are known to be compatible). */
function matmulNd(a: Tensor, b: Tensor): Tensor {
  if (a.ndim >= 3 && b.ndim === 2) return foldedMatmul('matmul', a, b);
  return batchedMatmul('matmul', a, b, a.ndim === 2 && b.ndim === 2 ? 'MmBackward' : 'BmmBackward');
}

/**
 * a [B..., M, K] @ b [K, N] as one 2-d product [B*M, K] @ [K, N] (like PyTorch's folding): one big
 * GEMM instead of a batch of small ones, and b's gradient is one product instead of a batched one
 * followed by a sum over the batch.
 */
function foldedMatmul(op: string, a: Tensor, b: Tensor): Tensor {
  const K = a.shape[a.ndim - 1];
  const lead = a.shape.slice(0, -1);
  const rows = lead.reduce((x, y) => x * y, 1);
  const out2 = batchedMatmul(op, reshape(a, [rows, K]), b, 'MmBackward');
  return reshape(out2, [...lead, b.shape[1]]);
}

/**
 * Matrix product with torch.matmul's semantics: 1-d x 1-d is a dot product (0-d result), 2-d x 2-d
 * a matrix product, a 1-d operand is promoted to a matrix (a row on the left, a column on the right)
 * and the added dim removed, and ≥3-d operands are batches of matrices whose batch dims broadcast.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (traceOn) return traceCall('matmul', matmul, [a, b]);
  return matmulImpl('matmul', a, b);
}

function matmulImpl(op: string, a: Tensor, b: Tensor): Tensor {
  checkPair(op, a, b);
  const da = a.ndim;
  const db = b.ndim;
  if (da === 0 || db === 0)
    throw new Error(`${op}: both arguments to matmul need to be at least 1D, but they are ${da}D and ${db}D`);
  const ka = a.shape[da - 1];
  const kb = db === 1 ? b.shape[0] : b.shape[db - 2];
  if (ka !== kb) throw shapeError(op, a.shape, b.shape, ka, kb);
  if (da === 1 && db === 1) {
    const out = batchedMatmul(op, unsqueeze(a, 0), unsqueeze(b, 1), 'DotBackward');
    return reshape(out, []);
  }
  if (da === 1) return squeeze(matmulImpl(op, unsqueeze(a, 0), b), -2);
  if (db === 1) {
    if (da === 2) return squeeze(batchedMatmul(op, a, unsqueeze(b, 1), 'MvBackward'), -1);
    return squeeze(foldedMatmul(op, a, unsqueeze(b, 1)), -1);
  }
  if (da >= 3 && db === 2) return foldedMatmul(op, a, b);
  return batchedMatmul(op, a, b, da === 2 && db === 2 ? 'MmBackward' : 'BmmBackward');
}

/** Product of two matrices: [n, m] @ [m, p] -> [n, p]. */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (traceOn) return traceCall('mm', mm, [a, b]);
  checkPair('mm', a, b);
  if (a.ndim !== 2)
    throw new Error(`mm: self must be a matrix (got a ${a.ndim}-D tensor of shape ${formatShape(a.shape)})`);
  if (b.ndim !== 2)
    throw new Error(`mm: mat2 must be a matrix (got a ${b.ndim}-D tensor of shape ${formatShape(b.shape)})`);
  if (a.shape[1] !== b.shape[0]) throw shapeError('mm', a.shape, b.shape, a.shape[1], b.shape[0]);
  return batchedMatmul('mm', a, b, 'MmBackward');
}

/** Batched product of 3-d tensors with equal batch sizes (no broadcasting): [b, n, m] @ [b, m, p]. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (traceOn) return traceCall('bmm', bmm, [a, b]);
  checkPair('bmm', a, b);
  if (a.ndim !== 3)
    throw new Error(
      `bmm: batch1 must be a 3D tensor (got a ${a.ndim}-D tensor of shape ${formatShape(a.shape)})`,
    );
  if (b.ndim !== 3)
    throw new Error(
      `bmm: batch2 must be a 3D tensor (got a ${b.ndim}-D tensor of shape ${formatShape(b.shape)})`,
    );
  if (a.shape[0] !== b.shape[0])
    throw new Error(
      `bmm: batch sizes of shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} must match (${a.shape[0]} != ${b.shape[0]})`,
    );
  if (a.shape[2] !== b.shape[1]) throw shapeError('bmm', a.shape, b.shape, a.shape[2], b.shape[1]);
  return batchedMatmul('bmm', a, b, 'BmmBackward');
}

/** Matrix-vector product: [n, m] @ [m] -> [n]. */
export function mv(a: Tensor, v: Tensor): Tensor {
  if (traceOn) return traceCall('mv', mv, [a, v]);
  checkPair('mv', a, v);
  if (a.ndim !== 2 || v.ndim !== 1)
    throw new Error(
      `mv: expected a matrix and a vector, but got ${a.ndim}-D and ${v.ndim}-D tensors (shapes ${formatShape(a.shape)} and ${formatShape(v.shape)})`,
    );
  if (a.shape[1] !== v.shape[0]) throw shapeError('mv', a.shape, v.shape, a.shape[1], v.shape[0]);
  return squeeze(batchedMatmul('mv', a, unsqueeze(v, 1), 'MvBackward'), -1);
}

/** Dot product of two 1-d tensors of equal length (a 0-d result). */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (traceOn) return traceCall('dot', dot, [a, b]);
  checkPair('dot', a, b);
  if (a.ndim !== 1 || b.ndim !== 1)
    throw new Error(`dot: 1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`);
  if (a.shape[0] !== b.shape[0]) throw shapeError('dot', a.shape, b.shape, a.shape[0], b.shape[0]);
  return reshape(batchedMatmul('dot', unsqueeze(a, 0), unsqueeze(b, 1), 'DotBackward'), []);
}

/** Outer product of two 1-d tensors: [n] x [m] -> [n, m] (dtypes promote, as in PyTorch). */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (traceOn) return traceCall('outer', outer, [a, b]);
  assertTensor('outer', a, 'input');
  assertTensor('outer', b, 'vec2');
  if (a.ndim !== 1 || b.ndim !== 1)
    throw new Error(`outer: 1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`);
  return mul(unsqueeze(a, 1), b);
}

/** Options of `addmm` and friends: `beta * input + alpha * (mat1 @ mat2)`. */
export interface AddmmOptions {
  /** Multiplier of `input` (0 ignores it entirely, NaNs included). */
  beta?: number;
  /** Multiplier of `mat1 @ mat2`. */
  alpha?: number;
}

/** beta * input + alpha * (mat1 @ mat2), with `input` broadcastable to the product's shape. */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, opts: AddmmOptions = {}): Tensor {
  if (traceOn) return traceCall('addmm', addmm, [input, mat1, mat2, opts]);
  assertTensor('addmm', input, 'input');
  checkPair('addmm', mat1, mat2);
  commonDevice('addmm', [input, mat1]);
  if (input.dtype !== mat1.dtype)
    throw new Error(
      `addmm: expected input and mat1 to have the same dtype, but got: ${input.dtype} != ${mat1.dtype}`,
    );
  if (mat1.ndim !== 2 || mat2.ndim !== 2)
    throw new Error(`addmm: expected 2-D matrices, but got ${mat1.ndim}-D and ${mat2.ndim}-D tensors`);
  if (mat1.shape[1] !== mat2.shape[0])
    throw shapeError('addmm', mat1.shape, mat2.shape, mat1.shape[1], mat2.shape[0]);
  const outShape = [mat1.shape[0], mat2.shape[1]];
  const bshape = broadcastShapes('addmm', input.shape, outShape);
  if (bshape.length !== 2 || bshape[0] !== outShape[0] || bshape[1] !== outShape[1])
    throw new Error(
      `addmm: input of shape ${formatShape(input.shape)} can't be broadcast to the product's shape ${formatShape(outShape)}`,
    );
  const beta = opts.beta ?? 1;
  const alpha = opts.alpha ?? 1;
  if (alpha === 1 && beta === 1 && fusesBias(mat1, mat2, input))
    return batchedMatmul('addmm', mat1, mat2, 'MmBackward', input);
  let prod = batchedMatmul('addmm', mat1, mat2, 'MmBackward');
  if (alpha !== 1) prod = mul(prod, alpha);
  if (beta === 0) return prod;
  return add(prod, input, beta);
}

/**
 * torch.nn.functional.linear: x @ weight^T + bias, for x [..., in], weight [out, in] (or [in]) and
 * bias [out]. ≥3-d inputs run as one 2-d product.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (traceOn) return traceCall('linear', linear, [x, weight, bias]);
  assertTensor('linear', x, 'input');
  assertTensor('linear', weight, 'weight');
  if (weight.ndim !== 1 && weight.ndim !== 2)
    throw new Error(
      `linear: weight must be 1-D or 2-D, but got a ${weight.ndim}-D tensor of shape ${formatShape(weight.shape)}`,
    );
  if (x.ndim === 0) throw new Error('linear: input must be at least 1-D, but got a 0-D tensor');
  const inF = weight.shape[weight.ndim - 1];
  if (x.shape[x.ndim - 1] !== inF)
    throw new Error(
      `linear: input shape ${formatShape(x.shape)} and weight shape ${formatShape(weight.shape)} cannot be multiplied (${x.shape[x.ndim - 1]} != ${inF})`,
    );
  const wT = weight.ndim === 2 ? transpose(weight, 0, 1) : weight;
  if (bias !== undefined && bias !== null) {
    assertTensor('linear', bias, 'bias');
    commonDevice('linear', [x, bias]);
    if (bias.dtype !== x.dtype)
      throw new Error(
        `linear: expected input and bias to have the same dtype, but got: ${x.dtype} != ${bias.dtype}`,
      );
    if (x.ndim === 2 && fusesBias(x, wT, bias)) {
      checkPair('linear', x, wT);
      return batchedMatmul('linear', x, wT, 'MmBackward', bias);
    }
  }
  const y = matmulImpl('linear', x, wT);
  if (bias === undefined || bias === null) return y;
  return add(y, bias);
}

declare module '../tensor.js' {
  interface Tensor {
    matmul(other: Tensor): Tensor;
    mm(mat2: Tensor): Tensor;
    bmm(batch2: Tensor): Tensor;
    mv(vec: Tensor): Tensor;
    dot(other: Tensor): Tensor;
    outer(vec2: Tensor): Tensor;
    /** beta * this + alpha * (mat1 @ mat2). */
    addmm(mat1: Tensor, mat2: Tensor, opts?: AddmmOptions): Tensor;
  }
}

const proto = Tensor.prototype;
proto.matmul = function (o) {
  return matmul(this, o);
};
proto.mm = function (o) {
  return mm(this, o);
};
proto.bmm = function (o) {
  return bmm(this, o);
};
proto.mv = function (v) {
  return mv(this, v);
};
proto.dot = function (o) {
  return dot(this, o);
};
proto.outer = function (o) {
  return outer(this, o);
};
proto.addmm = function (m1, m2, opts) {
  return addmm(this, m1, m2, opts);
};
