/**
 * Runs workloads on engines: check against the Kindling CPU output, warm up, calibrate, then
 * time N samples. Errors never escape: they become `unavailable`/`error`/`failed` rows.
 * Browser-safe (used by the runner and the dashboard's "run here" mode).
 */
import type {
  CheckInfo,
  Engine,
  Prepared,
  ResultRow,
  Stats,
  WorkloadContext,
  WorkloadDef,
} from './workloads/types.js';

export interface ProgressEvent {
  /** Finished (workload, engine) pairs and the total. */
  done: number;
  total: number;
  workload: string;
  engine: string;
  phase: 'start' | 'done';
  row?: ResultRow;
}

export interface HarnessOptions {
  workloads: WorkloadDef[];
  engines: Engine[];
  /** The Kindling CPU engine whose output every other engine is compared with. */
  reference: Engine | null;
  ctx: WorkloadContext;
  onProgress?: (e: ProgressEvent) => void;
  /** Called between engines (e.g. `globalThis.gc`). */
  gc?: () => void;
  /** Upper bound on the timed part of one (workload, engine) pair; repetitions shrink to fit. */
  budgetMs?: number;
  /** Lets a UI yield between pairs. */
  yieldEvery?: () => Promise<void>;
}

const now = () => performance.now();

export function stats(xs: number[]): Stats {
  const s = xs.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1] };
}

/** Element-wise comparison with |a-b| <= atol + rtol*|b| (b is the reference). */
export function compare(
  out: ArrayLike<number>,
  ref: ArrayLike<number>,
  rtol: number,
  atol: number,
  against: string,
): CheckInfo {
  if (out.length !== ref.length)
    return {
      against,
      ok: false,
      maxAbsDiff: Number.POSITIVE_INFINITY,
      maxRelDiff: Number.POSITIVE_INFINITY,
      elements: out.length,
    };
  let ok = true;
  let maxAbs = 0;
  let maxRel = 0;
  for (let i = 0; i < ref.length; i++) {
    const a = out[i];
    const b = ref[i];
    if (Number.isNaN(a) !== Number.isNaN(b)) {
      ok = false;
      maxAbs = Number.POSITIVE_INFINITY;
      continue;
    }
    if (Number.isNaN(b) || a === b) continue;
    const d = Math.abs(a - b);
    if (d > maxAbs) maxAbs = d;
    const rel = d / Math.max(Math.abs(b), Number.MIN_VALUE);
    if (rel > maxRel) maxRel = rel;
    if (!(d <= atol + rtol * Math.abs(b))) ok = false;
  }
  return { against, ok, maxAbsDiff: maxAbs, maxRelDiff: maxRel, elements: ref.length };
}

function message(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0].slice(0, 300);
}

/** Missing ops, packages or backends are "unavailable"; anything else is an error. */
export function classify(e: unknown): { status: 'unavailable' | 'error'; reason: string } {
  const m = message(e);
  if (m.startsWith('unavailable: ')) return { status: 'unavailable', reason: m.slice(13) };
  if (
    /not implemented|is not a function|is not a constructor|not registered|cannot read synchronously|Cannot find (module|package)|Failed to resolve|does not provide an export|not supported/i.test(
      m,
    )
  )
    return { status: 'unavailable', reason: m };
  return { status: 'error', reason: m };
}

async function callRun(p: Prepared): Promise<void> {
  const r = p.run();
  if (r) await r;
}

/** Warm-up, calibration (iterations per sample) and the timed samples, in ms per iteration. */
export async function timeWorkload(
  p: Prepared,
  w: WorkloadDef,
  budgetMs: number,
): Promise<{ samplesMs: number[]; iters: number }> {
  for (let i = 0; i < w.warmup; i++) await callRun(p);
  let t0 = now();
  let single = Number.POSITIVE_INFINITY;
  if (w.minSampleMs > 0 || w.repeat > 2) {
    await callRun(p);
    single = Math.max(now() - t0, 1e-3);
  }
  const iters = w.minSampleMs > 0 ? Math.min(10_000, Math.max(1, Math.ceil(w.minSampleMs / single))) : 1;
  // Keep very slow pairs (e.g. a software WebGPU adapter) within the budget, but take at least 2.
  const reps = Math.max(Math.min(2, w.repeat), Math.min(w.repeat, Math.floor(budgetMs / (single * iters))));
  const samplesMs: number[] = [];
  for (let r = 0; r < reps; r++) {
    t0 = now();
    for (let i = 0; i < iters; i++) {
      const x = p.run();
      if (x) await x;
    }
    samplesMs.push((now() - t0) / iters);
  }
  return { samplesMs, iters };
}

async function runPair(
  w: WorkloadDef,
  engine: Engine,
  ref: { engine: string; out: ArrayLike<number> } | null,
  opts: HarnessOptions,
): Promise<{ row: ResultRow; out?: ArrayLike<number> }> {
  const base = { workload: w.id, engine: engine.id, unit: w.unit };
  const impl = engine.impls[w.group];
  if (!impl)
    return {
      row: { ...base, status: 'unavailable', reason: `${engine.label} has no implementation of ${w.group}` },
    };
  let p: Prepared | null = null;
  try {
    await engine.activate();
    p = await impl(w, opts.ctx);
    const out = await p.result();
    let check: CheckInfo | undefined;
    if (ref && ref.engine !== engine.id) {
      check = compare(out, ref.out, w.rtol, w.atol, ref.engine);
      if (!check.ok)
        return {
          row: {
            ...base,
            status: 'failed',
            reason: `wrong result: max abs diff ${check.maxAbsDiff.toExponential(2)}, max rel diff ${check.maxRelDiff.toExponential(2)} vs ${ref.engine}`,
            check,
          },
          out,
        };
    } else if (engine.id === opts.reference?.id) {
      check = { against: null, ok: true, maxAbsDiff: 0, maxRelDiff: 0, elements: out.length };
    }
    const { samplesMs, iters } = await timeWorkload(p, w, opts.budgetMs ?? 20_000);
    const metric = stats(samplesMs.map(w.metric));
    const row: ResultRow = { ...base, status: 'ok', metric, samplesMs, itersPerSample: iters };
    if (check) row.check = check;
    else row.reason = 'not checked: no Kindling CPU result for this workload';
    return { row, out };
  } catch (e) {
    return { row: { ...base, ...classify(e) } };
  } finally {
    try {
      p?.dispose();
    } catch {
      // disposal problems must not hide the result
    }
  }
}

/** Runs every workload on every engine (workload-major), reference first. */
export async function runWorkloads(opts: HarnessOptions): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  const { workloads, reference } = opts;
  const engines = reference
    ? [
        ...opts.engines.filter((e) => e.id === reference.id),
        ...opts.engines.filter((e) => e.id !== reference.id),
      ]
    : opts.engines;
  const total = workloads.length * engines.length;
  let done = 0;
  for (const w of workloads) {
    let ref: { engine: string; out: ArrayLike<number> } | null = null;
    if (reference && !engines.includes(reference)) {
      // The reference is not timed in this run, but every result is still checked against it.
      const impl = reference.impls[w.group];
      if (impl) {
        try {
          await reference.activate();
          const p = await impl(w, opts.ctx);
          ref = { engine: reference.id, out: await p.result() };
          p.dispose();
        } catch {
          ref = null;
        }
      }
    }
    for (const engine of engines) {
      opts.onProgress?.({ done, total, workload: w.id, engine: engine.id, phase: 'start' });
      const { row, out } = await runPair(w, engine, ref, opts);
      if (engine === reference && row.status === 'ok' && out) ref = { engine: engine.id, out };
      rows.push(row);
      done++;
      opts.onProgress?.({ done, total, workload: w.id, engine: engine.id, phase: 'done', row });
      opts.gc?.();
      await opts.yieldEvery?.();
    }
  }
  return rows;
}
