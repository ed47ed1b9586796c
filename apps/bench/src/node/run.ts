/**
 * The runner's programmatic entry: discover engines, run the selected workloads, build the JSON
 * report and (optionally) write it under apps/bench/results/. The CLI and the smoke test use it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelMatrix } from '../engines.js';
import { type ProgressEvent, runWorkloads } from '../harness.js';
import { renderMarkdown } from '../report.js';
import { selectWorkloads } from '../workloads/defs.js';
import type { BenchReport, SkippedEngine } from '../workloads/types.js';
import { ALL_ENGINES, discoverNodeEngines } from './engines.js';
import { benchRoot, machineInfo, workspaceVersions } from './machine.js';
import { loadMnist } from './mnist.js';

export interface BenchOptions {
  quick?: boolean;
  /** Substrings of workload ids/groups/titles; empty: all. */
  filter?: string[];
  /** Engine ids (`cpu`, `wasm`, `wasm-mt`, `webgpu`, `tfjs-cpu`, `tfjs-wasm`, `ort`), or `kindling`/`peers`; empty: all. */
  backends?: string[];
  /** Overrides each workload's number of timed samples. */
  repeat?: number | null;
  /** Directory for `bench-<timestamp>.json` (and `.md`); null: do not write. */
  outDir?: string | null;
  command?: string;
  onProgress?: (e: ProgressEvent) => void;
  /** Called once engines are known (e.g. to size a progress bar). */
  onStart?: (info: { total: number; engines: string[]; skipped: SkippedEngine[] }) => void;
}

export interface BenchRun {
  report: BenchReport;
  jsonPath: string | null;
  markdownPath: string | null;
}

export function expandBackends(list: string[]): string[] {
  const out = new Set<string>();
  for (const b of list.map((s) => s.trim()).filter(Boolean)) {
    if (b === 'all') ALL_ENGINES.forEach((e) => out.add(e));
    else if (b === 'kindling') ['cpu', 'wasm', 'wasm-mt', 'webgpu'].forEach((e) => out.add(e));
    else if (b === 'peers') ['tfjs-cpu', 'tfjs-wasm', 'ort'].forEach((e) => out.add(e));
    else if (b === 'tfjs') ['tfjs-cpu', 'tfjs-wasm'].forEach((e) => out.add(e));
    else if ((ALL_ENGINES as readonly string[]).includes(b)) out.add(b);
    else
      throw new Error(
        `unknown backend '${b}' (known: ${ALL_ENGINES.join(', ')}, kindling, peers, tfjs, all)`,
      );
  }
  return [...out];
}

export async function runBench(opts: BenchOptions = {}): Promise<BenchRun> {
  const startedAt = new Date();
  const quick = opts.quick ?? false;
  const filter = opts.filter ?? [];
  const repeat = opts.repeat ?? null;
  const wanted = expandBackends(opts.backends?.length ? opts.backends : ['all']);
  const workloads = selectWorkloads(filter, quick, repeat);
  if (workloads.length === 0) throw new Error(`no workload matches --filter ${filter.join(',')}`);

  // The Kindling CPU backend is always loaded: it is the reference every result is checked against.
  const found = await discoverNodeEngines([...new Set([...wanted, 'cpu'])]);
  const reference = found.engines.find((e) => e.id === 'cpu') ?? null;
  const engines = found.engines.filter((e) => wanted.includes(e.id));
  const skipped = found.skipped.filter((s) => wanted.includes(s.id));
  opts.onStart?.({ total: workloads.length * engines.length, engines: engines.map((e) => e.id), skipped });

  const gc = (globalThis as { gc?: () => void }).gc;
  const results = await runWorkloads({
    workloads,
    engines,
    reference,
    ctx: { mnist: loadMnist },
    onProgress: opts.onProgress,
    gc: gc ? () => gc() : undefined,
  });

  const report: BenchReport = {
    schema: 1,
    tool: '@kindling/bench',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    runtime: 'node',
    command: opts.command ?? 'runBench()',
    options: { quick, repeat, filter, backends: wanted },
    machine: machineInfo(),
    versions: { ...workspaceVersions(), ...found.versions },
    workloads: workloads.map(({ id, group, title, unit, higherIsBetter, params }) => ({
      id,
      group,
      title,
      unit,
      higherIsBetter,
      params,
    })),
    engines: engines.map(({ id, label, kind, info }) => ({ id, label, kind, info })),
    skipped,
    kernels: kernelMatrix(),
    results,
  };

  let jsonPath: string | null = null;
  let markdownPath: string | null = null;
  const outDir = opts.outDir === undefined ? join(benchRoot(), 'results') : opts.outDir;
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    const stamp = report.startedAt.replace(/[:.]/g, '-');
    jsonPath = join(outDir, `bench-${stamp}${quick ? '-quick' : ''}.json`);
    writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    markdownPath = jsonPath.replace(/\.json$/, '.md');
    writeFileSync(markdownPath, `${renderMarkdown(report)}\n`);
  }
  return { report, jsonPath, markdownPath };
}
