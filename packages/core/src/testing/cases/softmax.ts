import type { OpCase } from '../conformance.js';

/** Conformance cases of the softmax op family. */
export const cases: OpCase[] = [];
