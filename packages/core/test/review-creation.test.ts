import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';

const vals = (t: k.Tensor | null | undefined) => Array.from(t!.dataSync());

describe('review: creation', () => {
  it('tensor(): shapes, dtypes, copies', () => {
    expect(k.tensor([]).shape).toEqual([0]);
    expect(k.tensor([[]]).shape).toEqual([1, 0]);
    expect(k.tensor(5).shape).toEqual([]);
    expect(k.tensor(true).dtype).toBe('bool');
    expect(k.tensor([[true], [false]]).dtype).toBe('bool');
    expect(() => k.tensor([[1, 2], [3]])).toThrow(/expected sequence of length 2 at dim 1/);
    expect(() => k.tensor([[1, 2], 3] as unknown as number[])).toThrow();
    const src = new Float64Array([1, 2]);
    const t = k.tensor(src);
    expect(t.dtype).toBe('float64');
    src[0] = 100;
    expect(vals(t)).toEqual([1, 2]);
    expect(k.tensor(new Int32Array([1, 2]), { dtype: 'float32' }).dtype).toBe('float32');
    expect(vals(k.tensor([1.9, -1.9, Number.NaN], { dtype: 'int32' }))).toEqual([1, -1, 0]);
    expect(k.tensor([1, 2, 3, 4], { shape: [2, 2] }).shape).toEqual([2, 2]);
    expect(() => k.tensor([1, 2, 3], { shape: [2, 2] })).toThrow(/invalid for input of size 3/);
    expect(() => k.tensor([1], { dtype: 'int64' as k.DType })).toThrow(/unknown dtype/);
    expect(() => k.tensor([1], { dtype: 'int32', requiresGrad: true })).toThrow(/floating point/);
  });
  it('shape arguments: varargs and arrays', () => {
    expect(k.zeros(2, 3).shape).toEqual([2, 3]);
    expect(k.zeros([2, 3], { dtype: 'int32' }).dtype).toBe('int32');
    expect(k.ones(2, 3, { dtype: 'float64' }).dtype).toBe('float64');
    expect(k.zeros().shape).toEqual([]);
    expect(k.zeros([]).shape).toEqual([]);
    expect(k.zeros().numel()).toBe(1);
    expect(() => k.zeros(-1)).toThrow(/invalid shape/);
    expect(() => k.zeros(1.5)).toThrow(/invalid shape/);
    expect(vals(k.empty(3))).toEqual([0, 0, 0]);
    expect(k.rand(2, 2, { dtype: 'float64' }).dtype).toBe('float64');
  });
  it('full picks dtype from the value', () => {
    expect(k.full([2], 1.5).dtype).toBe('float32');
    expect(k.full([2], 1).dtype).toBe('int32');
    expect(k.full([2], true).dtype).toBe('bool');
    expect(vals(k.full([2], 7, { dtype: 'float64' }))).toEqual([7, 7]);
    expect(k.full([], 3).shape).toEqual([]);
  });
  it('*Like variants keep dtype and device, not requiresGrad', () => {
    const x = k.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const z = k.zerosLike(x);
    expect(z.dtype).toBe('float64');
    expect(z.requiresGrad).toBe(false);
    expect(k.onesLike(x, { dtype: 'int32' }).dtype).toBe('int32');
    expect(k.fullLike(x, 2).dtype).toBe('float64');
    expect(vals(k.fullLike(x, 2.5))).toEqual([2.5, 2.5]);
    expect(k.randLike(x).dtype).toBe('float64');
    expect(k.onesLike(x, { requiresGrad: true }).requiresGrad).toBe(true);
  });
  it('arange like PyTorch', () => {
    expect(vals(k.arange(5))).toEqual([0, 1, 2, 3, 4]);
    expect(k.arange(5).dtype).toBe('int32');
    expect(k.arange(0, 1, 0.25).dtype).toBe('float32');
    expect(vals(k.arange(0, 1, 0.25))).toEqual([0, 0.25, 0.5, 0.75]);
    expect(k.arange(0, 0.3, 0.1).numel()).toBe(3);
    expect(vals(k.arange(5, 0, -2))).toEqual([5, 3, 1]);
    expect(k.arange(0).shape).toEqual([0]);
    expect(k.arange(3, 3).shape).toEqual([0]);
    expect(vals(k.arange(-2.5, 0))).toEqual([-2.5, -1.5, -0.5]);
    expect(k.arange(4, { dtype: 'float64' }).dtype).toBe('float64');
    expect(() => k.arange(0, 5, 0)).toThrow(/step must be nonzero/);
    expect(() => k.arange(5, 0, 1)).toThrow(/inconsistent with step sign/);
  });
  it('linspace / eye', () => {
    expect(vals(k.linspace(0, 1, 5))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(vals(k.linspace(2, 3, 1))).toEqual([2]);
    expect(k.linspace(0, 1, 0).shape).toEqual([0]);
    const l = k.linspace(-1, 1, 7, { dtype: 'float64' }).dataSync();
    expect(l[0]).toBe(-1);
    expect(l[6]).toBe(1);
    expect(l[3]).toBe(0);
    expect(vals(k.eye(2, 3))).toEqual([1, 0, 0, 0, 1, 0]);
    expect(k.eye(3, { dtype: 'int32' }).dtype).toBe('int32');
    expect(k.eye(0).shape).toEqual([0, 0]);
  });
  it('random numbers are reproducible and in range', () => {
    k.manualSeed(42);
    const a = vals(k.randn(5));
    const b = vals(k.rand(5));
    k.manualSeed(42);
    expect(vals(k.randn(5))).toEqual(a);
    expect(vals(k.rand(5))).toEqual(b);
    const r = vals(k.randint(-3, 3, [1000]));
    expect(Math.min(...r)).toBe(-3);
    expect(Math.max(...r)).toBe(2);
    expect(k.randint(10, [2]).dtype).toBe('int32');
    const u = vals(k.rand(1000));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    const p = vals(k.randperm(10)).sort((x, y) => x - y);
    expect(p).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => k.randn(2, { dtype: 'int32' })).toThrow(/floating point/);
    expect(() => k.randint(3, 3, [1])).toThrow(/less than/);
    const g = new k.Generator(7);
    const s = g.getState();
    const x1 = vals(k.rand(3, { generator: g }));
    g.setState(s);
    expect(vals(k.rand(3, { generator: g }))).toEqual(x1);
  });
  it('randn after setState does not reuse a cached Box-Muller value', () => {
    const g = new k.Generator(1);
    const s = g.getState();
    const first = vals(k.randn(3, { generator: g, dtype: 'float64' }));
    g.setState(s);
    expect(vals(k.randn(3, { generator: g, dtype: 'float64' }))).toEqual(first);
  });
});
