#!/usr/bin/env node
// Bundle size: bundles small consumers of the built packages with Vite (rolldown, minified, browser
// target, honouring each package's `exports` and `sideEffects` exactly as an npm consumer gets them),
// and reports minified and minified+gzip sizes.
//
//   node scripts/bundle-size.mjs --write [--reset-budget]   measure, write docs/bundle-size.md and the
//                                                           README table; a bundle without a budget
//                                                           gets measured gzip size x 1.25
//   node scripts/bundle-size.mjs --check [--json <file>]    measure, fail if a bundle exceeds its budget
//
// Budgets live in scripts/bundle-size.budget.json (bytes, min+gzip, JS plus any .wasm). Raising one
// is a deliberate, reviewed change: run with --reset-budget. A bundle whose packages are not built
// yet (e.g. backend-wasm) is skipped with a note; add its entry to BUNDLES once the package exists.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const mode = argv.includes('--write') ? 'write' : 'check';
const resetBudget = argv.includes('--reset-budget');
const jsonOut = argv.includes('--json') ? argv[argv.indexOf('--json') + 1] : null;
const budgetFile = join(root, 'scripts/bundle-size.budget.json');
const BUDGET_FACTOR = 1.25;

const TRAIN_MLP = `
k.manualSeed(0);
const x = k.randn([32, 4]);
const y = x.sum(1, true).tanh();
const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 1));
const opt = new optim.Adam(model.parameters(), { lr: 0.05 });
let loss;
for (let i = 0; i < 20; i++) {
  opt.zeroGrad();
  loss = nn.functional.mseLoss(model.call(x), y);
  loss.backward();
  opt.step();
}
const bytes = saveSafetensors(model.stateDict());
model.loadStateDict(loadSafetensors(bytes));
console.log('ok', await loss.itemAsync());
`;

/**
 * The measured consumers. `packages` must all be built for a bundle to be measured; `run` executes the
 * bundle in Node afterwards (it must print `ok`), which also catches a `sideEffects` entry that lets
 * the bundler drop a module that installs Tensor methods.
 */
const BUNDLES = [
  {
    id: 'core-cpu',
    title: 'core + backend-cpu (minimal consumer)',
    packages: ['core', 'backend-cpu'],
    run: true,
    code: `import * as k from '@kindling/core';
import '@kindling/backend-cpu';
const w = k.randn([3, 1], { requiresGrad: true });
const x = k.randn([8, 3]);
const loss = x.matmul(w).pow(2).mean();
loss.backward();
if (!(w.grad instanceof k.Tensor)) throw new Error('no gradient');
console.log('ok', loss.item());
`,
  },
  {
    id: 'core-cpu-nn',
    title: 'core + backend-cpu + nn (train an MLP, save safetensors)',
    packages: ['core', 'backend-cpu', 'nn'],
    run: true,
    code: `import * as k from '@kindling/core';
import '@kindling/backend-cpu';
import { loadSafetensors, nn, optim, saveSafetensors } from '@kindling/nn';
${TRAIN_MLP}`,
  },
  {
    id: 'core-nn-wasm',
    title: 'core + nn + backend-wasm (train an MLP on wasm)',
    packages: ['core', 'nn', 'backend-wasm'],
    run: false,
    code: `import * as k from '@kindling/core';
import '@kindling/backend-wasm';
import { loadSafetensors, nn, optim, saveSafetensors } from '@kindling/nn';
await k.initBackend('wasm');
k.setDefaultDevice('wasm');
${TRAIN_MLP}`,
  },
  {
    id: 'core-nn-webgpu',
    title: 'core + nn + backend-webgpu (train an MLP on WebGPU)',
    packages: ['core', 'nn', 'backend-webgpu'],
    run: false,
    code: `import * as k from '@kindling/core';
import '@kindling/backend-webgpu';
import { loadSafetensors, nn, optim, saveSafetensorsAsync } from '@kindling/nn';
await k.initBackend('webgpu');
k.setDefaultDevice('webgpu');
${TRAIN_MLP.replace('saveSafetensors(', 'await saveSafetensorsAsync(')}`,
  },
];

function isBuilt(name) {
  const dir = join(root, 'packages', name);
  if (!existsSync(join(dir, 'package.json'))) return false;
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const targets = [];
  const walk = (v, cond) => {
    if (typeof v === 'string') {
      if (cond !== 'source') targets.push(v);
    } else if (v && typeof v === 'object') for (const [c, w] of Object.entries(v)) walk(w, c);
  };
  walk(pkg.exports ?? {}, null);
  const dirs = (pkg.files ?? []).filter((f) => !['README.md', 'LICENSE'].includes(f) && !f.includes('*'));
  return [...targets, ...dirs].every((f) => existsSync(join(dir, f)));
}

function filesUnder(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

async function measure(bundle, work, build) {
  const dir = join(work, bundle.id);
  mkdirSync(join(dir, 'node_modules/@kindling'), { recursive: true });
  // Resolve @kindling/* to the packages' built output, through their package.json (exports,
  // sideEffects), like an installed dependency.
  for (const name of readdirSync(join(root, 'packages')))
    symlinkSync(join(root, 'packages', name), join(dir, 'node_modules/@kindling', name), 'dir');
  writeFileSync(join(dir, 'package.json'), '{"name":"size-probe","private":true,"type":"module"}\n');
  writeFileSync(join(dir, 'entry.js'), bundle.code);
  const outDir = join(dir, 'out');
  await build({
    root: dir,
    configFile: false,
    logLevel: 'error',
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      modulePreload: false,
      reportCompressedSize: false,
      rollupOptions: { input: join(dir, 'entry.js'), output: { entryFileNames: 'entry.js' } },
    },
  });
  let min = 0;
  let gzip = 0;
  let wasm = 0;
  for (const f of filesUnder(outDir)) {
    const bytes = readFileSync(f);
    if (f.endsWith('.js')) {
      min += bytes.length;
      gzip += gzipSync(bytes, { level: 9 }).length;
    } else if (f.endsWith('.wasm')) wasm += gzipSync(bytes, { level: 9 }).length;
  }
  let ran = null;
  if (bundle.run) {
    const out = execFileSync(process.execPath, [join(outDir, 'entry.js')], { encoding: 'utf8' });
    ran = out.startsWith('ok');
  }
  return { id: bundle.id, title: bundle.title, min, gzip, wasmGzip: wasm, total: gzip + wasm, ran };
}

const kb = (n) => `${(n / 1024).toFixed(1)} kB`;

/** A markdown table padded the way the repository's formatter (biome) writes it. */
function table(results, budgets) {
  const header = ['bundle', 'minified JS', 'min + gzip JS', 'gzip .wasm', 'budget (min + gzip, JS + wasm)'];
  const rows = results.map((r) => [
    r.title,
    kb(r.min),
    kb(r.gzip),
    r.wasmGzip ? kb(r.wasmGzip) : '—',
    budgets[r.id] ? kb(budgets[r.id]) : '—',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

function writeDocs(results, skipped, budgets) {
  const date = new Date().toISOString().slice(0, 10);
  const doc = `# Bundle size

What a browser app pays for Kindling: each consumer below is bundled with Vite 8 (rolldown, minified,
\`target: es2022\`) against the packages' built output, resolved through their \`package.json\`
\`exports\` and \`sideEffects\` exactly as for an npm install. Sizes are the emitted JavaScript,
minified and then gzip level 9; \`.wasm\` files are counted separately (the wasm backend ships a
plain-SIMD and a relaxed-SIMD binary and both are counted, though a browser fetches only one).

Measured ${date} with \`pnpm bundle-size\` (\`node scripts/bundle-size.mjs --write\`).

${table(results, budgets)}
${skipped.length ? `\nNot measured yet (package not built or not written yet): ${skipped.map((s) => `${s.title}`).join('; ')}.\n` : ''}
## Budget

Each bundle's budget is its measured min + gzip size (JS plus wasm) × ${BUDGET_FACTOR}, rounded up,
stored in \`scripts/bundle-size.budget.json\`. The consumer test package (\`apps/consumer\`, run by
\`pnpm test\` in CI) runs \`node scripts/bundle-size.mjs --check\` and fails when a bundle grows past its
budget. Raising a budget is a reviewed change: \`node scripts/bundle-size.mjs --write --reset-budget\`.

## Why core is one block

\`@kindling/core\` installs every op as a \`Tensor\` method from its op modules (\`dist/ops/*.js\`,
\`dist/autograd/engine.js\`, \`dist/tensor.js\`, listed in its \`sideEffects\`), so a consumer gets all
ops whichever it calls: bundlers cannot drop an op module without breaking \`x.someOp()\`.
\`@kindling/backend-cpu\` registers all its kernels on import (\`sideEffects: true\`).
\`@kindling/nn\` is \`sideEffects: false\`: layers, losses and optimizers a consumer does not import are
dropped.
`;
  writeFileSync(join(root, 'docs/bundle-size.md'), doc);
  const readmePath = join(root, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const start = '<!-- bundle-size:start -->';
  const end = '<!-- bundle-size:end -->';
  const block = `${start}\n${table(results, budgets)}\n${end}`;
  if (readme.includes(start)) {
    const re = new RegExp(`${start}[\\s\\S]*?${end}`);
    writeFileSync(readmePath, readme.replace(re, block));
  } else console.log(`note: README.md has no ${start} marker; table not written there`);
}

const requireRoot = createRequire(join(root, 'package.json'));
const { build } = await import(requireRoot.resolve('vite'));
const budgets = existsSync(budgetFile) ? JSON.parse(readFileSync(budgetFile, 'utf8')) : {};
const work = mkdtempSync(join(tmpdir(), 'kindling-bundle-size-'));
const results = [];
const skipped = [];
const failures = [];
try {
  for (const bundle of BUNDLES) {
    const missing = bundle.packages.filter((p) => !isBuilt(p));
    if (missing.length) {
      skipped.push(bundle);
      console.log(`note: ${bundle.id} skipped: ${missing.map((p) => `@kindling/${p}`).join(', ')} not built`);
      continue;
    }
    const r = await measure(bundle, work, build);
    results.push(r);
    const budget = budgets[r.id];
    console.log(
      `${r.id}: ${kb(r.min)} min, ${kb(r.gzip)} min+gzip${r.wasmGzip ? `, wasm ${kb(r.wasmGzip)} gzip` : ''}` +
        (budget ? ` (budget ${kb(budget)})` : ''),
    );
    if (r.ran === false) failures.push(`${r.id}: the bundle did not run correctly in Node`);
    if (mode === 'check') {
      if (budget === undefined)
        console.log(`note: ${r.id} has no budget yet; run 'node scripts/bundle-size.mjs --write' to set one`);
      else if (r.total > budget)
        failures.push(`${r.id}: ${r.total} bytes min+gzip exceeds its budget of ${budget} bytes`);
    }
  }
} catch (e) {
  failures.push(`crashed: ${e.stack ?? e}${e.stderr ? `\n${e.stderr}` : ''}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (mode === 'write' && failures.length === 0) {
  for (const r of results)
    if (resetBudget || budgets[r.id] === undefined) budgets[r.id] = Math.ceil(r.total * BUDGET_FACTOR);
  writeFileSync(budgetFile, `${JSON.stringify(budgets, null, 2)}\n`);
  writeDocs(results, skipped, budgets);
  console.log('wrote docs/bundle-size.md, README.md table and scripts/bundle-size.budget.json');
}
if (jsonOut)
  writeFileSync(
    jsonOut,
    JSON.stringify({ results, skipped: skipped.map((s) => s.id), budgets, failures }, null, 2),
  );
for (const f of failures) console.error(`FAIL: ${f}`);
process.exit(failures.length ? 1 : 0);
