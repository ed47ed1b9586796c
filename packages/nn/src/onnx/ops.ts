/**
 * The op → ONNX mapping: one entry per Kindling op name (free function or Tensor method; a method's
 * first argument is its tensor). Every entry writes the node's outputs under `b.nameOf(out)`.
 * In-place variants (`relu_`) use their out-of-place entry.
 */
import * as k from '@kindling/core';
import { type Attr, isOperand, type OnnxBuilder, type Operand, unsupported } from './builder.js';

/** Writes the ONNX nodes of one traced op. */
export type Emitter = (b: OnnxBuilder, args: unknown[], outs: number[], op: string) => void;

// ------------------------------------------------------------------ helpers

function operand(v: unknown, op: string, what = 'input'): Operand {
  if (!isOperand(v)) unsupported(op, `${what} must be a tensor`);
  return v;
}
function normDim(d: number, rank: number): number {
  return d < 0 ? d + rank : d;
}
function pair(v: unknown, dflt: number): [number, number] {
  if (v === undefined || v === null) return [dflt, dflt];
  if (typeof v === 'number') return [v, v];
  const a = v as number[];
  return [a[0], a[1]];
}
function opts(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !isOperand(v)
    ? (v as Record<string, unknown>)
    : {};
}
/** Rest args or one array: `view(x, 2, 3)` / `view(x, [2, 3])`. */
function restInts(args: unknown[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return args[0] as number[];
  return args as number[];
}
function out0(b: OnnxBuilder, outs: number[]): string {
  return b.nameOf(outs[0]);
}
function outInfo(b: OnnxBuilder, outs: number[], i = 0) {
  return b.value(outs[i]);
}

/** Reduce* ops: axes became an input in opset 18 (ReduceSum: 13). */
function reduce(
  b: OnnxBuilder,
  onnxOp: string,
  x: string,
  axes: number[] | null,
  keepdims: boolean,
  output?: string,
): string {
  const attrs: Record<string, Attr> = { keepdims: { i: keepdims ? 1 : 0 } };
  const axesAsInput = onnxOp === 'ReduceSum' || b.opset >= 18;
  if (axes === null) return b.add1(onnxOp, [x], attrs, output);
  if (axesAsInput) return b.add1(onnxOp, [x, b.int64s(axes)], attrs, output);
  return b.add1(onnxOp, [x], { ...attrs, axes: { ints: axes } }, output);
}
function dimList(dim: unknown, rank: number): number[] | null {
  if (dim === undefined || dim === null) return null;
  const ds = typeof dim === 'number' ? [dim] : (dim as number[]);
  if (ds.length === 0) return null;
  return ds.map((d) => normDim(d, rank));
}

/** Reshape to the traced output shape, keeping a dynamic dim 0 with ONNX's `0` (copy) marker. */
function reshapeTo(b: OnnxBuilder, x: Operand, outs: number[]): void {
  const shape = [...outInfo(b, outs).shape];
  if (b.dynamic0.has(x.id) && shape.length > 0 && x.shape.length > 0 && shape[0] === x.shape[0]) shape[0] = 0;
  b.add1('Reshape', [x.name, b.int64s(shape)], {}, out0(b, outs));
}

function unaryOp(onnxOp: string, attrs: (args: unknown[]) => Record<string, Attr> = () => ({})): Emitter {
  return (b, args, outs, op) => {
    const x = operand(args[0], op);
    b.add1(onnxOp, [b.cast(x.name, x.dtype, outInfo(b, outs).dtype)], attrs(args), out0(b, outs));
  };
}
/** An elementwise op built from other nodes: `f(b, x)` returns the result name. */
function composite(f: (b: OnnxBuilder, x: string, dtype: k.DType, args: unknown[]) => string): Emitter {
  return (b, args, outs, op) => {
    const x = operand(args[0], op);
    const dt = outInfo(b, outs).dtype;
    const r = f(b, b.cast(x.name, x.dtype, dt), dt, args);
    b.add1('Identity', [r], {}, out0(b, outs));
  };
}
function binaryOp(onnxOp: string): Emitter {
  return (b, args, outs, op) => {
    const dt = outInfo(b, outs).dtype;
    let y = b.input(args[1], dt, op);
    const alpha = args[2];
    if (typeof alpha === 'number' && alpha !== 1 && (onnxOp === 'Add' || onnxOp === 'Sub'))
      y = b.add1('Mul', [y, b.scalar(alpha, dt)]);
    b.add1(onnxOp, [b.input(args[0], dt, op), y], {}, out0(b, outs));
  };
}
/** Promoted compute dtype of two operands (tensors decide; a float scalar lifts integer tensors). */
function computeType(a: unknown, c: unknown): k.DType {
  const ts = [a, c].filter(isOperand);
  const scalars = [a, c].filter((v) => !isOperand(v));
  let dt: k.DType = ts.length ? ts.map((t) => t.dtype).reduce((x, y) => k.promoteTypes(x, y)) : 'float32';
  for (const s of scalars)
    if (typeof s === 'number' && !Number.isInteger(s) && !k.isFloatingPoint(dt)) dt = 'float32';
  return dt;
}
function compareOp(onnxOp: string, negate = false): Emitter {
  return (b, args, outs, op) => {
    const dt = computeType(args[0], args[1]);
    const inputs = [b.input(args[0], dt, op), b.input(args[1], dt, op)];
    if (negate) b.add1('Not', [b.add1(onnxOp, inputs)], {}, out0(b, outs));
    else b.add1(onnxOp, inputs, {}, out0(b, outs));
  };
}
function logicalOp(onnxOp: string): Emitter {
  return (b, args, outs, op) => {
    b.add1(onnxOp, [b.input(args[0], 'bool', op), b.input(args[1], 'bool', op)], {}, out0(b, outs));
  };
}

function transposeTo(b: OnnxBuilder, x: Operand, perm: number[], outs: number[]): void {
  b.add1('Transpose', [x.name], { perm: { ints: perm } }, out0(b, outs));
}
function swapPerm(rank: number, d0: number, d1: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  const a = normDim(d0, rank);
  const c = normDim(d1, rank);
  [perm[a], perm[c]] = [perm[c], perm[a]];
  return perm;
}

function clip(b: OnnxBuilder, x: Operand, lo: unknown, hi: unknown, outs: number[], op: string): void {
  const dt = outInfo(b, outs).dtype;
  const xs = b.cast(x.name, x.dtype, dt);
  if (isOperand(lo) || isOperand(hi)) {
    let r = xs;
    if (lo !== null && lo !== undefined) r = b.add1('Max', [r, b.input(lo, dt, op)]);
    if (hi !== null && hi !== undefined) r = b.add1('Min', [r, b.input(hi, dt, op)]);
    b.add1('Identity', [r], {}, out0(b, outs));
    return;
  }
  const min = lo === null || lo === undefined ? '' : b.scalar(lo as number, dt);
  const max = hi === null || hi === undefined ? '' : b.scalar(hi as number, dt);
  b.add1('Clip', [xs, min, max], {}, out0(b, outs));
}

function convPads(
  op: string,
  padding: unknown,
  kernel: readonly number[],
  dilation: readonly number[],
): number[] {
  const n = kernel.length;
  if (padding === 'valid' || padding === undefined) return new Array(2 * n).fill(0);
  if (padding === 'same') {
    const begin: number[] = [];
    const end: number[] = [];
    for (let i = 0; i < n; i++) {
      const total = dilation[i] * (kernel[i] - 1);
      begin.push(Math.floor(total / 2));
      end.push(total - Math.floor(total / 2));
    }
    return [...begin, ...end];
  }
  const p = typeof padding === 'number' ? new Array(n).fill(padding) : (padding as number[]);
  if (p.length !== n) unsupported(op, `padding ${JSON.stringify(padding)}`);
  return [...p, ...p];
}

/** Runs `f` on a batched (rank + 1) view of an unbatched input, then drops the batch dim. */
function batched(
  b: OnnxBuilder,
  x: Operand,
  rank: number,
  outs: number[],
  f: (xName: string, out: string) => void,
): void {
  if (x.shape.length === rank) {
    f(x.name, out0(b, outs));
    return;
  }
  const xu = b.add1('Unsqueeze', [x.name, b.int64s([0])]);
  const tmp = b.fresh('batched');
  f(xu, tmp);
  b.add1('Squeeze', [tmp, b.int64s([0])], {}, out0(b, outs));
}

function conv(spatial: 1 | 2): Emitter {
  return (b, args, outs, op) => {
    const x = operand(args[0], op);
    const w = operand(args[1], op, 'weight');
    const bias = isOperand(args[2]) ? args[2].name : null;
    const o = opts(args[3]);
    const kernel = w.shape.slice(2);
    const one = (v: unknown, d: number) => (spatial === 1 ? [(v as number | undefined) ?? d] : pair(v, d));
    const strides = one(o.stride, 1);
    const dilations = one(o.dilation, 1);
    const pads = convPads(op, o.padding, kernel, dilations);
    batched(b, x, spatial + 2, outs, (xn, out) => {
      b.add1(
        'Conv',
        bias ? [xn, w.name, bias] : [xn, w.name],
        {
          kernel_shape: { ints: kernel },
          strides: { ints: strides },
          dilations: { ints: dilations },
          pads: { ints: pads },
          group: { i: (o.groups as number | undefined) ?? 1 },
        },
        out,
      );
    });
  };
}

function pool2d(kind: 'max' | 'avg'): Emitter {
  return (b, args, outs, op) => {
    const x = operand(args[0], op);
    const kernel = pair(args[1], 1);
    const o = opts(args[2]);
    const strides = o.stride === null || o.stride === undefined ? kernel : pair(o.stride, 1);
    const pads = convPads(op, o.padding ?? 0, kernel, [1, 1]);
    const attrs: Record<string, Attr> = {
      kernel_shape: { ints: kernel },
      strides: { ints: strides },
      pads: { ints: pads },
      ceil_mode: { i: o.ceilMode ? 1 : 0 },
    };
    if (kind === 'max') attrs.dilations = { ints: pair(o.dilation, 1) };
    else {
      if (o.divisorOverride !== undefined && o.divisorOverride !== null) unsupported(op, 'divisorOverride');
      attrs.count_include_pad = { i: o.countIncludePad === false ? 0 : 1 };
    }
    batched(b, x, 4, outs, (xn, out) => {
      b.add1(kind === 'max' ? 'MaxPool' : 'AveragePool', [xn], attrs, out);
    });
  };
}

function softmaxOp(onnxOp: string): Emitter {
  return (b, args, outs, op) => {
    const x = operand(args[0], op);
    const dt = outInfo(b, outs).dtype;
    b.add1(
      onnxOp,
      [b.cast(x.name, x.dtype, dt)],
      { axis: { i: normDim(args[1] as number, x.shape.length) } },
      out0(b, outs),
    );
  };
}

function reduceOp(onnxOp: string): Emitter {
  return (b, args, outs, op) => {
    const x = operand(args[0], op);
    const dt = outInfo(b, outs).dtype;
    const xs = b.cast(x.name, x.dtype, dt);
    reduce(b, onnxOp, xs, dimList(args[1], x.shape.length), args[2] === true, out0(b, outs));
  };
}

/** var/std: mean of squared deviations times n / (n - correction). */
function varianceOf(b: OnnxBuilder, args: unknown[], op: string): { name: string; x: Operand } {
  const x = operand(args[0], op);
  let dim: unknown;
  let o: Record<string, unknown> = {};
  const a1 = args[1];
  if (typeof a1 === 'boolean') o = { unbiased: a1 };
  else if (a1 !== null && typeof a1 === 'object' && !Array.isArray(a1)) o = { ...(a1 as object) };
  else dim = a1;
  if (typeof args[2] === 'boolean') o.unbiased = args[2];
  else if (args[2]) o = { ...o, ...(args[2] as object) };
  const correction = (o.correction as number | undefined) ?? (o.unbiased === false ? 0 : 1);
  const keepdim = (args[3] as boolean | undefined) ?? (o.keepdim as boolean | undefined) ?? false;
  const axes = dimList(dim, x.shape.length);
  const n = (axes ?? x.shape.map((_, i) => i)).reduce((p, d) => p * x.shape[d], 1);
  const mean = reduce(b, 'ReduceMean', x.name, axes, true);
  const d = b.add1('Sub', [x.name, mean]);
  const sq = b.add1('Mul', [d, d]);
  const m = reduce(b, 'ReduceMean', sq, axes, keepdim);
  const name = correction === 0 ? m : b.add1('Mul', [m, b.scalar(n / Math.max(0, n - correction), x.dtype)]);
  return { name, x };
}

function splitOp(b: OnnxBuilder, x: Operand, dim: number, outs: number[]): void {
  const axis = normDim(dim, x.shape.length);
  const sizes = outs.map((id) => b.value(id).shape[axis]);
  b.add(
    'Split',
    [x.name, b.int64s(sizes)],
    { axis: { i: axis } },
    outs.map((id) => b.nameOf(id)),
  );
}

function gatherIndex(b: OnnxBuilder, x: Operand, dim: number, index: number, output?: string): string {
  const axis = normDim(dim, x.shape.length);
  const i = index < 0 ? index + x.shape[axis] : index;
  return b.add1('Gather', [x.name, b.scalar(i, 'int64')], { axis: { i: axis } }, output);
}

function sliceOp(
  b: OnnxBuilder,
  x: string,
  axis: number,
  start: number,
  end: number,
  step: number,
  output?: string,
): string {
  return b.add1(
    'Slice',
    [x, b.int64s([start]), b.int64s([end]), b.int64s([axis]), b.int64s([step])],
    {},
    output,
  );
}

function castTo(b: OnnxBuilder, args: unknown[], outs: number[], op: string): void {
  const x = operand(args[0], op);
  const dt = outInfo(b, outs).dtype;
  if (dt === x.dtype) b.add1('Identity', [x.name], {}, out0(b, outs));
  else b.add1('Cast', [x.name], { to: { i: ONNX_CAST[dt] } }, out0(b, outs));
}
const ONNX_CAST: Record<k.DType, number> = { float32: 1, int32: 6, bool: 9, float64: 11 };

const identity: Emitter = (b, args, outs, op) => {
  b.add1('Identity', [operand(args[0], op).name], {}, out0(b, outs));
};
const reshapeOp: Emitter = (b, args, outs, op) => {
  reshapeTo(b, operand(args[0], op), outs);
};
const expandOp: Emitter = (b, args, outs, op) => {
  b.add1('Expand', [operand(args[0], op).name, b.int64s(outInfo(b, outs).shape)], {}, out0(b, outs));
};
const SQRT2 = Math.SQRT2;

// ------------------------------------------------------------------ the table

/** Kindling op name → ONNX emitter (one entry per op). */
export const ONNX_OPS: Readonly<Record<string, Emitter>> = {
  // elementwise arithmetic
  add: binaryOp('Add'),
  sub: binaryOp('Sub'),
  mul: binaryOp('Mul'),
  div: (b, args, outs, op) => {
    const mode = opts(args[2]).roundingMode;
    const dt = outInfo(b, outs).dtype;
    const q = b.add1('Div', [b.input(args[0], dt, op), b.input(args[1], dt, op)]);
    if (mode === undefined || mode === null || !k.isFloatingPoint(dt))
      b.add1('Identity', [q], {}, out0(b, outs));
    else if (mode === 'floor') b.add1('Floor', [q], {}, out0(b, outs));
    else unsupported(op, `roundingMode '${String(mode)}' on floats`);
  },
  pow: binaryOp('Pow'),
  maximum: binaryOp('Max'),
  minimum: binaryOp('Min'),
  fmod: (b, args, outs, op) => {
    const dt = outInfo(b, outs).dtype;
    b.add1('Mod', [b.input(args[0], dt, op), b.input(args[1], dt, op)], { fmod: { i: 1 } }, out0(b, outs));
  },
  // comparisons and logic
  eq: compareOp('Equal'),
  ne: compareOp('Equal', true),
  lt: compareOp('Less'),
  le: compareOp('LessOrEqual'),
  gt: compareOp('Greater'),
  ge: compareOp('GreaterOrEqual'),
  logicalAnd: logicalOp('And'),
  logicalOr: logicalOp('Or'),
  logicalXor: logicalOp('Xor'),
  logicalNot: (b, args, outs, op) => {
    const x = operand(args[0], op);
    b.add1('Not', [b.cast(x.name, x.dtype, 'bool')], {}, out0(b, outs));
  },
  isnan: unaryOp('IsNaN'),
  where: (b, args, outs, op) => {
    const dt = outInfo(b, outs).dtype;
    const c = operand(args[0], op, 'condition');
    b.add1('Where', [c.name, b.input(args[1], dt, op), b.input(args[2], dt, op)], {}, out0(b, outs));
  },
  maskedFill: (b, args, outs, op) => {
    const x = operand(args[0], op);
    const m = operand(args[1], op, 'mask');
    b.add1('Where', [m.name, b.input(args[2], x.dtype, op), x.name], {}, out0(b, outs));
  },
  clamp: (b, args, outs, op) => clip(b, operand(args[0], op), args[1], args[2], outs, op),
  clampMin: (b, args, outs, op) => clip(b, operand(args[0], op), args[1], null, outs, op),
  clampMax: (b, args, outs, op) => clip(b, operand(args[0], op), null, args[1], outs, op),
  hardtanh: (b, args, outs, op) => clip(b, operand(args[0], op), args[1] ?? -1, args[2] ?? 1, outs, op),
  relu6: (b, args, outs, op) => clip(b, operand(args[0], op), 0, 6, outs, op),
  // unary math and activations
  neg: unaryOp('Neg'),
  exp: unaryOp('Exp'),
  log: unaryOp('Log'),
  abs: unaryOp('Abs'),
  sqrt: unaryOp('Sqrt'),
  reciprocal: unaryOp('Reciprocal'),
  sign: unaryOp('Sign'),
  floor: unaryOp('Floor'),
  ceil: unaryOp('Ceil'),
  round: unaryOp('Round'),
  sin: unaryOp('Sin'),
  cos: unaryOp('Cos'),
  tan: unaryOp('Tan'),
  asin: unaryOp('Asin'),
  acos: unaryOp('Acos'),
  atan: unaryOp('Atan'),
  sinh: unaryOp('Sinh'),
  cosh: unaryOp('Cosh'),
  tanh: unaryOp('Tanh'),
  asinh: unaryOp('Asinh'),
  acosh: unaryOp('Acosh'),
  atanh: unaryOp('Atanh'),
  erf: unaryOp('Erf'),
  sigmoid: unaryOp('Sigmoid'),
  relu: unaryOp('Relu'),
  selu: unaryOp('Selu'),
  softsign: unaryOp('Softsign'),
  hardswish: unaryOp('HardSwish'),
  hardsigmoid: unaryOp('HardSigmoid', () => ({ alpha: { f: 1 / 6 }, beta: { f: 0.5 } })),
  leakyRelu: unaryOp('LeakyRelu', (a) => ({ alpha: { f: (a[1] as number | undefined) ?? 0.01 } })),
  elu: unaryOp('Elu', (a) => ({ alpha: { f: (a[1] as number | undefined) ?? 1 } })),
  celu: unaryOp('Celu', (a) => ({ alpha: { f: (a[1] as number | undefined) ?? 1 } })),
  rsqrt: composite((b, x) => b.add1('Reciprocal', [b.add1('Sqrt', [x])])),
  square: composite((b, x) => b.add1('Mul', [x, x])),
  expm1: composite((b, x, dt) => b.add1('Sub', [b.add1('Exp', [x]), b.scalar(1, dt)])),
  log1p: composite((b, x, dt) => b.add1('Log', [b.add1('Add', [x, b.scalar(1, dt)])])),
  log2: composite((b, x, dt) => b.add1('Div', [b.add1('Log', [x]), b.scalar(Math.LN2, dt)])),
  log10: composite((b, x, dt) => b.add1('Div', [b.add1('Log', [x]), b.scalar(Math.LN10, dt)])),
  erfc: composite((b, x, dt) => b.add1('Sub', [b.scalar(1, dt), b.add1('Erf', [x])])),
  silu: composite((b, x) => b.add1('Mul', [x, b.add1('Sigmoid', [x])])),
  logsigmoid: composite((b, x) => b.add1('Neg', [b.add1('Softplus', [b.add1('Neg', [x])])])),
  mish: composite((b, x) => b.add1('Mul', [x, b.add1('Tanh', [b.add1('Softplus', [x])])])),
  softplus: composite((b, x, dt, a) => {
    const beta = (opts(a[1]).beta as number | undefined) ?? 1;
    if (beta === 1) return b.add1('Softplus', [x]);
    return b.add1('Div', [b.add1('Softplus', [b.add1('Mul', [x, b.scalar(beta, dt)])]), b.scalar(beta, dt)]);
  }),
  gelu: composite((b, x, dt, a) => {
    const half = b.add1('Mul', [x, b.scalar(0.5, dt)]);
    let inner: string;
    if (opts(a[1]).approximate === 'tanh') {
      const x3 = b.add1('Mul', [b.add1('Mul', [x, x]), x]);
      const t = b.add1('Add', [x, b.add1('Mul', [x3, b.scalar(0.044715, dt)])]);
      inner = b.add1('Tanh', [b.add1('Mul', [t, b.scalar(Math.sqrt(2 / Math.PI), dt)])]);
    } else inner = b.add1('Erf', [b.add1('Div', [x, b.scalar(SQRT2, dt)])]);
    return b.add1('Mul', [half, b.add1('Add', [inner, b.scalar(1, dt)])]);
  }),
  threshold: composite((b, x, dt, a) =>
    b.add1('Where', [b.add1('Greater', [x, b.scalar(a[1] as number, dt)]), x, b.scalar(a[2] as number, dt)]),
  ),
  softmax: softmaxOp('Softmax'),
  logSoftmax: softmaxOp('LogSoftmax'),
  // linear algebra
  matmul: (b, args, outs, op) => {
    b.add1('MatMul', [operand(args[0], op).name, operand(args[1], op).name], {}, out0(b, outs));
  },
  linear: (b, args, outs, op) => {
    const x = operand(args[0], op);
    const w = operand(args[1], op, 'weight');
    const bias = isOperand(args[2]) ? args[2] : null;
    if (x.shape.length === 2) {
      b.add1(
        'Gemm',
        bias ? [x.name, w.name, bias.name] : [x.name, w.name],
        { transB: { i: 1 } },
        out0(b, outs),
      );
      return;
    }
    const wt = b.add1('Transpose', [w.name], { perm: { ints: [1, 0] } });
    if (!bias) {
      b.add1('MatMul', [x.name, wt], {}, out0(b, outs));
      return;
    }
    b.add1('Add', [b.add1('MatMul', [x.name, wt]), bias.name], {}, out0(b, outs));
  },
  addmm: (b, args, outs, op) => {
    const o = opts(args[3]);
    b.add1(
      'Gemm',
      [operand(args[1], op).name, operand(args[2], op).name, operand(args[0], op).name],
      {
        alpha: { f: (o.alpha as number | undefined) ?? 1 },
        beta: { f: (o.beta as number | undefined) ?? 1 },
      },
      out0(b, outs),
    );
  },
  // convolution and pooling
  conv2d: conv(2),
  conv1d: conv(1),
  convTranspose2d: (b, args, outs, op) => {
    const x = operand(args[0], op);
    const w = operand(args[1], op, 'weight');
    const bias = isOperand(args[2]) ? args[2].name : null;
    const o = opts(args[3]);
    const kernel = w.shape.slice(2);
    const padding = pair(o.padding, 0);
    batched(b, x, 4, outs, (xn, out) => {
      b.add1(
        'ConvTranspose',
        bias ? [xn, w.name, bias] : [xn, w.name],
        {
          kernel_shape: { ints: kernel },
          strides: { ints: pair(o.stride, 1) },
          dilations: { ints: pair(o.dilation, 1) },
          pads: { ints: [...padding, ...padding] },
          output_padding: { ints: pair(o.outputPadding, 0) },
          group: { i: (o.groups as number | undefined) ?? 1 },
        },
        out,
      );
    });
  },
  maxPool2d: pool2d('max'),
  avgPool2d: pool2d('avg'),
  adaptiveAvgPool2d: (b, args, outs, op) => {
    const x = operand(args[0], op);
    const outShape = outInfo(b, outs).shape;
    const r = x.shape.length;
    const [ih, iw] = x.shape.slice(r - 2);
    const [oh, ow] = outShape.slice(r - 2);
    batched(b, x, 4, outs, (xn, out) => {
      if (oh === 1 && ow === 1) b.add1('GlobalAveragePool', [xn], {}, out);
      else if (ih % oh === 0 && iw % ow === 0)
        b.add1(
          'AveragePool',
          [xn],
          { kernel_shape: { ints: [ih / oh, iw / ow] }, strides: { ints: [ih / oh, iw / ow] } },
          out,
        );
      else unsupported(op, `output size [${oh}, ${ow}] does not divide input size [${ih}, ${iw}]`);
    });
  },
  // reductions
  sum: reduceOp('ReduceSum'),
  mean: reduceOp('ReduceMean'),
  prod: reduceOp('ReduceProd'),
  amax: reduceOp('ReduceMax'),
  amin: reduceOp('ReduceMin'),
  logsumexp: reduceOp('ReduceLogSumExp'),
  var: (b, args, outs, op) => {
    b.add1('Identity', [varianceOf(b, args, op).name], {}, out0(b, outs));
  },
  std: (b, args, outs, op) => {
    b.add1('Sqrt', [varianceOf(b, args, op).name], {}, out0(b, outs));
  },
  max: (b, args, outs, op) => extremum(b, args, outs, op, 'max'),
  min: (b, args, outs, op) => extremum(b, args, outs, op, 'min'),
  argmax: (b, args, outs, op) => argExtremum(b, args, outs, op, 'ArgMax'),
  argmin: (b, args, outs, op) => argExtremum(b, args, outs, op, 'ArgMin'),
  // views and shape ops
  view: reshapeOp,
  reshape: reshapeOp,
  viewAs: reshapeOp,
  reshapeAs: reshapeOp,
  squeeze: reshapeOp,
  unsqueeze: reshapeOp,
  unflatten: reshapeOp,
  flatten: (b, args, outs, op) => {
    const x = operand(args[0], op);
    const r = x.shape.length;
    const start = normDim((args[1] as number | undefined) ?? 0, r);
    const end = normDim((args[2] as number | undefined) ?? -1, r);
    if (start === 1 && end === r - 1 && r >= 2)
      b.add1('Flatten', [x.name], { axis: { i: 1 } }, out0(b, outs));
    else reshapeTo(b, x, outs);
  },
  expand: expandOp,
  expandAs: expandOp,
  transpose: (b, args, outs, op) => {
    const x = operand(args[0], op);
    transposeTo(b, x, swapPerm(x.shape.length, args[1] as number, args[2] as number), outs);
  },
  swapaxes: (b, args, outs, op) => {
    const x = operand(args[0], op);
    transposeTo(b, x, swapPerm(x.shape.length, args[1] as number, args[2] as number), outs);
  },
  t: (b, args, outs, op) => {
    const x = operand(args[0], op);
    if (x.shape.length < 2) b.add1('Identity', [x.name], {}, out0(b, outs));
    else transposeTo(b, x, [1, 0], outs);
  },
  permute: (b, args, outs, op) => {
    const x = operand(args[0], op);
    transposeTo(
      b,
      x,
      restInts(args.slice(1)).map((d) => normDim(d, x.shape.length)),
      outs,
    );
  },
  movedim: (b, args, outs, op) => {
    const x = operand(args[0], op);
    const r = x.shape.length;
    const src = (typeof args[1] === 'number' ? [args[1]] : (args[1] as number[])).map((d) => normDim(d, r));
    const dst = (typeof args[2] === 'number' ? [args[2]] : (args[2] as number[])).map((d) => normDim(d, r));
    const perm = new Array<number>(r).fill(-1);
    src.forEach((s, i) => {
      perm[dst[i]] = s;
    });
    const rest = Array.from({ length: r }, (_, i) => i).filter((i) => !src.includes(i));
    for (let i = 0, j = 0; i < r; i++) if (perm[i] < 0) perm[i] = rest[j++];
    transposeTo(b, x, perm, outs);
  },
  narrow: (b, args, outs, op) => {
    const x = operand(args[0], op);
    const axis = normDim(args[1] as number, x.shape.length);
    const start = (args[2] as number) < 0 ? (args[2] as number) + x.shape[axis] : (args[2] as number);
    sliceOp(b, x.name, axis, start, start + (args[3] as number), 1, out0(b, outs));
  },
  select: (b, args, outs, op) => {
    gatherIndex(b, operand(args[0], op), args[1] as number, args[2] as number, out0(b, outs));
  },
  unbind: (b, args, outs, op) => {
    const x = operand(args[0], op);
    const dim = (args[1] as number | undefined) ?? 0;
    outs.forEach((id, i) => {
      gatherIndex(b, x, dim, i, b.nameOf(id));
    });
  },
  chunk: (b, args, outs, op) => splitOp(b, operand(args[0], op), (args[2] as number | undefined) ?? 0, outs),
  split: (b, args, outs, op) => splitOp(b, operand(args[0], op), (args[2] as number | undefined) ?? 0, outs),
  cat: (b, args, outs, op) => {
    const ts = (args[0] as unknown[]).map((t) => operand(t, op));
    const rank = outInfo(b, outs).shape.length;
    const dt = outInfo(b, outs).dtype;
    b.add1(
      'Concat',
      ts.map((t) => b.cast(t.name, t.dtype, dt)),
      { axis: { i: normDim((args[1] as number | undefined) ?? 0, rank) } },
      out0(b, outs),
    );
  },
  stack: (b, args, outs, op) => {
    const ts = (args[0] as unknown[]).map((t) => operand(t, op));
    const rank = outInfo(b, outs).shape.length;
    const axis = normDim((args[1] as number | undefined) ?? 0, rank);
    const dt = outInfo(b, outs).dtype;
    const us = ts.map((t) => b.add1('Unsqueeze', [b.cast(t.name, t.dtype, dt), b.int64s([axis])]));
    b.add1('Concat', us, { axis: { i: axis } }, out0(b, outs));
  },
  indexSelect: (b, args, outs, op) => {
    const x = operand(args[0], op);
    const idx = operand(args[2], op, 'index');
    b.add1(
      'Gather',
      [x.name, idx.name],
      { axis: { i: normDim(args[1] as number, x.shape.length) } },
      out0(b, outs),
    );
  },
  gather: (b, args, outs, op) => {
    const x = operand(args[0], op);
    const idx = operand(args[2], op, 'index');
    b.add1(
      'GatherElements',
      [x.name, idx.name],
      { axis: { i: normDim(args[1] as number, x.shape.length) } },
      out0(b, outs),
    );
  },
  index: (b, args, outs, op) => indexOp(b, operand(args[0], op), args.slice(1), outs, op),
  triu: (b, args, outs, op) => {
    const x = operand(args[0], op);
    b.add1(
      'Trilu',
      [x.name, b.scalar((args[1] as number | undefined) ?? 0, 'int64')],
      { upper: { i: 1 } },
      out0(b, outs),
    );
  },
  tril: (b, args, outs, op) => {
    const x = operand(args[0], op);
    b.add1(
      'Trilu',
      [x.name, b.scalar((args[1] as number | undefined) ?? 0, 'int64')],
      { upper: { i: 0 } },
      out0(b, outs),
    );
  },
  flip: (b, args, outs, op) => {
    const x = operand(args[0], op);
    let cur = x.name;
    const dims = restInts(args.slice(1) as number[]).map((d) => normDim(d, x.shape.length));
    dims.forEach((d, i) => {
      cur = sliceOp(b, cur, d, -1, -(2 ** 62), -1, i === dims.length - 1 ? out0(b, outs) : undefined);
    });
    if (dims.length === 0) b.add1('Identity', [cur], {}, out0(b, outs));
  },
  repeat: (b, args, outs, op) => {
    const x = operand(args[0], op);
    const reps = restInts(args.slice(1) as number[]);
    const lead = reps.length - x.shape.length;
    const xr =
      lead > 0 ? b.add1('Reshape', [x.name, b.int64s([...new Array(lead).fill(1), ...x.shape])]) : x.name;
    b.add1('Tile', [xr, b.int64s(reps)], {}, out0(b, outs));
  },
  pad: (b, args, outs, op) => {
    const x = operand(args[0], op);
    const p = args[1] as number[];
    const o = opts(args[2]);
    const r = x.shape.length;
    const begins = new Array(r).fill(0);
    const ends = new Array(r).fill(0);
    for (let i = 0; i < p.length / 2; i++) {
      begins[r - 1 - i] = p[2 * i];
      ends[r - 1 - i] = p[2 * i + 1];
    }
    const mode = (o.mode as string | undefined) ?? 'constant';
    const onnxMode = { constant: 'constant', reflect: 'reflect', replicate: 'edge', circular: 'wrap' }[mode];
    if (!onnxMode || (mode === 'circular' && b.opset < 19))
      unsupported(op, `padding mode '${mode}' at opset ${b.opset}`);
    const inputs = [x.name, b.int64s([...begins, ...ends])];
    if (mode === 'constant') inputs.push(b.scalar((o.value as number | undefined) ?? 0, x.dtype));
    b.add1('Pad', inputs, { mode: { s: onnxMode as string } }, out0(b, outs));
  },
  cumsum: (b, args, outs, op) => {
    const x = operand(args[0], op);
    b.add1(
      'CumSum',
      [x.name, b.scalar(normDim(args[1] as number, x.shape.length), 'int64')],
      {},
      out0(b, outs),
    );
  },
  // copies and casts
  contiguous: identity,
  clone: identity,
  detach: identity,
  cpu: identity,
  to: castTo,
  float: castTo,
  double: castTo,
  int: castTo,
  bool: castTo,
  type: castTo,
};

/** The Kindling op names `onnx.export` can map (functions and Tensor methods; in-place variants too). */
export function supportedOps(): string[] {
  return [...Object.keys(ONNX_OPS), ...Object.keys(ALIASES)].sort();
}

/** Aliases that share an entry. */
const ALIASES: Record<string, string> = {
  concat: 'cat',
  clip: 'clamp',
  moveaxis: 'movedim',
  swapdims: 'swapaxes',
  mm: 'matmul',
  bmm: 'matmul',
  mv: 'matmul',
  dot: 'matmul',
};

/** The emitter for `op` (aliases and in-place variants resolved), or undefined. */
export function emitterFor(op: string): Emitter | undefined {
  const name = ALIASES[op] ?? op;
  if (Object.hasOwn(ONNX_OPS, name)) return ONNX_OPS[name];
  if (name.endsWith('_')) return emitterFor(name.slice(0, -1));
  return undefined;
}

function extremum(b: OnnxBuilder, args: unknown[], outs: number[], op: string, which: 'max' | 'min'): void {
  const x = operand(args[0], op);
  const reduceName = which === 'max' ? 'ReduceMax' : 'ReduceMin';
  if (isOperand(args[1])) {
    b.add1(which === 'max' ? 'Max' : 'Min', [x.name, args[1].name], {}, out0(b, outs));
    return;
  }
  if (args[1] === undefined || args[1] === null) {
    reduce(b, reduceName, x.name, null, false, out0(b, outs));
    return;
  }
  const axis = normDim(args[1] as number, x.shape.length);
  const keep = args[2] === true;
  reduce(b, reduceName, x.name, [axis], keep, b.nameOf(outs[0]));
  if (outs.length > 1) {
    const idx = b.add1(which === 'max' ? 'ArgMax' : 'ArgMin', [x.name], {
      axis: { i: axis },
      keepdims: { i: keep ? 1 : 0 },
      select_last_index: { i: 0 },
    });
    b.add1('Cast', [idx], { to: { i: ONNX_CAST.int32 } }, b.nameOf(outs[1]));
  }
}

function argExtremum(b: OnnxBuilder, args: unknown[], outs: number[], op: string, onnxOp: string): void {
  const x = operand(args[0], op);
  let input = x.name;
  let axis: number;
  const keep = args[2] === true;
  if (args[1] === undefined || args[1] === null) {
    input = b.add1('Reshape', [x.name, b.int64s([-1])]);
    axis = 0;
    if (keep) unsupported(op, 'keepdim without dim');
  } else axis = normDim(args[1] as number, x.shape.length);
  const idx = b.add1(onnxOp, [input], { axis: { i: axis }, keepdims: { i: keep ? 1 : 0 } });
  b.add1('Cast', [idx], { to: { i: ONNX_CAST.int32 } }, out0(b, outs));
}

/** Basic indexing: integers, slices, null (new axis) and '...'; one int32 index tensor (Gather). */
function indexOp(b: OnnxBuilder, x: Operand, specs: unknown[], outs: number[], op: string): void {
  let cur = x.name;
  let shape = [...x.shape];
  let dim = 0;
  const explicit = specs.filter((s) => s !== null && s !== '...').length;
  const finalShape = outInfo(b, outs).shape;
  let tensorUsed = false;
  for (const s of specs) {
    if (s === '...') {
      dim +=
        shape.length -
        dim -
        (explicit - specs.slice(0, specs.indexOf(s)).filter((t) => t !== null && t !== '...').length);
      continue;
    }
    if (s === null) {
      cur = b.add1('Unsqueeze', [cur, b.int64s([dim])]);
      shape.splice(dim, 0, 1);
      dim++;
      continue;
    }
    if (typeof s === 'number') {
      // ONNX Gather accepts negative indices.
      cur = b.add1('Gather', [cur, b.scalar(s, 'int64')], { axis: { i: dim } });
      shape.splice(dim, 1);
      continue;
    }
    if (s instanceof k.SliceSpec) {
      const step = s.step;
      const start = s.start ?? (step > 0 ? 0 : -1);
      const end = s.end ?? (step > 0 ? 2 ** 62 : -(2 ** 62));
      cur = sliceOp(b, cur, dim, start, end, step);
      shape = [];
      dim++;
      continue;
    }
    if (isOperand(s) && s.dtype === 'int32' && !tensorUsed) {
      tensorUsed = true;
      cur = b.add1('Gather', [cur, s.name], { axis: { i: dim } });
      dim += s.shape.length;
      continue;
    }
    unsupported(op, 'only integers, slices, null, "..." and one int32 index tensor are supported');
  }
  b.add1('Reshape', [cur, b.int64s(finalShape)], {}, out0(b, outs));
}
