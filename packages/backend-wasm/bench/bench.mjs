#!/usr/bin/env node
/**
 * Kindling wasm backend benchmarks (not a test): median of several repetitions.
 *   matmul 1024^3 float32 (1 and 2 threads; contiguous and transposed A), exp over 1M float32,
 *   add 1M, conv2d forward (with and without bias), an MLP train step; side by side with
 *   @tensorflow/tfjs-backend-wasm when it is installed, in interleaved rounds (see `workload`).
 *   Add --experimental-wasm-relaxed-simd to node's flags to measure the relaxed-SIMD build.
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
const ROUNDS = quick ? 3 : 9;

function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Milliseconds of one call of fn, the median of `iters` calls (fn may return a promise). */
async function sample(fn, iters) {
  const ts = [];
  for (let i = 0; i < iters; i++) {
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

await k.initBackend('wasm');
const dev = { device: 'wasm' };
console.log('kindling wasm features:', JSON.stringify(wasmBackend.features));

let tf = await importTfjs('@tensorflow/tfjs-core');
if (tf && (await importTfjs('@tensorflow/tfjs-backend-wasm'))) {
  await tf.setBackend('wasm');
  await tf.ready();
  console.log(`tfjs ${tf.version_core}, backend ${tf.getBackend()}`);
} else {
  console.log('@tensorflow/tfjs-core + @tensorflow/tfjs-backend-wasm not found; no side-by-side.');
  tf = null;
}
const tfTrain = tf ? await importTfjs('@tensorflow/tfjs') : null;
// tfjs-wasm runs kernels synchronously on the calling thread: no read-back needed.
const sync = (t) => t.dispose();

/**
 * One workload: every implementation (Kindling 1 thread, 2 threads, tfjs-wasm) is warmed up, then
 * timed in ROUNDS interleaved rounds (each round: `iters` calls per implementation, median), so
 * load from other jobs on the machine hits all of them alike. Reports the median over rounds and
 * the median of the per-round speed ratios against tfjs-wasm.
 */
const rows = [];
async function workload(name, impls, { iters = 5, warm = 2, flops = 0 } = {}) {
  const list = Object.entries(impls).filter(([, f]) => f);
  for (const [label, f] of list) {
    if (label.startsWith('kindling')) await setNumThreads(Number(label.split(' ')[1]));
    for (let i = 0; i < warm; i++) await f();
  }
  const per = Object.fromEntries(list.map(([l]) => [l, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [label, f] of list) {
      if (label.startsWith('kindling')) await setNumThreads(Number(label.split(' ')[1]));
      per[label].push(await sample(f, iters));
    }
  }
  const peer = per['tfjs-wasm'];
  for (const [label] of list) {
    const ms = median(per[label]);
    const ratio = peer && label !== 'tfjs-wasm' ? median(per[label].map((t, r) => peer[r] / t)) : null;
    const gf = flops ? `${(flops / ms / 1e6).toFixed(1)} GFLOP/s` : '';
    rows.push({
      workload: name,
      impl: label,
      ms: Number(ms.toFixed(3)),
      gflops: flops ? Number((flops / ms / 1e6).toFixed(1)) : undefined,
      vsTfjs: ratio === null ? undefined : Number(ratio.toFixed(2)),
    });
    console.log(
      `${name.padEnd(36)} ${label.padEnd(20)} ${ms.toFixed(3).padStart(9)} ms  ${gf.padEnd(16)} ${ratio === null ? '' : `${ratio.toFixed(2)}x tfjs-wasm`}`,
    );
  }
}

const kin = (f) => ({ 'kindling 1 thread': f, 'kindling 2 threads': f });

// ------------------------------------------------------------------ matmul
const n = 1024;
const flops = 2 * n * n * n;
const A = k.randn([n, n], dev);
const B = k.randn([n, n], dev);
const At = k.randn([n, n], dev).t();
const ta = tf?.randomNormal([n, n]);
const tb = tf?.randomNormal([n, n]);
await workload(
  'matmul 1024^3 f32',
  { ...kin(() => run(() => k.matmul(A, B))), 'tfjs-wasm': tf && (() => sync(tf.matMul(ta, tb))) },
  { iters: 1, flops },
);
if (!quick)
  await workload(
    'matmul 1024^3 f32, A transposed',
    // tfjs-wasm's transposed product runs at well under 1 GFLOP/s: timed once per round.
    {
      ...kin(() => run(() => k.matmul(At, B))),
      'tfjs-wasm': tf && (() => sync(tf.matMul(ta, tb, true, false))),
    },
    { iters: 1, warm: 1, flops },
  );

// ------------------------------------------------------------------ elementwise
const x1m = k.randn([1 << 20], dev);
const tx = tf?.randomNormal([1 << 20]);
await workload(
  'exp 1M f32',
  { ...kin(() => run(() => x1m.exp())), 'tfjs-wasm': tf && (() => sync(tf.exp(tx))) },
  { iters: 9 },
);
await workload(
  'add 1M f32',
  { ...kin(() => run(() => x1m.add(x1m))), 'tfjs-wasm': tf && (() => sync(tf.add(tx, tx))) },
  { iters: 9 },
);

// ------------------------------------------------------------------ conv2d
const img = k.randn([8, 16, 32, 32], dev);
const w = k.randn([32, 16, 3, 3], dev);
const bias = k.randn([32], dev);
const timg = tf?.randomNormal([8, 32, 32, 16]);
const tw = tf?.randomNormal([3, 3, 16, 32]);
const tbias = tf?.randomNormal([32]);
await workload(
  'conv2d 8x16x32x32 -> 32, 3x3 same',
  {
    ...kin(() => run(() => k.conv2d(img, w, null, { padding: 1 }))),
    'tfjs-wasm': tf && (() => sync(tf.conv2d(timg, tw, 1, 'same'))),
  },
  { iters: 5, warm: 3 },
);
await workload(
  'conv2d + bias (tfjs: fused)',
  {
    ...kin(() => run(() => k.conv2d(img, w, bias, { padding: 1 }))),
    'tfjs-wasm':
      tf && (() => sync(tf.fused.conv2d({ x: timg, filter: tw, strides: 1, pad: 'same', bias: tbias }))),
  },
  { iters: 5, warm: 3 },
);

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
let tstep = null;
if (tf && tfTrain) {
  // MLP train step: gradients need the full @tensorflow/tfjs (it registers the gradient functions).
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
  tstep = () =>
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => {
        const h = tf.relu(tf.add(tf.matMul(tx, tW1), tb1));
        const logits = tf.add(tf.matMul(h, tW2), tb2);
        return tf.losses.softmaxCrossEntropy(ty, logits);
      });
      for (const v of [tW1, tb1, tW2, tb2]) v.assign(tf.sub(v, tf.mul(grads[v.name], 0.01)));
    });
}
await workload('MLP step 64x784->256->10 SGD', { ...kin(step), 'tfjs-wasm': tstep }, { iters: 9, warm: 10 });

const load = (await import('node:os')).loadavg();
console.log(
  `\n1-minute load average at the end: ${load[0].toFixed(2)} (${(await import('node:os')).availableParallelism()} cores)`,
);
if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
process.exit(0);
