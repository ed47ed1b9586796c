import type { OpCase } from '../conformance.js';

/** Conformance cases of the indexing op family. */
export const cases: OpCase[] = [];
