import { registerKernel } from '@kindling/core';
import { binaryLoop } from './elementwise.js';

/**
 * Scalar math of the binary elementwise ops. Inputs arrive promoted to one dtype; writing into an
 * Int32Array truncates like C, so integer ops need no special casing except where noted.
 */
export const BINARY_OPS: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
};

for (const [name, f] of Object.entries(BINARY_OPS)) registerKernel(name, 'cpu', binaryLoop(f));
