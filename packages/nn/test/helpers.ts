import * as k from '@kindling/core';
import { gradcheck } from '@kindling/core/testing';
import type { nn } from '@kindling/nn';

/** float64 random input requiring grad. */
export function input64(...shape: number[]): k.Tensor {
  return k.randn(shape, { dtype: 'float64', requiresGrad: true });
}

/**
 * Gradchecks a module's forward in float64 with respect to its inputs and all its parameters.
 * `run` calls the module on the (leaf) inputs and returns the output(s) to check.
 */
export function gradcheckModule(
  module: nn.Module,
  inputs: k.Tensor[],
  run: (...xs: k.Tensor[]) => k.Tensor | k.Tensor[],
): void {
  module.double();
  const params = module.parameters().filter((p) => p.requiresGrad);
  const n = inputs.length;
  gradcheck((...all: k.Tensor[]) => run(...all.slice(0, n)), [...inputs, ...params], {
    atol: 1e-5,
    rtol: 1e-3,
  });
}

export function maxAbsDiff(a: k.Tensor, b: k.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  if (x.length !== y.length) throw new Error(`sizes differ: ${x.length} vs ${y.length}`);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}
