import type { OpCase } from '../conformance.js';

/** Conformance cases of the matmul op family. */
export const cases: OpCase[] = [];
