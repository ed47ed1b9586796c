import type { OpCase } from '../conformance.js';

/** Conformance cases of the creation op family. */
export const cases: OpCase[] = [];
