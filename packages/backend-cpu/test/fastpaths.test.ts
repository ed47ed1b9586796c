/**
 * The cpu backend's fast paths give exactly the results of the general ones: elementwise kernels over
 * coalesced dims and broadcasts, the tiled transposing copy, the in-place `add_` kernel an optimizer
 * uses, and matmul's gradient for transposed operands.
 */
import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';

const bits = (t: k.Tensor) => Array.from(t.dataSync() as Float32Array | Float64Array);

describe('cpu fast paths', () => {
  it('elementwise ops over broadcasts, offsets and strides match per-element math', () => {
    k.manualSeed(3);
    const a = k.randn([5, 7, 6]);
    const bias = k.randn([6]);
    const col = k.randn([5, 7, 1]);
    const t = a.transpose(0, 2); // strided
    const sl = a.index(k.slice(1, 4)); // offset
    const cases: [k.Tensor, (x: number, y: number) => number, number[], number[]][] = [
      [a.add(bias), (x, y) => Math.fround(x + y), bits(a), bits(bias.expand([5, 7, 6]).contiguous())],
      [a.mul(col), (x, y) => Math.fround(x * y), bits(a), bits(col.expand([5, 7, 6]).contiguous())],
      [t.sub(t.neg()), (x, y) => Math.fround(x - y), bits(t.contiguous()), bits(t.neg().contiguous())],
      [sl.div(2.5), (x, y) => Math.fround(x / y), bits(sl.contiguous()), bits(k.full(sl.shape, 2.5))],
    ];
    for (const [out, f, xs, ys] of cases) expect(bits(out)).toEqual(xs.map((x, i) => f(x, ys[i])));
    expect(bits(t.exp())).toEqual(bits(t.contiguous()).map((x) => Math.fround(Math.exp(x))));
    expect(bits(t.relu())).toEqual(bits(t.contiguous()).map((x) => Math.max(x, 0)));
    expect(k.where(t.gt(0), t, 0).tolist()).toEqual(t.relu().tolist());
  });

  it('copies transposed matrices of any size tile by tile', () => {
    for (const [r, c] of [
      [1, 1],
      [3, 70],
      [65, 33],
      [100, 64],
    ]) {
      const x = k.arange(r * c).reshape(r, c);
      const y = x.t().contiguous();
      const expected: number[] = [];
      for (let j = 0; j < c; j++) for (let i = 0; i < r; i++) expected.push(i * c + j);
      expect(Array.from(y.dataSync())).toEqual(expected);
    }
  });

  it('add_/sub_ in place equal add(x, mul(y, alpha)) bit for bit', () => {
    k.manualSeed(4);
    for (const dtype of ['float32', 'float64'] as const) {
      const p = k.randn([33, 17], { dtype });
      const d = k.randn([17, 33], { dtype }).t(); // strided other
      const expected = k.add(p, k.mul(d, -0.05));
      const expectedSub = k.sub(expected, k.mul(d, 0.3));
      const q = p.clone();
      k.noGrad(() => q.add_(d, -0.05));
      expect(bits(q)).toEqual(bits(expected));
      k.noGrad(() => q.sub_(d, 0.3));
      expect(bits(q)).toEqual(bits(expectedSub));
      // a contiguous slice (offset) and an aliased operand
      const big = k.randn([4, 33, 17], { dtype });
      const row = big.index(2);
      const before = row.clone();
      row.add_(row);
      expect(bits(big.index(2))).toEqual(bits(before.add(before)));
    }
  });

  it('gives a transposed weight its gradient in its own layout, with the same values', () => {
    k.manualSeed(5);
    const x = k.randn([6, 5]);
    const w = k.randn([4, 5], { requiresGrad: true });
    const g = k.randn([6, 4]);
    k.linear(x, w).mul(g).sum().backward();
    const expected = g.t().matmul(x);
    expect(w.grad!.isContiguous()).toBe(true);
    expect(w.grad!.tolist()).toEqual(expected.tolist());
  });
});

describe('pooled arrays handed out without clearing', () => {
  // Arrays of 128 KB and up are pooled on free; kernels that write every output element (and
  // copies) get them back without the zero-fill, so stale values must never show through.
  const n = 1 << 17; // 512 KB of float32, 128 KB of bool
  /** Leaves a pooled array of n elements of `dtype` holding non-zero values; returns it. */
  const stale = (dtype: k.DType = 'float32') => {
    const t = k.full([n], 7.5).to(dtype);
    const h = t.storage.handle;
    t.dispose();
    return h;
  };
  it('elementwise, compare and where outputs reuse a stale array and overwrite all of it', () => {
    const x = k.arange(0, n).float().div(n);
    for (const [name, dtype, run, want] of [
      ['exp', 'float32', () => x.exp(), (v: number) => Math.fround(Math.exp(v))],
      ['mul', 'float32', () => x.mul(x), (v: number) => Math.fround(v * v)],
      ['gt', 'bool', () => x.gt(0.5), (v: number) => (v > 0.5 ? 1 : 0)],
      ['where', 'float32', () => k.where(x.gt(0.5), x, 0), (v: number) => (v > 0.5 ? v : 0)],
    ] as const) {
      const h = stale(dtype);
      const out = run();
      expect(out.storage.handle === h, `${name} reuses the stale array`).toBe(true);
      const got = out.dataSync();
      const xs = x.dataSync();
      let bad = 0;
      for (let i = 0; i < n; i++) if (Number(got[i]) !== want(xs[i])) bad++;
      expect(bad, name).toBe(0);
    }
  });
  it('ops whose kernels do not promise that still get a cleared array (reductions, matmul)', () => {
    const a = k.zeros([n / 256, 256]);
    const b = k.zeros([256, 256]);
    const h = stale();
    const z = a.matmul(b);
    expect(z.storage.handle === h).toBe(true);
    expect(Array.from(z.dataSync()).every((v) => v === 0)).toBe(true);
  });
});
