import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';
import * as optim from '../src/optim/index.js';

/** A trainable leaf (what nn.Parameter is). */
const leaf = (t: k.Tensor): k.Tensor => t.requiresGrad_(true);

// ---------------------------------------------------------------- reference algorithms (PyTorch docs)
// Each reference takes the parameter values and a gradient function, runs `steps` updates in plain
// JS doubles exactly as torch/optim/*.py (_single_tensor_*) computes them, and returns every iterate.

type GradFn = (p: number[], step: number) => number[];

interface SGDRef {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}
function refSGD(p0: number[], grad: GradFn, steps: number, o: SGDRef): number[][] {
  const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, maximize = false } = o;
  const p = p0.slice();
  let buf: number[] | null = null;
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    let g = grad(p, t).map((v) => (maximize ? -v : v));
    if (weightDecay !== 0) g = g.map((v, i) => v + weightDecay * p[i]);
    if (momentum !== 0) {
      if (buf === null) buf = g.slice();
      else buf = buf.map((b, i) => b * momentum + (1 - dampening) * g[i]);
      const bb = buf;
      g = nesterov ? g.map((v, i) => v + momentum * bb[i]) : bb.slice();
    }
    for (let i = 0; i < p.length; i++) p[i] -= lr * g[i];
    out.push(p.slice());
  }
  return out;
}

interface AdamRef {
  lr: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
  decoupled?: boolean;
}
function refAdam(p0: number[], grad: GradFn, steps: number, o: AdamRef): number[][] {
  const { lr, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, amsgrad = false, maximize = false } = o;
  const [b1, b2] = betas;
  const p = p0.slice();
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  const vmax = p.map(() => 0);
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    let g = grad(p, t).map((x) => (maximize ? -x : x));
    if (weightDecay !== 0) {
      if (o.decoupled) for (let i = 0; i < p.length; i++) p[i] *= 1 - lr * weightDecay;
      else g = g.map((x, i) => x + weightDecay * p[i]);
    }
    const bc1 = 1 - b1 ** t;
    const bc2 = 1 - b2 ** t;
    for (let i = 0; i < p.length; i++) {
      m[i] = m[i] + (1 - b1) * (g[i] - m[i]);
      v[i] = v[i] * b2 + (1 - b2) * g[i] * g[i];
      vmax[i] = Math.max(vmax[i], v[i]);
      const denom = Math.sqrt(amsgrad ? vmax[i] : v[i]) / Math.sqrt(bc2) + eps;
      p[i] -= (lr / bc1) * (m[i] / denom);
    }
    out.push(p.slice());
  }
  return out;
}

interface RMSRef {
  lr: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
}
function refRMSprop(p0: number[], grad: GradFn, steps: number, o: RMSRef): number[][] {
  const { lr, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false } = o;
  const p = p0.slice();
  const sq = p.map(() => 0);
  const ga = p.map(() => 0);
  const buf = p.map(() => 0);
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    let g = grad(p, t);
    if (weightDecay !== 0) g = g.map((x, i) => x + weightDecay * p[i]);
    for (let i = 0; i < p.length; i++) {
      sq[i] = sq[i] * alpha + (1 - alpha) * g[i] * g[i];
      let avg: number;
      if (centered) {
        ga[i] = ga[i] + (1 - alpha) * (g[i] - ga[i]);
        avg = Math.sqrt(sq[i] - ga[i] * ga[i]);
      } else avg = Math.sqrt(sq[i]);
      avg += eps;
      if (momentum > 0) {
        buf[i] = buf[i] * momentum + g[i] / avg;
        p[i] -= lr * buf[i];
      } else p[i] -= (lr * g[i]) / avg;
    }
    out.push(p.slice());
  }
  return out;
}

interface AdagradRef {
  lr: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
}
function refAdagrad(p0: number[], grad: GradFn, steps: number, o: AdagradRef): number[][] {
  const { lr, lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10 } = o;
  const p = p0.slice();
  const s = p.map(() => initialAccumulatorValue);
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    let g = grad(p, t);
    if (weightDecay !== 0) g = g.map((x, i) => x + weightDecay * p[i]);
    const clr = lr / (1 + (t - 1) * lrDecay);
    for (let i = 0; i < p.length; i++) {
      s[i] += g[i] * g[i];
      p[i] -= (clr * g[i]) / (Math.sqrt(s[i]) + eps);
    }
    out.push(p.slice());
  }
  return out;
}

// ---------------------------------------------------------------- harness

const P0 = [1.0, -0.5, 2.0, 0.25, -1.5];
/** Gradient of sum(c_i * p_i^2 / 2 + sin(p_i) * step): varies with p and step, signs mixed. */
const GRAD: GradFn = (p, t) => p.map((v, i) => (i + 1) * 0.3 * v + Math.sin(v) * (t % 3) - 0.1 * i);

/** Runs a Kindling optimizer with autograd computing GRAD's loss, returning every iterate. */
function runKindling(
  make: (params: k.Tensor[]) => optim.Optimizer,
  steps: number,
  dtype: 'float32' | 'float64' = 'float64',
): number[][] {
  const p = leaf(k.tensor(P0, { dtype }));
  const opt = make([p]);
  const out: number[][] = [];
  const coef = k.tensor(
    P0.map((_, i) => (i + 1) * 0.3),
    { dtype },
  );
  const lin = k.tensor(
    P0.map((_, i) => 0.1 * i),
    { dtype },
  );
  for (let t = 1; t <= steps; t++) {
    opt.zeroGrad();
    k.tidy(() => {
      // loss = sum(c p^2/2 + (t%3)(-cos p) - lin p)  =>  grad = c p + (t%3) sin p - lin
      const loss = coef
        .mul(p.mul(p))
        .mul(0.5)
        .sub(k.cos(p).mul(t % 3))
        .sub(lin.mul(p))
        .sum();
      loss.backward();
    });
    opt.step();
    out.push(Array.from(p.dataSync()));
  }
  return out;
}

function expectClose(actual: number[][], expected: number[][], tol: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, s) => {
    row.forEach((v, i) => {
      const e = expected[s][i];
      if (Math.abs(v - e) > tol * Math.max(1, Math.abs(e)))
        throw new Error(`step ${s + 1}, element ${i}: got ${v}, expected ${e}`);
    });
  });
}

const STEPS = 8;

describe('SGD', () => {
  const configs: SGDRef[] = [
    { lr: 0.1 },
    { lr: 0.1, momentum: 0.9 },
    { lr: 0.05, momentum: 0.9, dampening: 0.3 },
    { lr: 0.05, momentum: 0.8, nesterov: true },
    { lr: 0.1, momentum: 0.5, weightDecay: 0.01 },
    { lr: 0.1, weightDecay: 0.1, maximize: true },
  ];
  for (const c of configs)
    it(`matches PyTorch's update for ${JSON.stringify(c)}`, () => {
      const expected = refSGD(P0, GRAD, STEPS, c);
      expectClose(
        runKindling((ps) => new optim.SGD(ps, c), STEPS),
        expected,
        1e-12,
      );
      expectClose(
        runKindling((ps) => new optim.SGD(ps, c), STEPS, 'float32'),
        expected,
        2e-5,
      );
    });

  it('hand-computed values: p = 1, loss = p², lr 0.1, momentum 0.9 (plain and Nesterov)', () => {
    const run = (opts: Partial<optim.SGDOptions>) => {
      const p = leaf(k.tensor([1], { dtype: 'float64' }));
      const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9, ...opts });
      const vals: number[] = [];
      for (let i = 0; i < 3; i++) {
        opt.zeroGrad();
        p.mul(p).sum().backward();
        opt.step();
        vals.push(p.item());
      }
      return vals;
    };
    const plain = run({});
    expect(plain[0]).toBeCloseTo(0.8, 14);
    expect(plain[1]).toBeCloseTo(0.46, 14);
    expect(plain[2]).toBeCloseTo(0.062, 14);
    const nest = run({ nesterov: true });
    expect(nest[0]).toBeCloseTo(0.62, 14);
    expect(nest[1]).toBeCloseTo(0.2224, 14);
  });

  it('validates its options with PyTorch messages', () => {
    const p = leaf(k.zeros([1]));
    expect(() => new optim.SGD([p], { lr: -1 })).toThrow('Invalid learning rate: -1');
    expect(() => new optim.SGD([p], { momentum: -0.5 })).toThrow('Invalid momentum value: -0.5');
    expect(() => new optim.SGD([p], { weightDecay: -1 })).toThrow('Invalid weight_decay value: -1');
    expect(() => new optim.SGD([p], { nesterov: true })).toThrow(
      'Nesterov momentum requires a momentum and zero dampening',
    );
    expect(() => new optim.SGD([], { lr: 0.1 })).toThrow('optimizer got an empty parameter list');
  });
});

describe('Adam / AdamW', () => {
  const configs: AdamRef[] = [
    { lr: 0.1 },
    { lr: 0.05, betas: [0.8, 0.95], eps: 1e-6 },
    { lr: 0.1, weightDecay: 0.1 },
    { lr: 0.1, amsgrad: true },
    { lr: 0.1, maximize: true },
  ];
  for (const c of configs)
    it(`Adam matches PyTorch's update for ${JSON.stringify(c)}`, () => {
      const expected = refAdam(P0, GRAD, STEPS, c);
      expectClose(
        runKindling((ps) => new optim.Adam(ps, c), STEPS),
        expected,
        1e-12,
      );
      expectClose(
        runKindling((ps) => new optim.Adam(ps, c), STEPS, 'float32'),
        expected,
        2e-5,
      );
    });

  const wConfigs: AdamRef[] = [
    { lr: 0.1 },
    { lr: 0.1, weightDecay: 0.5 },
    { lr: 0.05, weightDecay: 0.1, amsgrad: true },
  ];
  for (const c of wConfigs)
    it(`AdamW matches PyTorch's update (decoupled decay first) for ${JSON.stringify(c)}`, () => {
      const expected = refAdam(P0, GRAD, STEPS, { weightDecay: 1e-2, ...c, decoupled: true });
      expectClose(
        runKindling((ps) => new optim.AdamW(ps, c), STEPS),
        expected,
        1e-12,
      );
    });

  it('hand-computed first steps: p = 1, loss = p², lr 0.1', () => {
    const p = leaf(k.tensor([1], { dtype: 'float64' }));
    const opt = new optim.Adam([p], { lr: 0.1 });
    p.mul(p).sum().backward();
    opt.step();
    // m̂ = 2, v̂ = 4: p = 1 - 0.1 * 2 / (2 + 1e-8)
    expect(p.item()).toBeCloseTo(1 - 0.2 / (2 + 1e-8), 14);
    const st = opt.state.get(p)!;
    expect(st.step).toBe(1);
    expect((st.exp_avg as k.Tensor).item()).toBeCloseTo(0.2, 14);
    expect((st.exp_avg_sq as k.Tensor).item()).toBeCloseTo(0.004, 14);
    // AdamW with default weight decay 1e-2: p = 1 * (1 - 0.1*0.01) - 0.1 * 2/(2+1e-8)
    const q = leaf(k.tensor([1], { dtype: 'float64' }));
    const w = new optim.AdamW([q], { lr: 0.1 });
    q.mul(q).sum().backward();
    w.step();
    expect(q.item()).toBeCloseTo(0.999 - 0.2 / (2 + 1e-8), 14);
    expect(w.paramGroups[0].weightDecay).toBe(0.01);
  });

  it('validates betas and eps', () => {
    const p = leaf(k.zeros([1]));
    expect(() => new optim.Adam([p], { betas: [1, 0.9] })).toThrow('Invalid beta parameter at index 0: 1');
    expect(() => new optim.Adam([p], { betas: [0.9, -0.1] })).toThrow(
      'Invalid beta parameter at index 1: -0.1',
    );
    expect(() => new optim.Adam([p], { eps: -1 })).toThrow('Invalid epsilon value: -1');
  });
});

describe('RMSprop', () => {
  const configs: RMSRef[] = [
    { lr: 0.01 },
    { lr: 0.01, alpha: 0.9, eps: 1e-6 },
    { lr: 0.01, centered: true },
    { lr: 0.01, momentum: 0.9 },
    { lr: 0.01, momentum: 0.5, centered: true, weightDecay: 0.1 },
  ];
  for (const c of configs)
    it(`matches PyTorch's update for ${JSON.stringify(c)}`, () => {
      const expected = refRMSprop(P0, GRAD, STEPS, c);
      expectClose(
        runKindling((ps) => new optim.RMSprop(ps, c), STEPS),
        expected,
        1e-12,
      );
      expectClose(
        runKindling((ps) => new optim.RMSprop(ps, c), STEPS, 'float32'),
        expected,
        2e-5,
      );
    });

  it('hand-computed first step: eps outside the square root', () => {
    const p = leaf(k.tensor([1], { dtype: 'float64' }));
    const opt = new optim.RMSprop([p], { lr: 0.01, eps: 0.1 });
    p.mul(p).sum().backward();
    opt.step();
    // v = 0.01 * 4 = 0.04, avg = sqrt(0.04) + 0.1 = 0.3 (eps inside would give sqrt(0.14))
    expect(p.item()).toBeCloseTo(1 - (0.01 * 2) / 0.3, 14);
  });
});

describe('Adagrad', () => {
  const configs: AdagradRef[] = [
    { lr: 0.1 },
    { lr: 0.1, lrDecay: 0.05 },
    { lr: 0.1, initialAccumulatorValue: 0.5, weightDecay: 0.1 },
    { lr: 0.2, eps: 1e-3 },
  ];
  for (const c of configs)
    it(`matches PyTorch's update for ${JSON.stringify(c)}`, () => {
      const expected = refAdagrad(P0, GRAD, STEPS, c);
      expectClose(
        runKindling((ps) => new optim.Adagrad(ps, c), STEPS),
        expected,
        1e-12,
      );
      expectClose(
        runKindling((ps) => new optim.Adagrad(ps, c), STEPS, 'float32'),
        expected,
        2e-5,
      );
    });

  it('hand-computed steps and eager state', () => {
    const p = leaf(k.tensor([1], { dtype: 'float64' }));
    const opt = new optim.Adagrad([p], { lr: 0.1 });
    expect(opt.state.get(p)!.step).toBe(0);
    expect((opt.state.get(p)!.sum as k.Tensor).item()).toBe(0);
    p.mul(p).sum().backward();
    opt.step();
    expect(p.item()).toBeCloseTo(1 - (0.1 * 2) / (2 + 1e-10), 14);
    opt.zeroGrad();
    p.mul(p).sum().backward();
    opt.step();
    const g = 2 * (1 - (0.1 * 2) / (2 + 1e-10));
    expect(p.item()).toBeCloseTo(
      1 - (0.1 * 2) / (2 + 1e-10) - (0.1 * g) / (Math.sqrt(4 + g * g) + 1e-10),
      14,
    );
  });
});

describe('Optimizer base', () => {
  it('supports per-group options and addParamGroup', () => {
    const a = leaf(k.tensor([1], { dtype: 'float64' }));
    const b = leaf(k.tensor([1], { dtype: 'float64' }));
    const c = leaf(k.tensor([1], { dtype: 'float64' }));
    const opt = new optim.SGD([{ params: [a], lr: 1e-4 }, { params: b }], { lr: 1e-2, momentum: 0.9 });
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([1e-4, 1e-2]);
    expect(opt.paramGroups[0].momentum).toBe(0.9);
    opt.addParamGroup({ params: [c], lr: 0.5, momentum: 0 });
    for (const p of [a, b, c]) p.grad = k.tensor([1], { dtype: 'float64' });
    opt.step();
    expect(a.item()).toBeCloseTo(1 - 1e-4, 15);
    expect(b.item()).toBeCloseTo(1 - 1e-2, 15);
    expect(c.item()).toBeCloseTo(0.5, 15);
    expect(opt.state.has(c)).toBe(false);
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(
      'some parameters appear in more than one parameter group',
    );
    expect(() => new optim.SGD([a.mul(2)], { lr: 0.1 })).toThrow("can't optimize a non-leaf Tensor");
  });

  it('skips parameters without gradients', () => {
    const a = leaf(k.tensor([1, 2]));
    const opt = new optim.Adam([a], { lr: 0.1 });
    opt.step();
    expect(Array.from(a.dataSync())).toEqual([1, 2]);
    expect(opt.state.size).toBe(0);
  });

  it('zeroGrad sets to null by default, or zeroes in place', () => {
    const a = leaf(k.tensor([1, 2]));
    const opt = new optim.SGD([a], { lr: 0.1 });
    a.mul(a).sum().backward();
    const g = a.grad!;
    opt.zeroGrad({ setToNone: false });
    expect(a.grad).toBe(g);
    expect(Array.from(g.dataSync())).toEqual([0, 0]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
  });

  it('step(closure) re-evaluates the loss with grad enabled and returns it', () => {
    const a = leaf(k.tensor([3], { dtype: 'float64' }));
    const opt = new optim.SGD([a], { lr: 0.1 });
    const loss = k.noGrad(() =>
      opt.step(() => {
        opt.zeroGrad();
        const l = a.mul(a).sum();
        l.backward();
        return l;
      }),
    );
    expect((loss as k.Tensor).item()).toBe(9);
    expect(a.item()).toBeCloseTo(3 - 0.6, 15);
  });

  it('updates in place under no-grad: parameters stay leaves with the same storage', () => {
    const a = leaf(k.tensor([1, 2]));
    const before = a.version;
    const opt = new optim.Adam([a], { lr: 0.1 });
    a.mul(a).sum().backward();
    opt.step();
    expect(a.isLeaf).toBe(true);
    expect(a.gradFn).toBeNull();
    expect(a.version).toBeGreaterThan(before);
  });

  it('keeps state across tidy scopes and allocates nothing per step beyond it', () => {
    for (const make of [
      (ps: k.Tensor[]) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true }),
      (ps: k.Tensor[]) => new optim.Adam(ps, { lr: 0.1, amsgrad: true, weightDecay: 0.1 }),
      (ps: k.Tensor[]) => new optim.AdamW(ps, { lr: 0.1 }),
      (ps: k.Tensor[]) => new optim.RMSprop(ps, { lr: 0.1, momentum: 0.9, centered: true }),
      (ps: k.Tensor[]) => new optim.Adagrad(ps, { lr: 0.1 }),
    ]) {
      const a = leaf(k.randn([4, 3]));
      a.grad = k.randn([4, 3]);
      const opt = make([a]);
      k.tidy(() => opt.step());
      const n = k.memory().numTensors;
      for (let i = 0; i < 5; i++) k.tidy(() => opt.step());
      opt.step();
      expect(k.memory().numTensors).toBe(n);
      for (const v of Object.values(opt.state.get(a)!)) if (k.isTensor(v)) expect(v.isDisposed).toBe(false);
    }
  });

  it('stateDict/loadStateDict use PyTorch layout and resume identically', () => {
    const make = () => {
      const w = leaf(k.tensor([0.5, -1, 2], { dtype: 'float64' }));
      const b = leaf(k.tensor([0.1], { dtype: 'float64' }));
      const opt = new optim.Adam([{ params: [w] }, { params: [b], lr: 0.01 }], { lr: 0.1, amsgrad: true });
      return { w, b, opt };
    };
    const stepOnce = (m: ReturnType<typeof make>) => {
      m.opt.zeroGrad();
      m.w.mul(m.w).sum().add(m.b.mul(m.w.sum())).backward();
      m.opt.step();
    };
    const A = make();
    stepOnce(A);
    stepOnce(A);
    const sd = A.opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0', '1']);
    expect(sd.state[0].step).toBe(2);
    expect(Object.keys(sd.state[0]).sort()).toEqual(['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']);
    expect(sd.paramGroups.map((g) => g.params)).toEqual([[0], [1]]);
    expect(sd.paramGroups[1].lr).toBe(0.01);
    expect(sd.paramGroups[0].betas).toEqual([0.9, 0.999]);

    const B = make();
    k.noGrad(() => {
      B.w.copy_(A.w);
      B.b.copy_(A.b);
    });
    B.opt.paramGroups[1].lr = 123;
    B.opt.loadStateDict(sd);
    expect(B.opt.paramGroups[1].lr).toBe(0.01);
    // Loaded state is a copy, not an alias.
    expect(B.opt.state.get(B.w)!.exp_avg).not.toBe(A.opt.state.get(A.w)!.exp_avg);
    stepOnce(A);
    stepOnce(B);
    expect(Array.from(B.w.dataSync())).toEqual(Array.from(A.w.dataSync()));
    expect(Array.from(B.b.dataSync())).toEqual(Array.from(A.b.dataSync()));

    const C = make();
    expect(() => C.opt.loadStateDict({ state: {}, paramGroups: [sd.paramGroups[0]] })).toThrow(
      'loaded state dict has a different number of parameter groups',
    );
    expect(() =>
      C.opt.loadStateDict({
        state: {},
        paramGroups: [sd.paramGroups[0], { ...sd.paramGroups[1], params: [1, 2] }],
      }),
    ).toThrow(
      "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
    );
  });

  it('loadStateDict casts floating state to the parameter dtype', () => {
    const a = leaf(k.tensor([1, 2], { dtype: 'float64' }));
    const opt = new optim.SGD([a], { lr: 0.1, momentum: 0.9 });
    a.grad = k.tensor([1, 1], { dtype: 'float64' });
    opt.step();
    const f = leaf(k.tensor([1, 2]));
    const opt2 = new optim.SGD([f], { lr: 0.1, momentum: 0.9 });
    opt2.loadStateDict(opt.stateDict());
    expect((opt2.state.get(f)!.momentum_buffer as k.Tensor).dtype).toBe('float32');
  });

  it('works with model.parameters()-style iterables and prints like PyTorch', () => {
    function* params() {
      yield leaf(k.zeros([2]));
      yield leaf(k.zeros([3]));
    }
    const opt = new optim.SGD(params(), { lr: 0.1, momentum: 0.9 });
    expect(opt.paramGroups[0].params.length).toBe(2);
    expect(opt.toString()).toContain('Parameter Group 0');
    expect(opt.toString()).toContain('momentum: 0.9');
    expect(opt.toString()).toContain('nesterov: False');
  });
});

describe('zeroGrad', () => {
  it('set-to-none releases the old gradients at once (memory flat without the garbage collector)', async () => {
    const { Linear } = await import('../src/layers/linear.js');
    const layer = new Linear(50, 40);
    const opt = new optim.SGD(layer.parameters(), { lr: 0.1 });
    const x = k.randn([8, 50]);
    const step = () => {
      k.tidy(() => layer.call(x).square().mean().backward());
      opt.step();
    };
    step();
    const withGrads = k.memory().numBytes;
    const w = layer.weight;
    const oldGrad = w.grad!;
    opt.zeroGrad();
    expect(w.grad).toBeNull();
    // weight 40x50 and bias 40 float32 gradients are gone from the device's count
    expect(withGrads - k.memory().numBytes).toBe((40 * 50 + 40) * 4);
    expect(() => oldGrad.dataSync()).toThrow();
    step();
    opt.zeroGrad();
    const flat = k.memory().numBytes;
    for (let i = 0; i < 20; i++) {
      step();
      opt.zeroGrad();
    }
    // (a few bytes of scalars may come and go with the garbage collector; 20 steps' gradients
    // would be 160 KB)
    expect(Math.abs(k.memory().numBytes - flat)).toBeLessThan(1024);
    // Module.zeroGrad does the same; setToNone: false keeps (and zeroes) the tensors
    step();
    const before = k.memory().numBytes;
    layer.zeroGrad({ setToNone: false });
    expect(Math.abs(k.memory().numBytes - before)).toBeLessThan(64);
    expect(Array.from(w.grad!.dataSync()).every((v) => v === 0)).toBe(true);
    const kept = k.memory().numBytes;
    layer.zeroGrad();
    expect(kept - k.memory().numBytes).toBe((40 * 50 + 40) * 4);
  });
});
