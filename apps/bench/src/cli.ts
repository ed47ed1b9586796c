/**
 * `pnpm bench`: every workload on every Kindling backend and peer, a progress bar while it runs,
 * then the table (ratios vs the best peer) and the JSON under apps/bench/results/.
 *
 *   node --expose-gc dist/runner/cli.js [--quick] [--filter matmul,mlp] [--repeat N]
 *        [--backends cpu,wasm,tfjs-cpu,...] [--out DIR] [--no-write] [--markdown] [--list]
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { ALL_ENGINES } from './node/engines.js';
import { runBench } from './node/run.js';
import { renderMarkdown, renderText } from './report.js';
import { WORKLOADS } from './workloads/defs.js';

const usage = `usage: bench [options]
  --quick              smoke-test mode: fewer repetitions, smaller MNIST subset, no matmul 1024
  --filter a,b         workloads whose id/group/title contains a or b (e.g. matmul,mlp)
  --repeat N           timed samples per workload (default: per workload, 3-15)
  --backends a,b       engines: ${ALL_ENGINES.join(', ')}, or kindling, peers, tfjs, all (default)
  --out DIR            where to write the JSON (default apps/bench/results)
  --no-write           do not write result files
  --markdown           print the table as Markdown too
  --list               list workloads and engines, then exit
  -h, --help`;

const split = (v: string | undefined) =>
  v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

async function main(): Promise<void> {
  const { values: a } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      filter: { type: 'string' },
      repeat: { type: 'string' },
      backends: { type: 'string' },
      out: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (a.help) {
    console.log(usage);
    return;
  }
  if (a.list) {
    for (const w of WORKLOADS)
      console.log(`${w.id.padEnd(18)} ${w.unit.padEnd(8)} ${w.title}${w.quick ? '' : '  (not in --quick)'}`);
    console.log(`\nengines: ${ALL_ENGINES.join(', ')}`);
    return;
  }
  const repeat = a.repeat ? Number(a.repeat) : null;
  if (repeat !== null && !(Number.isInteger(repeat) && repeat > 0))
    throw new Error(`--repeat must be a positive integer (got ${a.repeat})`);

  const tty = process.stderr.isTTY;
  const bar = new cliProgress.SingleBar(
    {
      format: 'bench |{bar}| {value}/{total} {workload} on {engine} {status}',
      hideCursor: true,
      clearOnComplete: true,
      stream: process.stderr,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  const command = ['pnpm bench', ...process.argv.slice(2)].join(' ');
  const { report, jsonPath, markdownPath } = await runBench({
    quick: a.quick,
    filter: split(a.filter),
    backends: split(a.backends),
    repeat,
    outDir: a['no-write'] ? null : a.out,
    command,
    onStart: ({ total, engines, skipped }) => {
      console.error(`engines: ${engines.join(', ') || 'none'}`);
      for (const s of skipped) console.error(`skipped ${s.id}: ${s.reason}`);
      bar.start(total, 0, { workload: '', engine: '', status: '' });
    },
    onProgress: (e) => {
      if (e.phase === 'start') bar.update(e.done, { workload: e.workload, engine: e.engine, status: '' });
      else {
        bar.update(e.done, { status: e.row?.status ?? '' });
        if (!tty && e.row) console.error(`${e.workload} on ${e.engine}: ${e.row.status}`);
      }
    },
  });
  bar.stop();

  const m = report.machine;
  console.log(
    `\nKindling bench — ${m.cpuModel}, ${m.logicalCores} cores, ${m.node}, load ${(m.loadAverage as number[]).join(' ')}${report.options.quick ? ' — QUICK mode (smoke test; figures not meaningful)' : ''}\n`,
  );
  console.log(renderText(report));
  if (a.markdown) console.log(`\n${renderMarkdown(report)}`);
  if (report.skipped.length) {
    console.log('\nskipped engines:');
    for (const s of report.skipped) console.log(`  ${s.id}: ${s.reason}`);
  }
  if (jsonPath) console.log(`\nwrote ${jsonPath}\n      ${markdownPath}`);
  const failed = report.results.filter((r) => r.status === 'failed');
  if (failed.length) {
    console.log(
      `\n${failed.length} result(s) FAILED the check against Kindling cpu (wrong answers are not timed).`,
    );
    process.exitCode = 1;
  }
}

// Worker pools (wasm threads) and Dawn keep the event loop alive: exit explicitly when done.
main().then(
  () => process.exit(process.exitCode ?? 0),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
