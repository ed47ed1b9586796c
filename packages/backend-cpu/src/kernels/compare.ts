import { type KernelArgs, registerKernel } from '@kindling/core';
import type { CpuHandle } from '../backend.js';
import { binaryLoop, ternaryLoop, unaryLoop } from './elementwise.js';

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

for (const [name, f] of Object.entries(COMPARE_OPS)) registerKernel(name, 'cpu', binaryLoop(f));
for (const [name, f] of Object.entries(PREDICATE_OPS)) registerKernel(name, 'cpu', unaryLoop(f));

/** 'where': inputs (cond: bool, a, b) broadcast to the output shape. */
registerKernel(
  'where',
  'cpu',
  ternaryLoop((c, a, b) => (c !== 0 ? a : b)),
);

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
