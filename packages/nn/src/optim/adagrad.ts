/** PyTorch's torch.optim.Adagrad, update for update. */
import * as k from '@kindling/core';
import { check, Optimizer, type OptimizerOptions, type ParamGroup, type ParamsInput } from './optimizer.js';

type Tensor = k.Tensor;

/** Options of `Adagrad` (like `torch.optim.Adagrad`'s arguments); `lr` defaults to 1e-2. */
export interface AdagradOptions extends OptimizerOptions {
  /** Learning-rate decay per step (default 0). */
  lrDecay: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Starting value of the sum of squared gradients (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator for stability (default 1e-10). */
  eps: number;
  /** Maximise the objective instead of minimising it (default `false`). */
  maximize: boolean;
}

/**
 * Adagrad as PyTorch computes it: `clr = lr / (1 + (t−1)·lrDecay)`, `s += g²`,
 * `p -= clr · g / (√s + ε)`. State is created at construction (sum = initialAccumulatorValue).
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsInput<AdagradOptions>, opts: Partial<AdagradOptions> = {}) {
    super(params, {
      lr: opts.lr ?? 1e-2,
      lrDecay: opts.lrDecay ?? 0,
      weightDecay: opts.weightDecay ?? 0,
      initialAccumulatorValue: opts.initialAccumulatorValue ?? 0,
      eps: opts.eps ?? 1e-10,
      maximize: opts.maximize ?? false,
    });
  }

  protected override validateGroup(g: ParamGroup<AdagradOptions>): void {
    check(g.lr >= 0, `Invalid learning rate: ${g.lr}`);
    check(g.lrDecay >= 0, `Invalid lr_decay value: ${g.lrDecay}`);
    check(g.weightDecay >= 0, `Invalid weight_decay value: ${g.weightDecay}`);
    check(
      g.initialAccumulatorValue >= 0,
      `Invalid initial_accumulator_value value: ${g.initialAccumulatorValue}`,
    );
    check(g.eps >= 0, `Invalid epsilon value: ${g.eps}`);
  }

  protected override initGroup(g: ParamGroup<AdagradOptions>): void {
    for (const p of g.params) this.initState(p, g.initialAccumulatorValue);
  }

  private initState(p: Tensor, init: number): void {
    const state = this.stateOf(p);
    if (state.sum !== undefined) return;
    state.step = 0;
    state.sum = k.keep(k.noGrad(() => k.fullLike(p, init)));
  }

  protected override updateGroup(g: ParamGroup<AdagradOptions>): void {
    const { lr, lrDecay, weightDecay, eps, maximize } = g;
    for (const p of g.params) {
      if (p.grad === null) continue;
      this.initState(p, g.initialAccumulatorValue);
      const state = this.stateOf(p);
      const step = (state.step as number) + 1;
      state.step = step;
      let grad = maximize ? p.grad.neg() : p.grad;
      if (weightDecay !== 0) grad = grad.add(p, weightDecay);
      const clr = lr / (1 + (step - 1) * lrDecay);
      const sum = state.sum as Tensor;
      sum.add_(grad.mul(grad));
      const std = sum.sqrt().add_(eps);
      p.add_(grad.div(std), -clr);
    }
  }
}
