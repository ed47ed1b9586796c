import type { OpCase } from '../conformance.js';

/** Conformance cases of the unary op family. */
export const cases: OpCase[] = [];
