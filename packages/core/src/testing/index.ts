/** @kindling/core/testing: gradcheck and the conformance suite every backend runs. */

export { runCaseAsync } from './async-conformance.js';
export { conformanceCases } from './cases/index.js';
export { type InputSpec, type Layout, type OpCase, runCase } from './conformance.js';
export { type GradcheckOptions, gradcheck, gradgradcheck } from './gradcheck.js';
