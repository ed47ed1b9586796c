import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { gradcheck } from '@kindling/core/testing';
import { describe, expect, it, vi } from 'vitest';
import * as F from '../src/functional/loss.js';
import * as L from '../src/loss.js';

const f64 = (v: k.NestedArray<number>, requiresGrad = false) =>
  k.tensor(v as number[], { dtype: 'float64', requiresGrad });
const i32 = (v: k.NestedArray<number>) => k.tensor(v as number[], { dtype: 'int32' });
const vals = (t: k.Tensor) => Array.from(t.dataSync());

function close(actual: k.Tensor | number, expected: number | number[], tol = 1e-12): void {
  const a = typeof actual === 'number' ? [actual] : vals(actual);
  const e = typeof expected === 'number' ? [expected] : expected;
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => {
    if (Number.isNaN(e[i])) expect(Number.isNaN(v)).toBe(true);
    else if (!(Math.abs(v - e[i]) <= tol * Math.max(1, Math.abs(e[i]))))
      throw new Error(`element ${i}: got ${v}, expected ${e[i]} (all: ${a.join(', ')})`);
  });
}

const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
const mean = (a: number[]) => sum(a) / a.length;

describe('regression losses', () => {
  const x = [1, 2, 3, -1];
  const y = [1.5, 2, 5, -3.25];
  const d = x.map((v, i) => v - y[i]);

  it('mseLoss / l1Loss with every reduction', () => {
    const sq = d.map((v) => v * v);
    close(F.mseLoss(f64(x), f64(y)), mean(sq));
    close(F.mseLoss(f64(x), f64(y), { reduction: 'sum' }), sum(sq));
    close(F.mseLoss(f64(x), f64(y), { reduction: 'none' }), sq);
    const ab = d.map(Math.abs);
    close(F.l1Loss(f64(x), f64(y)), mean(ab));
    close(F.l1Loss(f64(x), f64(y), { reduction: 'sum' }), sum(ab));
    expect(() => F.mseLoss(f64(x), f64(y), { reduction: 'avg' as 'mean' })).toThrow(
      'avg is not a valid value for reduction',
    );
  });

  it('smoothL1Loss and huberLoss follow their piecewise definitions', () => {
    const smooth = (beta: number) =>
      d.map((v) => {
        const z = Math.abs(v);
        return z < beta ? (0.5 * z * z) / beta : z - 0.5 * beta;
      });
    const huber = (delta: number) =>
      d.map((v) => {
        const z = Math.abs(v);
        return z < delta ? 0.5 * z * z : delta * (z - 0.5 * delta);
      });
    close(F.smoothL1Loss(f64(x), f64(y), { reduction: 'none' }), smooth(1));
    close(F.smoothL1Loss(f64(x), f64(y), { beta: 0.5, reduction: 'none' }), smooth(0.5));
    close(F.smoothL1Loss(f64(x), f64(y), { beta: 3 }), mean(smooth(3)));
    close(F.smoothL1Loss(f64(x), f64(y), { beta: 0 }), mean(d.map(Math.abs)));
    close(F.huberLoss(f64(x), f64(y), { reduction: 'none' }), huber(1));
    close(F.huberLoss(f64(x), f64(y), { delta: 2, reduction: 'sum' }), sum(huber(2)));
    // Hand values: z = 0.5, 0, 2, 2.25 with beta = delta = 1
    close(F.huberLoss(f64(x), f64(y), { reduction: 'none' }), [0.125, 0, 1.5, 1.75]);
    expect(() => F.smoothL1Loss(f64(x), f64(y), { beta: -1 })).toThrow(
      'smooth_l1_loss does not support negative values for beta.',
    );
    expect(() => F.huberLoss(f64(x), f64(y), { delta: 0 })).toThrow(
      'huber_loss does not support non-positive values for delta.',
    );
  });

  it('warns (like PyTorch) when target and input sizes differ, then broadcasts', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const out = F.mseLoss(f64([[1], [2]]), f64([1, 2, 3]));
    expect(out.shape).toEqual([]);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('Using a target size ([3]) that is different to the input size ([2, 1])'),
    );
    warn.mockRestore();
  });

  it('gradcheck (float64)', () => {
    const a = f64([0.3, -1.2, 2.5, 0.9, -0.4, 1.7], true);
    const b = f64([0.1, -1.0, 0.5, 1.9, 0.4, 1.65], true);
    gradcheck((p, q) => F.mseLoss(p, q), [a, b]);
    gradcheck((p, q) => F.l1Loss(p, q, { reduction: 'sum' }), [a, b]);
    gradcheck((p, q) => F.smoothL1Loss(p, q, { reduction: 'none', beta: 0.7 }), [a, b]);
    gradcheck((p, q) => F.huberLoss(p, q, { delta: 0.6 }), [a, b]);
  });
});

// ---------------------------------------------------------------- classification references

function logSoftmax(row: number[]): number[] {
  const m = Math.max(...row);
  const lse = m + Math.log(sum(row.map((v) => Math.exp(v - m))));
  return row.map((v) => v - lse);
}

interface CERef {
  weight?: number[];
  ignoreIndex?: number;
  labelSmoothing?: number;
  reduction?: 'none' | 'mean' | 'sum';
}

/** PyTorch's cross_entropy (class indices) on rows [M][C] and targets [M]. */
function refCrossEntropy(rows: number[][], target: number[], o: CERef = {}): number | number[] {
  const C = rows[0].length;
  const w = o.weight ?? new Array(C).fill(1);
  const ign = o.ignoreIndex ?? -100;
  const ls = o.labelSmoothing ?? 0;
  const red = o.reduction ?? 'mean';
  const nll: number[] = [];
  const smooth: number[] = [];
  const wt: number[] = [];
  rows.forEach((r, j) => {
    const lp = logSoftmax(r);
    const t = target[j];
    if (t === ign) {
      nll.push(0);
      smooth.push(0);
      wt.push(0);
      return;
    }
    nll.push(-w[t] * lp[t]);
    smooth.push(-sum(lp.map((v, c) => v * (o.weight ? w[c] : 1))));
    wt.push(w[t]);
  });
  const reduce = (a: number[]) => (red === 'sum' ? sum(a) : sum(a) / sum(wt));
  if (red === 'none') return nll.map((v, j) => (1 - ls) * v + (ls / C) * smooth[j]);
  return (1 - ls) * reduce(nll) + (ls / C) * reduce(smooth);
}

/** Cross entropy with class-probability targets (rows [M][C]). */
function refCrossEntropyProbs(rows: number[][], probs: number[][], o: CERef = {}): number | number[] {
  const C = rows[0].length;
  const ls = o.labelSmoothing ?? 0;
  const w = o.weight ?? new Array(C).fill(1);
  const per = rows.map((r, j) => {
    const lp = logSoftmax(r);
    return -sum(lp.map((v, c) => v * (probs[j][c] * (1 - ls) + ls / C) * w[c]));
  });
  if (o.reduction === 'none') return per;
  if (o.reduction === 'sum') return sum(per);
  return sum(per) / rows.length;
}

const X = [
  [1.0, 2.0, 0.5, -1.0],
  [0.3, -0.2, 2.2, 1.1],
  [-1.5, 0.0, 0.7, 3.0],
  [2.5, 2.4, -0.3, 0.1],
  [0.0, 0.0, 0.0, 0.0],
];
const T = [1, 2, 3, 0, 2];
const W = [0.5, 2.0, 1.0, 0.25];

describe('crossEntropy / nllLoss with class indices', () => {
  it('hand-computed value: logits [1, 2, 3], class 2', () => {
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    close(F.crossEntropy(f64([[1, 2, 3]]), i32([2])), lse - 3);
    close(F.crossEntropy(f64([1, 2, 3]), i32(2)), lse - 3);
    // known value: 0.40760596444438
    close(F.crossEntropy(f64([[1, 2, 3]]), i32([2])), 0.40760596444438, 1e-13);
  });

  for (const o of [
    {},
    { reduction: 'sum' as const },
    { reduction: 'none' as const },
    { weight: W },
    { weight: W, reduction: 'sum' as const },
    { weight: W, reduction: 'none' as const },
    { ignoreIndex: 2 },
    { ignoreIndex: 2, weight: W },
    { labelSmoothing: 0.1 },
    { labelSmoothing: 0.2, weight: W },
    { labelSmoothing: 0.2, weight: W, ignoreIndex: 3 },
    { labelSmoothing: 0.3, ignoreIndex: 2, reduction: 'none' as const },
    { labelSmoothing: 0.3, ignoreIndex: 2, reduction: 'sum' as const },
  ])
    it(`matches PyTorch's formula for ${JSON.stringify(o)}`, () => {
      const opts = { ...o, weight: o.weight ? f64(o.weight) : undefined };
      close(F.crossEntropy(f64(X), i32(T), opts), refCrossEntropy(X, T, o));
      gradcheck((x) => F.crossEntropy(x, i32(T), opts), [f64(X, true)]);
      if (!o.labelSmoothing) {
        const logp = X.map(logSoftmax);
        close(F.nllLoss(f64(logp), i32(T), opts), refCrossEntropy(X, T, o));
      }
    });

  it('handles [N, C, d1, d2] inputs like the flattened [N·d1·d2, C] case', () => {
    const x = k.randn([2, 3, 2, 2], { dtype: 'float64', generator: new k.Generator(5) });
    const t = i32([
      [
        [0, 2],
        [1, 1],
      ],
      [
        [2, 0],
        [0, -100],
      ],
    ]);
    const rows = x.permute(0, 2, 3, 1).reshape(-1, 3).tolist() as number[][];
    const tt = (t.tolist() as number[][][]).flat(2);
    for (const o of [{}, { weight: [1, 2, 3] }, { labelSmoothing: 0.25 }]) {
      const opts = { ...o, weight: o.weight ? f64(o.weight) : undefined };
      close(F.crossEntropy(x, t, opts), refCrossEntropy(rows, tt, o));
    }
    const none = F.crossEntropy(x, t, { reduction: 'none' });
    expect(none.shape).toEqual([2, 2, 2]);
    close(none, refCrossEntropy(rows, tt, { reduction: 'none' }) as number[]);
    gradcheck(
      (xx) => F.crossEntropy(xx, t, { weight: f64([1, 2, 3]), labelSmoothing: 0.1 }),
      [x.detach().requiresGrad_(true)],
    );
  });

  it('mean over only ignored targets is NaN, like PyTorch', () => {
    close(F.crossEntropy(f64([[1, 2]]), i32([-100])), Number.NaN);
    close(F.crossEntropy(f64([[1, 2]]), i32([-100]), { reduction: 'sum' }), 0);
    expect(vals(F.crossEntropy(f64([[1, 2]]), i32([-100]), { reduction: 'none' }))).toEqual([0]);
  });

  it('is numerically stable for huge logits (log-sum-exp)', () => {
    const x = k.tensor([[1000, 0, -1000]]);
    close(F.crossEntropy(x, i32([0])), 0);
    close(F.crossEntropy(x, i32([1])), 1000, 1e-6);
    const xg = k.tensor([[1000, 0, -1000]], { requiresGrad: true });
    F.crossEntropy(xg, i32([1])).backward();
    expect(vals(xg.grad!).every(Number.isFinite)).toBe(true);
  });

  it('raises PyTorch errors for bad shapes, dtypes and out-of-range targets', () => {
    expect(() => F.crossEntropy(f64(X), i32([1, 2]))).toThrow(
      'Expected input batch_size (5) to match target batch_size (2).',
    );
    expect(() => F.crossEntropy(k.zeros([2, 3, 4]), i32([[0, 1, 2, 0]]))).toThrow(
      'Expected input batch_size (2) to match target batch_size (1).',
    );
    expect(() =>
      F.crossEntropy(
        k.zeros([2, 3, 4]),
        i32([
          [0, 1, 2],
          [0, 1, 2],
        ]),
      ),
    ).toThrow('Expected target size [2, 4], got [2, 3]');
    expect(() => F.crossEntropy(f64(X), i32([1, 2, 3, 4, 0]))).toThrow('Target 4 is out of bounds.');
    expect(() => F.crossEntropy(f64(X), i32([1, 2, 3, -1, 0]))).toThrow('Target -1 is out of bounds.');
    expect(() => F.crossEntropy(f64(X), f64(T))).toThrow(/expected target of dtype int32/);
    expect(() => F.crossEntropy(f64(X), i32(T), { weight: f64([1, 2]) })).toThrow(
      'weight tensor should be defined either for all 4 classes or no classes but got weight tensor of shape: [2]',
    );
    expect(() => F.crossEntropy(f64(X), i32(T), { labelSmoothing: 1.5 })).toThrow(
      'label_smoothing must be between 0.0 and 1.0. Got: 1.5',
    );
    expect(() => F.crossEntropy(k.tensor(1), i32(0))).toThrow('Expected 1 or more dimensions (got 0)');
    expect(() => F.nllLoss(f64(X), i32([[1], [2], [3], [0], [2]]))).toThrow(
      '0D or 1D target tensor expected, multi-target not supported',
    );
  });
});

describe('crossEntropy with class probabilities', () => {
  const P = X.map((r) => {
    const e = r.map((v) => Math.exp(v / 2));
    return e.map((v) => v / sum(e));
  });
  for (const o of [
    {},
    { reduction: 'sum' as const },
    { reduction: 'none' as const },
    { weight: W },
    { labelSmoothing: 0.2 },
    { labelSmoothing: 0.2, weight: W, reduction: 'none' as const },
  ])
    it(`matches PyTorch's formula for ${JSON.stringify(o)}`, () => {
      const opts = { ...o, weight: o.weight ? f64(o.weight) : undefined };
      close(F.crossEntropy(f64(X), f64(P), opts), refCrossEntropyProbs(X, P, o));
      gradcheck((x, p) => F.crossEntropy(x, p, opts), [f64(X, true), f64(P, true)]);
    });

  it('rejects integer probabilities and ignoreIndex >= 0', () => {
    expect(() => F.crossEntropy(f64([[1, 2]]), i32([[0, 1]]))).toThrow(
      'Expected floating point type for target with class probabilities, got int32',
    );
    expect(() => F.crossEntropy(f64([[1, 2]]), f64([[0, 1]]), { ignoreIndex: 1 })).toThrow(
      'ignore_index is not supported for floating point target',
    );
  });

  it('equals the class-index loss for one-hot targets', () => {
    const oneHot = T.map((t) => [0, 1, 2, 3].map((c) => (c === t ? 1 : 0)));
    close(F.crossEntropy(f64(X), f64(oneHot)), F.crossEntropy(f64(X), i32(T)).item());
  });
});

describe('binary cross entropy', () => {
  const p = [0.1, 0.5, 0.9, 0.3];
  const t = [0, 1, 1, 0.25];
  const w = [1, 2, 0.5, 1];
  const ref = (xs: number[], ts: number[], ws?: number[]) =>
    xs.map(
      (x, i) =>
        -(ws ? ws[i] : 1) *
        (ts[i] * Math.max(Math.log(x), -100) + (1 - ts[i]) * Math.max(Math.log1p(-x), -100)),
    );

  it('binaryCrossEntropy matches the definition, with weight and reductions', () => {
    close(F.binaryCrossEntropy(f64(p), f64(t), { reduction: 'none' }), ref(p, t));
    close(F.binaryCrossEntropy(f64(p), f64(t)), mean(ref(p, t)));
    close(F.binaryCrossEntropy(f64(p), f64(t), { weight: f64(w), reduction: 'sum' }), sum(ref(p, t, w)));
    // Hand value: -log(0.5)
    close(F.binaryCrossEntropy(f64([0.5]), f64([1])), Math.LN2, 1e-15);
    gradcheck((x, y) => F.binaryCrossEntropy(x, y, { weight: f64(w) }), [f64(p, true), f64(t, true)]);
  });

  it('clamps the logs at -100 (finite loss, zero gradient, no NaN) at 0 and 1', () => {
    const x = f64([0, 1, 0, 1], true);
    const loss = F.binaryCrossEntropy(x, f64([1, 0, 0, 1]), { reduction: 'none' });
    close(loss, [100, 100, 0, 0]);
    loss.sum().backward();
    expect(vals(x.grad!).every(Number.isFinite)).toBe(true);
  });

  it('rejects mismatched sizes and inputs outside [0, 1]', () => {
    expect(() => F.binaryCrossEntropy(f64([0.5, 0.5]), f64([[1, 0]]))).toThrow(
      'Using a target size ([1, 2]) that is different to the input size ([2]) is deprecated. Please ensure they have the same size.',
    );
    expect(() => F.binaryCrossEntropy(f64([1.5]), f64([1]))).toThrow(
      'all elements of input should be between 0 and 1',
    );
  });

  it('binaryCrossEntropyWithLogits equals sigmoid + BCE, with posWeight, stably', () => {
    const x = [-2, 0.5, 3, -0.1];
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const pw = [1, 3, 0.5, 2];
    const refL = x.map((v, i) => -(pw[i] * t[i] * Math.log(sig(v)) + (1 - t[i]) * Math.log(1 - sig(v))));
    close(F.binaryCrossEntropyWithLogits(f64(x), f64(t), { reduction: 'none' }), ref(x.map(sig), t), 1e-12);
    close(
      F.binaryCrossEntropyWithLogits(f64(x), f64(t), { posWeight: f64(pw), reduction: 'none' }),
      refL,
      1e-12,
    );
    close(
      F.binaryCrossEntropyWithLogits(f64(x), f64(t), { posWeight: f64(pw), weight: f64(w) }),
      mean(refL.map((v, i) => v * w[i])),
    );
    // posWeight broadcasts over the class (last) dim of [N, C]
    const x2 = f64([
      [1, -1],
      [0.5, 2],
    ]);
    const t2 = f64([
      [1, 0],
      [1, 1],
    ]);
    const l2 = F.binaryCrossEntropyWithLogits(x2, t2, { posWeight: f64([2, 3]), reduction: 'none' });
    close(l2, [
      2 * Math.log1p(Math.exp(-1)),
      Math.log1p(Math.exp(-1)),
      2 * Math.log1p(Math.exp(-0.5)),
      3 * Math.log1p(Math.exp(-2)),
    ]);
    // Huge logits: finite and exact
    close(
      F.binaryCrossEntropyWithLogits(k.tensor([100, -100, 100]), k.tensor([0, 1, 1]), { reduction: 'none' }),
      [100, 100, 0],
    );
    gradcheck(
      (a, b) => F.binaryCrossEntropyWithLogits(a, b, { posWeight: f64(pw), weight: f64(w) }),
      [f64(x, true), f64(t, true)],
    );
    expect(() => F.binaryCrossEntropyWithLogits(f64([1, 2]), f64([1]))).toThrow(
      'Target size ([1]) must be the same as input size ([2])',
    );
  });
});

describe('klDiv', () => {
  const logq = [
    [Math.log(0.2), Math.log(0.3), Math.log(0.5)],
    [Math.log(0.6), Math.log(0.3), Math.log(0.1)],
  ];
  const pt = [
    [0.1, 0.0, 0.9],
    [0.5, 0.25, 0.25],
  ];
  const pointwise = pt.flatMap((r, i) => r.map((v, j) => (v === 0 ? 0 : v * (Math.log(v) - logq[i][j]))));

  it('matches the definition for every reduction, 0·log 0 = 0', () => {
    close(F.klDiv(f64(logq), f64(pt), { reduction: 'none' }), pointwise);
    close(F.klDiv(f64(logq), f64(pt)), mean(pointwise));
    close(F.klDiv(f64(logq), f64(pt), { reduction: 'sum' }), sum(pointwise));
    close(F.klDiv(f64(logq), f64(pt), { reduction: 'batchmean' }), sum(pointwise) / 2);
    const logp = pt.map((r) => r.map((v) => (v === 0 ? -1e9 : Math.log(v))));
    close(F.klDiv(f64(logq), f64(logp), { reduction: 'batchmean', logTarget: true }), sum(pointwise) / 2);
    // Hand value: KL([0.5, 0.5] || [0.25, 0.75]) = 0.5 ln 2 + 0.5 ln(2/3)
    close(
      F.klDiv(f64([Math.log(0.25), Math.log(0.75)]), f64([0.5, 0.5]), { reduction: 'sum' }),
      0.5 * Math.log(2) + 0.5 * Math.log(2 / 3),
    );
    expect(() => F.klDiv(f64(logq), f64(pt), { reduction: 'bogus' as 'sum' })).toThrow(
      'bogus is not a valid value for reduction',
    );
  });

  it('gradcheck (float64), including the target', () => {
    const pt2 = [
      [0.1, 0.2, 0.7],
      [0.5, 0.25, 0.25],
    ];
    gradcheck((a, b) => F.klDiv(a, b, { reduction: 'batchmean' }), [f64(logq, true), f64(pt2, true)]);
    gradcheck(
      (a, b) => F.klDiv(a, b, { logTarget: true }),
      [f64(logq, true), f64(logq.slice().reverse(), true)],
    );
    const a = f64(logq, true);
    F.klDiv(a, f64(pt), { reduction: 'sum' }).backward();
    close(
      a.grad!,
      pt.flat().map((v) => -v),
    );
  });
});

describe('cosineEmbeddingLoss', () => {
  const a = [
    [1, 2, 3],
    [0.5, -1, 2],
    [3, 0, -1],
  ];
  const b = [
    [1, 2, 3.5],
    [2, 1, 0],
    [-1, 0.5, 2],
  ];
  const y = [1, -1, -1];
  const cos = a.map((r, i) => {
    const dot = sum(r.map((v, j) => v * b[i][j]));
    const m1 = sum(r.map((v) => v * v)) + 1e-12;
    const m2 = sum(b[i].map((v) => v * v)) + 1e-12;
    return dot / Math.sqrt(m1 * m2);
  });
  const ref = (margin: number) => cos.map((c, i) => (y[i] === 1 ? 1 - c : Math.max(0, c - margin)));

  it('matches the definition', () => {
    close(F.cosineEmbeddingLoss(f64(a), f64(b), f64(y), { reduction: 'none' }), ref(0));
    close(F.cosineEmbeddingLoss(f64(a), f64(b), i32(y), { margin: -0.5 }), mean(ref(-0.5)));
    close(F.cosineEmbeddingLoss(f64(a[0]), f64(b[0]), f64(1)), 1 - cos[0]);
    gradcheck((p, q) => F.cosineEmbeddingLoss(p, q, f64(y), { margin: -0.5 }), [f64(a, true), f64(b, true)]);
  });

  it('raises PyTorch errors for bad dims', () => {
    expect(() => F.cosineEmbeddingLoss(f64(a), f64(b), f64([y]))).toThrow(
      '0D or 1D target tensor expected, multi-target not supported',
    );
    expect(() => F.cosineEmbeddingLoss(f64(a[0]), f64(b[0]), f64(y))).toThrow(
      '1D target tensor expects 2D input tensors, but found inputs with sizes [3] and [3].',
    );
    expect(() => F.cosineEmbeddingLoss(f64(a), f64(b), f64(1))).toThrow(
      '0D target tensor expects 1D input tensors, but found inputs with sizes [3, 3] and [3, 3].',
    );
  });
});

describe('loss modules', () => {
  it('wrap the functional losses with their options', () => {
    const x = f64(X);
    const t = i32(T);
    const ce = new L.CrossEntropyLoss({ weight: f64(W), labelSmoothing: 0.1 });
    close(ce.call(x, t), refCrossEntropy(X, T, { weight: W, labelSmoothing: 0.1 }));
    expect(Object.keys(ce.stateDict())).toEqual(['weight']);
    expect(ce.toString()).toBe('CrossEntropyLoss()');
    close(
      new L.NLLLoss({ reduction: 'sum' }).call(f64(X.map(logSoftmax)), t),
      refCrossEntropy(X, T, { reduction: 'sum' }),
    );
    close(new L.MSELoss().call(f64([1, 2]), f64([0, 0])), 2.5);
    close(new L.L1Loss({ reduction: 'sum' }).call(f64([1, -2]), f64([0, 0])), 3);
    close(new L.SmoothL1Loss({ beta: 2 }).call(f64([1]), f64([0])), 0.25);
    close(new L.HuberLoss({ delta: 0.5 }).call(f64([1]), f64([0])), 0.375);
    close(new L.BCELoss().call(f64([0.5]), f64([1])), Math.LN2, 1e-15);
    const bce = new L.BCEWithLogitsLoss({ posWeight: f64([2]) });
    close(bce.call(f64([0]), f64([1])), 2 * Math.LN2, 1e-15);
    expect(Object.keys(bce.stateDict())).toEqual(['pos_weight']);
    expect(Object.keys(new L.CrossEntropyLoss().stateDict())).toEqual([]);
    close(new L.KLDivLoss({ reduction: 'sum' }).call(f64([Math.log(0.5)]), f64([0.5])), 0);
    close(new L.CosineEmbeddingLoss().call(f64([[1, 0]]), f64([[0, 1]]), f64([1])), 1);
  });

  it('backpropagates through the module call', () => {
    const w = f64([[0.1, -0.2, 0.3, 0.05]], true);
    const loss = new L.CrossEntropyLoss().call(f64(X).mul(w), i32(T));
    loss.backward();
    expect(w.grad!.shape).toEqual([1, 4]);
  });
});
