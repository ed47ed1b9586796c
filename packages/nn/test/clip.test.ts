import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';
import { clipGradNorm_, clipGradValue_, parametersToVector, vectorToParameters } from '../src/utils/clip.js';

const leaf = (v: number[], dtype: k.DType = 'float64') => k.tensor(v, { dtype, requiresGrad: true });
const withGrad = (v: number[], g: number[]) => {
  const p = leaf(v);
  p.grad = k.tensor(g, { dtype: 'float64' });
  return p;
};
const vals = (t: k.Tensor | null) => Array.from(t!.dataSync());

describe('clipGradNorm_', () => {
  it('scales all gradients by maxNorm / (total + 1e-6) and returns the total 2-norm', () => {
    const a = withGrad([0, 0], [3, 0]);
    const b = withGrad([0], [4]);
    const total = clipGradNorm_([a, b], 1);
    expect(total.item()).toBeCloseTo(5, 14);
    const coef = 1 / (5 + 1e-6);
    expect(vals(a.grad)).toEqual([3 * coef, 0]);
    expect(vals(b.grad)).toEqual([4 * coef]);
  });

  it('leaves small gradients unchanged (coefficient clamped to 1)', () => {
    const a = withGrad([0, 0], [0.3, 0.4]);
    const total = clipGradNorm_(a, 10);
    expect(total.item()).toBeCloseTo(0.5, 14);
    expect(vals(a.grad)).toEqual([0.3, 0.4]);
  });

  it('supports other norms: 1, inf', () => {
    const a = withGrad([0, 0], [1, -2]);
    const b = withGrad([0], [-3]);
    expect(clipGradNorm_([a, b], 100, 1).item()).toBeCloseTo(6, 14);
    expect(clipGradNorm_([a, b], 100, 'inf').item()).toBe(3);
    clipGradNorm_([a, b], 1.5, Number.POSITIVE_INFINITY);
    expect(vals(b.grad)[0]).toBeCloseTo((-3 * 1.5) / (3 + 1e-6), 14);
  });

  it('skips parameters without gradients and returns 0 when there are none', () => {
    const a = leaf([1]);
    expect(clipGradNorm_([a], 1).item()).toBe(0);
    const b = withGrad([1], [10]);
    expect(clipGradNorm_([a, b], 1).item()).toBe(10);
  });

  it('errorIfNonfinite', () => {
    const a = withGrad([0, 0], [Number.NaN, 1]);
    expect(() => clipGradNorm_([a], 1, 2, { errorIfNonfinite: true })).toThrow(
      /is non-finite, so it cannot be clipped/,
    );
    expect(Number.isNaN(clipGradNorm_([a], 1).item())).toBe(true);
  });

  it('creates no lasting tensors besides the returned norm', () => {
    const a = withGrad([0, 0, 0], [1, 2, 3]);
    const b = withGrad([0, 0], [4, 5]);
    clipGradNorm_([a, b], 1).dispose();
    const n = k.memory().numTensors;
    clipGradNorm_([a, b], 1).dispose();
    expect(k.memory().numTensors).toBe(n);
  });
});

describe('clipGradValue_', () => {
  it('clamps each gradient element', () => {
    const a = withGrad([0, 0, 0], [-5, 0.5, 3]);
    clipGradValue_([a], 1);
    expect(vals(a.grad)).toEqual([-1, 0.5, 1]);
  });
});

describe('parametersToVector / vectorToParameters', () => {
  it('round-trips and keeps gradient flow in parametersToVector', () => {
    const w = k.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    const b = leaf([5]);
    const v = parametersToVector([w, b.detach().requiresGrad_(true)]);
    expect(vals(v)).toEqual([1, 2, 3, 4, 5]);
    v.mul(k.tensor([1, 2, 3, 4, 5], { dtype: 'float64' }))
      .sum()
      .backward();
    expect(w.grad!.tolist()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    vectorToParameters(k.tensor([9, 8, 7, 6, 5], { dtype: 'float64' }), [w, b]);
    expect(w.tolist()).toEqual([
      [9, 8],
      [7, 6],
    ]);
    expect(b.tolist()).toEqual([5]);
    expect(w.isLeaf).toBe(true);
    expect(() => vectorToParameters(k.zeros([3]), [w])).toThrow(/expected a 1-d vector of 4 elements/);
  });
});
