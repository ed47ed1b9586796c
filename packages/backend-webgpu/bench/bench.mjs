// Benchmarks (not tests) of the webgpu backend, against the BUILT packages:
//   cd /work/main && npx turbo run build --filter=@kindling/backend-webgpu
//   cd packages/backend-webgpu && node bench/bench.mjs [--quick]      (or: pnpm bench)
// Prints the adapter, ops/s of a chain of small elementwise ops (encoding + one read at the end),
// and matmul GFLOP/s (contiguous and transposed operands). In Node it uses Dawn from the `webgpu`
// package; on Linux without a GPU set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json.
// Software adapters (SwiftShader) give figures for regression tracking only, not speed claims.
import { initWebGPU, webgpuBackend, webgpuStats, webgpuSync } from '@kindling/backend-webgpu';
import * as k from '@kindling/core';
import { create } from 'webgpu';

process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
const quick = process.argv.includes('--quick');
// Dawn crashes if the object create() returns is garbage-collected: keep it for the whole run.
const gpuObject = create([]);
globalThis.__kindlingGpuObject = gpuObject;
await initWebGPU({ gpu: gpuObject });

const f = webgpuBackend.features;
console.log(
  `adapter: ${webgpuBackend.adapter}${f.isFallbackAdapter ? ' (fallback/software adapter: regression figures only)' : ''}`,
);

function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  return s[s.length >> 1];
}

async function time(fn, runs, warm = 2) {
  for (let i = 0; i < warm; i++) await fn();
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

// ---- small-op chain: 100 elementwise ops on a [64] tensor, then one read
{
  const x = k.randn([64], { device: 'webgpu' });
  const ops = 100;
  const chain = async () => {
    const out = k.tidy(() => {
      let y = x;
      for (let i = 0; i < ops / 4; i++) y = y.mul(0.5).add(1).relu().sub(0.25);
      return y;
    });
    await out.data();
    out.dispose();
  };
  const ms = await time(chain, quick ? 3 : 10);
  const enc = await time(
    async () => {
      const out = k.tidy(() => {
        let y = x;
        for (let i = 0; i < ops / 4; i++) y = y.mul(0.5).add(1).relu().sub(0.25);
        return y;
      });
      out.dispose();
    },
    quick ? 3 : 10,
  );
  await webgpuSync();
  console.log(
    `small-op chain: ${ops} ops on [64] + 1 read: ${ms.toFixed(2)} ms → ${((ops / ms) * 1000).toFixed(0)} ops/s (encoding only: ${((ops / enc) * 1000).toFixed(0)} ops/s)`,
  );
}

// ---- matmul GFLOP/s
// Software adapters run ~0.1-1 GFLOP/s: keep their sizes small unless --full.
const sizes = quick
  ? [128, 256]
  : f.isFallbackAdapter && !process.argv.includes('--full')
    ? [128, 256, 512]
    : [256, 512, 1024];
for (const n of sizes) {
  const a = k.randn([n, n], { device: 'webgpu' });
  const b = k.randn([n, n], { device: 'webgpu' });
  const reps = n >= 1024 ? 2 : 4;
  for (const [label, run] of [
    ['a @ b', () => a.matmul(b)],
    ['a @ b.T', () => a.matmul(b.transpose(0, 1))],
    ['a.T @ b', () => a.transpose(0, 1).matmul(b)],
  ]) {
    const ms = await time(
      async () => {
        for (let r = 0; r < reps; r++) run().dispose();
        await webgpuSync();
      },
      quick ? 2 : 3,
      1,
    );
    const gflops = (2 * n * n * n * reps) / (ms * 1e6);
    console.log(`matmul ${n}³ ${label}: ${(ms / reps).toFixed(2)} ms → ${gflops.toFixed(2)} GFLOP/s`);
  }
}

const s = webgpuStats();
console.log(
  `stats: ${s.buffersCreated} buffers created, ${s.pipelines} pipelines, ${s.submits} submits, ${s.dispatches} dispatches, ${s.reads} reads`,
);
