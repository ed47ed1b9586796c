import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';
import * as optim from '../src/optim/index.js';

const S = optim.lrScheduler;

function sgd(lr = 1, groups = 1, momentum = 0.9): optim.SGD {
  const ps = Array.from({ length: groups }, () => ({ params: [k.zeros([1]).requiresGrad_(true)] }));
  return new optim.SGD(ps, { lr, momentum });
}

/** lr of group 0 at epochs 0..n-1 (epoch 0 is the value set by the constructor). */
function trace(
  opt: optim.Optimizer,
  sched: { step(): void; getLastLr(): number[] },
  n: number,
  group = 0,
): number[] {
  const out: number[] = [];
  for (let e = 0; e < n; e++) {
    expect(sched.getLastLr()[group]).toBe(opt.paramGroups[group].lr);
    out.push(opt.paramGroups[group].lr);
    sched.step();
  }
  return out;
}

function expectSeq(actual: number[], expected: number[], tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => {
    if (Math.abs(v - expected[i]) > tol * Math.max(1, Math.abs(expected[i])))
      throw new Error(`epoch ${i}: got ${v}, expected ${expected[i]} (all: ${actual.join(', ')})`);
  });
}

describe('simple schedules', () => {
  it('StepLR', () => {
    const opt = sgd(1);
    const s = new S.StepLR(opt, 2, { gamma: 0.1 });
    expect(opt.paramGroups[0].initialLr).toBe(1);
    expectSeq(trace(opt, s, 7), [1, 1, 0.1, 0.1, 0.01, 0.01, 0.001]);
    expect(() => new S.StepLR(sgd(), 0)).toThrow(/positive integer/);
  });

  it('MultiStepLR, with a repeated milestone applying gamma twice', () => {
    const opt = sgd(1);
    const s = new S.MultiStepLR(opt, [5, 2, 5], { gamma: 0.1 });
    expectSeq(trace(opt, s, 7), [1, 1, 0.1, 0.1, 0.1, 0.001, 0.001]);
  });

  it('ExponentialLR', () => {
    const opt = sgd(0.8);
    expectSeq(trace(opt, new S.ExponentialLR(opt, 0.5), 5), [0.8, 0.4, 0.2, 0.1, 0.05]);
  });

  it('LambdaLR, one function per group', () => {
    const opt = sgd(0.1, 2);
    opt.paramGroups[1].lr = 0.2;
    const s = new S.LambdaLR(opt, [(e) => Math.floor(e / 3), (e) => 0.95 ** e]);
    const g0: number[] = [];
    const g1: number[] = [];
    for (let e = 0; e < 7; e++) {
      g0.push(opt.paramGroups[0].lr);
      g1.push(opt.paramGroups[1].lr);
      s.step();
    }
    expectSeq(g0, [0, 0, 0, 0.1, 0.1, 0.1, 0.2]);
    expectSeq(
      g1,
      [0, 1, 2, 3, 4, 5, 6].map((e) => 0.2 * 0.95 ** e),
    );
    expect(() => new S.LambdaLR(sgd(0.1, 2), [(e) => e])).toThrow('Expected 2 lr_lambdas, but got 1');
  });

  it('LinearLR', () => {
    const opt = sgd(1);
    const s = new S.LinearLR(opt, { startFactor: 0.5, totalIters: 4 });
    expectSeq(trace(opt, s, 7), [0.5, 0.625, 0.75, 0.875, 1, 1, 1]);
    expect(() => new S.LinearLR(sgd(), { startFactor: 0 })).toThrow(
      'Starting multiplicative factor expected to be greater than 0 and less or equal to 1.',
    );
    expect(() => new S.LinearLR(sgd(), { endFactor: 2 })).toThrow(
      'Ending multiplicative factor expected to be between 0 and 1.',
    );
  });

  it('ConstantLR (PyTorch docs example)', () => {
    const opt = sgd(0.05);
    const s = new S.ConstantLR(opt, { factor: 0.5, totalIters: 4 });
    expectSeq(trace(opt, s, 7), [0.025, 0.025, 0.025, 0.025, 0.05, 0.05, 0.05]);
  });
});

describe('CosineAnnealingLR', () => {
  it('follows the closed form through the recursive form, including past T_max', () => {
    const opt = sgd(0.1);
    const s = new S.CosineAnnealingLR(opt, 10, { etaMin: 0.001 });
    const got = trace(opt, s, 31);
    const closed = got.map((_, t) => 0.001 + ((0.1 - 0.001) * (1 + Math.cos((Math.PI * t) / 10))) / 2);
    expectSeq(got, closed, 1e-12);
    expect(got[5]).toBeCloseTo(0.0505, 15);
    expect(got[10]).toBe(0.001);
    // Hand-computed: eta_1 = 0.001 + 0.099 (1 + cos(pi/10)) / 2
    expect(got[1]).toBeCloseTo(0.001 + 0.099 * ((1 + 0.9510565162951535) / 2), 15);
  });

  it('multiplies the current lr recursively (an external lr change persists, as in PyTorch)', () => {
    const opt = sgd(1);
    const s = new S.CosineAnnealingLR(opt, 4);
    s.step(); // epoch 1
    opt.paramGroups[0].lr = 0.5; // e.g. changed by hand
    s.step(); // epoch 2: ratio (1 + cos(pi/2)) / (1 + cos(pi/4)) applied to 0.5
    expect(opt.paramGroups[0].lr).toBeCloseTo((0.5 * 1) / (1 + Math.cos(Math.PI / 4)), 15);
  });
});

describe('SequentialLR', () => {
  it('switches schedulers at milestones, restarting the next from its closed form', () => {
    const opt = sgd(1);
    const s1 = new S.ConstantLR(opt, { factor: 0.1, totalIters: 2 });
    const s2 = new S.ExponentialLR(opt, 0.9);
    const s = new S.SequentialLR(opt, [s1, s2], [2]);
    expectSeq(trace(opt, s, 6), [0.1, 0.1, 1, 0.9, 0.81, 0.729]);
  });

  it('warmup then cosine', () => {
    const opt = sgd(0.1);
    const warm = new S.LinearLR(opt, { startFactor: 0.25, totalIters: 3 });
    const cos = new S.CosineAnnealingLR(opt, 4);
    const s = new S.SequentialLR(opt, [warm, cos], [3]);
    const got = trace(opt, s, 8);
    const expected = [
      0.025,
      0.05,
      0.075,
      ...[0, 1, 2, 3, 4].map((t) => (0.1 * (1 + Math.cos((Math.PI * t) / 4))) / 2),
    ];
    expectSeq(got, expected, 1e-12);
  });

  it('validates its arguments', () => {
    const opt = sgd(1);
    const a = new S.StepLR(opt, 2);
    expect(() => new S.SequentialLR(opt, [a], [1])).toThrow(/one more than the number of milestone points/);
    expect(() => new S.SequentialLR(opt, [], [])).toThrow(/at least one scheduler/);
    expect(() => new S.SequentialLR(sgd(), [a], [])).toThrow(/same optimizer/);
  });
});

describe('OneCycleLR', () => {
  it('cos anneal, two phases, cycling SGD momentum', () => {
    const opt = sgd(123, 1, 0.9);
    const s = new S.OneCycleLR(opt, 1, { totalSteps: 10 });
    const g = opt.paramGroups[0];
    expect(g.initialLr).toBeCloseTo(0.04, 15);
    expect(g.maxLr).toBe(1);
    expect(g.minLr).toBeCloseTo(4e-6, 18);
    const lrs: number[] = [];
    const moms: number[] = [];
    for (let i = 0; i < 10; i++) {
      lrs.push(g.lr);
      moms.push(g.momentum);
      s.step();
    }
    const cosAnneal = (a: number, b: number, p: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * p) + 1);
    expectSeq(lrs, [0.04, 0.52, 1, ...[1, 2, 3, 4, 5, 6, 7].map((j) => cosAnneal(1, 4e-6, j / 7))]);
    expect(lrs[9]).toBeCloseTo(4e-6, 15);
    expectSeq(moms, [0.95, 0.9, 0.85, ...[1, 2, 3, 4, 5, 6, 7].map((j) => cosAnneal(0.85, 0.95, j / 7))]);
    // lastEpoch is now 10 (= total_steps); one more step is past the schedule
    expect(() => s.step()).toThrow('Tried to step 11 times. The specified number of total steps is 10');
  });

  it('linear anneal, three phases, cycling Adam beta1, epochs × stepsPerEpoch', () => {
    const p = k.zeros([1]).requiresGrad_(true);
    const opt = new optim.Adam([p], { lr: 1, betas: [0.5, 0.999] });
    const s = new S.OneCycleLR(opt, 2, {
      epochs: 2,
      stepsPerEpoch: 5,
      annealStrategy: 'linear',
      threePhase: true,
    });
    const g = opt.paramGroups[0];
    const lrs: number[] = [];
    const b1: number[] = [];
    for (let i = 0; i < 10; i++) {
      lrs.push(g.lr);
      b1.push(g.betas[0]);
      expect(g.betas[1]).toBe(0.999);
      s.step();
    }
    const lin = (a: number, b: number, q: number) => (b - a) * q + a;
    // phases end at 2, 4, 9; initial 0.08, max 2, min 8e-6
    expectSeq(lrs, [0.08, 1.04, 2, 1.04, 0.08, ...[1, 2, 3, 4, 5].map((j) => lin(0.08, 8e-6, j / 5))]);
    expectSeq(b1, [0.95, 0.9, 0.85, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95]);
  });

  it('validates its arguments', () => {
    expect(() => new S.OneCycleLR(sgd(), 1)).toThrow(
      'You must define either total_steps OR (epochs AND steps_per_epoch)',
    );
    expect(() => new S.OneCycleLR(sgd(), 1, { totalSteps: 0 })).toThrow(
      'Expected positive integer total_steps, but got 0',
    );
    expect(() => new S.OneCycleLR(sgd(), 1, { totalSteps: 5, pctStart: 2 })).toThrow(
      'Expected float between 0 and 1 pct_start, but got 2',
    );
    const p = k.zeros([1]).requiresGrad_(true);
    expect(() => new S.OneCycleLR(new optim.Adagrad([p]), 1, { totalSteps: 5 })).toThrow(
      'optimizer must support momentum or beta1 with `cycle_momentum` option enabled',
    );
    expect(
      () => new S.OneCycleLR(new optim.Adagrad([p]), 1, { totalSteps: 5, cycleMomentum: false }),
    ).not.toThrow();
  });
});

describe('ReduceLROnPlateau', () => {
  const metrics = [10, 9, 9.5, 9.2, 9.1, 8, 8, 8, 8, 8];
  const run = (opts: optim.lrScheduler.ReduceLROnPlateauOptions, ms = metrics, lr = 1) => {
    const opt = sgd(lr);
    const s = new S.ReduceLROnPlateau(opt, opts);
    return ms.map((m) => {
      s.step(m);
      expect(s.getLastLr()[0]).toBe(opt.paramGroups[0].lr);
      return opt.paramGroups[0].lr;
    });
  };

  it('reduces after patience bad epochs (min, rel)', () => {
    expectSeq(run({ patience: 2, factor: 0.5 }), [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25]);
  });

  it('waits out the cooldown', () => {
    expectSeq(run({ patience: 2, factor: 0.5, cooldown: 2 }), [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25]);
  });

  it('respects minLr and eps', () => {
    expectSeq(run({ patience: 0, factor: 0.1, minLr: 0.3 }, [5, 6, 7, 8]), [1, 0.3, 0.3, 0.3]);
  });

  it('max mode with abs threshold, and a tensor metric', () => {
    const opt = sgd(1);
    const s = new S.ReduceLROnPlateau(opt, {
      mode: 'max',
      threshold: 0.5,
      thresholdMode: 'abs',
      patience: 1,
    });
    for (const m of [1, 1.4, 1.6]) s.step(k.tensor(m));
    // 1.4 is not better than 1 + 0.5 (bad 1), 1.6 is (bad 0) -> no reduction yet
    expect(opt.paramGroups[0].lr).toBe(1);
    s.step(1.7);
    s.step(1.8);
    expect(opt.paramGroups[0].lr).toBeCloseTo(0.1, 15);
    expect(s.best).toBe(Math.fround(1.6)); // the float32 tensor's value
  });

  it('validates its arguments', () => {
    expect(() => new S.ReduceLROnPlateau(sgd(), { factor: 1 })).toThrow('Factor should be < 1.0.');
    expect(() => new S.ReduceLROnPlateau(sgd(), { mode: 'up' as 'min' })).toThrow('mode up is unknown!');
    expect(() => new S.ReduceLROnPlateau(sgd(), { thresholdMode: 'x' as 'rel' })).toThrow(
      'threshold mode x is unknown!',
    );
    expect(() => new S.ReduceLROnPlateau(sgd(1, 2), { minLr: [0.1] })).toThrow('expected 2 min_lrs, got 1');
  });
});

describe('scheduler state and optimizer interplay', () => {
  it('stateDict/loadStateDict resume a schedule', () => {
    const a = sgd(1);
    const sa = new S.StepLR(a, 2, { gamma: 0.5 });
    for (let i = 0; i < 3; i++) sa.step();
    const sd = sa.stateDict();
    expect(sd.lastEpoch).toBe(3);
    expect(sd.baseLrs).toEqual([1]);
    expect(sd.optimizer).toBeUndefined();
    const b = sgd(1);
    const sb = new S.StepLR(b, 2, { gamma: 0.5 });
    sb.loadStateDict(sd);
    b.paramGroups[0].lr = a.paramGroups[0].lr;
    for (let i = 0; i < 4; i++) {
      sa.step();
      sb.step();
      expect(b.paramGroups[0].lr).toBe(a.paramGroups[0].lr);
    }
    const lam = new S.LambdaLR(sgd(1), (e) => e);
    expect(lam.stateDict().lrLambdas).toBeUndefined();
  });

  it('the optimizer uses the scheduled lr', () => {
    const p = k.tensor([1], { dtype: 'float64' }).requiresGrad_(true);
    const opt = new optim.SGD([p], { lr: 1 });
    const s = new S.ExponentialLR(opt, 0.5);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      p.grad = k.tensor([1], { dtype: 'float64' });
      opt.step();
      s.step();
      seen.push(p.item());
    }
    expectSeq(seen, [0, -0.5, -0.75]);
  });

  it('resuming with lastEpoch requires initialLr', () => {
    expect(() => new S.StepLR(sgd(), 2, { lastEpoch: 3 })).toThrow(
      "param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer",
    );
  });
});
