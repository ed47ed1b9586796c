// Benchmarks (not tests) of the cpu backend, against the BUILT packages:
//   cd /work/main && npx turbo run build --filter=@kindling/backend-cpu
//   cd packages/backend-cpu && node bench/matmul.mjs        (or: pnpm bench)
// Prints GFLOP/s of float32 matmul (median of several runs after warm-up), with contiguous and
// transposed operands, plus small/skinny shapes, and the per-op overhead of a tiny `add`.
import '@kindling/backend-cpu';
import * as k from '@kindling/core';

const quick = process.argv.includes('--quick');

function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  return s[s.length >> 1];
}

/**
 * Median milliseconds of `fn` over `runs` timed runs after `warm` untimed ones: wall clock, and this
 * process's CPU time (user + system), which is steadier when other processes share the cores.
 */
function time(fn, runs, warm = 2) {
  for (let i = 0; i < warm; i++) fn();
  const wall = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

function rand(shape) {
  return k.randn(shape);
}

function gflops(flops, ms) {
  return (flops / ms / 1e6).toFixed(2);
}

const rows = [];
function report(name, flops, t) {
  rows.push({
    case: name,
    'wall ms': t.wall.toFixed(3),
    'GFLOP/s (wall)': gflops(flops, t.wall),
    'GFLOP/s (cpu time)': gflops(flops, t.cpu),
  });
}

// ---- float32 square matmuls: contiguous, B transposed (x @ W.T), A transposed (X.T @ G)
for (const n of quick ? [128, 512] : [128, 512, 1024]) {
  const runs = n <= 128 ? 50 : n <= 512 ? 9 : 5;
  const a = rand([n, n]);
  const b = rand([n, n]);
  const flops = 2 * n ** 3;
  const bench = (f) => time(() => f().dispose(), runs);
  report(
    `${n}x${n}x${n} contiguous`,
    flops,
    bench(() => a.matmul(b)),
  );
  report(
    `${n}x${n}x${n} b transposed (a @ b.t())`,
    flops,
    bench(() => a.matmul(b.t())),
  );
  report(
    `${n}x${n}x${n} a transposed (a.t() @ b)`,
    flops,
    bench(() => a.t().matmul(b)),
  );
}

// ---- small and skinny shapes
{
  const a = rand([512, 8, 8]);
  const b = rand([512, 8, 8]);
  report(
    'batch 512 of 8x8x8 (bmm)',
    2 * 512 * 512,
    time(() => a.bmm(b).dispose(), 50, 5),
  );
  const c = rand([64, 32, 32]);
  const d = rand([64, 32, 32]);
  report(
    'batch 64 of 32x32x32 (bmm)',
    2 * 64 * 32 ** 3,
    time(() => c.bmm(d).dispose(), 30, 5),
  );
  const v = rand([1, 1024]);
  const w = rand([1024, 1024]);
  report(
    'vector 1x1024 @ 1024x1024',
    2 * 1024 * 1024,
    time(() => v.matmul(w).dispose(), 30, 5),
  );
  report(
    'vector 1x1024 @ (1024x1024).t()',
    2 * 1024 * 1024,
    time(() => v.matmul(w.t()).dispose(), 30, 5),
  );
  const x = rand([64, 784]);
  const W = rand([256, 784]);
  report(
    'linear 64x784 -> 256 (x @ W.t())',
    2 * 64 * 784 * 256,
    time(() => k.linear(x, W).dispose(), 30, 5),
  );
}
console.table(rows);

// ---- per-op overhead: tiny add of two [2]-element float32 tensors (results left to the GC, or
// disposed by a tidy scope every 1000 ops)
function overhead(requiresGrad, iters, scoped) {
  const x = k.tensor([1, 2], { requiresGrad });
  const y = k.tensor([3, 4], { requiresGrad });
  const loop = scoped
    ? () => {
        for (let i = 0; i < iters; i += 1000)
          k.tidy(() => {
            for (let j = 0; j < 1000; j++) x.add(y);
          });
      }
    : () => {
        for (let i = 0; i < iters; i++) x.add(y);
      };
  const t = time(loop, 7, 2);
  return {
    case: `add [2]+[2], ${requiresGrad ? 'requiresGrad (recording)' : 'no grad'}${scoped ? ', inside tidy' : ''}`,
    'µs/op (wall)': ((t.wall * 1000) / iters).toFixed(2),
    'µs/op (cpu time)': ((t.cpu * 1000) / iters).toFixed(2),
  };
}
const iters = quick ? 20_000 : 100_000;
console.table([
  overhead(false, iters, false),
  overhead(true, iters, false),
  overhead(false, iters, true),
  overhead(true, iters, true),
]);
