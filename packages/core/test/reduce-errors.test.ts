import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';

const NAN = Number.NaN;

function gradOf(x: k.Tensor, f: (t: k.Tensor) => k.Tensor): number[] {
  const t = x.detach().requiresGrad_(true);
  f(t).backward();
  return Array.from(t.grad!.dataSync());
}

describe('reduction errors use PyTorch wording', () => {
  const x = k.ones(2, 3);
  it('dims out of range name the op', () => {
    const msg = (op: string) =>
      `${op}: Dimension out of range (expected to be in range of [-2, 1], but got 2)`;
    expect(() => x.mean(2)).toThrow(msg('mean'));
    expect(() => x.prod(2)).toThrow(msg('prod'));
    expect(() => x.amax([0, 2])).toThrow(msg('amax'));
    expect(() => x.amin(-3)).toThrow(
      'amin: Dimension out of range (expected to be in range of [-2, 1], but got -3)',
    );
    expect(() => x.max(2)).toThrow(msg('max'));
    expect(() => x.min(2)).toThrow(msg('min'));
    expect(() => x.argmax(2)).toThrow(msg('argmax'));
    expect(() => x.argmin(2)).toThrow(msg('argmin'));
    expect(() => x.var(2)).toThrow(msg('var'));
    expect(() => x.std(2)).toThrow(msg('std'));
    expect(() => x.logsumexp(2)).toThrow(msg('logsumexp'));
    expect(() => x.all(2)).toThrow(msg('all'));
    expect(() => x.any(2)).toThrow(msg('any'));
    expect(() => x.norm(2, 2)).toThrow(msg('norm'));
    expect(() => x.softmax(2)).toThrow(msg('softmax'));
    expect(() => x.logSoftmax(-3)).toThrow(/logSoftmax: Dimension out of range/);
    expect(() => x.cumsum(2)).toThrow(msg('cumsum'));
    expect(() => x.cumprod(2)).toThrow(msg('cumprod'));
    expect(() => x.cummax(2)).toThrow(msg('cummax'));
    expect(() => x.sort(2)).toThrow(msg('sort'));
    expect(() => x.argsort(2)).toThrow(msg('argsort'));
    expect(() => x.topk(1, 2)).toThrow(msg('topk'));
    expect(() => x.kthvalue(1, 2)).toThrow(msg('kthvalue'));
    expect(() => x.median(2)).toThrow(msg('median'));
    expect(() => k.tensor(1).sum(1)).toThrow(
      'sum: Dimension out of range (expected to be in range of [-1, 0], but got 1)',
    );
  });
  it('repeated dims', () => {
    expect(() => x.mean([0, -2])).toThrow('mean: dim 0 appears multiple times in the list of dims');
    expect(() => x.amax([1, 1])).toThrow('amax: dim 1 appears multiple times in the list of dims');
  });
  it('reductions without identity reject empty inputs', () => {
    const e = k.zeros(0, 3);
    expect(() => e.max(0)).toThrow('max(): Expected reduction dim 0 to have non-zero size.');
    expect(() => e.min(-2)).toThrow('min(): Expected reduction dim 0 to have non-zero size.');
    expect(() => e.max()).toThrow(
      "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.",
    );
    expect(() => e.amax()).toThrow('amax(): Expected reduction dim 0 to have non-zero size.');
    expect(() => e.amin([0, 1])).toThrow('amin(): Expected reduction dim 0 to have non-zero size.');
    expect(() => e.argmax()).toThrow(
      'argmax(): Expected reduction dim to be specified for input.numel() == 0.',
    );
    expect(() => e.argmin(0)).toThrow('argmin(): Expected reduction dim 0 to have non-zero size.');
    expect(() => e.median()).toThrow('median() input tensor cannot be empty');
    expect(() => e.median(0)).toThrow('median(): Expected reduction dim 0 to have non-zero size.');
    // Reducing a non-empty dim of an empty tensor is fine.
    expect(e.max(1).values.shape).toEqual([0]);
    expect(e.amax(1).shape).toEqual([0]);
    expect(e.argmax(1).shape).toEqual([0]);
  });
  it('dtype errors', () => {
    const i = k.tensor([1, 2], { dtype: 'int32' });
    expect(() => i.mean()).toThrow(
      'mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: int32',
    );
    expect(() => i.var()).toThrow(
      'var(): std and var only support floating point and complex dtypes (got int32)',
    );
    expect(() => i.std()).toThrow(/std\(\): std and var only support floating point/);
    expect(() => i.norm()).toThrow(
      'norm(): input dtype should be either floating point or complex. Got int32 instead.',
    );
    expect(() => i.softmax(0)).toThrow(/softmax\(\): expected a floating point input, got int32/);
    expect(() => i.logSoftmax(0)).toThrow(/logSoftmax\(\): expected a floating point input, got int32/);
    expect(() => x.var(0, { correction: 0, unbiased: true })).toThrow(
      'var(): Cannot specify both unbiased and correction',
    );
  });
  it('selection errors', () => {
    expect(() => x.topk(4)).toThrow(/topk: selected index k out of range/);
    expect(() => x.topk(-1)).toThrow(/topk: selected index k out of range/);
    expect(() => x.kthvalue(0)).toThrow(/kthvalue\(\): selected number k out of range for dimension 1/);
    expect(() => x.kthvalue(4)).toThrow(/kthvalue\(\): selected number k out of range/);
    expect(() => x.norm('nuc' as 'fro')).toThrow(/norm\(\): unsupported norm type nuc/);
  });
});

describe('reduction semantics', () => {
  it('empty reductions: sum 0, prod 1, mean nan, logsumexp -inf, all true, any false', () => {
    const e = k.zeros(0);
    expect(e.sum().item()).toBe(0);
    expect(e.prod().item()).toBe(1);
    expect(e.mean().item()).toBeNaN();
    expect(e.logsumexp().item()).toBe(Number.NEGATIVE_INFINITY);
    expect(e.all().item()).toBe(1);
    expect(e.any().item()).toBe(0);
    expect(e.countNonzero().item()).toBe(0);
    expect(e.norm().item()).toBe(0);
  });
  it('dtypes of results', () => {
    const i = k.tensor([1, 2, 3], { dtype: 'int32' });
    const b = k.tensor([true, false, true]);
    expect(i.prod().dtype).toBe('int32');
    expect(b.sum().dtype).toBe('int32');
    expect(b.prod().dtype).toBe('int32');
    expect(i.argmax().dtype).toBe('int32');
    expect(i.max().dtype).toBe('int32');
    expect(i.amax().dtype).toBe('int32');
    expect(b.max().dtype).toBe('bool');
    expect(i.all().dtype).toBe('bool');
    expect(i.countNonzero().dtype).toBe('int32');
    expect(i.logsumexp().dtype).toBe('float32');
    expect(i.cumsum(0).dtype).toBe('int32');
    expect(b.cumsum(0).dtype).toBe('int32');
    expect(i.cumsum(0, { dtype: 'float64' }).dtype).toBe('float64');
    expect(k.ones(2, { dtype: 'float64' }).mean().dtype).toBe('float64');
    expect(i.mean(0, false, { dtype: 'float32' }).item()).toBe(2);
    expect(i.prod(0, false, { dtype: 'float64' }).dtype).toBe('float64');
  });
  it('keepdim shapes and 0-d inputs', () => {
    const t = k.randn(2, 3, 4);
    expect(t.mean([0, 2], true).shape).toEqual([1, 3, 1]);
    expect(t.var([-1, 0]).shape).toEqual([3]);
    expect(t.amax().shape).toEqual([]);
    expect(t.amax([], true).shape).toEqual([1, 1, 1]);
    expect(t.argmax(undefined, true).shape).toEqual([1, 1, 1]);
    expect(t.max(1, true).indices.shape).toEqual([2, 1, 4]);
    const s = k.tensor(3);
    expect(s.sum(0).item()).toBe(3);
    expect(s.max(0).indices.item()).toBe(0);
    expect(s.argmax().item()).toBe(0);
    expect(s.softmax(0).item()).toBe(1);
    expect(s.cumsum(-1).item()).toBe(3);
    expect(s.sort()[1].item()).toBe(0);
    expect(s.topk(1)[0].item()).toBe(3);
  });
  it('max/min return a [values, indices] pair with names; max(x, other) is maximum', () => {
    const t = k.tensor([
      [1, 5, 3],
      [4, 2, 6],
    ]);
    const r = t.max(1);
    const [v, i] = r;
    expect(v.tolist()).toEqual([5, 6]);
    expect(i.tolist()).toEqual([1, 2]);
    expect(r.values).toBe(v);
    expect(r.indices).toBe(i);
    expect(t.min(0).indices.tolist()).toEqual([0, 1, 0]);
    expect(t.max(k.tensor([3, 3, 3])).tolist()).toEqual([
      [3, 5, 3],
      [4, 3, 6],
    ]);
    expect(t.min(k.tensor(2)).tolist()).toEqual([
      [1, 2, 2],
      [2, 2, 2],
    ]);
    expect(k.sort(t, 0, true).values.tolist()).toEqual([
      [4, 5, 6],
      [1, 2, 3],
    ]);
    expect(k.topk(t, 1).indices.tolist()).toEqual([[1], [2]]);
  });
  it('var/std argument forms', () => {
    const t = k.tensor([
      [1, 2, 3],
      [4, 6, 8],
    ]);
    expect(t.var(1).tolist()).toEqual([1, 4]);
    expect(t.var(1, { correction: 0 }).dataSync()[0]).toBeCloseTo(2 / 3);
    expect(t.var(1, false).dataSync()[0]).toBeCloseTo(2 / 3);
    expect(t.var(1, true, true).shape).toEqual([2, 1]);
    expect(t.var(1, { keepdim: true }).shape).toEqual([2, 1]);
    expect(t.var({ correction: 2 }).item()).toBeCloseTo(t.var(undefined, { correction: 0 }).item() * (6 / 4));
    expect(t.std(1, { correction: 0, keepdim: true }).shape).toEqual([2, 1]);
    // correction larger than the count divides by 0, like PyTorch.
    expect(t.var(1, { correction: 3 }).tolist()).toEqual([
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ]);
  });
  it('logsumexp handles infinities; softmax rows with NaN/inf', () => {
    const inf = Number.POSITIVE_INFINITY;
    expect(k.tensor([inf, 1]).logsumexp().item()).toBe(inf);
    expect(k.tensor([-inf, -inf]).logsumexp().item()).toBe(-inf);
    expect(k.tensor([NAN, 1]).logsumexp().item()).toBeNaN();
    expect(k.tensor([1, NAN]).softmax(0).tolist()).toEqual([NAN, NAN]);
    expect(k.tensor([-inf, -inf]).softmax(0).tolist()).toEqual([NAN, NAN]);
    expect(k.tensor([0, -inf]).logSoftmax(0).tolist()).toEqual([0, -inf]);
  });
});

describe('reduction gradients', () => {
  it('amax/amin and max()/min() share the gradient evenly among ties', () => {
    const x = k.tensor([1, 3, 3, 2]);
    expect(gradOf(x, (t) => t.max())).toEqual([0, 0.5, 0.5, 0]);
    expect(gradOf(x, (t) => t.amax())).toEqual([0, 0.5, 0.5, 0]);
    expect(gradOf(k.tensor([2, 1, 1, 1]), (t) => t.min())).toEqual(
      [0, 1, 1, 1].map(Math.fround).map((v) => Math.fround(v / 3)),
    );
    expect(
      gradOf(
        k.tensor([
          [1, 1],
          [0, 2],
        ]),
        (t) => t.amax(1).sum(),
      ),
    ).toEqual([0.5, 0.5, 0, 1]);
  });
  it('max(dim) sends the gradient to the first selected index only', () => {
    expect(gradOf(k.tensor([1, 3, 3, 2]), (t) => t.max(0).values)).toEqual([0, 1, 0, 0]);
    expect(
      gradOf(
        k.tensor([
          [1, 3],
          [3, 3],
        ]),
        (t) => t.min(1)[0].sum(),
      ),
    ).toEqual([1, 0, 1, 0]);
  });
  it('prod gradient is exact with zeros, first and second order', () => {
    expect(gradOf(k.tensor([2, 0, 3, 4]), (t) => t.prod())).toEqual([0, 24, 0, 0]);
    expect(gradOf(k.tensor([2, 0, 3, 0]), (t) => t.prod())).toEqual([0, 0, 0, 0]);
    expect(
      gradOf(
        k.tensor([
          [2, 0],
          [3, 4],
        ]),
        (t) => t.prod(0).sum(),
      ),
    ).toEqual([3, 4, 2, 0]);
    const t = k.tensor([2, 0, 3], { requiresGrad: true, dtype: 'float64' });
    const [g] = k.grad(t.prod(), t, { createGraph: true });
    expect(Array.from(g!.dataSync())).toEqual([0, 6, 0]);
    // Hessian row of d(prod)/dx_1 = x0*x2: [x2, 0, x0].
    const [h] = k.grad(g!.select(0, 1), t);
    expect(Array.from(h!.dataSync())).toEqual([3, 0, 2]);
  });
  it('cumprod gradient is exact with zeros, first and second order', () => {
    expect(gradOf(k.tensor([2, 0, 3, 4]), (t) => t.cumprod(0).sum())).toEqual([1, 32, 0, 0]);
    const t = k.tensor([2, 0, 3], { requiresGrad: true, dtype: 'float64' });
    const [g] = k.grad(t.cumprod(0).sum(), t, { createGraph: true });
    // d/dx of x0 + x0x1 + x0x1x2 = [1 + x1 + x1x2, x0 + x0x2, x0x1]
    expect(Array.from(g!.dataSync())).toEqual([1, 8, 0]);
    const [h] = k.grad(g!.select(0, 1), t);
    expect(Array.from(h!.dataSync())).toEqual([1 + 3, 0, 2]);
  });
  it('std and norm have a zero gradient where they are zero', () => {
    expect(gradOf(k.tensor([2, 2, 2]), (t) => t.std())).toEqual([0, 0, 0]);
    expect(gradOf(k.zeros(3), (t) => t.norm())).toEqual([0, 0, 0]);
  });
  it('sort/topk gradients scatter back; sorting int indices works', () => {
    const x = k.tensor([3, 1, 2]);
    expect(
      gradOf(x, (t) =>
        t
          .sort()[0]
          .mul(k.tensor([1, 10, 100]))
          .sum(),
      ),
    ).toEqual([100, 1, 10]);
    expect(
      gradOf(x, (t) =>
        t
          .topk(2)[0]
          .mul(k.tensor([1, 10]))
          .sum(),
      ),
    ).toEqual([1, 0, 10]);
    const [, idx] = x.sort();
    expect(idx.dtype).toBe('int32');
    expect(idx.sort()[0].tolist()).toEqual([0, 1, 2]);
    // idx = [1, 2, 0]: sorting it descending gives values [2, 1, 0] at positions [1, 0, 2].
    expect(idx.sort(-1, true).indices.tolist()).toEqual([1, 0, 2]);
  });
  it('softmax/logSoftmax gradients are twice differentiable', () => {
    const t = k.tensor([0.1, -0.4, 0.7], { requiresGrad: true, dtype: 'float64' });
    const [g] = k.grad(t.softmax(0).select(0, 0), t, { createGraph: true });
    const [h] = k.grad(g!.sum(), t);
    expect(h!.shape).toEqual([3]);
    const [g2] = k.grad(t.logSoftmax(0).sum(), t);
    // sum of log-softmax: 1 - n * softmax
    const s = t.detach().softmax(0).dataSync();
    Array.from(g2!.dataSync()).forEach((v, i) => {
      expect(v).toBeCloseTo(1 - 3 * s[i], 12);
    });
  });
});

describe('sort behaviour', () => {
  it('is stable on large inputs with many ties, NaN last (first when descending)', () => {
    const n = 2000;
    const vals = Array.from({ length: n }, (_, i) => (i % 7 === 3 ? NAN : (i * 37) % 11));
    const [v, idx] = k.tensor(vals).sort({ stable: true });
    const sv = Array.from(v.dataSync());
    const si = Array.from(idx.dataSync());
    for (let i = 1; i < n; i++) {
      const a = sv[i - 1];
      const b = sv[i];
      if (Number.isNaN(a)) expect(Number.isNaN(b)).toBe(true);
      else if (!Number.isNaN(b)) expect(a).toBeLessThanOrEqual(b);
      if (a === b || (Number.isNaN(a) && Number.isNaN(b))) expect(si[i - 1]).toBeLessThan(si[i]);
    }
    const d = k.tensor(vals).sort({ descending: true, stable: true });
    expect(Number.isNaN(d.values.dataSync()[0])).toBe(true);
    expect(d.indices.dataSync()[0]).toBe(3);
  });
  it('packed-key paths (float32/int32/bool) agree with the comparator path (float64)', () => {
    const vals = Array.from({ length: 3 * 200 }, (_, i) =>
      i % 13 === 5 ? NAN : i % 17 === 2 ? Number.NEGATIVE_INFINITY : Math.round(Math.sin(i) * 20) / 4,
    );
    const f32 = k.tensor(vals, { shape: [3, 200] });
    const f64 = f32.double();
    for (const descending of [false, true]) {
      expect(f32.sort(-1, descending).indices.tolist()).toEqual(f64.sort(-1, descending).indices.tolist());
      for (const kk of [1, 5, 30, 200]) {
        const a = f32.topk(kk, { largest: !descending });
        const b = f64.topk(kk, { largest: !descending });
        expect(a.indices.tolist()).toEqual(b.indices.tolist());
        expect(a.indices.tolist()).toEqual(f64.sort(-1, !descending).indices.narrow(1, 0, kk).tolist());
      }
    }
    const i32 = k.tensor(
      vals.map((v) => (Number.isFinite(v) ? v * 4 : -7)),
      { shape: [3, 200], dtype: 'int32' },
    );
    expect(i32.sort(1, true).indices.tolist()).toEqual(i32.double().sort(1, true).indices.tolist());
    expect(i32.topk(3, 1, false).indices.tolist()).toEqual(i32.double().topk(3, 1, false).indices.tolist());
  });
  it('treats -0 and 0 as equal', () => {
    expect(k.tensor([0, -0, 0]).sort({ stable: true }).indices.tolist()).toEqual([0, 1, 2]);
  });
  it('topk(sorted=false) still returns the right set; kthvalue/median', () => {
    const t = k.tensor([5, 1, 4, 2, 3]);
    expect(Array.from(t.topk(3, { sorted: false }).values.dataSync()).sort()).toEqual([3, 4, 5]);
    expect(t.kthvalue(2).values.item()).toBe(2);
    expect(t.median().item()).toBe(3);
    expect(k.tensor([1, 2, 3, 4]).median().item()).toBe(2);
    expect(k.median(k.tensor([[1, 9, 3]]), 1).indices.tolist()).toEqual([2]);
    expect(k.tensor([1, NAN, 2]).median().item()).toBeNaN();
  });
});

describe('reductions on large tensors', () => {
  it('agree between the dense fast paths and the general path', () => {
    const t = k.randn(64, 33, { dtype: 'float64' });
    const tt = t.t().contiguous().t(); // same values, column-major layout
    for (const dim of [0, 1]) {
      for (const op of ['sum', 'mean', 'amax', 'amin'] as const) {
        const a = Array.from(t[op](dim).dataSync());
        const b = Array.from(tt[op](dim).dataSync());
        a.forEach((v, i) => {
          expect(v).toBeCloseTo(b[i], 10);
        });
      }
      expect(t.argmax(dim).tolist()).toEqual(tt.argmax(dim).tolist());
      expect(t.max(dim).values.tolist()).toEqual(tt.max(dim).values.tolist());
    }
  });
});
