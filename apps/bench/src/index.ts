/** Programmatic API of the benchmark runner (used by the smoke test). */
export { type BenchOptions, type BenchRun, expandBackends, runBench } from './node/run.js';
export { buildTable, renderMarkdown, renderText } from './report.js';
export { selectWorkloads, WORKLOADS } from './workloads/defs.js';
export type * from './workloads/types.js';
