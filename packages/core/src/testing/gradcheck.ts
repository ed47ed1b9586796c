/**
 * Finite-difference gradient checking, like torch.autograd.gradcheck. Compares v·J computed by
 * backward with the central-difference estimate, for random vectors v (fast) or every output
 * element (`fastMode: false`). Use float64 inputs.
 */
import { grad, noGrad, type Tensor, tensor } from '../index.js';
import { Generator } from '../random.js';

/** Tolerances, finite-difference step and seed of `gradcheck`/`gradgradcheck` (like torch.autograd.gradcheck). */
export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Compare random projections of the Jacobian (default) instead of every row. */
  fastMode?: boolean;
  /** Number of random projections in fast mode. */
  projections?: number;
  /** Inputs whose gradient may be unused (null) instead of failing. */
  allowUnused?: boolean;
  seed?: number;
}

type Fn = (...inputs: Tensor[]) => Tensor | Tensor[];

function outputsOf(fn: Fn, inputs: Tensor[]): Tensor[] {
  const out = fn(...inputs);
  return (Array.isArray(out) ? out : [out]).filter((t) => t.dtype === 'float32' || t.dtype === 'float64');
}

function setValues(x: Tensor, values: Float64Array | Float32Array): void {
  noGrad(() => x.copy_(tensor(values, { dtype: x.dtype, device: x.device, shape: x.shape })));
}

function weightedSum(outs: Tensor[], vs: Float64Array[]): number {
  let s = 0;
  outs.forEach((o, i) => {
    const d = o.dataSync();
    for (let j = 0; j < d.length; j++) s += d[j] * vs[i][j];
  });
  return s;
}

/**
 * Throws with a description of the first mismatch; returns true when every input's analytical
 * gradient matches the numerical one.
 */
export function gradcheck(fn: Fn, inputs: Tensor[], opts: GradcheckOptions = {}): true {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  const gen = new Generator(opts.seed ?? 1234);
  const diffInputs = inputs.filter((x) => x.requiresGrad);
  for (const x of diffInputs) {
    if (x.dtype !== 'float64')
      console.warn(
        `gradcheck: input of shape [${x.shape}] is ${x.dtype}, not float64; the check may fail from rounding`,
      );
    if (!x.isLeaf) throw new Error('gradcheck: inputs must be leaf tensors (apply views inside fn)');
  }
  const outs0 = outputsOf(fn, inputs);
  const rows: Float64Array[][] = [];
  if (opts.fastMode === false) {
    outs0.forEach((o, oi) => {
      for (let j = 0; j < o.numel(); j++) {
        rows.push(
          outs0.map((p, pi) => {
            const v = new Float64Array(p.numel());
            if (pi === oi) v[j] = 1;
            return v;
          }),
        );
      }
    });
  } else {
    for (let r = 0; r < (opts.projections ?? 2); r++)
      rows.push(outs0.map((p) => Float64Array.from({ length: p.numel() }, () => gen.normal())));
  }
  const live = outs0.map((o) => o.requiresGrad);
  for (const vs of rows) {
    // Analytical v·J.
    const outs = outputsOf(fn, inputs);
    const usedIdx = outs.map((_, i) => i).filter((i) => live[i]);
    const analytical: (Float64Array | null)[] =
      usedIdx.length === 0
        ? diffInputs.map(() => null)
        : grad(
            usedIdx.map((i) => outs[i]),
            diffInputs,
            {
              gradOutputs: usedIdx.map((i) =>
                tensor(vs[i], { dtype: outs[i].dtype, device: outs[i].device, shape: outs[i].shape }),
              ),
              allowUnused: true,
            },
          ).map((g) => (g ? Float64Array.from(g.dataSync()) : null));
    // Numerical v·J by central differences on each input element.
    diffInputs.forEach((x, xi) => {
      const base = Float64Array.from(x.dataSync());
      const n = base.length;
      const num = new Float64Array(n);
      const buf = base.slice();
      for (let e = 0; e < n; e++) {
        buf[e] = base[e] + eps;
        setValues(x, buf);
        const fPlus = weightedSum(outputsOf(fn, inputs), vs);
        buf[e] = base[e] - eps;
        setValues(x, buf);
        const fMinus = weightedSum(outputsOf(fn, inputs), vs);
        buf[e] = base[e];
        num[e] = (fPlus - fMinus) / (2 * eps);
      }
      setValues(x, base);
      const an = analytical[xi];
      if (an === null) {
        if (num.some((v) => Math.abs(v) > atol) && !opts.allowUnused)
          throw new Error(
            `gradcheck: input ${xi} got no analytical gradient but the numerical one is non-zero: [${Array.from(num).slice(0, 8)}]`,
          );
        return;
      }
      for (let e = 0; e < n; e++) {
        if (!(Math.abs(an[e] - num[e]) <= atol + rtol * Math.abs(num[e]))) {
          throw new Error(
            `gradcheck: Jacobian mismatch for input ${xi} (shape [${x.shape}]) at element ${e}: analytical ${an[e]} vs numerical ${num[e]}\nanalytical: [${Array.from(
              an,
            )
              .slice(0, 12)
              .map((v) => v.toFixed(6))}]\nnumerical:  [${Array.from(num)
              .slice(0, 12)
              .map((v) => v.toFixed(6))}]`,
          );
        }
      }
    });
  }
  return true;
}

/**
 * Checks second derivatives: the gradient function (built with createGraph) must itself pass
 * gradcheck, as torch.autograd.gradgradcheck does.
 */
export function gradgradcheck(fn: Fn, inputs: Tensor[], opts: GradcheckOptions = {}): true {
  const gen = new Generator((opts.seed ?? 1234) + 1);
  const outs = outputsOf(fn, inputs).filter((o) => o.requiresGrad);
  const gradOuts = outs.map((o) =>
    tensor(
      Float64Array.from({ length: o.numel() }, () => gen.normal()),
      { dtype: o.dtype, shape: o.shape, device: o.device, requiresGrad: true },
    ),
  );
  const fn2 = (...all: Tensor[]): Tensor[] => {
    const xs = all.slice(0, inputs.length);
    const gs = all.slice(inputs.length);
    const o = outputsOf(fn, xs).filter((t) => t.requiresGrad);
    const gr = grad(
      o,
      xs.filter((x) => x.requiresGrad),
      { gradOutputs: gs, createGraph: true, allowUnused: true },
    );
    return gr.filter((g): g is Tensor => g !== null);
  };
  return gradcheck(fn2, [...inputs, ...gradOuts], opts);
}
