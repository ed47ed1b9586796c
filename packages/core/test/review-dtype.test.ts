import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';

const vals = (t: k.Tensor | null | undefined) => Array.from(t!.dataSync());
const T = (dtype: k.DType, zeroDim = false) =>
  zeroDim ? k.tensor(1, { dtype }) : k.tensor([1, 1], { dtype });

describe('review: resultType like torch.result_type', () => {
  // Each row: operands, expected (torch with int64 -> int32, default float32)
  const cases: [string, k.TensorLike[], k.DType][] = [
    ['int dim + float 0-d', [T('int32'), T('float64', true)], 'float64'],
    ['float32 dim + float64 0-d', [T('float32'), T('float64', true)], 'float32'],
    ['float64 dim + float32 0-d', [T('float64'), T('float32', true)], 'float64'],
    ['int dim + float scalar', [T('int32'), 2.5], 'float32'],
    ['int dim + int scalar', [T('int32'), 2], 'int32'],
    ['bool dim + int scalar', [T('bool'), 2], 'int32'],
    ['bool dim + bool scalar', [T('bool'), true], 'bool'],
    ['bool dim + float scalar', [T('bool'), 0.5], 'float32'],
    ['bool dim + int 0-d', [T('bool'), T('int32', true)], 'int32'],
    ['bool 0-d + int 0-d', [T('bool', true), T('int32', true)], 'int32'],
    ['int 0-d + float scalar', [T('int32', true), 2.5], 'float32'],
    ['float64 0-d + float scalar', [T('float64', true), 2.5], 'float64'],
    ['float64 0-d + int dim', [T('float64', true), T('int32')], 'float64'],
    ['float32 0-d + float64 0-d', [T('float32', true), T('float64', true)], 'float64'],
    ['float64 dim + int scalar', [T('float64'), 3], 'float64'],
    ['int 0-d + bool dim + float scalar', [T('int32', true), T('bool'), 1.5], 'float32'],
    ['scalars only: int, float', [1, 2.5], 'float32'],
    ['scalars only: bool', [true, false], 'bool'],
    ['float32 dim + int 0-d + float64 0-d', [T('float32'), T('int32', true), T('float64', true)], 'float32'],
    ['int dim + bool 0-d + float64 0-d', [T('int32'), T('bool', true), T('float64', true)], 'float64'],
  ];
  for (const [name, ops, want] of cases)
    it(name, () => {
      expect(k.resultType(ops)).toBe(want);
    });
  it('ops use it: int32 tensor * float64 0-d is float64, values right', () => {
    const r = k.tensor([1, 2], { dtype: 'int32' }).mul(k.tensor(1.5, { dtype: 'float64' }));
    expect(r.dtype).toBe('float64');
    expect(vals(r)).toEqual([1.5, 3]);
  });
});

describe('review: bool and integer arithmetic', () => {
  it('bool + bool is logical or, bool * bool logical and (stays 0/1)', () => {
    const a = k.tensor([true, true, false, false]);
    const b = k.tensor([true, false, true, false]);
    const s = a.add(b);
    expect(s.dtype).toBe('bool');
    expect(s.tolist()).toEqual([true, true, true, false]);
    expect(vals(s)).toEqual([1, 1, 1, 0]);
    expect(s.eq(k.tensor([true])).tolist()).toEqual([true, true, true, false]);
    const p = a.mul(b);
    expect(p.dtype).toBe('bool');
    expect(p.tolist()).toEqual([true, false, false, false]);
    expect(a.add(true).tolist()).toEqual([true, true, true, true]);
    expect(a.sum().item()).toBe(2);
    expect(a.sum().dtype).toBe('int32');
  });
  it('bool storage only ever holds 0/1', () => {
    const fromBytes = k.tensor(new Uint8Array([0, 2, 255]));
    expect(fromBytes.dtype).toBe('bool');
    expect(vals(fromBytes)).toEqual([0, 1, 1]);
    expect(fromBytes.eq(true).tolist()).toEqual([false, true, true]);
    expect(vals(k.tensor([0, 2, -3], { dtype: 'int32' }).to('bool'))).toEqual([0, 1, 1]);
    expect(vals(k.tensor([0, 0.5, Number.NaN]).bool())).toEqual([0, 1, 1]);
    expect(vals(k.full([2], 2, { dtype: 'bool' }))).toEqual([1, 1]);
    const b = k.zeros([2], { dtype: 'bool' });
    b.fill_(3);
    expect(vals(b)).toEqual([1, 1]);
    b.add_(k.tensor([true, true]));
    expect(vals(b)).toEqual([1, 1]);
    expect(vals(k.tensor([5, 0], { dtype: 'bool' }))).toEqual([1, 0]);
  });
  it('bool tensor + int scalar promotes to int32', () => {
    const r = k.tensor([true, false]).add(2);
    expect(r.dtype).toBe('int32');
    expect(vals(r)).toEqual([3, 2]);
  });
  it('bool - bool throws', () => {
    expect(() => k.tensor([true]).sub(k.tensor([false]))).toThrow(/Subtraction/);
  });
  it('integer true division gives float32; rounding modes stay integer', () => {
    const a = k.tensor([7, -7, 6], { dtype: 'int32' });
    const d = a.div(2);
    expect(d.dtype).toBe('float32');
    expect(vals(d)).toEqual([3.5, -3.5, 3]);
    const f = a.div(2, { roundingMode: 'floor' });
    expect(f.dtype).toBe('int32');
    expect(vals(f)).toEqual([3, -4, 3]);
    const t = a.div(2, { roundingMode: 'trunc' });
    expect(vals(t)).toEqual([3, -3, 3]);
    expect(vals(k.floorDivide(a, -2))).toEqual([-4, 3, -3]);
    expect(vals(a.remainder(-3))).toEqual([-2, -1, 0]);
    expect(vals(a.fmod(-3))).toEqual([1, -1, 0]);
    expect(k.tensor([true, false]).div(k.tensor([true, true])).dtype).toBe('float32');
  });
  it('float floor division and remainder follow Python semantics', () => {
    const a = k.tensor([7.5, -7.5]);
    expect(vals(a.div(2, { roundingMode: 'floor' }))).toEqual([3, -4]);
    expect(vals(a.remainder(2))).toEqual([1.5, 0.5]);
    expect(vals(a.fmod(2))).toEqual([1.5, -1.5]);
  });
  // Not fixed: PyTorch's CPU kernels raise ZeroDivisionError for integer floor/trunc division and
  // remainder by zero; Kindling's give 0. A data-dependent check needs a synchronous read of the
  // divisor (impossible on webgpu, where PyTorch's CUDA doesn't check either), so it is reported instead.
  it.skip('integer division by zero throws like PyTorch (ZeroDivisionError)', () => {
    const a = k.tensor([1, 2], { dtype: 'int32' });
    expect(() => a.div(0, { roundingMode: 'floor' })).toThrow(/ZeroDivisionError|division by zero/i);
    expect(() => a.remainder(0)).toThrow(/ZeroDivisionError|division by zero/i);
    // true division gives inf
    expect(vals(a.div(0))).toEqual([Infinity, Infinity]);
  });
  it('in-place ops cannot narrow the category', () => {
    expect(() => k.tensor([1, 2], { dtype: 'int32' }).add_(1.5)).toThrow(/can't be cast/);
    expect(() => k.tensor([true]).add_(1)).toThrow(/can't be cast/);
    const x = k.tensor([1, 2], { dtype: 'int32' });
    x.add_(k.tensor([true, false]));
    expect(vals(x)).toEqual([2, 2]);
    const f = k.tensor([1, 2]);
    f.add_(k.tensor([1, 1], { dtype: 'float64' })); // same category: allowed, keeps float32
    expect(f.dtype).toBe('float32');
    expect(vals(f)).toEqual([2, 3]);
    const i = k.tensor([5, 6], { dtype: 'int32' });
    i.copy_(k.tensor([1.7, -1.7])); // copy_ converts (truncates)
    expect(vals(i)).toEqual([1, -1]);
  });
  it('comparisons promote before comparing', () => {
    expect(k.tensor([1, 2], { dtype: 'int32' }).lt(1.5).tolist()).toEqual([true, false]);
    expect(k.tensor([true, false]).eq(1).tolist()).toEqual([true, false]);
    expect(
      k
        .tensor([0.1], { dtype: 'float64' })
        .eq(k.tensor([0.1]))
        .tolist(),
    ).toEqual([false]);
  });
  it('int32 reductions: sum/prod/mean', () => {
    const a = k.tensor([1, 2, 3], { dtype: 'int32' });
    expect(a.sum().dtype).toBe('int32');
    expect(a.prod().dtype).toBe('int32');
    expect(() => a.mean()).toThrow(/mean/);
  });
});
