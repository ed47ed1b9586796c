import { registerKernel } from '@kindling/core';
import { unaryLoop } from './elementwise.js';

/** Scalar math of the unary elementwise ops (the reference numerics). */
export const UNARY_OPS: Record<string, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
};

for (const [name, f] of Object.entries(UNARY_OPS)) registerKernel(name, 'cpu', unaryLoop(f));
