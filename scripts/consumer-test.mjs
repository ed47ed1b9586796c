#!/usr/bin/env node
// Consumer test: checks Kindling the way someone who installs it from the registry gets it.
//
// 1. `pnpm pack` every publishable package into a temp dir and checks each tarball (no `workspace:`
//    ranges left, the files `exports` points at are inside, LICENSE and README shipped).
// 2. Creates a fresh project OUTSIDE the workspace and installs the tarballs with plain npm.
// 3. Node: an ESM script trains a small model on every backend that runs in Node (cpu, and wasm
//    once its package is built) and round-trips its weights through saveSafetensors/loadSafetensors.
// 4. TypeScript: type-checks a consumer against the published `.d.ts` (the workspace's tsc), under
//    `moduleResolution: NodeNext` and `Bundler`.
// 5. Browser: builds a Vite page importing the packages and runs it in headless Chromium
//    (playwright-core + /usr/bin/chromium); skipped with a note when Chromium is not installed.
//
// Which packages: every non-private `packages/*` whose build output exists. The packages listed as
// `@kindling/*` devDependencies of apps/consumer are REQUIRED (missing build = failure; turbo builds
// them before the test); any other built package (backend-wasm, backend-webgpu) is tested when its
// build is there and skipped with a printed note otherwise. To make a new package required, add it to
// apps/consumer's devDependencies.
//
// Usage: node scripts/consumer-test.mjs [--keep] [--no-browser] [--json <file>]
// Prints `CONSUMER_RESULT <json>` as its last line; exits non-zero when a check fails.
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, chromiumLaunchOptions } from './lib/chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const keep = argv.includes('--keep');
const noBrowser = argv.includes('--no-browser') || process.env.KINDLING_CONSUMER_NO_BROWSER === '1';
const jsonOut = argv.includes('--json') ? argv[argv.indexOf('--json') + 1] : null;
/** Backends whose packages cannot run in plain Node without extra native setup. */
const BROWSER_ONLY = new Set(['webgpu']);

const result = {
  packages: {},
  skipped: {},
  node: null,
  typecheck: {},
  browser: null,
  warnings: [],
  failures: [],
};
const log = (...a) => console.log('[consumer-test]', ...a);
function warn(msg) {
  result.warnings.push(msg);
  log(`warning: ${msg}`);
}
function fail(msg) {
  result.failures.push(msg);
  console.error(`[consumer-test] FAIL: ${msg}`);
}
function run(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}
const readJson = (f) => JSON.parse(readFileSync(f, 'utf8'));

// ------------------------------------------------------------------ which packages
function exportTargets(pkg) {
  const out = [];
  const walk = (v, cond) => {
    if (typeof v === 'string') {
      if (cond !== 'source') out.push(v);
    } else if (v && typeof v === 'object') for (const [c, w] of Object.entries(v)) walk(w, c);
  };
  walk(pkg.exports ?? {}, null);
  return out;
}

function selectPackages() {
  const required = Object.keys(
    readJson(join(root, 'apps/consumer/package.json')).devDependencies ?? {},
  ).filter((n) => n.startsWith('@kindling/'));
  const selected = [];
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const pkgDir = join(root, 'packages', dir);
    if (!existsSync(join(pkgDir, 'package.json'))) continue;
    const pkg = readJson(join(pkgDir, 'package.json'));
    if (pkg.private) continue;
    const missing = [
      ...exportTargets(pkg),
      ...(pkg.files ?? []).filter((f) => !['LICENSE', 'README.md'].includes(f) && !f.includes('*')),
    ].filter((f) => !existsSync(join(pkgDir, f)));
    if (missing.length) {
      const why = `not built (missing ${missing.join(', ')})`;
      if (required.includes(pkg.name)) fail(`${pkg.name} is required but ${why}; run 'pnpm build'`);
      else {
        result.skipped[pkg.name] = why;
        log(`note: skipping ${pkg.name}: ${why}`);
      }
      continue;
    }
    selected.push({ name: pkg.name, dir: pkgDir, pkg });
  }
  return selected;
}

// ------------------------------------------------------------------ pack
function pack(selected, packDir) {
  const tarballs = [];
  for (const { name, dir, pkg } of selected) {
    const before = new Set(readdirSync(packDir));
    run('pnpm', ['pack', '--pack-destination', packDir], { cwd: dir });
    const file = readdirSync(packDir).find((f) => !before.has(f) && f.endsWith('.tgz'));
    if (!file) {
      fail(`${name}: pnpm pack produced no tarball`);
      continue;
    }
    const tgz = join(packDir, file);
    const listing = run('tar', ['-tzf', tgz])
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));
    const packed = JSON.parse(run('tar', ['-xzOf', tgz, 'package/package.json']));
    const info = { tarball: file, files: listing.length, workspaceRanges: [] };
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [dep, range] of Object.entries(packed[field] ?? {})) {
        if (String(range).startsWith('workspace:')) info.workspaceRanges.push(`${field}.${dep}: ${range}`);
      }
    }
    if (info.workspaceRanges.length)
      fail(`${name}: workspace ranges left in the tarball: ${info.workspaceRanges}`);
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      if (String(pkg.dependencies[dep]).startsWith('workspace:'))
        info[`rewritten:${dep}`] = `${pkg.dependencies[dep]} -> ${packed.dependencies?.[dep]}`;
    }
    const need = [...exportTargets(packed), 'package.json', 'LICENSE'].map((f) => f.replace(/^\.\//, ''));
    const absent = need.filter((f) => !listing.includes(f));
    if (absent.length) fail(`${name}: tarball lacks ${absent.join(', ')}`);
    if (!listing.includes('README.md')) warn(`${name}: the tarball ships no README.md`);
    if (!listing.some((f) => f.endsWith('.js.map'))) fail(`${name}: tarball has no source maps`);
    if (!listing.some((f) => f.endsWith('.d.ts'))) fail(`${name}: tarball has no .d.ts`);
    result.packages[name] = info;
    tarballs.push(tgz);
    log(`packed ${file} (${listing.length} files)`);
  }
  return tarballs;
}

// ------------------------------------------------------------------ consumer project
/** Training code shared by the Node script and the browser page; works on any device. */
const TRAIN_LIB = `import * as k from '@kindling/core';
import { loadSafetensors, nn, optim, saveSafetensorsAsync } from '@kindling/nn';

function makeModel(device) {
  return new nn.Sequential(new nn.Linear(4, 16), new nn.Tanh(), new nn.Linear(16, 1)).to(device);
}

/** Trains a tiny regression model on \`device\`, then round-trips its weights through safetensors. */
export async function train(device, steps = 60) {
  await k.initBackend(device);
  k.setDefaultDevice(device);
  k.manualSeed(0);
  const x = k.randn([64, 4], { device });
  const y = x.matmul(k.tensor([[1.5], [-2], [0.5], [1]], { device })).tanh();
  const model = makeModel(device);
  const opt = new optim.Adam(model.parameters(), { lr: 0.05 });
  const lossFn = new nn.MSELoss();
  let first = Number.NaN;
  let last = Number.NaN;
  for (let step = 0; step < steps; step++) {
    opt.zeroGrad();
    const loss = lossFn.call(model.call(x), y);
    loss.backward();
    opt.step();
    last = await loss.itemAsync();
    if (step === 0) first = last;
  }
  const bytes = await saveSafetensorsAsync(model.stateDict(), { format: 'pt' });
  const restored = makeModel(device);
  restored.loadStateDict(loadSafetensors(bytes, { device }));
  const a = await model.call(x).data();
  const b = await restored.call(x).data();
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
  return { device, first, last, trained: last < first * 0.5, safetensorsBytes: bytes.length, maxDiff, bytes };
}
`;

const NODE_SCRIPT = `import { readFileSync, writeFileSync } from 'node:fs';
import * as k from '@kindling/core';
import { loadSafetensors } from '@kindling/nn';
import * as testing from '@kindling/core/testing';
import { train } from './train-lib.mjs';

if (typeof testing.gradcheck !== 'function') throw new Error('@kindling/core/testing did not load');
const out = {};
for (const device of process.argv.slice(2)) {
  await import('@kindling/backend-' + device);
  const { bytes, ...r } = await train(device);
  // The weights also survive a trip through the file system.
  const file = 'weights-' + device + '.safetensors';
  writeFileSync(file, bytes);
  const loaded = loadSafetensors(readFileSync(file));
  r.fileKeys = Object.keys(loaded).sort();
  out[device] = r;
}
out.backends = k.listBackends();
console.log('RESULT ' + JSON.stringify(out));
`;

const TS_CONSUMER = `import * as k from '@kindling/core';
import '@kindling/backend-cpu';
import { gradcheck } from '@kindling/core/testing';
import { data, loadSafetensors, nn, optim, saveSafetensors } from '@kindling/nn';

class Mlp extends nn.Module {
  fc1 = new nn.Linear(4, 8);
  fc2 = new nn.Linear(8, 2);
  forward(x: k.Tensor): k.Tensor {
    return this.fc2.call(this.fc1.call(x).relu());
  }
}

const model = new Mlp();
const opt: optim.Optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
const ds = new data.TensorDataset(k.randn([10, 4]), k.randint(0, 2, [10]));
const loader = new data.DataLoader(ds, { batchSize: 5, shuffle: true });
for (const [xb, yb] of loader) {
  opt.zeroGrad();
  const out: k.Tensor = model.call(xb as k.Tensor);
  const loss: k.Tensor = nn.functional.crossEntropy(out, yb as k.Tensor);
  loss.backward();
  opt.step();
}
const x: k.Tensor = k.arange(12).reshape(3, 4);
const row: k.Tensor = x.index(1, k.slice(1, 3));
const n: number = row.sum().item();
const dtype: k.DType = x.dtype;
const y = k.noGrad(() => x.float().mul(2));
const sd: Record<string, k.Tensor> = loadSafetensors(saveSafetensors(model.stateDict()));
model.loadStateDict(sd);
const ok: boolean = gradcheck((t: k.Tensor) => t.sin(), [k.randn([3], { dtype: 'float64', requiresGrad: true })]);
export { dtype, n, ok, y };
`;

function setupProject(projectDir, tarballs) {
  writeFileSync(
    join(projectDir, 'package.json'),
    `${JSON.stringify({ name: 'kindling-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
  log(`npm install ${tarballs.length} tarballs into ${projectDir}`);
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], {
    cwd: projectDir,
  });
  writeFileSync(join(projectDir, 'train-lib.mjs'), TRAIN_LIB);
  writeFileSync(join(projectDir, 'train.mjs'), NODE_SCRIPT);
}

/** Runs node, resolving once it prints its RESULT line and exits, or (with a warning) a grace period after. */
function runTrainScript(projectDir, devices) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['train.mjs', ...devices], {
      cwd: projectDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let grace = null;
    const killer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      if (grace === null && stdout.includes('RESULT ')) {
        grace = setTimeout(() => {
          warn(
            `node (${devices}): the process did not exit on its own 10 s after finishing (something keeps the event loop alive); killed`,
          );
          child.kill('SIGKILL');
        }, 10_000);
      }
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      if (grace) clearTimeout(grace);
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (line) resolve(JSON.parse(line.slice(7)));
      else reject(new Error(`exit ${code ?? signal}\n${stdout}\n${stderr}`));
    });
  });
}

async function nodeCheck(projectDir, devices) {
  log(`node: training on ${devices.join(', ')}`);
  try {
    result.node = await runTrainScript(projectDir, devices);
  } catch (e) {
    fail(`node training script failed: ${e.message}`);
    return;
  }
  for (const d of devices) {
    const r = result.node[d];
    log(`node ${d}: loss ${r.first.toFixed(4)} -> ${r.last.toFixed(4)}, reload max diff ${r.maxDiff}`);
    if (!r.trained) fail(`node ${d}: loss did not halve (${r.first} -> ${r.last})`);
    if (r.maxDiff !== 0) fail(`node ${d}: reloaded weights give different outputs (max diff ${r.maxDiff})`);
    if (r.fileKeys.length !== 4) fail(`node ${d}: safetensors file holds ${r.fileKeys}`);
  }
}

function typecheck(projectDir) {
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  writeFileSync(join(projectDir, 'consumer.ts'), TS_CONSUMER);
  // The published types use \`Symbol.dispose\` (tensors support \`using\`): with skipLibCheck off a
  // consumer needs lib 'ESNext.Disposable' (documented in docs/coming-from-pytorch.md).
  const base = { target: 'ES2022', strict: true, noEmit: true, types: [] };
  const configs = {
    nodenext: {
      ...base,
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2022', 'ESNext.Disposable'],
      skipLibCheck: false,
    },
    bundler: {
      ...base,
      module: 'ESNext',
      moduleResolution: 'Bundler',
      lib: ['ES2022', 'DOM'],
      skipLibCheck: true,
    },
  };
  for (const [name, compilerOptions] of Object.entries(configs)) {
    const file = `tsconfig.${name}.json`;
    writeFileSync(
      join(projectDir, file),
      JSON.stringify({ compilerOptions, files: ['consumer.ts'] }, null, 2),
    );
    try {
      run(process.execPath, [tsc, '-p', file], { cwd: projectDir });
      result.typecheck[name] = 'ok';
      log(`typecheck (${name}): ok`);
    } catch (e) {
      result.typecheck[name] = 'failed';
      fail(`typecheck (${name}) failed:\n${e.stdout}${e.stderr}`);
    }
  }
}

// ------------------------------------------------------------------ browser
function pageScript(devices) {
  const imports = devices.map((d) => `import '@kindling/backend-${d}';`).join('\n');
  return `${imports}
import { train } from './train-lib.mjs';

const out = { devices: {}, skippedDevices: {} };
for (const device of ${JSON.stringify(devices)}) {
  try {
    if (device === 'webgpu' && !(navigator.gpu && (await navigator.gpu.requestAdapter()))) {
      out.skippedDevices[device] = 'no WebGPU adapter in this browser';
      continue;
    }
    const { bytes, ...r } = await train(device);
    out.devices[device] = r;
  } catch (e) {
    out.devices[device] = { error: String(e && e.stack ? e.stack : e) };
  }
}
document.getElementById('out').textContent = JSON.stringify(out);
window.__kindling = out;
`;
}

const MIME = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
};

async function browserCheck(projectDir, devices) {
  if (noBrowser) {
    result.browser = { skipped: '--no-browser' };
    log('note: browser check skipped (--no-browser)');
    return;
  }
  if (!existsSync(CHROMIUM)) {
    result.browser = { skipped: `${CHROMIUM} not installed (apt-get install -y chromium)` };
    log(`note: browser check skipped: ${CHROMIUM} not installed (apt-get install -y chromium)`);
    return;
  }
  const requireRoot = createRequire(join(root, 'package.json'));
  const { build } = await import(requireRoot.resolve('vite'));
  const { chromium } = requireRoot('playwright-core');
  const webDir = join(projectDir, 'web');
  mkdirSync(webDir, { recursive: true });
  writeFileSync(
    join(webDir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><title>kindling consumer</title></head><body><pre id="out">running</pre><script type="module" src="./main.mjs"></script></body></html>\n',
  );
  writeFileSync(join(webDir, 'main.mjs'), pageScript(devices));
  writeFileSync(join(webDir, 'train-lib.mjs'), TRAIN_LIB);
  log(`vite build of a page importing ${devices.map((d) => `backend-${d}`).join(', ')}, core, nn`);
  await build({
    root: webDir,
    configFile: false,
    logLevel: 'warn',
    build: { outDir: join(webDir, 'dist'), emptyOutDir: true, target: 'es2022' },
  });
  const distDir = join(webDir, 'dist');
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = join(distDir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(distDir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      // Cross-origin isolation, so a threaded wasm backend may use SharedArrayBuffer.
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const profile = mkdtempSync(join(tmpdir(), 'kindling-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, chromiumLaunchOptions(profile));
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    await page.waitForFunction(() => window.__kindling !== undefined, null, { timeout: 180_000 });
    const out = await page.evaluate(() => window.__kindling);
    result.browser = { ...out, crossOriginIsolated: await page.evaluate(() => crossOriginIsolated), errors };
    for (const [d, r] of Object.entries(out.devices)) {
      if (r.error) fail(`chromium ${d}: ${r.error}`);
      else {
        log(
          `chromium ${d}: loss ${r.first.toFixed(4)} -> ${r.last.toFixed(4)}, reload max diff ${r.maxDiff}`,
        );
        if (!r.trained) fail(`chromium ${d}: loss did not halve (${r.first} -> ${r.last})`);
        if (r.maxDiff !== 0) fail(`chromium ${d}: reloaded weights give different outputs`);
      }
    }
    for (const [d, why] of Object.entries(out.skippedDevices)) log(`note: chromium ${d} skipped: ${why}`);
    if (errors.length) fail(`chromium page errors: ${errors.join('; ')}`);
  } finally {
    await browser.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ main
const work = mkdtempSync(join(tmpdir(), 'kindling-consumer-'));
if (!relative(root, work).startsWith('..'))
  throw new Error('the consumer project must be outside the workspace');
try {
  const selected = selectPackages();
  const packDir = join(work, 'tarballs');
  const projectDir = join(work, 'project');
  mkdirSync(packDir);
  mkdirSync(projectDir);
  const tarballs = pack(selected, packDir);
  if (result.failures.length === 0) {
    setupProject(projectDir, tarballs);
    const backends = selected.filter((s) => s.name.startsWith('@kindling/backend-'));
    const devices = backends.map((s) => s.name.slice('@kindling/backend-'.length));
    const nodeDevices = devices.filter((d) => !BROWSER_ONLY.has(d));
    for (const d of devices) if (BROWSER_ONLY.has(d)) log(`note: ${d} is checked in the browser only`);
    for (const name of ['@kindling/backend-wasm', '@kindling/backend-webgpu'])
      if (!selected.some((s) => s.name === name) && !(name in result.skipped))
        log(`note: ${name} does not exist yet; not tested`);
    await nodeCheck(projectDir, nodeDevices);
    typecheck(projectDir);
    try {
      await browserCheck(projectDir, devices);
    } catch (e) {
      fail(`browser check crashed: ${e.stack ?? e}`);
    }
  }
} catch (e) {
  fail(`crashed: ${e.stack ?? e}${e.stderr ? `\n${e.stderr}` : ''}`);
} finally {
  if (keep) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(result, null, 2));
console.log(`CONSUMER_RESULT ${JSON.stringify(result)}`);
log(result.failures.length ? `${result.failures.length} failure(s)` : 'all checks passed');
process.exit(result.failures.length ? 1 : 0);
