import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';

describe('matmul family errors (PyTorch wording)', () => {
  it('inner dimensions must match', () => {
    expect(() => k.ones(1, 100).matmul(k.ones(50, 10))).toThrow(
      'matmul: shapes [1, 100] and [50, 10] cannot be multiplied (100 != 50)',
    );
    expect(() => k.matmul(k.ones(3), k.ones(4))).toThrow(
      'matmul: shapes [3] and [4] cannot be multiplied (3 != 4)',
    );
    expect(() => k.ones(2, 3, 4).matmul(k.ones(5))).toThrow(
      'matmul: shapes [2, 3, 4] and [5] cannot be multiplied (4 != 5)',
    );
    expect(() => k.ones(4).matmul(k.ones(2, 5, 6))).toThrow(
      'matmul: shapes [4] and [2, 5, 6] cannot be multiplied (4 != 5)',
    );
    expect(() => k.ones(2, 3).mm(k.ones(4, 5))).toThrow(
      'mm: shapes [2, 3] and [4, 5] cannot be multiplied (3 != 4)',
    );
    expect(() => k.ones(2, 3, 4).bmm(k.ones(2, 5, 6))).toThrow(
      'bmm: shapes [2, 3, 4] and [2, 5, 6] cannot be multiplied (4 != 5)',
    );
    expect(() => k.ones(2, 3).mv(k.ones(4))).toThrow(
      'mv: shapes [2, 3] and [4] cannot be multiplied (3 != 4)',
    );
    expect(() => k.ones(3).dot(k.ones(4))).toThrow('dot: shapes [3] and [4] cannot be multiplied (3 != 4)');
    expect(() => k.addmm(k.ones(2, 5), k.ones(2, 3), k.ones(4, 5))).toThrow(
      'addmm: shapes [2, 3] and [4, 5] cannot be multiplied (3 != 4)',
    );
    expect(() => k.linear(k.ones(2, 3), k.ones(5, 4))).toThrow(
      'linear: input shape [2, 3] and weight shape [5, 4] cannot be multiplied (3 != 4)',
    );
  });
  it('batch dims must broadcast (matmul) or match (bmm)', () => {
    expect(() => k.ones(2, 3, 4).matmul(k.ones(3, 4, 5))).toThrow(
      'matmul: the size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0 (batch dimensions of shapes [2, 3, 4] and [3, 4, 5] are not broadcastable)',
    );
    expect(() => k.ones(2, 3, 4).bmm(k.ones(3, 4, 5))).toThrow(
      'bmm: batch sizes of shapes [2, 3, 4] and [3, 4, 5] must match (2 != 3)',
    );
  });
  it('dtypes must be equal and supported', () => {
    const f64 = k.ones([2, 2], { dtype: 'float64' });
    expect(() => k.ones(2, 2).matmul(f64)).toThrow(
      'matmul: expected m1 and m2 to have the same dtype, but got: float32 != float64',
    );
    expect(() => k.ones(2, 2).mm(f64)).toThrow(
      'mm: expected m1 and m2 to have the same dtype, but got: float32 != float64',
    );
    expect(() => k.ones([2], { dtype: 'int32' }).dot(k.ones(2))).toThrow(
      'dot: expected m1 and m2 to have the same dtype, but got: int32 != float32',
    );
    const b = k.ones([2, 2], { dtype: 'bool' });
    expect(() => b.matmul(b)).toThrow(
      "matmul: not implemented for 'bool' (supported dtypes: float32, float64, int32)",
    );
    expect(() => k.linear(k.ones(2, 2), k.ones(3, 2), k.ones([3], { dtype: 'float64' }))).toThrow(
      'linear: expected input and bias to have the same dtype, but got: float32 != float64',
    );
  });
  it('ranks', () => {
    expect(() => k.tensor(1.5).matmul(k.ones(2))).toThrow(
      'matmul: both arguments to matmul need to be at least 1D, but they are 0D and 1D',
    );
    expect(() => k.ones(3).mm(k.ones(3, 2))).toThrow(
      'mm: self must be a matrix (got a 1-D tensor of shape [3])',
    );
    expect(() => k.ones(2, 3).mm(k.ones(3))).toThrow(
      'mm: mat2 must be a matrix (got a 1-D tensor of shape [3])',
    );
    expect(() => k.ones(2, 3).bmm(k.ones(2, 3, 4))).toThrow(
      'bmm: batch1 must be a 3D tensor (got a 2-D tensor of shape [2, 3])',
    );
    expect(() => k.ones(2, 3).mv(k.ones(3, 1))).toThrow(
      /mv: expected a matrix and a vector, but got 2-D and 2-D tensors/,
    );
    expect(() => k.ones(2, 3).dot(k.ones(3))).toThrow('dot: 1D tensors expected, but got 2D and 1D tensors');
    expect(() => k.ones(2, 3).outer(k.ones(3))).toThrow(
      'outer: 1D tensors expected, but got 2D and 1D tensors',
    );
  });
});
