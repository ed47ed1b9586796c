/** PyTorch's torch.optim.SGD, update for update. */
import * as k from '@kindling/core';
import { check, Optimizer, type OptimizerOptions, type ParamGroup, type ParamsInput } from './optimizer.js';

/** Options of `SGD` (like `torch.optim.SGD`'s arguments); `lr` defaults to 1e-3. */
export interface SGDOptions extends OptimizerOptions {
  /** Momentum factor μ (default 0). */
  momentum: number;
  /** Dampening of the momentum (default 0). */
  dampening: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Nesterov momentum; needs momentum > 0 and zero dampening (default `false`). */
  nesterov: boolean;
  /** Maximise the objective instead of minimising it (default `false`). */
  maximize: boolean;
}

/**
 * Stochastic gradient descent with optional momentum (PyTorch's formulation: the momentum buffer
 * starts as the first gradient; `v = μv + (1 − dampening)g`, `p -= lr·v`, or `p -= lr·(g + μv)`
 * with Nesterov) and L2 weight decay added to the gradient.
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, opts: Partial<SGDOptions> = {}) {
    const defaults: SGDOptions = {
      lr: opts.lr ?? 1e-3,
      momentum: opts.momentum ?? 0,
      dampening: opts.dampening ?? 0,
      weightDecay: opts.weightDecay ?? 0,
      nesterov: opts.nesterov ?? false,
      maximize: opts.maximize ?? false,
    };
    if (defaults.nesterov && (defaults.momentum <= 0 || defaults.dampening !== 0))
      throw new Error('Nesterov momentum requires a momentum and zero dampening');
    super(params, defaults);
  }

  protected override validateGroup(g: ParamGroup<SGDOptions>): void {
    check(g.lr >= 0, `Invalid learning rate: ${g.lr}`);
    check(g.momentum >= 0, `Invalid momentum value: ${g.momentum}`);
    check(g.weightDecay >= 0, `Invalid weight_decay value: ${g.weightDecay}`);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0))
      throw new Error('Nesterov momentum requires a momentum and zero dampening');
  }

  protected override updateGroup(g: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = g;
    for (const p of g.params) {
      if (p.grad === null) continue;
      let d = maximize ? p.grad.neg() : p.grad;
      if (weightDecay !== 0) d = d.add(p, weightDecay);
      if (momentum !== 0) {
        const state = this.stateOf(p);
        let buf = state.momentum_buffer as k.Tensor | undefined;
        if (buf === undefined) {
          buf = k.keep(d.clone());
          state.momentum_buffer = buf;
        } else buf.mul_(momentum).add_(d, 1 - dampening);
        d = nesterov ? d.add(buf, momentum) : buf;
      }
      p.add_(d, -lr);
    }
  }
}
