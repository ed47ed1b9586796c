import { type KernelArgs, registerKernel } from '@kindling/core';
import type { CpuHandle } from '../backend.js';
import { type BinaryRow, binaryKernel, binaryLoop, coalesce, WRITES_ALL, walkRows } from './elementwise.js';

type F2 = (a: number, b: number) => number;

/** Float floor division as PyTorch's div_floor_floating: fmod-based, so exact where a/b rounds. */
function floorDivFloat(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  if (div === 0) {
    const q = a / b;
    return q < 0 || Object.is(q, -0) ? -0 : 0;
  }
  let fd = Math.floor(div);
  if (div - fd > 0.5) fd += 1;
  return fd;
}

/** Integer floor division; a/b in double is exact enough for int32 operands. */
function floorDivInt(a: number, b: number): number {
  const q = Math.trunc(a / b);
  return a % b !== 0 && a < 0 !== b < 0 ? q - 1 : q;
}

/** Modulus with the sign of the divisor (Python's %). */
function remainder(a: number, b: number): number {
  const m = a % b;
  return m !== 0 && m < 0 !== b < 0 ? m + b : m;
}

/** C's pow where it differs from Math.pow: pow(1, NaN) = 1 and pow(-1, ±Inf) = 1. */
function powFloat(a: number, b: number): number {
  if (a === 1 || b === 0) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return a ** b;
}

/** Integer power by squaring with int32 wrapping; negative exponents as PyTorch's powi. */
function powInt(a: number, b: number): number {
  if (b < 0) {
    if (a === 1) return 1;
    if (a === -1) return b % 2 === 0 ? 1 : -1;
    return 0;
  }
  let r = 1;
  let base = a;
  for (let e = b; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) r = Math.imul(r, base);
    base = Math.imul(base, base);
  }
  return r;
}

/**
 * Scalar math of the binary elementwise ops. Inputs arrive promoted to one dtype; writing into an
 * Int32Array truncates like C, so integer ops need an override only where noted in INT_BINARY_OPS.
 * Integer division by zero yields 0 (PyTorch raises on cpu; kernels never throw).
 */
export const BINARY_OPS: Record<string, F2> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  floorDivide: floorDivFloat,
  truncDivide: (a, b) => Math.trunc(a / b),
  remainder,
  fmod: (a, b) => a % b,
  pow: powFloat,
  // Math.max/min propagate NaN, as torch.maximum/minimum do.
  maximum: Math.max,
  minimum: Math.min,
  atan2: Math.atan2,
};

/** int32 (and bool) overrides: exact wrapping products and integer rounding. */
export const INT_BINARY_OPS: Record<string, F2> = {
  mul: Math.imul,
  floorDivide: floorDivInt,
  pow: powInt,
};

// Row functions of the hot ops, written out so each loop inlines its arithmetic (see elementwise.ts).
// They compute exactly what BINARY_OPS does.
const addRow: BinaryRow = (o, oi, a, ai, sa, b, bi, sb, n) => {
  if (sa === 1 && sb === 1) for (let i = 0; i < n; i++) o[oi + i] = a[ai + i] + b[bi + i];
  else if (sa === 1 && sb === 0) {
    const y = b[bi];
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i] + y;
  } else if (sa === 0 && sb === 1) {
    const x = a[ai];
    for (let i = 0; i < n; i++) o[oi + i] = x + b[bi + i];
  } else for (let i = 0; i < n; i++, ai += sa, bi += sb) o[oi + i] = a[ai] + b[bi];
};
const subRow: BinaryRow = (o, oi, a, ai, sa, b, bi, sb, n) => {
  if (sa === 1 && sb === 1) for (let i = 0; i < n; i++) o[oi + i] = a[ai + i] - b[bi + i];
  else if (sa === 1 && sb === 0) {
    const y = b[bi];
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i] - y;
  } else if (sa === 0 && sb === 1) {
    const x = a[ai];
    for (let i = 0; i < n; i++) o[oi + i] = x - b[bi + i];
  } else for (let i = 0; i < n; i++, ai += sa, bi += sb) o[oi + i] = a[ai] - b[bi];
};
const mulRow: BinaryRow = (o, oi, a, ai, sa, b, bi, sb, n) => {
  if (sa === 1 && sb === 1) for (let i = 0; i < n; i++) o[oi + i] = a[ai + i] * b[bi + i];
  else if (sa === 1 && sb === 0) {
    const y = b[bi];
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i] * y;
  } else if (sa === 0 && sb === 1) {
    const x = a[ai];
    for (let i = 0; i < n; i++) o[oi + i] = x * b[bi + i];
  } else for (let i = 0; i < n; i++, ai += sa, bi += sb) o[oi + i] = a[ai] * b[bi];
};
const divRow: BinaryRow = (o, oi, a, ai, sa, b, bi, sb, n) => {
  if (sa === 1 && sb === 1) for (let i = 0; i < n; i++) o[oi + i] = a[ai + i] / b[bi + i];
  else if (sa === 1 && sb === 0) {
    const y = b[bi];
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i] / y;
  } else if (sa === 0 && sb === 1) {
    const x = a[ai];
    for (let i = 0; i < n; i++) o[oi + i] = x / b[bi + i];
  } else for (let i = 0; i < n; i++, ai += sa, bi += sb) o[oi + i] = a[ai] / b[bi];
};
const maximumRow: BinaryRow = (o, oi, a, ai, sa, b, bi, sb, n) => {
  if (sa === 1 && sb === 1) for (let i = 0; i < n; i++) o[oi + i] = Math.max(a[ai + i], b[bi + i]);
  else if (sa === 1 && sb === 0) {
    const y = b[bi];
    for (let i = 0; i < n; i++) o[oi + i] = Math.max(a[ai + i], y);
  } else if (sa === 0 && sb === 1) {
    const x = a[ai];
    for (let i = 0; i < n; i++) o[oi + i] = Math.max(x, b[bi + i]);
  } else for (let i = 0; i < n; i++, ai += sa, bi += sb) o[oi + i] = Math.max(a[ai], b[bi]);
};
const minimumRow: BinaryRow = (o, oi, a, ai, sa, b, bi, sb, n) => {
  if (sa === 1 && sb === 1) for (let i = 0; i < n; i++) o[oi + i] = Math.min(a[ai + i], b[bi + i]);
  else if (sa === 1 && sb === 0) {
    const y = b[bi];
    for (let i = 0; i < n; i++) o[oi + i] = Math.min(a[ai + i], y);
  } else if (sa === 0 && sb === 1) {
    const x = a[ai];
    for (let i = 0; i < n; i++) o[oi + i] = Math.min(x, b[bi + i]);
  } else for (let i = 0; i < n; i++, ai += sa, bi += sb) o[oi + i] = Math.min(a[ai], b[bi]);
};

/** Written-out rows, used for every dtype that has no INT_BINARY_OPS override. */
export const BINARY_ROWS: Record<string, BinaryRow> = {
  add: addRow,
  sub: subRow,
  mul: mulRow,
  div: divRow,
  maximum: maximumRow,
  minimum: minimumRow,
};

for (const [name, f] of Object.entries(BINARY_OPS)) {
  const row = BINARY_ROWS[name];
  const floatK = row ? binaryKernel(row) : binaryLoop(f);
  const intF = INT_BINARY_OPS[name];
  const intK = intF ? binaryLoop(intF) : floatK;
  registerKernel(
    name,
    'cpu',
    (args: KernelArgs<CpuHandle>) =>
      (args.inputs[0].dtype === 'float32' || args.inputs[0].dtype === 'float64' ? floatK : intK)(args),
    WRITES_ALL,
  );
}

/**
 * 'add_' (optional in-place kernel): outputs[0] is inputs[0], an existing contiguous tensor, and
 * becomes x + alpha·y. float32 rounds alpha and the product to float32 as the out-of-place
 * `add(x, mul(y, alpha))` does, so the results are identical.
 */
function addInPlace({ inputs: [, y], outputs: [out], attrs }: KernelArgs<CpuHandle>): void {
  const plan = coalesce(out.shape, [y]);
  if (plan.numel === 0) return;
  const o = out.data;
  const b = y.data;
  const f32 = out.dtype === 'float32';
  const alpha = f32 ? Math.fround(attrs.alpha as number) : (attrs.alpha as number);
  const row = (oi: number, bi: number, sb: number, n: number): void => {
    if (f32) for (let i = 0; i < n; i++, bi += sb) o[oi + i] += Math.fround(alpha * b[bi]);
    else for (let i = 0; i < n; i++, bi += sb) o[oi + i] += alpha * b[bi];
  };
  const nd = plan.shape.length;
  const sb = nd === 0 ? 0 : plan.strides[0][nd - 1];
  if (nd <= 1) row(out.offset, y.offset, sb, plan.numel);
  else walkRows(plan, [y.offset], (offs, len, r) => row(out.offset + r * len, offs[0], sb, len));
}
registerKernel('add_', 'cpu', addInPlace);
