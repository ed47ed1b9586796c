/**
 * Shared vocabulary of the benchmark: workloads (what is measured), engines (who runs it: a
 * Kindling backend or a peer library) and results. Browser-safe: no Node imports here.
 */

export type Unit = 'GFLOP/s' | 'GB/s' | 'ms' | 'µs/op' | 's';

/** One thing to measure, e.g. "matmul 1024³". */
export interface WorkloadDef {
  /** Stable id used in JSON, `--filter` and the dashboard, e.g. `matmul-1024`. */
  id: string;
  /** Family shared by several sizes, e.g. `matmul`; implementations are keyed by group. */
  group: WorkloadGroup;
  title: string;
  unit: Unit;
  /** Whether a larger metric is better (throughput) or a smaller one (time). */
  higherIsBetter: boolean;
  /** Sizes and other knobs; recorded in the JSON. */
  params: Record<string, number>;
  /** Converts milliseconds per iteration into the reported metric. */
  metric: (msPerIter: number) => number;
  /** Timed repetitions (samples) in full mode. */
  repeat: number;
  /** Untimed iterations before sampling. */
  warmup: number;
  /** Each sample runs the workload enough times to take at least this long (ms). */
  minSampleMs: number;
  /** Tolerance of the check against the Kindling CPU result: |a-b| <= atol + rtol*|b|. */
  rtol: number;
  atol: number;
  /** Runs in `--quick` mode. */
  quick: boolean;
}

export type WorkloadGroup = 'matmul' | 'mlp' | 'conv2d' | 'add' | 'exp' | 'rnn' | 'tinyop' | 'mnist';

/** A workload made ready on one engine: inputs uploaded, model built. */
export interface Prepared {
  /**
   * Computes the workload's checkable output from its initial state (before any timed run), as
   * a flat array compared element-wise with the Kindling CPU output.
   */
  result(): Promise<ArrayLike<number>>;
  /** One timed iteration; on asynchronous devices it includes the readback of the result. */
  run(): void | Promise<void>;
  dispose(): void;
}

/** Input data shared by every engine so that they all compute the same thing. */
export interface MnistData {
  /** [n, 784] normalised pixels. */
  images: Float32Array;
  labels: Int32Array;
  n: number;
}

export interface WorkloadContext {
  /** Loaded on demand in Node (the `mnist` package); absent in the browser. */
  mnist?: () => MnistData;
}

export type Implementation = (w: WorkloadDef, ctx: WorkloadContext) => Promise<Prepared>;

/** Something that runs workloads: a Kindling backend or a peer. */
export interface Engine {
  /** `cpu`, `wasm`, `wasm-mt`, `webgpu`, `tfjs-cpu`, `tfjs-wasm`, `ort`. */
  id: string;
  label: string;
  kind: 'kindling' | 'peer';
  /** Facts recorded in the JSON: threads, SIMD, adapter name, library version. */
  info: Record<string, unknown>;
  /** Makes this engine current (default device, thread count, tfjs backend). */
  activate(): Promise<void>;
  /** Implementations by workload group; a missing group is reported as unavailable. */
  impls: Partial<Record<WorkloadGroup, Implementation>>;
}

/** An engine that was asked for but cannot run here. */
export interface SkippedEngine {
  id: string;
  label: string;
  kind: 'kindling' | 'peer';
  reason: string;
}

export type ResultStatus = 'ok' | 'unavailable' | 'failed' | 'error';

export interface CheckInfo {
  /** The engine the output was compared with (`cpu`), or null when this is the reference. */
  against: string | null;
  ok: boolean;
  maxAbsDiff: number;
  maxRelDiff: number;
  elements: number;
}

export interface Stats {
  median: number;
  min: number;
  max: number;
}

export interface ResultRow {
  workload: string;
  engine: string;
  status: ResultStatus;
  /** Why a row is unavailable, failed or errored. */
  reason?: string;
  unit: Unit;
  /** Metric stats (median/min/max of the samples converted to the unit). */
  metric?: Stats;
  /** Milliseconds per iteration, one per sample. */
  samplesMs?: number[];
  /** Iterations run back to back in each sample. */
  itersPerSample?: number;
  check?: CheckInfo;
}

export interface BenchReport {
  schema: 1;
  tool: '@kindling/bench';
  startedAt: string;
  finishedAt: string;
  /** Where it ran: `node` or `browser`. */
  runtime: 'node' | 'browser';
  command: string;
  options: { quick: boolean; repeat: number | null; filter: string[]; backends: string[] };
  machine: Record<string, unknown>;
  versions: Record<string, string>;
  workloads: Array<Pick<WorkloadDef, 'id' | 'group' | 'title' | 'unit' | 'higherIsBetter' | 'params'>>;
  engines: Array<Pick<Engine, 'id' | 'label' | 'kind' | 'info'>>;
  skipped: SkippedEngine[];
  /** op → backends with a registered kernel, from `k.listKernels()`. */
  kernels: Record<string, string[]>;
  results: ResultRow[];
}
