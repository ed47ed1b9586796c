/**
 * The workloads, their sizes and the deterministic inputs every engine shares. Browser-safe.
 */
import type { WorkloadDef } from './types.js';

const gflops = (flops: number) => (ms: number) => flops / ms / 1e6;
const gbps = (bytes: number) => (ms: number) => bytes / ms / 1e6;
const ms = (x: number) => x;

function matmul(n: number, quick: boolean): WorkloadDef {
  return {
    id: `matmul-${n}`,
    group: 'matmul',
    title: `matmul ${n}³`,
    unit: 'GFLOP/s',
    higherIsBetter: true,
    params: { n },
    metric: gflops(2 * n ** 3),
    repeat: n >= 1024 ? 5 : 9,
    warmup: n >= 1024 ? 1 : 2,
    minSampleMs: 20,
    rtol: 1e-3,
    atol: 1e-3,
    quick,
  };
}

/** Every workload, in report order. */
export const WORKLOADS: WorkloadDef[] = [
  matmul(128, true),
  matmul(512, true),
  matmul(1024, false),
  {
    id: 'mlp-train-step',
    group: 'mlp',
    title: 'MLP train step 64×784→256→ReLU→10, CE + SGD',
    unit: 'ms',
    higherIsBetter: false,
    params: { batch: 64, input: 784, hidden: 256, classes: 10 },
    metric: ms,
    repeat: 15,
    warmup: 3,
    minSampleMs: 0,
    rtol: 1e-3,
    atol: 1e-4,
    quick: true,
  },
  {
    id: 'conv2d-fwd',
    group: 'conv2d',
    title: 'conv2d fwd 8×16×32×32, 32 out, 3×3, same',
    unit: 'ms',
    higherIsBetter: false,
    params: { batch: 8, cin: 16, cout: 32, size: 32, kernel: 3 },
    metric: ms,
    repeat: 9,
    warmup: 2,
    minSampleMs: 10,
    rtol: 1e-3,
    atol: 1e-3,
    quick: true,
  },
  {
    id: 'add-1m',
    group: 'add',
    title: 'add, 1M f32',
    unit: 'GB/s',
    higherIsBetter: true,
    params: { n: 1 << 20 },
    // two inputs read, one output written
    metric: gbps(3 * 4 * (1 << 20)),
    repeat: 9,
    warmup: 3,
    minSampleMs: 10,
    rtol: 1e-6,
    atol: 1e-6,
    quick: true,
  },
  {
    id: 'exp-1m',
    group: 'exp',
    title: 'exp, 1M f32',
    unit: 'GB/s',
    higherIsBetter: true,
    params: { n: 1 << 20 },
    metric: gbps(2 * 4 * (1 << 20)),
    repeat: 9,
    warmup: 3,
    minSampleMs: 10,
    rtol: 1e-5,
    atol: 1e-6,
    quick: true,
  },
  {
    id: 'rnn-dynamic-step',
    group: 'rnn',
    title: 'DynamicRNN step (B 32, in 32, hidden 128, len 5..50, packed, fwd+bwd)',
    unit: 'ms',
    higherIsBetter: false,
    params: { batch: 32, input: 32, hidden: 128, minLen: 5, maxLen: 50, output: 10 },
    metric: ms,
    repeat: 9,
    warmup: 2,
    minSampleMs: 0,
    rtol: 2e-3,
    atol: 1e-4,
    quick: true,
  },
  {
    id: 'tiny-op',
    group: 'tinyop',
    title: 'tiny-op overhead (chain of 200 adds on 4 elements, autograd on)',
    unit: 'µs/op',
    higherIsBetter: false,
    params: { chain: 200, size: 4 },
    metric: (t) => (t * 1000) / 200,
    repeat: 9,
    warmup: 5,
    minSampleMs: 20,
    rtol: 1e-5,
    atol: 1e-5,
    quick: true,
  },
  {
    id: 'mnist-mlp-epoch',
    group: 'mnist',
    title: 'MNIST MLP epoch (10,000 digits, batch 64, SGD)',
    unit: 's',
    higherIsBetter: false,
    params: { samples: 10000, batch: 64, hidden: 256, checkSamples: 256 },
    metric: (t) => t / 1000,
    repeat: 3,
    warmup: 0,
    minSampleMs: 0,
    rtol: 1e-3,
    atol: 1e-4,
    quick: true,
  },
];

/**
 * Quick mode (CI smoke test): two samples, no warm-up beyond the check, shorter RNN sequences and a
 * 640-digit MNIST subset. No speed claims are made from it.
 */
export function quickVariant(w: WorkloadDef): WorkloadDef {
  const q: WorkloadDef = { ...w, repeat: 2, warmup: 0, minSampleMs: 0 };
  if (w.group === 'mnist') {
    q.params = { ...w.params, samples: 640 };
    q.title = w.title.replace('10,000 digits', '640 digits');
  }
  if (w.group === 'rnn') {
    q.params = { ...w.params, maxLen: 20 };
    q.title = w.title.replace('len 5..50', 'len 5..20');
  }
  return q;
}

/** Selects workloads by `--filter` (substrings of ids, groups or titles) and quick mode. */
export function selectWorkloads(filter: string[], quick: boolean, repeat: number | null): WorkloadDef[] {
  const f = filter.map((s) => s.toLowerCase()).filter(Boolean);
  return WORKLOADS.filter((w) => !quick || w.quick)
    .filter(
      (w) =>
        f.length === 0 ||
        f.some((s) => w.id.includes(s) || w.group.includes(s) || w.title.toLowerCase().includes(s)),
    )
    .map((w) => (quick ? quickVariant(w) : w))
    .map((w) => (repeat ? { ...w, repeat } : w));
}

/** mulberry32: a tiny seeded generator, so every engine gets identical inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const cache = new Map<string, Float32Array>();

/** Uniform values in [lo, hi), cached by (seed, n, lo, hi). */
export function uniform(seed: number, n: number, lo = -1, hi = 1): Float32Array {
  const key = `${seed}:${n}:${lo}:${hi}`;
  let a = cache.get(key);
  if (!a) {
    const r = rng(seed);
    a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
    cache.set(key, a);
  }
  return a;
}

/** Integer class labels in [0, classes). */
export function labels(seed: number, n: number, classes: number): Int32Array {
  const r = rng(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * classes);
  return out;
}

/** Transposes a row-major [rows, cols] matrix. */
export function transpose2d(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

/** Linear layer weights [out, in] and bias [out] like PyTorch's default init bounds. */
export function linearInit(seed: number, inF: number, outF: number): { w: Float32Array; b: Float32Array } {
  const bound = 1 / Math.sqrt(inF);
  return { w: uniform(seed, outF * inF, -bound, bound), b: uniform(seed + 1, outF, -bound, bound) };
}

/** The RNN workload's sequence lengths: spread over [minLen, maxLen], shuffled, fixed. */
export function rnnLengths(batch: number, minLen: number, maxLen: number): number[] {
  const r = rng(7);
  const out: number[] = [];
  for (let i = 0; i < batch; i++)
    out.push(Math.round(minLen + ((maxLen - minLen) * i) / Math.max(1, batch - 1)));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** A fixed permutation of [0, n), the epoch's shuffle shared by every engine. */
export function permutation(n: number, seed: number): Int32Array {
  const r = rng(seed);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** Gathers rows of a [n, cols] matrix in the order `idx` (the first `count`). */
export function gatherRows(
  src: Float32Array,
  cols: number,
  idx: ArrayLike<number>,
  count = idx.length,
): Float32Array {
  const out = new Float32Array(count * cols);
  for (let i = 0; i < count; i++) out.set(src.subarray(idx[i] * cols, idx[i] * cols + cols), i * cols);
  return out;
}

/**
 * The MNIST epoch's batches: a fixed shuffle of the digits, cut into batches of `batch` rows.
 * Both Kindling and the peers get them as separate tensors made before timing (an in-memory
 * data set), so the epoch measures training, not how each library slices a big tensor
 * (tfjs-wasm's slice of a 10,000-row tensor costs more than the training step itself).
 */
export function mnistBatches(
  data: { images: Float32Array; labels: Int32Array; n: number },
  samples: number,
  batch: number,
): Array<{ x: Float32Array; y: Int32Array; rows: number }> {
  const perm = permutation(data.n, 99);
  const n = Math.min(samples, data.n);
  const out: Array<{ x: Float32Array; y: Int32Array; rows: number }> = [];
  for (let i = 0; i < n; i += batch) {
    const idx = perm.subarray(i, Math.min(n, i + batch));
    out.push({
      x: gatherRows(data.images, 784, idx),
      y: Int32Array.from(idx, (j) => data.labels[j]),
      rows: idx.length,
    });
  }
  return out;
}

/** Learning rate shared by the training workloads. */
export const LR = 0.05;
