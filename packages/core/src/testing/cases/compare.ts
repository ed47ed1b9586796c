import type { OpCase } from '../conformance.js';

/** Conformance cases of the compare op family. */
export const cases: OpCase[] = [];
