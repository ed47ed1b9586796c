import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';

const f64 = (v: number[] | number, requiresGrad = true) =>
  k.tensor(v as number[], { dtype: 'float64', requiresGrad });
const vals = (t: k.Tensor | null) => Array.from(t!.dataSync());

describe('define-by-run autograd', () => {
  it('records gradFn names and leaf status', () => {
    const x = f64([1, 2]);
    const y = x.mul(3);
    expect(x.isLeaf).toBe(true);
    expect(y.isLeaf).toBe(false);
    expect(y.gradFn?.name).toBe('MulBackward');
    expect(y.requiresGrad).toBe(true);
    expect(k.noGrad(() => x.mul(3)).requiresGrad).toBe(false);
    expect(k.noGrad(() => k.enableGrad(() => x.mul(3))).requiresGrad).toBe(true);
    expect(k.isGradEnabled()).toBe(true);
  });

  it('visits a shared subgraph once and accumulates (diamond)', () => {
    const x = f64([2]);
    const a = x.mul(x); // x^2
    const y = a.add(a).add(a.mul(a)); // 2x^2 + x^4 -> 4x + 4x^3
    y.sum().backward();
    expect(vals(x.grad)).toEqual([4 * 2 + 4 * 8]);
  });

  it('accumulates into .grad across backward calls', () => {
    const x = f64([1, 2]);
    x.mul(2).sum().backward();
    x.mul(3).sum().backward();
    expect(vals(x.grad)).toEqual([5, 5]);
  });

  it('gives higher-order gradients with createGraph: d²/dx² x³ = 6x', () => {
    const x = f64([1.5, -2]);
    const y = x.mul(x).mul(x).sum();
    const [g] = k.grad(y, x, { createGraph: true });
    expect(vals(g)).toEqual([3 * 1.5 ** 2, 3 * 4]);
    const [h] = k.grad(g!.sum(), x);
    expect(vals(h)).toEqual([9, -12]);
  });

  it('computes Hessian-vector products', () => {
    // f(x) = sum(x_i^2 * x_j) over all i,j = sum(x^2) * sum(x); H v via grad of (grad·v)
    const x = f64([1, 2, 3]);
    const v = f64([0.5, -1, 2], false);
    const f = x.mul(x).sum().mul(x.sum());
    const [g] = k.grad(f, x, { createGraph: true });
    const [hv] = k.grad(g!.mul(v).sum(), x);
    // H = 2*S*I + 2*x*1^T + 2*1*x^T with S = sum(x) = 6
    const xs = [1, 2, 3];
    const vs = [0.5, -1, 2];
    const expected = xs.map(
      (_, i) =>
        12 * vs[i] + 2 * xs[i] * vs.reduce((a, b) => a + b) + 2 * xs.reduce((a, b, j) => a + b * vs[j], 0),
    );
    vals(hv).forEach((h, i) => expect(h).toBeCloseTo(expected[i], 10));
  });

  it('k.grad does not touch .grad and respects allowUnused', () => {
    const x = f64([1]);
    const z = f64([1]);
    const y = x.mul(2);
    expect(() => k.grad(y.sum(), [x, z], { retainGraph: true })).toThrow(
      /appears to not have been used in the graph/,
    );
    const [gx, gz] = k.grad(y.sum(), [x, z], { allowUnused: true });
    expect(vals(gx)).toEqual([2]);
    expect(gz).toBeNull();
    expect(x.grad).toBeNull();
  });

  it('k.grad w.r.t. a non-leaf', () => {
    const x = f64([3]);
    const h = x.mul(2);
    const y = h.mul(h).sum();
    const [gh] = k.grad(y, h);
    expect(vals(gh)).toEqual([12]);
  });

  it('requires a gradient for non-scalar outputs', () => {
    const x = f64([1, 2]);
    expect(() => x.mul(2).backward()).toThrow('grad can be implicitly created only for scalar outputs');
    const y = x.mul(2);
    y.backward(k.tensor([1, 10], { dtype: 'float64' }));
    expect(vals(x.grad)).toEqual([2, 20]);
  });

  it('rejects backward of a tensor without grad_fn', () => {
    expect(() => k.tensor([1]).backward()).toThrow(
      'element 0 of tensors does not require grad and does not have a grad_fn',
    );
  });

  it('refuses a second backward through a freed graph and suggests retainGraph', () => {
    const x = f64([1, 2]);
    const y = x.mul(x).sum();
    y.backward();
    expect(() => y.backward()).toThrow(/backward through the graph a second time.*retainGraph: true/s);
    const z = x.mul(x).sum();
    z.backward(undefined, { retainGraph: true });
    z.backward();
    expect(vals(x.grad)).toEqual([2 + 4, 4 + 8]);
  });

  it('detects in-place modification of saved tensors with versions', () => {
    const x = f64([1, 2]);
    const y = x.exp();
    const z = y.mul(y).sum();
    k.noGrad(() => y.mul_(2));
    expect(y.version).toBe(1);
    expect(() => z.backward()).toThrow(
      /one of the variables needed for gradient computation has been modified by an inplace operation: \[float64 \[2\]\], which is output 0 of ExpBackward, is at version 1; expected version 0 instead/,
    );
  });

  it('forbids in-place ops on leaves that require grad', () => {
    const x = f64([1]);
    expect(() => x.add_(1)).toThrow(
      'a leaf Variable that requires grad is being used in an in-place operation.',
    );
    k.noGrad(() => x.add_(1));
    expect(vals(x)).toEqual([2]);
  });

  it('differentiates through in-place ops on non-leaves (history rebase)', () => {
    const x = f64([1, 2]);
    const y = x.mul(3);
    y.mul_(x); // y = 3x^2
    expect(y.gradFn?.name).toBe('MulBackward');
    expect(y.version).toBe(1);
    y.sum().backward();
    expect(vals(x.grad)).toEqual([6, 12]);
  });

  it('hooks can observe and replace gradients; retainGrad keeps non-leaf grads', () => {
    const x = f64([1, 2]);
    const seen: number[][] = [];
    const h = x.mul(2);
    h.retainGrad();
    const handle = h.registerHook((g) => {
      seen.push(vals(g));
      return g.mul(10);
    });
    x.registerHook((g) => {
      seen.push(vals(g));
    });
    h.sum().backward();
    expect(seen).toEqual([
      [1, 1],
      [20, 20],
    ]);
    expect(vals(h.grad)).toEqual([10, 10]);
    expect(vals(x.grad)).toEqual([20, 20]);
    handle.remove();
    x.grad = null;
    const h2 = x.mul(2);
    h2.sum().backward();
    expect(vals(x.grad)).toEqual([2, 2]);
  });

  it('detach and requiresGrad_', () => {
    const x = f64([1]);
    const d = x.mul(2).detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.gradFn).toBeNull();
    const w = k.tensor([1]).requiresGrad_();
    expect(w.requiresGrad).toBe(true);
    expect(() => k.tensor([1], { dtype: 'int32' }).requiresGrad_()).toThrow(/floating point/);
    expect(() => {
      x.mul(2).requiresGrad = false;
    }).toThrow(/leaf variables/);
  });

  it('anomaly mode names the backward node and the forward stack on NaN', () => {
    const x = f64([0]);
    const err = (() => {
      try {
        k.detectAnomaly(() => {
          const y = x.div(x); // 0/0 -> NaN gradient
          y.sum().backward();
        });
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(err?.message).toMatch(/Function 'DivBackward' returned nan values in its \d+th output/);
    expect(err?.message).toMatch(
      /Traceback of forward call that caused the error:\n\s+at div .*autograd\.test\.ts/s,
    );
  });

  it('gradients flow through views and scatter back', () => {
    const x = f64([1, 2, 3, 4, 5, 6]);
    const v = x.view(2, 3).t().select(0, 1); // elements 2, 5
    v.mul(v).sum().backward();
    expect(vals(x.grad)).toEqual([0, 4, 0, 0, 10, 0]);
  });

  it('tensor(...).toString() prints like PyTorch', () => {
    expect(
      String(
        k.tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(String(k.tensor([1.5, 2.25], { requiresGrad: true }))).toBe(
      'tensor([1.5000, 2.2500], requires_grad=True)',
    );
    expect(String(k.tensor([1, 2], { dtype: 'int32' }))).toBe('tensor([1, 2], dtype=int32)');
    expect(String(k.tensor([true, false]))).toBe('tensor([ True, False])');
    expect(String(k.tensor(3))).toBe('tensor(3.)');
  });
});
