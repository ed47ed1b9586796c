/** PyTorch's torch.optim.Adam and AdamW, update for update. */
import * as k from '@kindling/core';
import { check, Optimizer, type OptimizerOptions, type ParamGroup, type ParamsInput } from './optimizer.js';

type Tensor = k.Tensor;

/** Options of `Adam` and `AdamW` (like `torch.optim.Adam`'s arguments); `lr` defaults to 1e-3. */
export interface AdamOptions extends OptimizerOptions {
  /** Decay rates of the first and second moment averages (default `[0.9, 0.999]`). */
  betas: [number, number];
  /** Added to the denominator for stability (default 1e-8). */
  eps: number;
  /** Weight decay (default 0 for Adam, 1e-2 for AdamW). */
  weightDecay: number;
  /** Use the running maximum of the second moment, AMSGrad (default `false`). */
  amsgrad: boolean;
  /** Maximise the objective instead of minimising it (default `false`). */
  maximize: boolean;
  /** Decoupled (AdamW-style) weight decay instead of L2 added to the gradient. */
  decoupledWeightDecay: boolean;
}

/** Options of `AdamW`: those of Adam, with `weightDecay` 1e-2 and `decoupledWeightDecay` true by default. */
export type AdamWOptions = AdamOptions;

function validate(g: ParamGroup<AdamOptions>): void {
  check(g.lr >= 0, `Invalid learning rate: ${g.lr}`);
  check(g.eps >= 0, `Invalid epsilon value: ${g.eps}`);
  check(
    Array.isArray(g.betas) && g.betas.length === 2,
    `betas must be a pair [beta1, beta2] (got ${String(g.betas)})`,
  );
  check(g.betas[0] >= 0 && g.betas[0] < 1, `Invalid beta parameter at index 0: ${g.betas[0]}`);
  check(g.betas[1] >= 0 && g.betas[1] < 1, `Invalid beta parameter at index 1: ${g.betas[1]}`);
  check(g.weightDecay >= 0, `Invalid weight_decay value: ${g.weightDecay}`);
}

/**
 * Adam (Kingma & Ba) as PyTorch computes it:
 * `m = β1·m + (1−β1)g`, `v = β2·v + (1−β2)g²`, `p -= lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε)`,
 * with `v` replaced by its running maximum under amsgrad. Weight decay is L2 (added to the gradient)
 * unless `decoupledWeightDecay` (then it is AdamW's `p *= 1 − lr·λ`, applied first).
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: ParamsInput<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, Adam.defaultsFrom(opts, 0, false));
  }

  /** @internal */
  static defaultsFrom(opts: Partial<AdamOptions>, weightDecay: number, decoupled: boolean): AdamOptions {
    return {
      lr: opts.lr ?? 1e-3,
      betas: opts.betas ? [opts.betas[0], opts.betas[1]] : [0.9, 0.999],
      eps: opts.eps ?? 1e-8,
      weightDecay: opts.weightDecay ?? weightDecay,
      amsgrad: opts.amsgrad ?? false,
      maximize: opts.maximize ?? false,
      decoupledWeightDecay: opts.decoupledWeightDecay ?? decoupled,
    };
  }

  protected override validateGroup(g: ParamGroup<AdamOptions>): void {
    validate(g);
  }

  protected override updateGroup(g: ParamGroup<AdamOptions>): void {
    const { lr, eps, weightDecay, amsgrad, maximize, decoupledWeightDecay } = g;
    const [beta1, beta2] = g.betas;
    for (const p of g.params) {
      if (p.grad === null) continue;
      const state = this.stateOf(p);
      if (state.step === undefined) {
        state.step = 0;
        state.exp_avg = k.keep(k.zerosLike(p));
        state.exp_avg_sq = k.keep(k.zerosLike(p));
        if (amsgrad) state.max_exp_avg_sq = k.keep(k.zerosLike(p));
      }
      let grad = maximize ? p.grad.neg() : p.grad;
      const step = (state.step as number) + 1;
      state.step = step;
      if (weightDecay !== 0) {
        if (decoupledWeightDecay) p.mul_(1 - lr * weightDecay);
        else grad = grad.add(p, weightDecay);
      }
      const expAvg = state.exp_avg as Tensor;
      const expAvgSq = state.exp_avg_sq as Tensor;
      // exp_avg.lerp_(grad, 1 - beta1): self + w·(end − self)
      expAvg.add_(grad.sub(expAvg), 1 - beta1);
      expAvgSq.mul_(beta2).add_(grad.mul(grad), 1 - beta2);
      const biasCorrection1 = 1 - beta1 ** step;
      const biasCorrection2 = 1 - beta2 ** step;
      const stepSize = lr / biasCorrection1;
      const bc2Sqrt = Math.sqrt(biasCorrection2);
      let second = expAvgSq;
      if (amsgrad) {
        let maxSq = state.max_exp_avg_sq as Tensor | undefined;
        if (maxSq === undefined) state.max_exp_avg_sq = maxSq = k.keep(k.zerosLike(p));
        maxSq.copy_(maxSq.maximum(expAvgSq));
        second = maxSq;
      }
      const denom = second.sqrt().div(bc2Sqrt).add_(eps);
      p.add_(expAvg.div(denom), -stepSize);
    }
  }
}

/**
 * AdamW (Loshchilov & Hutter): Adam with decoupled weight decay `p *= 1 − lr·λ` applied before the
 * Adam update; default weightDecay 1e-2 like PyTorch.
 */
export class AdamW extends Adam {
  constructor(params: ParamsInput<AdamWOptions>, opts: Partial<AdamWOptions> = {}) {
    super(params, Adam.defaultsFrom(opts, 1e-2, true));
  }
}
