import type { OpCase } from '../conformance.js';

/** Conformance cases of the sort op family. */
export const cases: OpCase[] = [];
