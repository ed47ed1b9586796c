import type { OpCase } from '../conformance.js';

/** Conformance cases of the shape op family. */
export const cases: OpCase[] = [];
