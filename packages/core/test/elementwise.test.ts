import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';
// Not yet re-exported from the package index; the same module instances as '@kindling/core' uses.
import { maximum, minimum, pow } from '../src/ops/binary.js';

const f64 = (v: number[], requiresGrad = true) => k.tensor(v, { dtype: 'float64', requiresGrad });
const gradOf = (out: k.Tensor, xs: k.Tensor[]) =>
  k.grad([out.sum()], xs, { allowUnused: true }).map((g) => (g === null ? null : g.tolist()));

describe('elementwise gradients at special points follow PyTorch', () => {
  it('maximum/minimum split the gradient 0.5/0.5 on ties', () => {
    const x = f64([1, 2, 5]);
    const y = f64([1, 3, 4]);
    expect(gradOf(maximum(x, y), [x, y])).toEqual([
      [0.5, 0, 1],
      [0.5, 1, 0],
    ]);
    expect(gradOf(minimum(x, y), [x, y])).toEqual([
      [0.5, 1, 0],
      [0.5, 0, 1],
    ]);
  });

  it('pow masks the base-0 and exponent-0 cases instead of producing NaN', () => {
    const x = f64([0, 0, 2, 0]);
    const y = f64([2, 0, 0, -1]);
    const [gx, gy] = gradOf(pow(x, y), [x, y]) as number[][];
    // d/dx: y·x^(y-1) -> 0 at (0, 2); 0 wherever y == 0 (even at x == 0); -inf at (0, -1).
    expect(gx.slice(0, 3)).toEqual([0, 0, 0]);
    expect(gx[3]).toBe(Number.NEGATIVE_INFINITY);
    // d/dy: x^y·log(x) -> masked to 0 where x == 0 and y >= 0.
    expect(gy.slice(0, 2)).toEqual([0, 0]);
    expect(gy[2]).toBeCloseTo(Math.log(2), 12);
    const z = f64([0, 1]);
    expect(gradOf(pow(z, 0), [z])).toEqual([[0, 0]]);
    const e = f64([0, 2, -1]);
    const [ge] = gradOf(pow(0, e), [e]) as number[][];
    expect(ge.slice(0, 2)).toEqual([0, 0]);
    expect(gradOf(pow(2, e), [e])[0]).toEqual([1, 4, 0.5].map((v) => v * Math.log(2)));
  });

  it('relu, abs and sign have zero gradient at 0; clamp passes the boundary, hardtanh does not', () => {
    const x = f64([-1, 0, 2]);
    expect(gradOf(x.relu(), [x])).toEqual([[0, 0, 1]]);
    expect(gradOf(x.abs(), [x])).toEqual([[-1, 0, 1]]);
    expect(gradOf(x.sign(), [x])).toEqual([[0, 0, 0]]);
    expect(gradOf(x.round(), [x])).toEqual([[0, 0, 0]]);
    const b = f64([-1, -0.5, 0, 0.5, 1]);
    expect(gradOf(b.clamp(-0.5, 0.5), [b])).toEqual([[0, 1, 1, 1, 0]]);
    expect(gradOf(b.hardtanh(-0.5, 0.5), [b])).toEqual([[0, 0, 1, 0, 0]]);
    expect(gradOf(b.leakyRelu(0.1), [b])).toEqual([[0.1, 0.1, 0.1, 1, 1]]);
  });

  it('clamp sends gradient to tensor bounds where they were selected', () => {
    const x = f64([-2, 0, 2]);
    const lo = f64([-1, -1, -1]);
    const hi = f64([1, 1, 1]);
    expect(gradOf(k.clamp(x, lo, hi), [x, lo, hi])).toEqual([
      [0, 1, 0],
      [1, 0, 0],
      [0, 0, 1],
    ]);
    // min > max: every element is max, and max takes the gradient.
    const lo2 = f64([3, 3, 3]);
    expect(gradOf(k.clamp(x, lo2, hi), [x, lo2, hi])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [1, 1, 1],
    ]);
  });

  it('where routes the gradient by the mask and sums over broadcast dims', () => {
    const c = k.tensor([[true], [false]]);
    const a = f64([1, 2, 3]);
    const b = f64([5], true).reshape([]);
    const out = k.where(c, a, b);
    expect(out.shape).toEqual([2, 3]);
    expect(out.tolist()).toEqual([
      [1, 2, 3],
      [5, 5, 5],
    ]);
    const [ga, gb] = gradOf(out, [a, b]);
    expect(ga).toEqual([1, 1, 1]);
    expect(gb).toBe(3);
  });

  it('comparisons are never differentiable', () => {
    const x = f64([1, 2]);
    for (const r of [x.gt(1), x.eq(x), x.isnan(), x.logicalNot(), k.isclose(x, x)]) {
      expect(r.dtype).toBe('bool');
      expect(r.requiresGrad).toBe(false);
      expect(r.gradFn).toBe(null);
    }
  });
});

describe('elementwise numerics', () => {
  it('activations are stable for large inputs', () => {
    const x = k.tensor([-1000, 1000], { dtype: 'float64' });
    expect(x.sigmoid().tolist()).toEqual([0, 1]);
    expect(x.logsigmoid().tolist()).toEqual([-1000, 0]);
    expect(x.softplus().tolist()).toEqual([0, 1000]);
    expect(x.silu().tolist()).toEqual([-0, 1000]);
    expect(x.mish().tolist()).toEqual([-0, 1000]);
    expect(x.gelu().tolist()).toEqual([-0, 1000]);
    expect(x.tanh().tolist()).toEqual([-1, 1]);
  });

  it('erf and erfc are accurate to double precision', () => {
    const x = k.tensor([0.1, 1, 2.4, 2.6, 4, -3], { dtype: 'float64' });
    const erf = [
      0.1124629160182849, 0.8427007929497149, 0.999311486103355, 0.9997639655834707, 0.9999999845827421,
    ];
    expect((x.erf().tolist() as number[]).slice(0, 5).map((v, i) => Math.abs(v - erf[i]) < 1e-15)).toEqual(
      erf.map(() => true),
    );
    const erfc4 = (x.erfc().tolist() as number[])[4];
    expect(Math.abs(erfc4 / 1.541725790028002e-8 - 1)).toBeLessThan(1e-13);
    expect((x.erfc().tolist() as number[])[5]).toBeCloseTo(1.9999779095030015, 15);
  });

  it('integer rounding division and modulus follow Python semantics', () => {
    const a = k.tensor([7, -7, 7, -7], { dtype: 'int32' });
    const b = k.tensor([2, 2, -2, -2], { dtype: 'int32' });
    expect(a.floorDivide(b).tolist()).toEqual([3, -4, -4, 3]);
    expect(a.remainder(b).tolist()).toEqual([1, 1, -1, -1]);
    expect(a.fmod(b).tolist()).toEqual([1, -1, 1, -1]);
    expect(a.div(b, { roundingMode: 'trunc' }).tolist()).toEqual([3, -3, -3, 3]);
    expect(a.div(b).dtype).toBe('float32');
  });

  it('in-place ops keep identity, bump the version and rebase the history', () => {
    const x = f64([-1, 0.5, 2]);
    const y = x.mul(2);
    const v = y.version;
    expect(y.relu_()).toBe(y);
    expect(y.version).toBe(v + 1);
    expect(y.gradFn?.name).toBe('ReluBackward');
    y.clamp_(null, 3);
    expect(y.tolist()).toEqual([0, 1, 3]);
    expect(gradOf(y, [x])).toEqual([[0, 2, 0]]);
  });

  it('ops save what PyTorch saves: editing an exp input is fine, editing a sigmoid output is not', () => {
    const x = f64([1, 2]);
    const h = x.mul(1);
    const e = h.exp();
    h.add_(1);
    expect(gradOf(e, [x])[0]).toEqual([Math.exp(1), Math.exp(2)]);
    const s = x.mul(1).sigmoid();
    s.add_(1);
    expect(() => gradOf(s, [x])).toThrow(/modified by an inplace operation/);
  });

  it('gelu, softplus and friends are twice differentiable', () => {
    const x = f64([-1.2, 0.3, 1.7]);
    for (const f of [
      (t: k.Tensor) => t.gelu(),
      (t: k.Tensor) => t.gelu({ approximate: 'tanh' }),
      (t: k.Tensor) => t.softplus({ beta: 2 }),
      (t: k.Tensor) => t.mish(),
      (t: k.Tensor) => t.selu(),
      (t: k.Tensor) => pow(t, 3),
    ]) {
      const [g] = k.grad([f(x).sum()], [x], { createGraph: true });
      const [gg] = k.grad([g!.sum()], [x]);
      expect((gg!.tolist() as number[]).every(Number.isFinite)).toBe(true);
    }
    const [g] = k.grad([pow(x, 3).sum()], [x], { createGraph: true });
    const [gg] = k.grad([g!.sum()], [x]);
    (gg!.tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo(6 * [-1.2, 0.3, 1.7][i], 12));
  });
});
