import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';
// Not yet re-exported from the package index; the same module instances as '@kindling/core' uses.
import { floorDivide, maximum, pow, remainder } from '../src/ops/binary.js';

const ints = () => k.tensor([1, 2, 3], { dtype: 'int32' });
const bools = () => k.tensor([true, false]);

describe('elementwise ops: errors name the op, the dtypes/shapes and what was expected', () => {
  it('unary ops reject dtypes like PyTorch', () => {
    expect(() => bools().neg()).toThrow(
      "neg: not implemented for dtype 'bool'; to invert a mask use logicalNot()",
    );
    expect(() => bools().abs()).toThrow("abs: not implemented for dtype 'bool'");
    expect(() => bools().relu()).toThrow("relu: not implemented for dtype 'bool'");
    expect(() => bools().floor()).toThrow("floor: not implemented for dtype 'bool'");
    expect(() => bools().hardtanh()).toThrow("hardtanh: not implemented for dtype 'bool'");
    for (const [op, f] of [
      ['gelu', (t: k.Tensor) => t.gelu()],
      ['silu', (t: k.Tensor) => t.silu()],
      ['softplus', (t: k.Tensor) => t.softplus()],
      ['leakyRelu', (t: k.Tensor) => t.leakyRelu()],
      ['elu', (t: k.Tensor) => t.elu()],
      ['elu', (t: k.Tensor) => t.selu()],
      ['mish', (t: k.Tensor) => t.mish()],
      ['logsigmoid', (t: k.Tensor) => t.logsigmoid()],
      ['frac', (t: k.Tensor) => t.frac()],
    ] as const) {
      expect(() => f(ints())).toThrow(
        `${op}: not implemented for dtype 'int32' (expected a floating point tensor)`,
      );
      expect(() => f(bools())).toThrow(`${op}: not implemented for dtype 'bool'`);
    }
  });

  it('unary ops check their arguments', () => {
    expect(() => k.exp(3 as unknown as k.Tensor)).toThrow(
      "exp: argument 'input' must be a Tensor, not number",
    );
    expect(() => k.gelu(k.ones(2), { approximate: 'fast' as k.GeluApproximate })).toThrow(
      "gelu: approximate argument must be either 'none' or 'tanh' (got 'fast')",
    );
    expect(() => k.hardtanh(k.ones(2), 1, -1)).toThrow(
      'hardtanh: minVal (1) must be less than or equal to maxVal (-1)',
    );
    expect(() => k.leakyRelu(k.ones(2), '0.1' as unknown as number)).toThrow(
      "leakyRelu: argument 'negativeSlope' must be a number, not string",
    );
    expect(() => k.celu(k.ones(2), 0)).toThrow('celu: ZeroDivisionError');
  });

  it('in-place ops cannot change the dtype category or touch leaves that require grad', () => {
    expect(() => ints().sqrt_()).toThrow(
      "sqrt_: result type float32 can't be cast to the desired output type int32",
    );
    expect(() => ints().clamp_(0.5)).toThrow(
      "clamp_: result type float32 can't be cast to the desired output type int32",
    );
    expect(() => ints().pow_(0.5)).toThrow(
      "pow_: result type float32 can't be cast to the desired output type int32",
    );
    const leaf = k.ones(2).requiresGrad_();
    expect(() => leaf.relu_()).toThrow(
      'relu_: a leaf Variable that requires grad is being used in an in-place operation.',
    );
    expect(() => leaf.clamp_(0)).toThrow('clamp_: a leaf Variable that requires grad');
    expect(() => k.ones(2, 3).relu().clamp_(k.ones(4))).toThrow(
      /clamp: the size of tensor a \(3\) must match/,
    );
    expect(() => k.ones(3).mul(1).pow_(k.ones(2, 3))).toThrow(
      "pow_: output with shape [3] doesn't match the broadcast shape [2, 3]",
    );
    expect(() => k.ones(2).requiresGrad_().mul(1).logicalNot_()).toThrow(
      'logicalNot_: the result is not differentiable',
    );
  });

  it('binary ops: broadcasting errors name both shapes', () => {
    const a = k.ones(2, 3);
    const b = k.ones(4);
    const msg = (op: string) =>
      `${op}: the size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1 (shapes [2, 3] and [4] are not broadcastable)`;
    expect(() => a.pow(b)).toThrow(msg('pow'));
    expect(() => a.maximum(b)).toThrow(msg('maximum'));
    expect(() => a.minimum(b)).toThrow(msg('minimum'));
    expect(() => a.remainder(b)).toThrow(msg('remainder'));
    expect(() => a.fmod(b)).toThrow(msg('fmod'));
    expect(() => a.floorDivide(b)).toThrow(msg('floorDivide'));
    expect(() => a.atan2(b)).toThrow(msg('atan2'));
    expect(() => a.eq(b)).toThrow(msg('eq'));
    expect(() => a.gt(b)).toThrow(msg('gt'));
    expect(() => a.logicalAnd(b)).toThrow(msg('logicalAnd'));
  });

  it('binary ops reject dtypes like PyTorch', () => {
    expect(() => pow(bools(), bools())).toThrow("pow: not implemented for dtype 'bool'");
    expect(() => ints().pow(-1)).toThrow('pow: Integers to negative integer powers are not allowed.');
    expect(() => remainder(bools(), bools())).toThrow("remainder: not implemented for dtype 'bool'");
    expect(() => bools().fmod(bools())).toThrow("fmod: not implemented for dtype 'bool'");
    expect(() => floorDivide(bools(), bools())).toThrow("floorDivide: not implemented for dtype 'bool'");
    expect(() => k.ones(2).div(2, { roundingMode: 'round' as unknown as 'floor' })).toThrow(
      "div: expected rounding_mode to be one of null, 'trunc', or 'floor' but found 'round'",
    );
    expect(() => maximum(1, 2)).toThrow('maximum: expected at least one Tensor argument');
  });

  it('where: condition must be a bool tensor; all three broadcast', () => {
    expect(() => k.where(k.ones(2), k.ones(2), k.zeros(2))).toThrow(
      'where: expected condition to be a boolean tensor, but got a tensor with dtype float32',
    );
    expect(() => k.where(ints(), 1, 0)).toThrow('but got a tensor with dtype int32');
    expect(() => k.where(true as unknown as k.Tensor, 1, 0)).toThrow(
      "where: argument 'condition' must be a Tensor, not boolean",
    );
    expect(() => k.where(k.ones(2, 3).gt(0), k.ones(3), k.ones(4))).toThrow(
      'where: the size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1 (shapes [2, 3] and [4] are not broadcastable)',
    );
  });

  it('clamp: needs a bound, rejects bool and unbroadcastable bounds', () => {
    expect(() => k.ones(2).clamp()).toThrow("clamp: At least one of 'min' or 'max' must not be None");
    expect(() => k.ones(2).clamp(null, undefined)).toThrow("clamp: At least one of 'min' or 'max'");
    expect(() => bools().clamp(k.tensor([false]))).toThrow("clamp: not implemented for dtype 'bool'");
    expect(() => k.ones(2).clamp('0' as unknown as number)).toThrow(
      "clamp: argument 'min' must be a Tensor or a number, not string",
    );
    expect(() => k.ones(2, 3).clamp(k.zeros(4))).toThrow(
      /clamp: .*shapes \[2, 3\] and \[4\] are not broadcastable/,
    );
  });

  it('isclose rejects negative tolerances', () => {
    expect(() => k.ones(2).isclose(k.ones(2), { rtol: -1 })).toThrow(
      'isclose: rtol must be greater than or equal to zero, but got -1',
    );
  });
});
