/**
 * Elementwise kernels. One table maps each kernel name to an op id of the AssemblyScript module
 * (assembly/elementwise.ts, read from its exported constants) and, for parameterised ops, the
 * attrs -> parameters rule. Every op runs through the same three strided walkers (unary, binary,
 * ternary) on any layout and broadcast, split across threads for large outputs.
 */
import {
  bytesPerElement,
  type KernelArgs,
  type KernelAttrs,
  type KernelTensor,
  registerKernel,
} from '@kindling/core';
import { DT, type WasmHandle, wasmBackend } from '../backend.js';
import { contiguousStrides, numel, operand, walkDesc } from '../strided.js';

type Args = KernelArgs<WasmHandle>;
type Params = (attrs: KernelAttrs) => [number, number, number];

/** Elements per thread below which splitting costs more than it saves. */
const GRAIN_CHEAP = 1 << 16;
const GRAIN_COSTLY = 1 << 13;

interface UnarySpec {
  readonly id: string;
  readonly params?: Params;
  /** Transcendental ops are worth threading at smaller sizes. */
  readonly costly?: boolean;
  /** gelu chooses its id from attrs. */
  readonly pick?: (attrs: KernelAttrs) => string;
}

const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);

/** Unary ops: kernel name -> AssemblyScript op constant. Output dtype is the input's (or bool). */
export const UNARY: Record<string, UnarySpec> = {
  neg: { id: 'U_NEG' },
  exp: { id: 'U_EXP', costly: true },
  exp2: { id: 'U_EXP2', costly: true },
  expm1: { id: 'U_EXPM1', costly: true },
  log: { id: 'U_LOG', costly: true },
  log2: { id: 'U_LOG2', costly: true },
  log10: { id: 'U_LOG10', costly: true },
  log1p: { id: 'U_LOG1P', costly: true },
  abs: { id: 'U_ABS' },
  sqrt: { id: 'U_SQRT' },
  rsqrt: { id: 'U_RSQRT' },
  square: { id: 'U_SQUARE' },
  reciprocal: { id: 'U_RECIPROCAL' },
  sign: { id: 'U_SIGN' },
  floor: { id: 'U_FLOOR' },
  ceil: { id: 'U_CEIL' },
  round: { id: 'U_ROUND' },
  trunc: { id: 'U_TRUNC' },
  frac: { id: 'U_FRAC' },
  sin: { id: 'U_SIN', costly: true },
  cos: { id: 'U_COS', costly: true },
  tan: { id: 'U_TAN', costly: true },
  asin: { id: 'U_ASIN', costly: true },
  acos: { id: 'U_ACOS', costly: true },
  atan: { id: 'U_ATAN', costly: true },
  sinh: { id: 'U_SINH', costly: true },
  cosh: { id: 'U_COSH', costly: true },
  tanh: { id: 'U_TANH', costly: true },
  asinh: { id: 'U_ASINH', costly: true },
  acosh: { id: 'U_ACOSH', costly: true },
  atanh: { id: 'U_ATANH', costly: true },
  erf: { id: 'U_ERF', costly: true },
  erfc: { id: 'U_ERFC', costly: true },
  sigmoid: { id: 'U_SIGMOID', costly: true },
  logsigmoid: { id: 'U_LOGSIGMOID', costly: true },
  relu: { id: 'U_RELU' },
  silu: { id: 'U_SILU', costly: true },
  mish: { id: 'U_MISH', costly: true },
  hardsigmoid: { id: 'U_HARDSIGMOID' },
  hardswish: { id: 'U_HARDSWISH' },
  leakyRelu: { id: 'U_LEAKYRELU', params: (a) => [num(a.negativeSlope, 0.01), 0, 0] },
  gelu: { id: 'U_GELU', costly: true, pick: (a) => (a.approximate === 'tanh' ? 'U_GELU_TANH' : 'U_GELU') },
  softplus: { id: 'U_SOFTPLUS', costly: true, params: (a) => [num(a.beta, 1), num(a.threshold, 20), 0] },
  elu: {
    id: 'U_ELU',
    costly: true,
    params: (a) => {
      const scale = num(a.scale, 1);
      return [scale, num(a.alpha, 1) * scale, num(a.inputScale, 1)];
    },
  },
  hardtanh: { id: 'U_HARDTANH', params: (a) => [num(a.minVal, -1), num(a.maxVal, 1), 0] },
  // predicates: bool output
  logicalNot: { id: 'U_LOGICAL_NOT' },
  isnan: { id: 'U_ISNAN' },
  isinf: { id: 'U_ISINF' },
  isposinf: { id: 'U_ISPOSINF' },
  isneginf: { id: 'U_ISNEGINF' },
  isfinite: { id: 'U_ISFINITE' },
};

/** Binary ops: inputs share one dtype; the output has it too, or is bool (compare/logical ops). */
export const BINARY: Record<string, string> = {
  add: 'B_ADD',
  sub: 'B_SUB',
  mul: 'B_MUL',
  div: 'B_DIV',
  floorDivide: 'B_FLOOR_DIVIDE',
  truncDivide: 'B_TRUNC_DIVIDE',
  remainder: 'B_REMAINDER',
  fmod: 'B_FMOD',
  pow: 'B_POW',
  maximum: 'B_MAXIMUM',
  minimum: 'B_MINIMUM',
  atan2: 'B_ATAN2',
  eq: 'B_EQ',
  ne: 'B_NE',
  lt: 'B_LT',
  le: 'B_LE',
  gt: 'B_GT',
  ge: 'B_GE',
  logicalAnd: 'B_LOGICAL_AND',
  logicalOr: 'B_LOGICAL_OR',
  logicalXor: 'B_LOGICAL_XOR',
};

const COSTLY_BINARY = new Set(['pow', 'atan2', 'floorDivide', 'remainder', 'fmod']);

const ids = new Map<string, number>();
function opId(name: string): number {
  let id = ids.get(name);
  if (id === undefined) ids.set(name, (id = wasmBackend.constant(name)));
  return id;
}

export function runUnary(
  opName: string,
  x: KernelTensor<WasmHandle>,
  out: KernelTensor<WasmHandle>,
  p: readonly number[] = [0, 0, 0],
  costly = false,
): void {
  const n = numel(out.shape);
  if (n === 0) return;
  const b = wasmBackend;
  const op = opId(opName);
  const desc = b.writeDesc(walkDesc(out.shape, [operand(out), operand(x)]));
  const tin = DT[x.dtype];
  const tout = DT[out.dtype];
  b.parallel('unary', n, costly ? GRAIN_COSTLY : GRAIN_CHEAP, (t, s, e) => [
    op,
    tin,
    tout,
    desc,
    b.tmp(t),
    s,
    e,
    p[0] ?? 0,
    p[1] ?? 0,
    p[2] ?? 0,
  ]);
}

export function runBinary(
  opName: string,
  x: KernelTensor<WasmHandle>,
  y: KernelTensor<WasmHandle>,
  out: KernelTensor<WasmHandle>,
  costly = false,
): void {
  const n = numel(out.shape);
  if (n === 0) return;
  const b = wasmBackend;
  const op = opId(opName);
  const desc = b.writeDesc(walkDesc(out.shape, [operand(out), operand(x), operand(y)]));
  const tin = DT[x.dtype];
  const tout = DT[out.dtype];
  b.parallel('binary', n, costly ? GRAIN_COSTLY : GRAIN_CHEAP, (t, s, e) => [
    op,
    tin,
    tout,
    desc,
    b.tmp(t),
    s,
    e,
  ]);
}

/** Ternary op over (a, b, c); `sel` is the dtype code of the selector operand (where's condition). */
export function runTernary(
  opName: string,
  a: KernelTensor<WasmHandle>,
  bT: KernelTensor<WasmHandle>,
  c: KernelTensor<WasmHandle>,
  out: KernelTensor<WasmHandle>,
  valueDtype: number,
  selDtype: number,
  p0 = 0,
): void {
  const n = numel(out.shape);
  if (n === 0) return;
  const b = wasmBackend;
  const op = opId(opName);
  const desc = b.writeDesc(walkDesc(out.shape, [operand(out), operand(a), operand(bT), operand(c)]));
  b.parallel('ternary', n, GRAIN_CHEAP, (t, s, e) => [op, valueDtype, selDtype, desc, b.tmp(t), s, e, p0]);
}

/** Row-major with no gaps or broadcasting (any offset). */
function isDense(t: KernelTensor<WasmHandle>): boolean {
  let expect = 1;
  for (let d = t.shape.length - 1; d >= 0; d--) {
    if (t.shape[d] !== 1 && t.strides[d] !== expect) return false;
    expect *= t.shape[d];
  }
  return true;
}

/** Elementwise kernels write every output element: core skips zero-filling their outputs. */
const WRITES_ALL = { writesAllOutputs: true } as const;

for (const [name, spec] of Object.entries(UNARY)) {
  registerKernel(
    name,
    'wasm',
    ({ inputs: [x], outputs: [out], attrs }: Args) => {
      const id = spec.pick ? spec.pick(attrs) : spec.id;
      runUnary(id, x, out, spec.params ? spec.params(attrs) : undefined, spec.costly);
    },
    WRITES_ALL,
  );
}

for (const [name, id] of Object.entries(BINARY)) {
  const costly = COSTLY_BINARY.has(name);
  registerKernel(
    name,
    'wasm',
    ({ inputs: [x, y], outputs: [out] }: Args) => runBinary(id, x, y, out, costly),
    WRITES_ALL,
  );
}

/** 'where': (cond: bool, a, b) -> cond ? a : b. */
registerKernel(
  'where',
  'wasm',
  ({ inputs: [c, a, bT], outputs: [out] }: Args) =>
    runTernary('T_WHERE', c, a, bT, out, DT[out.dtype], DT[c.dtype]),
  WRITES_ALL,
);

/** 'clamp': x and the present bounds (attrs hasMin / hasMax), NaN-propagating min(max(x, lo), hi). */
registerKernel(
  'clamp',
  'wasm',
  ({ inputs, outputs: [out], attrs }: Args) => {
    const { hasMin, hasMax } = attrs;
    if (hasMin && hasMax)
      runTernary('T_CLAMP', inputs[0], inputs[1], inputs[2], out, DT[out.dtype], DT[out.dtype]);
    else runBinary(hasMin ? 'B_MAXIMUM' : 'B_MINIMUM', inputs[0], inputs[1], out);
  },
  WRITES_ALL,
);

/**
 * 'add_' (core's optional in-place kernel): outputs[0] is inputs[0], an existing contiguous float
 * tensor, and becomes x + alpha·y, rounding exactly as the out-of-place add(x, mul(y, alpha)) does,
 * without core's temporary and copy: one pass when y is dense (row-major, no gaps), else two walker
 * passes through a scratch block (alpha·y, then the add).
 */
registerKernel('add_', 'wasm', ({ inputs: [, y], outputs: [out], attrs }: Args) => {
  const n = numel(out.shape);
  if (n === 0) return;
  const b = wasmBackend;
  const bpe = bytesPerElement(out.dtype);
  if (isDense(y)) {
    // one pass (what optimizers hit: gradients are dense)
    const f64 = out.dtype === 'float64' ? 1 : 0;
    const xp = out.data + out.offset * bpe;
    const yp = y.data + y.offset * bpe;
    const alpha = attrs.alpha as number;
    b.parallel('axpy', n, GRAIN_CHEAP, (_t, s, e) => [f64, xp, yp, alpha, s, e], 4);
    return;
  }
  const alpha = b.scratchAlloc(8);
  const tmp = b.scratchAlloc(n * bpe);
  try {
    if (out.dtype === 'float64') b.f64()[alpha >> 3] = attrs.alpha as number;
    else b.f32()[alpha >> 2] = attrs.alpha as number;
    const contiguous = (data: number): KernelTensor<WasmHandle> => ({
      data,
      dtype: out.dtype,
      shape: out.shape,
      strides: contiguousStrides(out.shape),
      offset: 0,
    });
    const scalar: KernelTensor<WasmHandle> = { ...contiguous(alpha), strides: out.shape.map(() => 0) };
    runBinary('B_MUL', y, scalar, contiguous(tmp));
    runBinary('B_ADD', out, contiguous(tmp), out);
  } finally {
    b.release(tmp);
    b.release(alpha);
  }
});
