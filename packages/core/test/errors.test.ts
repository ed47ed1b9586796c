import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';

/** A backend with storage but no kernels, to test dispatch errors. */
const bare: k.Backend<Float32Array> = {
  name: 'bare',
  alloc: (_d, n) => new Float32Array(n),
  free: () => {},
  write: (h, _d, data) => h.set(data),
  read: async (h, _d, n) => h.slice(0, n),
};
k.registerBackend(bare);

describe('errors name the op, the shapes/dtypes and what was expected', () => {
  it('broadcasting', () => {
    expect(() => k.ones(2, 3).add(k.ones(4))).toThrow(
      'add: the size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1 (shapes [2, 3] and [4] are not broadcastable)',
    );
  });
  it('dims out of range', () => {
    expect(() => k.ones(2, 3).sum(2)).toThrow(
      'sum: Dimension out of range (expected to be in range of [-2, 1], but got 2)',
    );
    expect(() => k.ones(2, 3).transpose(0, -3)).toThrow(/transpose: Dimension out of range/);
    expect(() => k.ones(2).select(0, 2)).toThrow(
      'select: index 2 is out of bounds for dimension 0 with size 2',
    );
    expect(() => k.ones(2).narrow(0, 1, 2)).toThrow(
      'narrow: start (1) + length (2) exceeds dimension size (2).',
    );
  });
  it('views and reshapes', () => {
    expect(() => k.ones(2, 3).view(4)).toThrow("view: shape '[4]' is invalid for input of size 6");
    expect(() => k.ones(2, 3).t().view(6)).toThrow(
      /view size is not compatible with input tensor's size and stride.*Use \.reshape/,
    );
    expect(k.ones(2, 3).t().reshape(6).shape).toEqual([6]);
    expect(() => k.ones(2, 3).view(-1, -1)).toThrow('view: only one dimension can be inferred');
    expect(() => k.ones(2, 3).expand(4, 3)).toThrow(
      /expand: The expanded size of the tensor \(4\) must match the existing size \(2\) at non-singleton dimension 0/,
    );
    expect(() => k.ones(2, 3).permute(0)).toThrow(/permute: number of dims don't match/);
  });
  it('creation', () => {
    expect(() => k.tensor([[1, 2], [3]])).toThrow('tensor: expected sequence of length 2 at dim 1 (got 1)');
    expect(() => k.zeros([2, -1])).toThrow(
      'zeros: invalid shape [2, -1] (dims must be non-negative integers)',
    );
    expect(() => k.tensor([1], { dtype: 'float16' as k.DType })).toThrow("tensor: unknown dtype 'float16'");
    expect(() => k.arange(0, 5, 0)).toThrow('arange: step must be nonzero');
  });
  it('reading values', () => {
    expect(() => k.ones(2).item()).toThrow('item(): a Tensor with 2 elements cannot be converted to Scalar');
  });
  it('devices and kernels', () => {
    const onBare = k.tensor([1, 2], { device: 'bare' });
    expect(onBare.device).toBe('bare');
    expect(() => onBare.add(onBare)).toThrow("Kernel 'add' is not implemented on backend 'bare'");
    expect(() => k.ones(2).add(onBare)).toThrow(
      'add: Expected all tensors to be on the same device, but found at least two devices, cpu and bare!',
    );
    expect(() => k.tensor([1], { device: 'bare' }).item()).toThrow(
      "item(): the 'bare' backend cannot read synchronously; use 'await tensor.itemAsync()' instead",
    );
    expect(() => k.zeros([1], { device: 'tpu' })).toThrow(/No backend named 'tpu' is registered/);
    expect(k.listBackends()).toContain('cpu');
  });
  it('async reads work on every backend', async () => {
    const onBare = k.tensor([1, 2], { device: 'bare' });
    expect(Array.from(await onBare.data())).toEqual([1, 2]);
    expect(await k.tensor([5], { device: 'bare' }).itemAsync()).toBe(5);
    const back = await onBare.toAsync('cpu');
    expect(back.tolist()).toEqual([1, 2]);
  });
  it('in-place dtype narrowing', () => {
    expect(() => k.ones([2], { dtype: 'int32' }).add_(0.5)).toThrow(
      "add_: result type float32 can't be cast to the desired output type int32",
    );
    expect(() => k.ones(3).add_(k.ones(2, 3))).toThrow(
      /add_: output with shape \[3\] doesn't match the broadcast shape \[2, 3\]/,
    );
  });
});
