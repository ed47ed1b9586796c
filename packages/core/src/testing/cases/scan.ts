import type { OpCase } from '../conformance.js';

/** Conformance cases of the scan op family. */
export const cases: OpCase[] = [];
