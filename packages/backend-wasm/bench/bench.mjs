#!/usr/bin/env node
/**
 * Kindling wasm backend benchmarks (not a test): median of several repetitions.
 *   matmul 1024^3 float32 (1 and 2 threads; contiguous and transposed A), exp over 1M float32,
 *   add 1M, conv2d forward, an MLP train step; side by side with @tensorflow/tfjs-backend-wasm
 *   when it is installed.
 * Run: pnpm --filter @kindling/core build && pnpm --filter @kindling/backend-wasm build &&
 *      node packages/backend-wasm/bench/bench.mjs [--quick]
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import * as k from '@kindling/core';
import { setNumThreads, wasmBackend } from '../dist/index.js';

/**
 * Imports a TensorFlow.js package: from this package's dependencies, else from the workspace's
 * apps/bench (which depends on it), else null.
 */
async function importTfjs(name) {
  try {
    return await import(name);
  } catch {
    const dir = new URL('../../../apps/bench/package.json', import.meta.url);
    if (!existsSync(dir)) return null;
    try {
      return await import(pathToFileURL(createRequire(dir).resolve(name)).href);
    } catch {
      return null;
    }
  }
}

const quick = process.argv.includes('--quick');
const REPS = quick ? 3 : 7;

function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median milliseconds of fn() over REPS runs after warm-up; fn may return a promise. */
async function time(fn, reps = REPS, warm = 2) {
  for (let i = 0; i < warm; i++) await fn();
  const ts = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

/** Runs fn in a tidy scope and disposes its result (a returned tensor would outlive the scope). */
function run(fn) {
  k.tidy(() => {
    fn();
  });
}

const rows = [];
function report(workload, impl, ms, extra = '') {
  rows.push({ workload, impl, ms: Number(ms.toFixed(3)), extra });
  console.log(`${workload.padEnd(34)} ${impl.padEnd(26)} ${ms.toFixed(3).padStart(10)} ms  ${extra}`);
}

await k.initBackend('wasm');
const dev = { device: 'wasm' };
console.log('kindling wasm features:', JSON.stringify(wasmBackend.features));

// ------------------------------------------------------------------ matmul
const n = 1024;
const flops = 2 * n * n * n;
const A = k.randn([n, n], dev);
const B = k.randn([n, n], dev);
const At = k.randn([n, n], dev).t();
for (const threads of [1, 2]) {
  await setNumThreads(threads);
  const ms = await time(() => run(() => k.matmul(A, B)));
  report(
    'matmul 1024^3 f32',
    `kindling ${threads} thread${threads > 1 ? 's' : ''}`,
    ms,
    `${(flops / ms / 1e6).toFixed(1)} GFLOP/s`,
  );
  const mt = await time(() => run(() => k.matmul(At, B)));
  report(
    'matmul 1024^3 f32, A transposed',
    `kindling ${threads} thread${threads > 1 ? 's' : ''}`,
    mt,
    `${(flops / mt / 1e6).toFixed(1)} GFLOP/s`,
  );
}

// ------------------------------------------------------------------ elementwise
const x1m = k.randn([1 << 20], dev);
for (const threads of [1, 2]) {
  await setNumThreads(threads);
  report(
    'exp 1M f32',
    `kindling ${threads} thread${threads > 1 ? 's' : ''}`,
    await time(() => run(() => x1m.exp()), 15, 3),
  );
  report(
    'add 1M f32',
    `kindling ${threads} thread${threads > 1 ? 's' : ''}`,
    await time(() => run(() => x1m.add(x1m)), 15, 3),
  );
}

// ------------------------------------------------------------------ conv2d
const img = k.randn([8, 16, 32, 32], dev);
const w = k.randn([32, 16, 3, 3], dev);
for (const threads of [1, 2]) {
  await setNumThreads(threads);
  report(
    'conv2d 8x16x32x32 -> 32, 3x3 same',
    `kindling ${threads} thread${threads > 1 ? 's' : ''}`,
    await time(() => run(() => k.conv2d(img, w, null, { padding: 1 })), 9, 3),
  );
}

// ------------------------------------------------------------------ MLP train step
const batch = 64;
const xb = k.randn([batch, 784], dev);
const yb = k.randint(0, 10, [batch], { device: 'wasm' });
const W1 = k.randn([784, 256], dev).mul(0.05).requiresGrad_(true);
const b1 = k.zeros([256], dev).requiresGrad_(true);
const W2 = k.randn([256, 10], dev).mul(0.05).requiresGrad_(true);
const b2 = k.zeros([10], dev).requiresGrad_(true);
const params = [W1, b1, W2, b2];
function step() {
  k.tidy(() => {
    const h = xb.matmul(W1).add(b1).relu();
    const logits = h.matmul(W2).add(b2);
    const loss = logits.logSoftmax(1).gather(1, yb.unsqueeze(1)).neg().mean();
    const grads = k.grad([loss], params);
    k.noGrad(() => params.forEach((p, i) => p.sub_(grads[i].mul(0.01))));
  });
}
for (const threads of [1, 2]) {
  await setNumThreads(threads);
  report(
    'MLP step 64x784->256->10 SGD',
    `kindling ${threads} thread${threads > 1 ? 's' : ''}`,
    await time(step, 21, 5),
  );
}

// ------------------------------------------------------------------ TensorFlow.js (wasm backend)
let tf = await importTfjs('@tensorflow/tfjs-core');
if (tf && (await importTfjs('@tensorflow/tfjs-backend-wasm'))) {
  await tf.setBackend('wasm');
  await tf.ready();
  console.log(`\ntfjs ${tf.version_core}, backend ${tf.getBackend()}`);
} else {
  console.log(
    '\n@tensorflow/tfjs-core + @tensorflow/tfjs-backend-wasm not found; skipping the side-by-side.',
  );
  tf = null;
}
if (tf) {
  const ta = tf.randomNormal([n, n]);
  const tb = tf.randomNormal([n, n]);
  // tfjs-wasm runs kernels synchronously on the calling thread: no read-back needed.
  const sync = (t) => t.dispose();
  const ms = await time(() => sync(tf.matMul(ta, tb)));
  report('matmul 1024^3 f32', 'tfjs-wasm', ms, `${(flops / ms / 1e6).toFixed(1)} GFLOP/s`);
  const mt = await time(() => sync(tf.matMul(ta, tb, true, false)));
  report('matmul 1024^3 f32, A transposed', 'tfjs-wasm', mt, `${(flops / mt / 1e6).toFixed(1)} GFLOP/s`);
  const tx = tf.randomNormal([1 << 20]);
  report('exp 1M f32', 'tfjs-wasm', await time(() => sync(tf.exp(tx)), 15, 3));
  report('add 1M f32', 'tfjs-wasm', await time(() => sync(tf.add(tx, tx)), 15, 3));
  const timg = tf.randomNormal([8, 32, 32, 16]);
  const tw = tf.randomNormal([3, 3, 16, 32]);
  report(
    'conv2d 8x16x32x32 -> 32, 3x3 same',
    'tfjs-wasm',
    await time(() => sync(tf.conv2d(timg, tw, 1, 'same')), 9, 3),
  );
  // MLP train step: gradients need the full @tensorflow/tfjs (it registers the gradient functions).
  if (await importTfjs('@tensorflow/tfjs')) {
    const tx = tf.randomNormal([batch, 784]);
    const ty = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: batch }, (_, i) => i % 10),
        'int32',
      ),
      10,
    );
    const tW1 = tf.variable(tf.randomNormal([784, 256]).mul(0.05));
    const tb1 = tf.variable(tf.zeros([256]));
    const tW2 = tf.variable(tf.randomNormal([256, 10]).mul(0.05));
    const tb2 = tf.variable(tf.zeros([10]));
    const tstep = () =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const h = tf.relu(tf.add(tf.matMul(tx, tW1), tb1));
          const logits = tf.add(tf.matMul(h, tW2), tb2);
          return tf.losses.softmaxCrossEntropy(ty, logits);
        });
        for (const v of [tW1, tb1, tW2, tb2]) v.assign(tf.sub(v, tf.mul(grads[v.name], 0.01)));
      });
    report('MLP step 64x784->256->10 SGD', 'tfjs-wasm', await time(tstep, 21, 5));
  }
}

if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
process.exit(0);
