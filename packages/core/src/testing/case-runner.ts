/**
 * What the sync (`runCase`) and async (`runCaseAsync`) conformance runners share: building a case's
 * inputs with the same seed and layouts on any device, comparing values within tolerances, and the
 * gradients of a case's outputs against the cpu backend's for the same cotangents.
 */
import { type DType, grad, isFloatingPoint, type Tensor, tensor } from '../index.js';
import { Generator } from '../random.js';
import { numelOf } from '../shape.js';
import type { InputSpec, OpCase } from './conformance.js';

export function drawValues(spec: InputSpec, n: number, g: Generator): number[] {
  const v =
    spec.values ?? (spec.dtype === 'bool' ? 'bool' : spec.dtype === 'int32' ? { int: [-5, 6] } : 'normal');
  if (Array.isArray(v)) {
    if (v.length !== n) throw new Error(`conformance: ${v.length} explicit values for ${n} elements`);
    return v.slice();
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    if (v === 'normal') out.push(g.normal());
    else if (v === 'uniform') out.push(g.random() * 2 - 1);
    else if (v === 'positive') out.push(0.2 + g.random() * 2);
    else if (v === 'nonzero') out.push((g.random() < 0.5 ? -1 : 1) * (0.3 + g.random() * 2));
    else if (v === 'bool') out.push(g.random() < 0.5 ? 1 : 0);
    else {
      const [lo, hi] = (v as { int: [number, number] }).int;
      out.push(g.int(lo, hi));
    }
  }
  return out;
}

export interface Built {
  leaves: Tensor[];
  views: (leaves: Tensor[]) => Tensor[];
}

/** Builds the case's leaf tensors on `device` (float dtypes overridden by `floatDtype`) and the views fed to fn. */
export function build(c: OpCase, device: string, floatDtype: DType | null, seed: number): Built {
  const g = new Generator(seed);
  const leaves: Tensor[] = [];
  const layouts: ((t: Tensor) => Tensor)[] = [];
  for (const spec of c.inputs) {
    const logical = spec.shape;
    let dtype = spec.dtype ?? 'float32';
    if (floatDtype && isFloatingPoint(dtype)) dtype = floatDtype;
    const layout = spec.layout ?? 'contiguous';
    let storedShape: number[];
    let view: (t: Tensor) => Tensor;
    if (layout === 'transposed') {
      storedShape = logical.slice().reverse();
      const perm = logical.map((_, i) => logical.length - 1 - i);
      view = (t) => t.permute(perm);
    } else if (layout === 'strided') {
      storedShape = logical.slice();
      if (storedShape.length === 0) throw new Error('conformance: strided layout needs at least one dim');
      storedShape[storedShape.length - 1] *= 2;
      const d = logical.length - 1;
      view = (t) => t.unflatten(d, [logical[d], 2]).select(d + 1, 0);
    } else if (layout === 'expanded') {
      storedShape = [1, ...logical.slice(1)];
      view = (t) => t.expand(logical);
    } else {
      storedShape = logical.slice();
      view = (t) => t;
    }
    const n = numelOf(storedShape);
    // Values are drawn for the logical elements first so every layout sees the same data.
    const vals = drawValues(spec, layout === 'expanded' ? n : numelOf(logical), g);
    const stored =
      layout === 'strided'
        ? vals.flatMap((v) => [v, 0])
        : layout === 'transposed'
          ? transposeValues(vals, logical)
          : vals;
    const t = tensor(stored, { dtype, device, shape: storedShape });
    if (isFloatingPoint(dtype) && spec.requiresGrad !== false) t.requiresGrad_(true);
    leaves.push(t);
    layouts.push(view);
  }
  return { leaves, views: (ls) => ls.map((t, i) => layouts[i](t)) };
}

export function transposeValues(vals: number[], logical: readonly number[]): number[] {
  // stored[reversed index] = logical[index]
  const nd = logical.length;
  const out = new Array<number>(vals.length);
  const stored = logical.slice().reverse();
  const sStrides = new Array<number>(nd);
  let s = 1;
  for (let i = nd - 1; i >= 0; i--) {
    sStrides[i] = s;
    s *= stored[i];
  }
  const idx = new Array<number>(nd).fill(0);
  for (let flat = 0; flat < vals.length; flat++) {
    let off = 0;
    for (let i = 0; i < nd; i++) off += idx[i] * sStrides[nd - 1 - i];
    out[off] = vals[flat];
    for (let i = nd - 1; i >= 0; i--) {
      if (++idx[i] < logical[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

export function asList(o: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(o) ? o : [o];
}

export function flat(v: unknown): unknown[] {
  return Array.isArray(v) ? v.flatMap((x) => flat(x)) : [v];
}

/** Throws when `got`'s shape or dtype differs from the reference tensor's. */
export function checkMeta(where: string, got: Tensor, want: Tensor): void {
  if (want.shape.join(',') !== got.shape.join(','))
    throw new Error(`${where}: shape [${got.shape}] differs from reference [${want.shape}]`);
  if (want.dtype !== got.dtype)
    throw new Error(`${where}: dtype ${got.dtype} differs from reference ${want.dtype}`);
}

/** Element-wise closeness (NaN equals NaN), with the first values of both sides in the error. */
export function closeAll(
  where: string,
  got: ArrayLike<unknown>,
  want: ArrayLike<unknown>,
  atol: number,
  rtol: number,
): void {
  if (got.length !== want.length) throw new Error(`${where}: ${got.length} values, expected ${want.length}`);
  for (let i = 0; i < got.length; i++) {
    const a = Number(got[i]);
    const b = Number(want[i]);
    const ok =
      (Number.isNaN(a) && Number.isNaN(b)) || a === b || Math.abs(a - b) <= atol + rtol * Math.abs(b);
    if (!ok)
      throw new Error(
        `${where}: element ${i} is ${a}, expected ${b}\n got:  ${JSON.stringify(Array.from(got).slice(0, 16))}\n want: ${JSON.stringify(Array.from(want).slice(0, 16))}`,
      );
  }
}

/** One input's gradient on the device under test and on cpu, to be compared by the caller. */
export interface GradientPair {
  where: string;
  got: Tensor;
  want: Tensor;
}

/**
 * Gradients of the outputs that require grad, for the same random cotangents, on `device` (`outs`,
 * `leaves`) and on cpu (`refOuts`, `refLeaves`). `onDevice` wraps the device-side backward (e.g. to
 * make it the default device). Throws when a gradient is null on one side only.
 */
export function gradientsVsCpu(
  c: OpCase,
  device: string,
  run: { outs: Tensor[]; leaves: Tensor[]; refOuts: Tensor[]; refLeaves: Tensor[] },
  onDevice: <T>(f: () => T) => T = (f) => f(),
): GradientPair[] {
  const { outs, leaves, refOuts, refLeaves } = run;
  const g = new Generator(99);
  const liveIdx = refOuts.map((o, i) => (o.requiresGrad ? i : -1)).filter((i) => i >= 0);
  if (liveIdx.length === 0) return [];
  const cotangents = liveIdx.map((i) => Array.from({ length: refOuts[i].numel() }, () => g.normal()));
  const gradsOn = (outsX: Tensor[], leavesX: Tensor[], dev: string) =>
    grad(
      liveIdx.map((i) => outsX[i]),
      leavesX.filter((t) => t.requiresGrad),
      {
        gradOutputs: liveIdx.map((i, j) =>
          tensor(cotangents[j], { dtype: outsX[i].dtype, device: dev, shape: outsX[i].shape }),
        ),
        allowUnused: true,
      },
    );
  const gDev = onDevice(() => gradsOn(outs, leaves, device));
  const gRef = gradsOn(refOuts, refLeaves, 'cpu');
  const pairs: GradientPair[] = [];
  gDev.forEach((gd, i) => {
    const gr = gRef[i];
    if ((gd === null) !== (gr === null))
      throw new Error(
        `${c.op} (${c.name}) on ${device}: gradient ${i} is ${gd ? 'present' : 'null'} but ${gr ? 'present' : 'null'} on cpu`,
      );
    if (gd && gr)
      pairs.push({ where: `${c.op} (${c.name}) on ${device}, gradient of input ${i}`, got: gd, want: gr });
  });
  return pairs;
}
