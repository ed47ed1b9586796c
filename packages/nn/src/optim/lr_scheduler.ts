/**
 * PyTorch's torch.optim.lr_scheduler, computing the same numbers the same way (recursive forms
 * where PyTorch's `get_lr` is recursive, closed forms where it uses them).
 *
 * @module
 */
import type { Optimizer, ParamGroup } from './optimizer.js';

type AnyOptimizer = Optimizer;
type Group = ParamGroup;

/** A scheduler's state: every field except the optimizer (and functions), like PyTorch's. */
export type SchedulerStateDict = Record<string, unknown>;

/** Python's modulo (result has the sign of the divisor). */
function pyMod(a: number, m: number): number {
  return ((a % m) + m) % m;
}

/** Python's bisect.bisect_right on a sorted array. */
function bisectRight(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < a[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function lrOf(g: Group): number {
  return g.lr;
}

function plainCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plainCopy);
  if (v instanceof Map) return new Map(v);
  return v;
}

/** Base class (PyTorch's LRScheduler): `step()` advances `lastEpoch` and writes each group's lr. */
export abstract class LRScheduler {
  /** The optimizer whose learning rates are scheduled. */
  readonly optimizer: AnyOptimizer;
  /** Each group's initial lr (`initialLr`). */
  baseLrs: number[];
  /** The current epoch, PyTorch's `last_epoch`: 0 after construction, then +1 per `step()`. */
  lastEpoch: number;
  /** @internal */ _stepCount = 0;
  protected lastLr: number[] = [];

  constructor(optimizer: AnyOptimizer, lastEpoch = -1, initialStep = true) {
    this.optimizer = optimizer;
    if (lastEpoch === -1) {
      for (const g of optimizer.paramGroups) if (g.initialLr === undefined) g.initialLr = g.lr;
    } else {
      optimizer.paramGroups.forEach((g, i) => {
        if (g.initialLr === undefined)
          throw new Error(
            `param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`,
          );
      });
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
    if (initialStep) this._initialStep();
  }

  /** @internal True during the step the constructor performs (PyTorch's `_is_initial`). */
  protected isInitial = false;

  /** @internal */
  _initialStep(): void {
    this._stepCount = 0;
    this.isInitial = true;
    try {
      this.step();
    } finally {
      this.isInitial = false;
    }
  }

  /** The learning rates for `lastEpoch` (PyTorch's chainable `get_lr`). */
  abstract getLr(): number[];

  /** The closed form, used by `step(epoch)` when the scheduler has one. */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /** The learning rates set by the last `step()`. */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /**
   * Advances one epoch/iteration. Passing `epoch` (deprecated in PyTorch) jumps to it, using the
   * closed form when there is one.
   */
  step(epoch?: number): void {
    this._stepCount += 1;
    this._updateLr(epoch);
  }

  /** @internal Computes and writes the lrs (what `step` does after counting the step). */
  _updateLr(epoch?: number): void {
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch += 1;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr() ?? this.getLr();
    }
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = values[i];
    });
    this.lastLr = this.optimizer.paramGroups.map(lrOf);
  }

  /** The scheduler's fields except the optimizer and functions, like PyTorch's `state_dict()`. */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [key, v] of Object.entries(this)) {
      if (key === 'optimizer' || typeof v === 'function') continue;
      if (Array.isArray(v) && v.some((x) => typeof x === 'function')) continue;
      if (v instanceof LRScheduler) continue;
      out[key] = plainCopy(v);
    }
    return out;
  }

  /** Restores fields saved by `stateDict()`. */
  loadStateDict(sd: SchedulerStateDict): void {
    for (const [key, v] of Object.entries(sd)) {
      if (key === 'optimizer') continue;
      (this as unknown as Record<string, unknown>)[key] = plainCopy(v);
    }
  }
}

function perGroup(name: string, optimizer: AnyOptimizer, v: number | readonly number[]): number[] {
  const n = optimizer.paramGroups.length;
  if (typeof v === 'number') return new Array<number>(n).fill(v);
  if (v.length !== n) throw new Error(`expected ${n} values for ${name}, got ${v.length}`);
  return v.slice();
}

// ------------------------------------------------------------------ simple schedules

/** Options of `StepLR` (like `torch.optim.lr_scheduler.StepLR`'s arguments). */
export interface StepLROptions {
  /** Multiplicative factor of the decay (default 0.1). */
  gamma?: number;
  /** Index of the last epoch, to resume a schedule (default -1: start fresh). */
  lastEpoch?: number;
}

/** Multiplies the lr by `gamma` every `stepSize` epochs. */
export class StepLR extends LRScheduler {
  /** Epochs between decays. */
  stepSize: number;
  /** Multiplicative factor of the decay. */
  gamma: number;
  constructor(optimizer: AnyOptimizer, stepSize: number, opts: StepLROptions = {}) {
    super(optimizer, opts.lastEpoch ?? -1, false);
    if (!Number.isInteger(stepSize) || stepSize <= 0)
      throw new Error(`step_size must be a positive integer, got ${stepSize}`);
    this.stepSize = stepSize;
    this.gamma = opts.gamma ?? 0.1;
    this._initialStep();
  }
  /** The learning rates for `lastEpoch` (PyTorch's `get_lr`). */
  getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map(lrOf);
    return groups.map((g) => g.lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/** Options of `MultiStepLR` (like `torch.optim.lr_scheduler.MultiStepLR`'s arguments). */
export interface MultiStepLROptions {
  /** Multiplicative factor of the decay (default 0.1). */
  gamma?: number;
  /** Index of the last epoch, to resume a schedule (default -1: start fresh). */
  lastEpoch?: number;
}

/** Multiplies the lr by `gamma` at each milestone (a milestone listed twice applies twice). */
export class MultiStepLR extends LRScheduler {
  /** Epochs at which the lr decays, sorted. */
  milestones: number[];
  /** Multiplicative factor of the decay. */
  gamma: number;
  constructor(optimizer: AnyOptimizer, milestones: readonly number[], opts: MultiStepLROptions = {}) {
    super(optimizer, opts.lastEpoch ?? -1, false);
    this.milestones = milestones.slice().sort((a, b) => a - b);
    this.gamma = opts.gamma ?? 0.1;
    this._initialStep();
  }
  /** The learning rates for `lastEpoch` (PyTorch's `get_lr`). */
  getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (count === 0) return groups.map(lrOf);
    return groups.map((g) => g.lr * this.gamma ** count);
  }
  protected override closedFormLr(): number[] {
    const n = bisectRight(this.milestones, this.lastEpoch);
    return this.baseLrs.map((b) => b * this.gamma ** n);
  }
}

/** Options of `ExponentialLR` (like `torch.optim.lr_scheduler.ExponentialLR`'s arguments). */
export interface ExponentialLROptions {
  /** Index of the last epoch, to resume a schedule (default -1: start fresh). */
  lastEpoch?: number;
}

/** Multiplies the lr by `gamma` every epoch. */
export class ExponentialLR extends LRScheduler {
  /** Multiplicative factor of the decay per epoch. */
  gamma: number;
  constructor(optimizer: AnyOptimizer, gamma: number, opts: ExponentialLROptions = {}) {
    super(optimizer, opts.lastEpoch ?? -1, false);
    this.gamma = gamma;
    this._initialStep();
  }
  /** The learning rates for `lastEpoch` (PyTorch's `get_lr`). */
  getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.isInitial) return groups.map(lrOf);
    return groups.map((g) => g.lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
}

/** Options of `CosineAnnealingLR` (like `torch.optim.lr_scheduler.CosineAnnealingLR`'s arguments). */
export interface CosineAnnealingLROptions {
  /** Minimum learning rate (default 0). */
  etaMin?: number;
  /** Index of the last epoch, to resume a schedule (default -1: start fresh). */
  lastEpoch?: number;
}

/** Cosine annealing from the base lr to `etaMin` over `tMax` epochs, via PyTorch's recursive form. */
export class CosineAnnealingLR extends LRScheduler {
  /** Number of epochs of a half cosine period. */
  tMax: number;
  /** Minimum learning rate. */
  etaMin: number;
  constructor(optimizer: AnyOptimizer, tMax: number, opts: CosineAnnealingLROptions = {}) {
    super(optimizer, opts.lastEpoch ?? -1, false);
    this.tMax = tMax;
    this.etaMin = opts.etaMin ?? 0;
    this._initialStep();
  }
  /** The learning rates for `lastEpoch` (PyTorch's `get_lr`). */
  getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const { tMax, etaMin, lastEpoch } = this;
    if (this.isInitial) return groups.map(lrOf);
    if (this._stepCount === 1 && lastEpoch > 0)
      return this.baseLrs.map(
        (b) => etaMin + ((b - etaMin) * (1 + Math.cos((lastEpoch * Math.PI) / tMax))) / 2,
      );
    if (pyMod(lastEpoch - 1 - tMax, 2 * tMax) === 0)
      return groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    return groups.map(
      (g) =>
        ((1 + Math.cos((Math.PI * lastEpoch) / tMax)) / (1 + Math.cos((Math.PI * (lastEpoch - 1)) / tMax))) *
          (g.lr - etaMin) +
        etaMin,
    );
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map(
      (b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2,
    );
  }
}

/** Options of `LambdaLR` (like `torch.optim.lr_scheduler.LambdaLR`'s arguments). */
export interface LambdaLROptions {
  /** Index of the last epoch, to resume a schedule (default -1: start fresh). */
  lastEpoch?: number;
}

/** lr = base lr × `lrLambda(epoch)` (one function, or one per group). */
export class LambdaLR extends LRScheduler {
  /** The lr multiplier functions of epoch, one per parameter group. */
  lrLambdas: ((epoch: number) => number)[];
  constructor(
    optimizer: AnyOptimizer,
    lrLambda: ((epoch: number) => number) | readonly ((epoch: number) => number)[],
    opts: LambdaLROptions = {},
  ) {
    super(optimizer, opts.lastEpoch ?? -1, false);
    const n = optimizer.paramGroups.length;
    if (typeof lrLambda === 'function') this.lrLambdas = new Array(n).fill(lrLambda);
    else {
      if (lrLambda.length !== n) throw new Error(`Expected ${n} lr_lambdas, but got ${lrLambda.length}`);
      this.lrLambdas = lrLambda.slice();
    }
    this._initialStep();
  }
  /** The learning rates for `lastEpoch` (PyTorch's `get_lr`). */
  getLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lrLambdas[i](this.lastEpoch));
  }
}

/** Options of `ConstantLR` (like `torch.optim.lr_scheduler.ConstantLR`'s arguments). */
export interface ConstantLROptions {
  /** Multiplier of the lr until `totalIters`, in [0, 1] (default 1/3). */
  factor?: number;
  /** Number of steps the factor applies for (default 5). */
  totalIters?: number;
  /** Index of the last epoch, to resume a schedule (default -1: start fresh). */
  lastEpoch?: number;
}

/** Multiplies the lr by `factor` until `totalIters` steps have passed. */
export class ConstantLR extends LRScheduler {
  /** Multiplier of the lr until `totalIters`. */
  factor: number;
  /** Number of steps the factor applies for. */
  totalIters: number;
  constructor(optimizer: AnyOptimizer, opts: ConstantLROptions = {}) {
    super(optimizer, opts.lastEpoch ?? -1, false);
    const factor = opts.factor ?? 1 / 3;
    if (factor > 1 || factor < 0)
      throw new Error('Constant multiplicative factor expected to be between 0 and 1.');
    this.factor = factor;
    this.totalIters = opts.totalIters ?? 5;
    this._initialStep();
  }
  /** The learning rates for `lastEpoch` (PyTorch's `get_lr`). */
  getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return groups.map(lrOf);
    return groups.map((g) => g.lr * (1 / this.factor));
  }
  protected override closedFormLr(): number[] {
    const past = this.lastEpoch >= this.totalIters ? 1 : 0;
    return this.baseLrs.map((b) => b * (this.factor + past * (1 - this.factor)));
  }
}

/** Options of `LinearLR` (like `torch.optim.lr_scheduler.LinearLR`'s arguments). */
export interface LinearLROptions {
  /** Multiplier of the lr at the first step, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** Multiplier of the lr after `totalIters` steps, in [0, 1] (default 1). */
  endFactor?: number;
  /** Number of steps to reach `endFactor` (default 5). */
  totalIters?: number;
  /** Index of the last epoch, to resume a schedule (default -1: start fresh). */
  lastEpoch?: number;
}

/** Scales the lr linearly from `startFactor` to `endFactor` over `totalIters` steps. */
export class LinearLR extends LRScheduler {
  /** Multiplier of the lr at the first step. */
  startFactor: number;
  /** Multiplier of the lr after `totalIters` steps. */
  endFactor: number;
  /** Number of steps to reach `endFactor`. */
  totalIters: number;
  constructor(optimizer: AnyOptimizer, opts: LinearLROptions = {}) {
    super(optimizer, opts.lastEpoch ?? -1, false);
    const startFactor = opts.startFactor ?? 1 / 3;
    const endFactor = opts.endFactor ?? 1;
    if (startFactor > 1 || startFactor <= 0)
      throw new Error('Starting multiplicative factor expected to be greater than 0 and less or equal to 1.');
    if (endFactor > 1 || endFactor < 0)
      throw new Error('Ending multiplicative factor expected to be between 0 and 1.');
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = opts.totalIters ?? 5;
    this._initialStep();
  }
  /** The learning rates for `lastEpoch` (PyTorch's `get_lr`). */
  getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const { startFactor: s, endFactor: e, totalIters: n, lastEpoch: t } = this;
    if (t === 0) return groups.map((g) => g.lr * s);
    if (this.isInitial || t > n) return groups.map(lrOf);
    return groups.map((g) => g.lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }
  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n, lastEpoch: t } = this;
    return this.baseLrs.map((b) => b * (s + ((e - s) * Math.min(n, t)) / n));
  }
}

/** Options of `SequentialLR` (like `torch.optim.lr_scheduler.SequentialLR`'s arguments). */
export interface SequentialLROptions {
  /** Index of the last epoch, to resume a schedule (default -1: start fresh). */
  lastEpoch?: number;
}

/** Runs `schedulers` one after another, switching at each milestone. */
export class SequentialLR extends LRScheduler {
  /** The schedulers, run one after another. */
  schedulers: LRScheduler[];
  /** Epochs at which the next scheduler takes over. */
  milestones: number[];
  constructor(
    optimizer: AnyOptimizer,
    schedulers: readonly LRScheduler[],
    milestones: readonly number[],
    opts: SequentialLROptions = {},
  ) {
    super(optimizer, -1, false);
    if (schedulers.length < 1)
      throw new Error(`SequentialLR expects at least one scheduler, but got no scheduler.`);
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer)
        throw new Error(
          `SequentialLR expects all schedulers to belong to the same optimizer, but got scheduler at index ${i} to be different than the optimizer passed in.`,
        );
      if (s instanceof ReduceLROnPlateau)
        throw new Error(
          `SequentialLR does not support \`ReduceLROnPlateau\` scheduler as it requires additional kwargs to be specified when calling \`step\`, but got one at index ${i} in the given schedulers sequence.`,
        );
    });
    if (milestones.length !== schedulers.length - 1)
      throw new Error(
        `Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`,
      );
    this.schedulers = schedulers.slice();
    this.milestones = milestones.slice();
    this.lastEpoch = (opts.lastEpoch ?? -1) + 1;
    for (const g of optimizer.paramGroups) g.lr = g.initialLr as number;
    undo(this);
    this.schedulers[0]._initialStep();
    this.lastLr = this.schedulers[0].getLastLr();
  }
  /** The learning rates of the scheduler active at `lastEpoch`. */
  getLr(): number[] {
    return this.schedulers[bisectRight(this.milestones, this.lastEpoch)].getLastLr();
  }
  /** Advances the active scheduler one step, switching schedulers at milestones. */
  override step(): void {
    this.lastEpoch += 1;
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const s = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s._updateLr(0);
    else s.step();
    this.lastLr = s.getLastLr();
  }
  /** The state, with each scheduler's own state under `_schedulers`. */
  override stateDict(): SchedulerStateDict {
    const out = super.stateDict();
    delete out.schedulers;
    out._schedulers = this.schedulers.map((s) => s.stateDict());
    return out;
  }
  /** Restores a state from `stateDict()`, including each scheduler's. */
  override loadStateDict(sd: SchedulerStateDict): void {
    const { _schedulers, ...rest } = sd;
    super.loadStateDict(rest);
    if (Array.isArray(_schedulers))
      _schedulers.forEach((s, i) => {
        this.schedulers[i]?.loadStateDict(s as SchedulerStateDict);
      });
  }
}

/** PyTorch's recursive_undo: steps every nested scheduler's lastEpoch back by one. */
function undo(s: LRScheduler): void {
  if (s instanceof SequentialLR) for (const c of s.schedulers) undo(c);
  else s.lastEpoch -= 1;
}

// ------------------------------------------------------------------ OneCycleLR

/**
 * Options of `OneCycleLR` (like `torch.optim.lr_scheduler.OneCycleLR`'s arguments): give
 * `totalSteps`, or `epochs` and `stepsPerEpoch`.
 */
export interface OneCycleLROptions {
  /** Total number of steps in the cycle. */
  totalSteps?: number;
  /** Number of epochs, with `stepsPerEpoch`, when `totalSteps` is not given. */
  epochs?: number;
  /** Steps per epoch, with `epochs`, when `totalSteps` is not given. */
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr (default 0.3). */
  pctStart?: number;
  /** `'cos'` (default) or `'linear'` annealing. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (or Adam's beta1) inversely to the lr (default `true`). */
  cycleMomentum?: boolean;
  /** Lowest momentum of the cycle, one for all groups or one per group (default 0.85). */
  baseMomentum?: number | readonly number[];
  /** Highest momentum of the cycle, one for all groups or one per group (default 0.95). */
  maxMomentum?: number | readonly number[];
  /** The initial lr is `maxLr / divFactor` (default 25). */
  divFactor?: number;
  /** The final lr is `initialLr / finalDivFactor` (default 1e4). */
  finalDivFactor?: number;
  /** Warm up and cool down symmetrically, then anneal to the final lr in a third phase (default `false`). */
  threePhase?: boolean;
  /** Index of the last epoch, to resume a schedule (default -1: start fresh). */
  lastEpoch?: number;
}

interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

/**
 * The 1cycle policy (Smith & Topsom): lr warms up from maxLr/divFactor to maxLr, then anneals to
 * initialLr/finalDivFactor (optionally in three phases), cycling momentum (or Adam's beta1)
 * inversely. Step it after every batch.
 */
export class OneCycleLR extends LRScheduler {
  /** Total number of steps in the cycle. */
  totalSteps: number;
  /** `'cos'` or `'linear'`. */
  annealStrategy: 'cos' | 'linear';
  /** Whether momentum (or beta1) is cycled. */
  cycleMomentum: boolean;
  /** Whether the cycled momentum is Adam's beta1 (optimizers with `betas`). */
  useBeta1: boolean;
  private readonly phases: Phase[];

  constructor(optimizer: AnyOptimizer, maxLr: number | readonly number[], opts: OneCycleLROptions = {}) {
    const lastEpoch = opts.lastEpoch ?? -1;
    let totalSteps: number;
    if (opts.totalSteps !== undefined) {
      if (!Number.isInteger(opts.totalSteps) || opts.totalSteps <= 0)
        throw new Error(`Expected positive integer total_steps, but got ${opts.totalSteps}`);
      totalSteps = opts.totalSteps;
    } else if (opts.epochs !== undefined && opts.stepsPerEpoch !== undefined) {
      if (!Number.isInteger(opts.epochs) || opts.epochs <= 0)
        throw new Error(`Expected positive integer epochs, but got ${opts.epochs}`);
      if (!Number.isInteger(opts.stepsPerEpoch) || opts.stepsPerEpoch <= 0)
        throw new Error(`Expected positive integer steps_per_epoch, but got ${opts.stepsPerEpoch}`);
      totalSteps = opts.epochs * opts.stepsPerEpoch;
    } else throw new Error('You must define either total_steps OR (epochs AND steps_per_epoch)');
    const pctStart = opts.pctStart ?? 0.3;
    if (!(pctStart >= 0 && pctStart <= 1))
      throw new Error(`Expected float between 0 and 1 pct_start, but got ${pctStart}`);
    const anneal = opts.annealStrategy ?? 'cos';
    if (anneal !== 'cos' && anneal !== 'linear')
      throw new Error(`anneal_strategy must be one of 'cos' or 'linear', instead got ${String(anneal)}`);
    const phases: Phase[] = opts.threePhase
      ? [
          {
            endStep: pctStart * totalSteps - 1,
            startLr: 'initialLr',
            endLr: 'maxLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'baseMomentum',
          },
          {
            endStep: 2 * pctStart * totalSteps - 2,
            startLr: 'maxLr',
            endLr: 'initialLr',
            startMomentum: 'baseMomentum',
            endMomentum: 'maxMomentum',
          },
          {
            endStep: totalSteps - 1,
            startLr: 'initialLr',
            endLr: 'minLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'maxMomentum',
          },
        ]
      : [
          {
            endStep: pctStart * totalSteps - 1,
            startLr: 'initialLr',
            endLr: 'maxLr',
            startMomentum: 'maxMomentum',
            endMomentum: 'baseMomentum',
          },
          {
            endStep: totalSteps - 1,
            startLr: 'maxLr',
            endLr: 'minLr',
            startMomentum: 'baseMomentum',
            endMomentum: 'maxMomentum',
          },
        ];
    const groups = optimizer.paramGroups;
    const maxLrs = perGroup('max_lr', optimizer, maxLr);
    const divFactor = opts.divFactor ?? 25;
    const finalDivFactor = opts.finalDivFactor ?? 1e4;
    if (lastEpoch === -1)
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / divFactor;
        g.maxLr = maxLrs[i];
        g.minLr = (g.initialLr as number) / finalDivFactor;
      });
    const cycleMomentum = opts.cycleMomentum ?? true;
    let useBeta1 = false;
    if (cycleMomentum) {
      const defaults = optimizer.defaults as unknown as Record<string, unknown>;
      if (!('momentum' in defaults) && !('betas' in defaults))
        throw new Error('optimizer must support momentum or beta1 with `cycle_momentum` option enabled');
      useBeta1 = 'betas' in defaults;
      const maxMomentums = perGroup('max_momentum', optimizer, opts.maxMomentum ?? 0.95);
      const baseMomentums = perGroup('base_momentum', optimizer, opts.baseMomentum ?? 0.85);
      if (lastEpoch === -1)
        groups.forEach((g, i) => {
          if (useBeta1) {
            const betas = g.betas as number[];
            g.betas = [maxMomentums[i], ...betas.slice(1)];
          } else g.momentum = maxMomentums[i];
          g.maxMomentum = maxMomentums[i];
          g.baseMomentum = baseMomentums[i];
        });
    }
    super(optimizer, lastEpoch, false);
    this.totalSteps = totalSteps;
    this.phases = phases;
    this.annealStrategy = anneal;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this._initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'cos') return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
    return (end - start) * pct + start;
  }

  /** The learning rates for `lastEpoch`; also sets the cycled momentum. */
  getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps)
      throw new Error(
        `Tried to step ${stepNum} times. The specified number of total steps is ${this.totalSteps}`,
      );
    return this.optimizer.paramGroups.map((g) => {
      let startStep = 0;
      let lr = 0;
      let momentum = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const phase = this.phases[i];
        const endStep = phase.endStep;
        if (stepNum <= endStep || i === this.phases.length - 1) {
          const pct = (stepNum - startStep) / (endStep - startStep);
          lr = this.anneal(g[phase.startLr] as number, g[phase.endLr] as number, pct);
          if (this.cycleMomentum)
            momentum = this.anneal(g[phase.startMomentum] as number, g[phase.endMomentum] as number, pct);
          break;
        }
        startStep = phase.endStep;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) {
          const betas = g.betas as number[];
          g.betas = [momentum, ...betas.slice(1)];
        } else g.momentum = momentum;
      }
      return lr;
    });
  }
}

// ------------------------------------------------------------------ ReduceLROnPlateau

/** Options of `ReduceLROnPlateau` (like `torch.optim.lr_scheduler.ReduceLROnPlateau`'s arguments). */
export interface ReduceLROnPlateauOptions {
  /** `'min'` (default): reduce when the metric stops decreasing; `'max'`: when it stops increasing. */
  mode?: 'min' | 'max';
  /** Multiplier of the lr on each reduction, below 1 (default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Minimum change that counts as an improvement (default 1e-4). */
  threshold?: number;
  /** `'rel'` (default): relative to the best value; `'abs'`: absolute. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** Lower bound of the lr, one for all groups or one per group (default 0). */
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
}

/**
 * Reduces the lr by `factor` once the metric passed to `step(metric)` has not improved for
 * `patience` epochs (then waits `cooldown` epochs).
 */
export class ReduceLROnPlateau {
  /** The optimizer whose learning rates are reduced. */
  readonly optimizer: AnyOptimizer;
  /** `'min'` or `'max'`. */
  mode: 'min' | 'max';
  /** Multiplier of the lr on each reduction. */
  factor: number;
  /** Epochs without improvement tolerated before reducing. */
  patience: number;
  /** Minimum change that counts as an improvement. */
  threshold: number;
  /** `'rel'` or `'abs'`. */
  thresholdMode: 'rel' | 'abs';
  /** Epochs to wait after a reduction. */
  cooldown: number;
  /** Lower bound of the lr, per parameter group. */
  minLrs: number[];
  /** Reductions smaller than this are skipped. */
  eps: number;
  /** Best metric seen so far. */
  best: number;
  /** Consecutive epochs without improvement. */
  numBadEpochs = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** Number of `step` calls so far (or the last `epoch` passed). */
  lastEpoch = 0;
  /** The worst possible metric for `mode` (±Infinity), the initial `best`. */
  modeWorse: number;
  protected lastLr: number[];

  constructor(optimizer: AnyOptimizer, opts: ReduceLROnPlateauOptions = {}) {
    const factor = opts.factor ?? 0.1;
    if (factor >= 1) throw new Error('Factor should be < 1.0.');
    this.optimizer = optimizer;
    this.factor = factor;
    const n = optimizer.paramGroups.length;
    const minLr = opts.minLr ?? 0;
    if (typeof minLr === 'number') this.minLrs = new Array<number>(n).fill(minLr);
    else {
      if (minLr.length !== n) throw new Error(`expected ${n} min_lrs, got ${minLr.length}`);
      this.minLrs = minLr.slice();
    }
    this.patience = opts.patience ?? 10;
    this.cooldown = opts.cooldown ?? 0;
    this.eps = opts.eps ?? 1e-8;
    this.mode = opts.mode ?? 'min';
    this.threshold = opts.threshold ?? 1e-4;
    this.thresholdMode = opts.thresholdMode ?? 'rel';
    if (this.mode !== 'min' && this.mode !== 'max') throw new Error(`mode ${String(this.mode)} is unknown!`);
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs')
      throw new Error(`threshold mode ${String(this.thresholdMode)} is unknown!`);
    this.modeWorse = this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.best = this.modeWorse;
    this.lastLr = optimizer.paramGroups.map(lrOf);
  }

  /** Whether a cooldown is running. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Whether metric `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    const t = this.threshold;
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - t);
    if (this.mode === 'min') return a < best - t;
    if (this.thresholdMode === 'rel') return a > best * (t + 1);
    return a > best + t;
  }

  /** Records the epoch's metric (a number or a one-element tensor's `.item()`). */
  step(metric: number | { item(): number }, epoch?: number): void {
    const current = typeof metric === 'number' ? metric : metric.item();
    this.lastEpoch = epoch ?? this.lastEpoch + 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else this.numBadEpochs += 1;
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map(lrOf);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const old = g.lr;
      const next = Math.max(old * this.factor, this.minLrs[i]);
      if (old - next > this.eps) g.lr = next;
    });
  }

  /** The learning rates after the last `step`. */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /** Every field except the optimizer, like PyTorch's `state_dict()`. */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [key, v] of Object.entries(this)) if (key !== 'optimizer') out[key] = plainCopy(v);
    return out;
  }

  /** Restores fields saved by `stateDict()`. */
  loadStateDict(sd: SchedulerStateDict): void {
    for (const [key, v] of Object.entries(sd))
      if (key !== 'optimizer') (this as unknown as Record<string, unknown>)[key] = plainCopy(v);
  }
}
