import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';

// Expected strings are PyTorch 2.x's, with `torch.float64` written `float64` and int32 in place of
// PyTorch's int64 default (Kindling always shows `dtype=int32`).
const S = (t: k.Tensor) => String(t);

describe('review: printing like PyTorch', () => {
  it('empty tensors', () => {
    expect(S(k.tensor([]))).toBe('tensor([])');
    expect(S(k.zeros(0, 3))).toBe('tensor([], size=(0, 3))');
    expect(S(k.zeros([2, 0, 1], { dtype: 'float64' }))).toBe('tensor([], size=(2, 0, 1), dtype=float64)');
    expect(S(k.zeros([0], { dtype: 'int32' }))).toBe('tensor([], dtype=int32)');
    expect(S(k.zeros([0], { dtype: 'bool' }))).toBe('tensor([], dtype=bool)');
    expect(S(k.zeros([0], { requiresGrad: true }))).toBe('tensor([], requires_grad=True)');
  });
  it('0-d tensors', () => {
    expect(S(k.tensor(3))).toBe('tensor(3.)');
    expect(S(k.tensor(-0.5))).toBe('tensor(-0.5000)');
    expect(S(k.tensor(0))).toBe('tensor(0.)');
    expect(S(k.tensor(-0))).toBe('tensor(-0.)');
    expect(S(k.tensor(7, { dtype: 'int32' }))).toBe('tensor(7, dtype=int32)');
    expect(S(k.tensor(true))).toBe('tensor(True)');
    expect(S(k.tensor(1e-5, { dtype: 'float64' }))).toBe('tensor(1.0000e-05, dtype=float64)');
    expect(S(k.tensor(2, { requiresGrad: true }).mul(2))).toBe('tensor(4., grad_fn=<MulBackward>)');
  });
  it('negative numbers are right-aligned', () => {
    expect(S(k.tensor([1, -1]))).toBe('tensor([ 1., -1.])');
    expect(S(k.tensor([-1.5, 2, 10]))).toBe('tensor([-1.5000,  2.0000, 10.0000])');
    expect(S(k.tensor([-3, 12], { dtype: 'int32' }))).toBe('tensor([-3, 12], dtype=int32)');
    expect(
      S(
        k.tensor([
          [-1, 200],
          [3, 4],
        ]),
      ),
    ).toBe('tensor([[ -1., 200.],\n        [  3.,   4.]])');
  });
  it('scientific notation rules', () => {
    // integer-valued floats switch to scientific when max/min > 1000 or max > 1e8
    expect(S(k.tensor([1, 10000]))).toBe('tensor([1.0000e+00, 1.0000e+04])');
    expect(S(k.tensor([1, 1000]))).toBe('tensor([   1., 1000.])');
    expect(S(k.tensor([1e8]))).toBe('tensor([100000000.])');
    expect(S(k.tensor([1e9]))).toBe('tensor([1.0000e+09])');
    expect(S(k.tensor([1e-5, 1]))).toBe('tensor([1.0000e-05, 1.0000e+00])');
    expect(S(k.tensor([0.5, 1000]))).toBe('tensor([5.0000e-01, 1.0000e+03])');
    expect(S(k.tensor([0, 1.5e10], { dtype: 'float64' }))).toBe(
      'tensor([0.0000e+00, 1.5000e+10], dtype=float64)',
    );
    expect(S(k.tensor([1e-300, -1e300], { dtype: 'float64' }))).toBe(
      'tensor([ 1.0000e-300, -1.0000e+300], dtype=float64)',
    );
  });
  it('nan and inf do not widen the columns', () => {
    expect(S(k.tensor([Number.NaN, 1]))).toBe('tensor([nan, 1.])');
    expect(S(k.tensor([0, Number.NaN]))).toBe('tensor([0., nan])');
    expect(S(k.tensor([1, Number.POSITIVE_INFINITY]))).toBe('tensor([1., inf])');
    expect(S(k.tensor([Number.POSITIVE_INFINITY, -1.5]))).toBe('tensor([    inf, -1.5000])');
    expect(S(k.tensor([Number.NEGATIVE_INFINITY, Number.NaN]))).toBe('tensor([-inf, nan])');
  });
  it('rounds ties to even like Python', () => {
    expect(S(k.tensor([0.03125, 0.5]))).toBe('tensor([0.0312, 0.5000])');
    expect(S(k.tensor([0.09375, 0.5]))).toBe('tensor([0.0938, 0.5000])');
    expect(S(k.tensor([1.03125, 2000]))).toBe('tensor([1.0312e+00, 2.0000e+03])');
  });
  it('float64 and requires_grad suffixes', () => {
    expect(S(k.tensor([1, 2], { dtype: 'float64' }))).toBe('tensor([1., 2.], dtype=float64)');
    expect(S(k.tensor([1, 2], { dtype: 'float64', requiresGrad: true }))).toBe(
      'tensor([1., 2.], dtype=float64, requires_grad=True)',
    );
  });
  it('wraps long rows at 80 columns', () => {
    expect(S(k.arange(30, { dtype: 'float32' }))).toBe(
      'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n' +
        '        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n' +
        '        28., 29.])',
    );
    expect(S(k.arange(20, { dtype: 'float32' }).reshape(2, 10).div(3))).toBe(
      'tensor([[0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333, 2.6667,\n' +
        '         3.0000],\n' +
        '        [3.3333, 3.6667, 4.0000, 4.3333, 4.6667, 5.0000, 5.3333, 5.6667, 6.0000,\n' +
        '         6.3333]])',
    );
  });
  it('puts suffixes on a new line when the last line is full', () => {
    const t = k.arange(13, { dtype: 'float32' }).add(10).requiresGrad_();
    expect(S(t)).toBe(
      'tensor([10., 11., 12., 13., 14., 15., 16., 17., 18., 19., 20., 21., 22.],\n' +
        '       requires_grad=True)',
    );
  });
  it('summarizes large tensors with ...', () => {
    expect(S(k.arange(2000, { dtype: 'float32' }).add(1000))).toBe(
      'tensor([1000., 1001., 1002.,  ..., 2997., 2998., 2999.])',
    );
    // 1999 / 1 > 1000: scientific, and the ' ...' entry counts when wrapping
    expect(S(k.arange(2000, { dtype: 'float32' }))).toBe(
      'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])',
    );
    expect(S(k.zeros(100, 100))).toBe(
      [
        'tensor([[0., 0., 0.,  ..., 0., 0., 0.],',
        '        [0., 0., 0.,  ..., 0., 0., 0.],',
        '        [0., 0., 0.,  ..., 0., 0., 0.],',
        '        ...,',
        '        [0., 0., 0.,  ..., 0., 0., 0.],',
        '        [0., 0., 0.,  ..., 0., 0., 0.],',
        '        [0., 0., 0.,  ..., 0., 0., 0.]])',
      ].join('\n'),
    );
    // hidden values do not affect width or notation
    const x = k.zeros(2000);
    k.noGrad(() => x.narrow(0, 1000, 1).fill_(1e10));
    expect(S(x)).toBe('tensor([0., 0., 0.,  ..., 0., 0., 0.])');
    expect(S(k.arange(2000, { dtype: 'int32' }))).toBe(
      'tensor([   0,    1,    2,  ..., 1997, 1998, 1999], dtype=int32)',
    );
  });
  it('3-d layout has blank lines between matrices', () => {
    expect(S(k.arange(8, { dtype: 'int32' }).reshape(2, 2, 2))).toBe(
      'tensor([[[0, 1],\n         [2, 3]],\n\n        [[4, 5],\n         [6, 7]]], dtype=int32)',
    );
  });
  it('non-contiguous tensors print their logical order', () => {
    expect(S(k.arange(6, { dtype: 'float32' }).reshape(2, 3).t())).toBe(
      'tensor([[0., 3.],\n        [1., 4.],\n        [2., 5.]])',
    );
  });
  it('bool', () => {
    expect(S(k.tensor([true, true]))).toBe('tensor([True, True])');
    expect(S(k.tensor([false, true]))).toBe('tensor([False,  True])');
  });
});
