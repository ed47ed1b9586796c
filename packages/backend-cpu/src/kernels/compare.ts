import { type KernelArgs, registerKernel } from '@kindling/core';
import type { CpuHandle } from '../backend.js';
import {
  type BinaryRow,
  binaryKernel,
  binaryLoop,
  type TernaryRow,
  ternaryKernel,
  ternaryLoop,
  unaryLoop,
  WRITES_ALL,
} from './elementwise.js';

/**
 * Comparison and logical kernels: inputs arrive promoted to one dtype, the output is bool (0/1).
 * NaN compares unequal to everything and counts as true in logical ops, as in C.
 */
export const COMPARE_OPS: Record<string, (a: number, b: number) => number> = {
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  logicalAnd: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  logicalOr: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
  logicalXor: (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0),
};

export const PREDICATE_OPS: Record<string, (x: number) => number> = {
  logicalNot: (x) => (x === 0 ? 1 : 0),
  isnan: (x) => (Number.isNaN(x) ? 1 : 0),
  isinf: (x) => (x === Infinity || x === -Infinity ? 1 : 0),
  isposinf: (x) => (x === Infinity ? 1 : 0),
  isneginf: (x) => (x === -Infinity ? 1 : 0),
  isfinite: (x) => (Number.isFinite(x) ? 1 : 0),
};

// Row functions of the comparisons, written out so each loop inlines its test (see elementwise.ts).
const eqRow: BinaryRow = (o, oi, a, ai, sa, b, bi, sb, n) => {
  if (sa === 1 && sb === 1) for (let i = 0; i < n; i++) o[oi + i] = a[ai + i] === b[bi + i] ? 1 : 0;
  else if (sa === 1 && sb === 0) {
    const y = b[bi];
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i] === y ? 1 : 0;
  } else if (sa === 0 && sb === 1) {
    const x = a[ai];
    for (let i = 0; i < n; i++) o[oi + i] = x === b[bi + i] ? 1 : 0;
  } else for (let i = 0; i < n; i++, ai += sa, bi += sb) o[oi + i] = a[ai] === b[bi] ? 1 : 0;
};
const neRow: BinaryRow = (o, oi, a, ai, sa, b, bi, sb, n) => {
  if (sa === 1 && sb === 1) for (let i = 0; i < n; i++) o[oi + i] = a[ai + i] !== b[bi + i] ? 1 : 0;
  else if (sa === 1 && sb === 0) {
    const y = b[bi];
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i] !== y ? 1 : 0;
  } else if (sa === 0 && sb === 1) {
    const x = a[ai];
    for (let i = 0; i < n; i++) o[oi + i] = x !== b[bi + i] ? 1 : 0;
  } else for (let i = 0; i < n; i++, ai += sa, bi += sb) o[oi + i] = a[ai] !== b[bi] ? 1 : 0;
};
const ltRow: BinaryRow = (o, oi, a, ai, sa, b, bi, sb, n) => {
  if (sa === 1 && sb === 1) for (let i = 0; i < n; i++) o[oi + i] = a[ai + i] < b[bi + i] ? 1 : 0;
  else if (sa === 1 && sb === 0) {
    const y = b[bi];
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i] < y ? 1 : 0;
  } else if (sa === 0 && sb === 1) {
    const x = a[ai];
    for (let i = 0; i < n; i++) o[oi + i] = x < b[bi + i] ? 1 : 0;
  } else for (let i = 0; i < n; i++, ai += sa, bi += sb) o[oi + i] = a[ai] < b[bi] ? 1 : 0;
};
const leRow: BinaryRow = (o, oi, a, ai, sa, b, bi, sb, n) => {
  if (sa === 1 && sb === 1) for (let i = 0; i < n; i++) o[oi + i] = a[ai + i] <= b[bi + i] ? 1 : 0;
  else if (sa === 1 && sb === 0) {
    const y = b[bi];
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i] <= y ? 1 : 0;
  } else if (sa === 0 && sb === 1) {
    const x = a[ai];
    for (let i = 0; i < n; i++) o[oi + i] = x <= b[bi + i] ? 1 : 0;
  } else for (let i = 0; i < n; i++, ai += sa, bi += sb) o[oi + i] = a[ai] <= b[bi] ? 1 : 0;
};
const gtRow: BinaryRow = (o, oi, a, ai, sa, b, bi, sb, n) => {
  if (sa === 1 && sb === 1) for (let i = 0; i < n; i++) o[oi + i] = a[ai + i] > b[bi + i] ? 1 : 0;
  else if (sa === 1 && sb === 0) {
    const y = b[bi];
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i] > y ? 1 : 0;
  } else if (sa === 0 && sb === 1) {
    const x = a[ai];
    for (let i = 0; i < n; i++) o[oi + i] = x > b[bi + i] ? 1 : 0;
  } else for (let i = 0; i < n; i++, ai += sa, bi += sb) o[oi + i] = a[ai] > b[bi] ? 1 : 0;
};
const geRow: BinaryRow = (o, oi, a, ai, sa, b, bi, sb, n) => {
  if (sa === 1 && sb === 1) for (let i = 0; i < n; i++) o[oi + i] = a[ai + i] >= b[bi + i] ? 1 : 0;
  else if (sa === 1 && sb === 0) {
    const y = b[bi];
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i] >= y ? 1 : 0;
  } else if (sa === 0 && sb === 1) {
    const x = a[ai];
    for (let i = 0; i < n; i++) o[oi + i] = x >= b[bi + i] ? 1 : 0;
  } else for (let i = 0; i < n; i++, ai += sa, bi += sb) o[oi + i] = a[ai] >= b[bi] ? 1 : 0;
};

const COMPARE_ROWS: Record<string, BinaryRow> = {
  eq: eqRow,
  ne: neRow,
  lt: ltRow,
  le: leRow,
  gt: gtRow,
  ge: geRow,
};

for (const [name, f] of Object.entries(COMPARE_OPS)) {
  const row = COMPARE_ROWS[name];
  registerKernel(name, 'cpu', row ? binaryKernel(row) : binaryLoop(f), WRITES_ALL);
}
for (const [name, f] of Object.entries(PREDICATE_OPS)) registerKernel(name, 'cpu', unaryLoop(f), WRITES_ALL);

/** 'where': inputs (cond: bool, a, b) broadcast to the output shape. */
const whereRow: TernaryRow = (o, oi, c, ci, sc, a, ai, sa, b, bi, sb, n) => {
  if (sc === 1 && sa === 1 && sb === 1)
    for (let i = 0; i < n; i++) o[oi + i] = c[ci + i] !== 0 ? a[ai + i] : b[bi + i];
  else if (sc === 1 && sa === 1 && sb === 0) {
    const y = b[bi];
    for (let i = 0; i < n; i++) o[oi + i] = c[ci + i] !== 0 ? a[ai + i] : y;
  } else if (sc === 1 && sa === 0 && sb === 1) {
    const x = a[ai];
    for (let i = 0; i < n; i++) o[oi + i] = c[ci + i] !== 0 ? x : b[bi + i];
  } else for (let i = 0; i < n; i++, ci += sc, ai += sa, bi += sb) o[oi + i] = c[ci] !== 0 ? a[ai] : b[bi];
};
registerKernel('where', 'cpu', ternaryKernel(whereRow), WRITES_ALL);

/**
 * 'clamp': inputs are x then the present bounds (attrs hasMin/hasMax say which). min(max(x, lo), hi)
 * propagates NaN and gives hi when lo > hi, as PyTorch.
 */
const clampBoth = ternaryLoop((x, lo, hi) => Math.min(Math.max(x, lo), hi));
const clampLo = binaryLoop(Math.max);
const clampHi = binaryLoop(Math.min);
registerKernel('clamp', 'cpu', (args: KernelArgs<CpuHandle>) => {
  const { hasMin, hasMax } = args.attrs;
  (hasMin && hasMax ? clampBoth : hasMin ? clampLo : clampHi)(args);
});
