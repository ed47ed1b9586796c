/** PyTorch's torch.optim.RMSprop, update for update. */
import * as k from '@kindling/core';
import { check, Optimizer, type OptimizerOptions, type ParamGroup, type ParamsInput } from './optimizer.js';

type Tensor = k.Tensor;

/** Options of `RMSprop` (like `torch.optim.RMSprop`'s arguments); `lr` defaults to 1e-2. */
export interface RMSpropOptions extends OptimizerOptions {
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  alpha: number;
  /** Added to the denominator for stability (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Normalise by the estimated variance of the gradient instead of its second moment (default `false`). */
  centered: boolean;
  /** Maximise the objective instead of minimising it (default `false`). */
  maximize: boolean;
}

/**
 * RMSprop as PyTorch computes it: `v = αv + (1−α)g²`; centered subtracts the squared running mean
 * of g; `avg = √v + ε` (eps outside the square root); `p -= lr·g/avg`, or with momentum
 * `b = μb + g/avg`, `p -= lr·b`.
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsInput<RMSpropOptions>, opts: Partial<RMSpropOptions> = {}) {
    super(params, {
      lr: opts.lr ?? 1e-2,
      alpha: opts.alpha ?? 0.99,
      eps: opts.eps ?? 1e-8,
      weightDecay: opts.weightDecay ?? 0,
      momentum: opts.momentum ?? 0,
      centered: opts.centered ?? false,
      maximize: opts.maximize ?? false,
    });
  }

  protected override validateGroup(g: ParamGroup<RMSpropOptions>): void {
    check(g.lr >= 0, `Invalid learning rate: ${g.lr}`);
    check(g.eps >= 0, `Invalid epsilon value: ${g.eps}`);
    check(g.momentum >= 0, `Invalid momentum value: ${g.momentum}`);
    check(g.weightDecay >= 0, `Invalid weight_decay value: ${g.weightDecay}`);
    check(g.alpha >= 0, `Invalid alpha value: ${g.alpha}`);
  }

  protected override updateGroup(g: ParamGroup<RMSpropOptions>): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = g;
    for (const p of g.params) {
      if (p.grad === null) continue;
      const state = this.stateOf(p);
      if (state.step === undefined) {
        state.step = 0;
        state.square_avg = k.keep(k.zerosLike(p));
        if (momentum > 0) state.momentum_buffer = k.keep(k.zerosLike(p));
        if (centered) state.grad_avg = k.keep(k.zerosLike(p));
      }
      state.step = (state.step as number) + 1;
      let grad = maximize ? p.grad.neg() : p.grad;
      if (weightDecay !== 0) grad = grad.add(p, weightDecay);
      const squareAvg = state.square_avg as Tensor;
      squareAvg.mul_(alpha).add_(grad.mul(grad), 1 - alpha);
      let avg: Tensor;
      if (centered) {
        let gradAvg = state.grad_avg as Tensor | undefined;
        if (gradAvg === undefined) state.grad_avg = gradAvg = k.keep(k.zerosLike(p));
        gradAvg.add_(grad.sub(gradAvg), 1 - alpha);
        avg = squareAvg.sub(gradAvg.mul(gradAvg)).sqrt_();
      } else avg = squareAvg.sqrt();
      avg = avg.add_(eps);
      if (momentum > 0) {
        let buf = state.momentum_buffer as Tensor | undefined;
        if (buf === undefined) state.momentum_buffer = buf = k.keep(k.zerosLike(p));
        buf.mul_(momentum).add_(grad.div(avg));
        p.add_(buf, -lr);
      } else p.add_(grad.div(avg), -lr);
    }
  }
}
