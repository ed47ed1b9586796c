/** PyTorch's torch.nn.utils gradient clipping and parameter/vector conversion. */
import * as k from '@kindling/core';

type Tensor = k.Tensor;

/** Options of `clipGradNorm_` (like `torch.nn.utils.clip_grad_norm_`'s keyword arguments). */
export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite (reads the norm back synchronously). */
  errorIfNonfinite?: boolean;
}

function paramList(parameters: Tensor | Iterable<Tensor>): Tensor[] {
  return k.isTensor(parameters) ? [parameters] : [...parameters];
}

/**
 * Scales the gradients of `parameters` in place so that their combined `normType`-norm (as if all
 * gradients were concatenated into one vector) is at most `maxNorm`. Returns the total norm before
 * clipping, as a 0-d tensor. Like PyTorch, gradients are always multiplied by
 * `min(1, maxNorm / (total + 1e-6))`.
 */
export function clipGradNorm_(
  parameters: Tensor | Iterable<Tensor>,
  maxNorm: number,
  normType: number | 'inf' = 2,
  opts: ClipGradNormOptions = {},
): Tensor {
  const p = normType === 'inf' ? Number.POSITIVE_INFINITY : Number(normType);
  const grads = paramList(parameters)
    .map((t) => t.grad)
    .filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return k.tensor(0);
  return k.tidy(() =>
    k.noGrad(() => {
      const dtype = grads.map((g) => g.dtype).reduce((a, b) => k.promoteTypes(a, b));
      const device = grads[0].device;
      const norms = grads.map((g) => g.norm(p).to({ dtype, device }));
      const total = norms.length === 1 ? norms[0] : k.stack(norms).norm(p);
      if (opts.errorIfNonfinite) {
        const v = total.item();
        if (!Number.isFinite(v))
          throw new Error(
            `The total norm of order ${p === Number.POSITIVE_INFINITY ? 'inf' : p} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`errorIfNonfinite: false\``,
          );
      }
      const coef = k.clamp(k.div(maxNorm, total.add(1e-6)), null, 1);
      for (const g of grads)
        g.mul_(
          g.device === coef.device && g.dtype === coef.dtype
            ? coef
            : coef.to({ dtype: g.dtype, device: g.device }),
        );
      return total;
    }),
  );
}

/** Clamps every gradient of `parameters` to [-clipValue, clipValue] in place. */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  const v = Math.abs(Number(clipValue));
  k.noGrad(() => {
    for (const t of paramList(parameters)) if (t.grad !== null) t.grad.copy_(k.clamp(t.grad, -v, v));
  });
}

function checkSameDevice(params: Tensor[]): void {
  for (const p of params)
    if (p.device !== params[0].device)
      throw new Error('Found two parameters on different devices, this is currently not supported.');
}

/** Flattens and concatenates `parameters` into one 1-d tensor (differentiable). */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  const params = [...parameters];
  checkSameDevice(params);
  if (params.length === 0) return k.zeros([0]);
  return k.cat(
    params.map((p) => p.reshape(-1)),
    0,
  );
}

/** Copies consecutive slices of the 1-d `vec` into `parameters` (in place, without gradient). */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  if (!k.isTensor(vec)) throw new TypeError(`expected Tensor, but got: ${typeof vec}`);
  const params = [...parameters];
  checkSameDevice(params);
  const total = params.reduce((n, p) => n + p.numel(), 0);
  if (vec.ndim !== 1 || vec.numel() !== total)
    throw new Error(
      `vectorToParameters: expected a 1-d vector of ${total} elements (the parameters' total), got shape [${vec.shape.join(', ')}]`,
    );
  k.noGrad(() => {
    let offset = 0;
    for (const p of params) {
      const n = p.numel();
      p.copy_(vec.narrow(0, offset, n).view(p.shape));
      offset += n;
    }
  });
}
