import type { OpCase } from '../conformance.js';

/** Conformance cases of the view op family. */
export const cases: OpCase[] = [];
