import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';

const f64 = (v: number[] | number[][] | number, requiresGrad = true) =>
  k.tensor(v as number[], { dtype: 'float64', requiresGrad });
const vals = (t: k.Tensor | null | undefined) => Array.from(t!.dataSync());

describe('review: multi-output nodes', () => {
  it('sort: only values used', () => {
    const x = f64([3, 1, 2]);
    const [v] = x.sort();
    v.mul(k.tensor([1, 10, 100], { dtype: 'float64' }))
      .sum()
      .backward();
    expect(vals(x.grad)).toEqual([100, 1, 10]);
  });
  it('max(dim): indices never require grad, values gradient flows', () => {
    const x = f64([
      [1, 5],
      [7, 2],
    ]);
    const [v, i] = x.max(1);
    expect(i.requiresGrad).toBe(false);
    expect(i.gradFn).toBeNull();
    expect(i.dtype).toBe('int32');
    v.sum().backward();
    expect(vals(x.grad)).toEqual([0, 1, 1, 0]);
  });
  it('split: only some outputs used', () => {
    const x = f64([1, 2, 3, 4, 5]);
    const [, b] = x.split(2);
    b.mul(3).sum().backward();
    expect(vals(x.grad)).toEqual([0, 0, 3, 3, 0]);
  });
  it('argmax/argsort/eq outputs never require grad', () => {
    const x = f64([1, 3, 2]);
    expect(x.argmax().requiresGrad).toBe(false);
    expect(x.argsort().requiresGrad).toBe(false);
    expect(x.eq(3).requiresGrad).toBe(false);
    expect(x.int().requiresGrad).toBe(false);
    expect(() => x.argmax().requiresGrad_()).toThrow(/floating point/);
  });
  it('varMean: both outputs used', () => {
    const x = f64([1, 2, 4]);
    const [v, m] = k.varMean(x);
    v.add(m).backward();
    // d var/dx = 2(x - m)/(n-1), d mean/dx = 1/n
    const m0 = 7 / 3;
    vals(x.grad).forEach((g, i) => expect(g).toBeCloseTo([1, 2, 4][i] - m0 + 1 / 3, 12));
  });
  it('varMean: only mean used', () => {
    const x = f64([1, 2, 4]);
    const [, m] = k.varMean(x);
    m.backward();
    vals(x.grad).forEach((g) => expect(g).toBeCloseTo(1 / 3, 12));
  });
});

describe('review: hooks and retainGrad', () => {
  it('retainGrad + hook on the same non-leaf: retained grad sees the hooked value', () => {
    const x = f64([1, 2]);
    const y = x.mul(2);
    y.retainGrad();
    const seen: number[][] = [];
    y.registerHook((g) => {
      seen.push(vals(g));
      return g.mul(10);
    });
    y.sum().backward();
    expect(seen).toEqual([[1, 1]]);
    // PyTorch: retains_grad hook always runs last, so y.grad is the hooked gradient.
    expect(vals(y.grad)).toEqual([10, 10]);
    expect(vals(x.grad)).toEqual([20, 20]);
  });
  it('hook registered after retainGrad still runs before retaining', () => {
    const x = f64([1]);
    const y = x.mul(1);
    y.registerHook((g) => g.mul(2));
    y.retainGrad();
    y.registerHook((g) => g.mul(3));
    y.sum().backward();
    expect(vals(y.grad)).toEqual([6]);
    expect(vals(x.grad)).toEqual([6]);
  });
  it('leaf hooks run in registration order, before accumulation', () => {
    const x = f64([1]);
    const order: string[] = [];
    x.registerHook((g) => {
      order.push('a');
      return g.add(1);
    });
    x.registerHook((g) => {
      order.push(`b${vals(g)[0]}`);
      return g.mul(2);
    });
    x.mul(3).sum().backward();
    expect(order).toEqual(['a', 'b4']);
    expect(vals(x.grad)).toEqual([8]);
  });
  it('leaf hook is applied once to the summed gradient of several uses', () => {
    const x = f64([2]);
    let calls = 0;
    x.registerHook((g) => {
      calls++;
      return g;
    });
    x.mul(x).add(x).sum().backward();
    expect(calls).toBe(1);
    expect(vals(x.grad)).toEqual([5]);
  });
  it('hook removal', () => {
    const x = f64([1]);
    const h = x.registerHook((g) => g.mul(100));
    h.remove();
    x.mul(2).sum().backward();
    expect(vals(x.grad)).toEqual([2]);
  });
  it('hooks on a leaf apply to k.grad results too', () => {
    const x = f64([1]);
    x.registerHook((g) => g.mul(5));
    const [g] = k.grad(x.mul(2).sum(), x);
    expect(vals(g)).toEqual([10]);
  });
  it('retainGrad accumulates across backward calls', () => {
    const x = f64([1]);
    const y = x.mul(2);
    y.retainGrad();
    y.sum().backward({ retainGraph: true }); // options as the first argument
    y.sum().backward(null, {});
    expect(vals(y.grad)).toEqual([2]);
    expect(vals(x.grad)).toEqual([4]);
  });
  it('retained grad of a non-leaf is not aliased with a leaf grad (in-place accumulation)', () => {
    const x = f64([1, 2]);
    const y = x.clone();
    y.retainGrad();
    y.sum().backward();
    const yg = vals(y.grad);
    x.mul(5).sum().backward();
    expect(vals(x.grad)).toEqual([6, 6]);
    expect(vals(y.grad)).toEqual(yg);
  });
  it('createGraph backward: leaf .grad does not alias the user gradient tensor', () => {
    const x = f64([1, 2]);
    const gout = k.tensor([1, 1], { dtype: 'float64' });
    x.clone().backward(gout, { createGraph: true });
    x.mul(3).sum().backward();
    expect(vals(x.grad)).toEqual([4, 4]);
    expect(vals(gout)).toEqual([1, 1]);
  });
  it('createGraph backward: retained grad does not alias the leaf grad', () => {
    const x = f64([1, 2]);
    const y = x.clone();
    y.retainGrad();
    y.sum().backward(null, { createGraph: true });
    x.mul(3).sum().backward();
    expect(vals(x.grad)).toEqual([4, 4]);
    expect(vals(y.grad)).toEqual([1, 1]);
  });
});

describe('review: gradients through views and createGraph', () => {
  const cases: [string, (x: k.Tensor) => k.Tensor][] = [
    ['select', (x) => x.select(1, 1)],
    ['narrow', (x) => x.narrow(0, 1, 1)],
    ['transpose', (x) => x.transpose(0, 1)],
    ['expand', (x) => x.narrow(1, 0, 1).expand(2, 4)],
    ['slice step', (x) => x.index(null, k.slice(null, null, 2))],
  ];
  for (const [name, f] of cases) {
    it(`second derivative through ${name}`, () => {
      const x = f64([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      // y = sum(view(x)^3); dy/dx = 3 view^2 scattered; d/dx sum(dy/dx) = 6 view scattered
      const y = f(x).pow(3).sum();
      const [g] = k.grad(y, x, { createGraph: true });
      expect(g!.requiresGrad).toBe(true);
      const [h] = k.grad(g!.sum(), x);
      // Reference with explicit mask computation
      const x2 = f64(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        true,
      );
      const y2 = f(x2).pow(3).sum();
      y2.backward(null, { createGraph: true });
      const g2 = x2.grad!;
      const [h2] = k.grad(g2.sum(), x2);
      expect(vals(h)).toEqual(vals(h2));
      // check against finite counts: h = 6 * view(x) * multiplicity, computed via a ones-probe
      const ones = k.onesLike(x, { requiresGrad: true });
      const cnt = k.grad(f(ones).sum(), ones)[0]!;
      const xv = vals(x);
      const c = vals(cnt);
      const gv = vals(g);
      // multiplicity-weighted 3x^2 (expand sums copies)
      gv.forEach((v, i) => expect(v).toBeCloseTo(3 * xv[i] ** 2 * c[i], 10));
      vals(h).forEach((v, i) => expect(v).toBeCloseTo(6 * xv[i] * c[i], 10));
    });
  }
  it('third derivative through select', () => {
    const x = f64([1, 2, 3]);
    const y = x.select(0, 1).pow(4);
    const [g1] = k.grad(y, x, { createGraph: true });
    const [g2] = k.grad(g1!.sum(), x, { createGraph: true });
    const [g3] = k.grad(g2!.sum(), x);
    expect(vals(g3)).toEqual([0, 24 * 2, 0]);
  });
  it('backward with a gradient on a non-scalar view output', () => {
    const x = f64([
      [1, 2],
      [3, 4],
    ]);
    const y = x.t().mul(2);
    y.backward(
      k.tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: 'float64' },
      ),
    );
    expect(vals(x.grad)).toEqual([2, 6, 4, 8]);
  });
  it('leaf first grad from a view, then accumulate', () => {
    const x = f64([1, 2, 3]);
    x.unsqueeze(0).expand(2, 3).sum().backward();
    expect(vals(x.grad)).toEqual([2, 2, 2]);
    expect(x.grad!.isView).toBe(false);
    x.select(0, 0).mul(5).backward();
    expect(vals(x.grad)).toEqual([7, 2, 2]);
    x.sum().backward();
    expect(vals(x.grad)).toEqual([8, 3, 3]);
    expect(x.grad!.shape).toEqual([3]);
    expect(x.grad!.isContiguous()).toBe(true);
  });
  it('leaf used twice in one op', () => {
    const x = f64([3, -2]);
    x.mul(x).sum().backward();
    expect(vals(x.grad)).toEqual([6, -4]);
    const z = f64([3]);
    z.div(z).sum().backward();
    expect(vals(z.grad)).toEqual([0]);
    const w = f64([2]);
    w.pow(w).sum().backward(); // d/dw w^w = w^w (ln w + 1)
    expect(vals(w.grad)[0]).toBeCloseTo(4 * (Math.log(2) + 1), 12);
  });
  it('float32 leaf in a float64 computation gets a float32 grad', () => {
    const x = k.tensor([1, 2], { requiresGrad: true });
    const y = x.to('float64').mul(k.tensor([3, 4], { dtype: 'float64' }));
    expect(y.dtype).toBe('float64');
    y.sum().backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(vals(x.grad)).toEqual([3, 4]);
  });
  it('mixed dtype binary op: each input gets a grad of its own dtype', () => {
    const a = k.tensor([1, 2], { requiresGrad: true });
    const b = k.tensor([3, 4], { dtype: 'float64', requiresGrad: true });
    a.mul(b).sum().backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(b.grad!.dtype).toBe('float64');
    expect(vals(a.grad)).toEqual([3, 4]);
    expect(vals(b.grad)).toEqual([1, 2]);
  });
  it('0-d float64 tensor times float32 vector: grads keep dtypes', () => {
    const s = k.tensor(2, { dtype: 'float64', requiresGrad: true });
    const v = k.tensor([1, 2], { requiresGrad: true });
    const y = v.mul(s);
    expect(y.dtype).toBe('float32');
    y.sum().backward();
    expect(s.grad!.dtype).toBe('float64');
    expect(s.grad!.shape).toEqual([]);
    expect(vals(s.grad)).toEqual([3]);
    expect(vals(v.grad)).toEqual([2, 2]);
  });
});

describe('review: detach, in-place and versions', () => {
  it('detach shares storage and the version counter', () => {
    const x = f64([1, 2]);
    const d = x.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    d.add_(1);
    expect(vals(x)).toEqual([2, 3]);
    expect(x.version).toBe(1);
    expect(d.version).toBe(1);
  });
  it('in-place on a saved tensor raises the version message', () => {
    const x = f64([1, 2]);
    const a = x.mul(1);
    const b = a.exp();
    a.add_(1); // a is saved by? exp saves its output; mul saved by... a saved by sin:
    b.sum().backward(); // exp saves output, not input: fine
    const c = x.mul(1);
    const s = c.sin();
    c.mul_(2);
    expect(() => s.sum().backward()).toThrow(
      /one of the variables needed for gradient computation has been modified by an inplace operation: \[float64 \[2\]\], which is output 0 of MulBackward, is at version 1; expected version 0 instead/,
    );
  });
  it('in-place on a saved output raises', () => {
    const x = f64([1, 2]);
    const y = x.exp();
    y.add_(1);
    expect(() => y.sum().backward()).toThrow(/modified by an inplace operation/);
  });
  it('in-place via a detached alias is detected', () => {
    const x = f64([1, 2]);
    const y = x.mul(2);
    const z = y.pow(2);
    y.detach().zero_();
    expect(() => z.sum().backward()).toThrow(/modified by an inplace operation/);
  });
  it('in-place through a view bumps the version seen by the base', () => {
    const x = f64([1, 2, 3]);
    const y = x.mul(1);
    const z = y.pow(2);
    k.noGrad(() => y.narrow(0, 0, 1).fill_(0));
    expect(y.version).toBe(1);
    expect(() => z.sum().backward()).toThrow(/modified by an inplace operation/);
  });
  it('in-place on a non-leaf rebases history', () => {
    const x = f64([1, 2]);
    const y = x.mul(2);
    y.mul_(3);
    expect(y.gradFn?.name).toBe('MulBackward');
    y.add_(x); // y = 6x + x
    y.sum().backward();
    expect(vals(x.grad)).toEqual([7, 7]);
  });
  it('in-place on a non-leaf chained with ops that save self/result', () => {
    const x = f64([1, 2]);
    const y = x.mul(1);
    y.mul_(x); // y = x^2
    y.sin_();
    y.exp_();
    y.sum().backward();
    const xs = [1, 2];
    vals(x.grad).forEach((g, i) =>
      expect(g).toBeCloseTo(Math.exp(Math.sin(xs[i] ** 2)) * Math.cos(xs[i] ** 2) * 2 * xs[i], 12),
    );
  });
  it('y.mul_(y) and a.mul_(w) with a not requiring grad raise the version error (as PyTorch)', () => {
    const x = f64([1, 2]);
    const y = x.mul(1);
    y.mul_(y);
    expect(() => y.sum().backward()).toThrow(/modified by an inplace operation/);
    const w = f64([2, 3]);
    const a = k.tensor([5, 7], { dtype: 'float64' });
    a.mul_(w);
    expect(a.requiresGrad).toBe(true);
    expect(a.gradFn?.name).toBe('MulBackward');
    expect(() => a.sum().backward()).toThrow(/modified by an inplace operation/);
    // add_ saves nothing, so it works
    const b = k.tensor([5, 7], { dtype: 'float64' });
    b.add_(w);
    b.sum().backward();
    expect(vals(w.grad)).toEqual([1, 1]);
  });
  it('in-place on a leaf requiring grad throws, but is fine under noGrad', () => {
    const x = f64([1]);
    expect(() => x.add_(1)).toThrow(/leaf Variable that requires grad/);
    k.noGrad(() => x.add_(1));
    expect(vals(x)).toEqual([2]);
  });
  it('a view taken before an in-place op rebased its base is not silently wrong', () => {
    // PyTorch regenerates the view's grad_fn (grad would be [3, 0]); Kindling throws instead.
    const x = f64([1, 2]);
    const y = x.mul(1);
    const v = y.select(0, 0);
    const v2 = y.narrow(0, 0, 1).squeeze(0); // view of a view
    y.mul_(3);
    expect(() => v.backward()).toThrow(/in-place operation changed its base's autograd history/);
    expect(() => v2.mul(2)).toThrow(/in-place operation changed its base's autograd history/);
    // a view taken after the in-place op is fine
    y.select(0, 0).backward();
    expect(vals(x.grad)).toEqual([3, 0]);
  });
  it('a view of a view taken after the rebase, of a view taken before, is caught', () => {
    const x = f64([1, 2, 3]);
    const y = x.mul(1);
    const v1 = y.narrow(0, 0, 2);
    y.mul_(3);
    expect(() => v1.select(0, 0).mul(1)).toThrow(/changed its base's autograd history/);
  });
  it('a view of a base that gains history through an in-place op is caught', () => {
    const w = f64([2, 3]);
    const b = k.zeros([2], { dtype: 'float64' });
    const v = b.narrow(0, 0, 1);
    b.add_(w);
    expect(() => v.mul(2)).toThrow(/changed its base's autograd history/);
  });
  it('views stay usable after in-place ops under noGrad and with no history', () => {
    const x = f64([1, 2]);
    const y = x.mul(1);
    const v = y.select(0, 1);
    k.noGrad(() => y.add_(1));
    v.mul(2).backward();
    expect(vals(x.grad)).toEqual([0, 2]);
    const b = k.zeros([3]);
    const bv = b.narrow(0, 1, 2);
    b.add_(1);
    expect(vals(bv.mul(2))).toEqual([2, 2]);
    const p = f64([1, 2]);
    const pv = p.select(0, 0);
    k.noGrad(() => p.mul_(5));
    pv.backward();
    expect(vals(p.grad)).toEqual([1, 0]);
    expect(vals(k.noGrad(() => v.mul(1)))).toEqual([3]);
  });
  it('second backward without retainGraph throws', () => {
    const x = f64([1]);
    const y = x.exp().sum();
    y.backward();
    expect(() => y.backward()).toThrow(/retainGraph: true/);
  });
  it('non-scalar backward without gradient throws', () => {
    const x = f64([1, 2]);
    expect(() => x.mul(2).backward()).toThrow(/grad can be implicitly created only for scalar outputs/);
  });
  it('noGrad nested inside enableGrad and vice versa', () => {
    const x = f64([1]);
    const r = k.enableGrad(() => k.noGrad(() => x.mul(2)));
    expect(r.requiresGrad).toBe(false);
    const r2 = k.noGrad(() => k.enableGrad(() => k.noGrad(() => k.enableGrad(() => x.mul(2)))));
    expect(r2.requiresGrad).toBe(true);
    expect(k.isGradEnabled()).toBe(true);
    expect(() =>
      k.noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(k.isGradEnabled()).toBe(true);
  });
  it('backward restores grad mode after an error in a backward function', () => {
    const x = f64([1]);
    const y = x.exp();
    y.add_(1);
    expect(() => y.sum().backward()).toThrow();
    expect(k.isGradEnabled()).toBe(true);
  });
  it('anomaly mode names the node that produced NaN', () => {
    const x = f64([0]);
    const err = k.detectAnomaly(() => {
      const y = x.sqrt().mul(0); // grad of sqrt at 0: inf * 0 = nan
      try {
        y.sum().backward();
      } catch (e) {
        return String(e);
      }
      return '';
    });
    expect(err).toMatch(/Function '\w+Backward' returned nan values/);
    expect(k.isAnomalyEnabled()).toBe(false);
  });
  it('anomaly mode: the forward stack points at the user code; global switch', () => {
    k.detectAnomaly(true);
    try {
      const x = f64([0]);
      const y = x.sqrt().mul(0);
      expect(() => y.sum().backward()).toThrow(/review-autograd\.test\.ts/);
    } finally {
      k.detectAnomaly(false);
    }
    const x = f64([0]);
    const y = x.sqrt().mul(0);
    expect(() => k.detectAnomaly(() => y.sum().backward())).toThrow(/unavailable: enable anomaly detection/);
    // without anomaly mode NaN gradients are simply returned
    const z = f64([0]);
    z.sqrt().mul(0).sum().backward();
    expect(Number.isNaN(vals(z.grad)[0])).toBe(true);
  });
  it('requiresGrad setter on non-leaf', () => {
    const x = f64([1]);
    const y = x.mul(2);
    expect(() => {
      y.requiresGrad = false;
    }).toThrow(/leaf variables/);
    y.requiresGrad = true;
  });
  it('k.grad with gradOutputs on non-scalar and allowUnused', () => {
    const x = f64([1, 2]);
    const y = x.mul(x);
    const [g] = k.grad(y, x, { gradOutputs: [k.tensor([1, 10], { dtype: 'float64' })] });
    expect(vals(g)).toEqual([2, 40]);
  });
  it('k.grad does not run hooks/retain of other tensors nor touch .grad', () => {
    const x = f64([1]);
    const w = f64([2]);
    const y = x.mul(w);
    y.retainGrad();
    const [g] = k.grad(y.sum(), x);
    expect(vals(g)).toEqual([2]);
    expect(w.grad).toBeNull();
    expect(y.grad).toBeNull();
  });
});

describe('review: engine details', () => {
  it('a float64 gradient for a float32 output is cast (PyTorch validate_outputs)', () => {
    const x = k.tensor([1, 2], { requiresGrad: true });
    x.mul(2).backward(k.tensor([1, 1], { dtype: 'float64' }));
    expect(x.grad!.dtype).toBe('float32');
    expect(vals(x.grad)).toEqual([2, 2]);
    const l = k.tensor([1, 2], { requiresGrad: true });
    l.backward(k.tensor([3, 4], { dtype: 'float64' }));
    expect(l.grad!.dtype).toBe('float32');
    const [g] = k.grad(x.mul(2), x, { gradOutputs: [k.tensor([1, 1], { dtype: 'float64' })] });
    expect(g!.dtype).toBe('float32');
  });
  it('in-place op with a float64 operand on a float32 non-leaf: grads keep their dtypes', () => {
    const x = k.tensor([1, 2], { requiresGrad: true });
    const w = k.tensor([3, 4], { dtype: 'float64', requiresGrad: true });
    const y = x.mul(2);
    y.add_(w.mul(w));
    expect(y.dtype).toBe('float32');
    y.sum().backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(w.grad!.dtype).toBe('float64');
    expect(vals(x.grad)).toEqual([2, 2]);
    expect(vals(w.grad)).toEqual([6, 8]);
    const z = k.zeros([2]);
    z.copy_(w);
    z.sum().backward();
    expect(vals(w.grad)).toEqual([7, 9]);
  });
  it('a hook that changes the gradient shape is an error', () => {
    const x = f64([1, 2]);
    x.registerHook((g) => g.sum());
    expect(() => x.mul(2).sum().backward()).toThrow(/hook.*shape|size/i);
    const y = f64([1, 2]);
    const h = y.mul(2);
    h.registerHook(() => k.zeros([3], { dtype: 'float64' }));
    expect(() => h.sum().backward()).toThrow(/hook.*shape|size/i);
  });
  it('k.grad does not run hooks of leaves it does not differentiate', () => {
    const x = f64([1]);
    const w = f64([2]);
    let called = 0;
    w.registerHook((g) => {
      called++;
      return g;
    });
    const [g] = k.grad(x.mul(w).sum(), x);
    expect(vals(g)).toEqual([2]);
    expect(called).toBe(0);
  });
  it('k.grad only runs the part of the graph leading to the inputs', () => {
    const x = f64([1]);
    const w = f64([2]);
    let ran = 0;
    const side = w.exp();
    side.registerHook((g) => {
      ran++;
      return g;
    });
    const y = x.mul(3).add(side).sum();
    const [g] = k.grad(y, x);
    expect(vals(g)).toEqual([3]);
    expect(ran).toBe(0);
  });
  it('a gradient seen or returned by a hook is not adopted as .grad (no in-place aliasing)', () => {
    const x = f64([1, 2]);
    let seen: k.Tensor | undefined;
    x.registerHook((g) => {
      seen = g;
    });
    x.mul(2).sum().backward();
    x.mul(2).sum().backward();
    expect(vals(x.grad)).toEqual([4, 4]);
    expect(vals(seen)).toEqual([2, 2]);
    const c = k.tensor([10, 10], { dtype: 'float64' });
    const y = f64([1, 2]);
    y.registerHook(() => c);
    y.sum().backward();
    y.sum().backward();
    expect(vals(y.grad)).toEqual([20, 20]);
    expect(vals(c)).toEqual([10, 10]);
  });
  it('retainGrad follows the tensor through an in-place op', () => {
    const x = f64([1, 2]);
    const y = x.mul(1);
    y.retainGrad();
    y.mul_(3);
    expect(y.retainsGrad).toBe(true);
    y.mul(5).sum().backward();
    expect(vals(y.grad)).toEqual([5, 5]);
    expect(vals(x.grad)).toEqual([15, 15]);
  });
});
