import type { OpCase } from '../conformance.js';

/** Conformance cases of the reduce op family. */
export const cases: OpCase[] = [];
