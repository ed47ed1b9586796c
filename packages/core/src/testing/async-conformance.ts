/**
 * The conformance suite for devices without synchronous reads (webgpu): `runCaseAsync` builds a
 * case's inputs directly on the device (writes are synchronous everywhere), runs it, reads every
 * output and gradient back with `await tensor.data()`, and compares with the cpu backend (and with
 * the case's `expected` values). It mirrors `runCase` for non-cpu devices.
 */
import {
  type DType,
  getDefaultDevice,
  grad,
  isFloatingPoint,
  setDefaultDevice,
  type Tensor,
  tensor,
} from '../index.js';
import { Generator } from '../random.js';
import { numelOf } from '../shape.js';
import type { InputSpec, OpCase } from './conformance.js';

function drawValues(spec: InputSpec, n: number, g: Generator): number[] {
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

function transposeValues(vals: number[], logical: readonly number[]): number[] {
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

interface Built {
  leaves: Tensor[];
  views: (leaves: Tensor[]) => Tensor[];
}

/** The same leaves and views as `runCase` builds (same seed, same layouts), on `device`. */
function build(c: OpCase, device: string, seed: number): Built {
  const g = new Generator(seed);
  const leaves: Tensor[] = [];
  const layouts: ((t: Tensor) => Tensor)[] = [];
  for (const spec of c.inputs) {
    const logical = spec.shape;
    const dtype: DType = spec.dtype ?? 'float32';
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

function flat(v: unknown): unknown[] {
  return Array.isArray(v) ? v.flatMap((x) => flat(x)) : [v];
}

function closeAll(
  where: string,
  got: ArrayLike<number>,
  want: readonly unknown[],
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
        `${where}: element ${i} is ${a}, expected ${b}\n got:  ${JSON.stringify(Array.from(got).slice(0, 16))}\n want: ${JSON.stringify(want.slice(0, 16))}`,
      );
  }
}

async function compareTo(
  where: string,
  got: Tensor,
  want: Tensor,
  atol: number,
  rtol: number,
): Promise<void> {
  if (want.shape.join(',') !== got.shape.join(','))
    throw new Error(`${where}: shape [${got.shape}] differs from reference [${want.shape}]`);
  if (want.dtype !== got.dtype)
    throw new Error(`${where}: dtype ${got.dtype} differs from reference ${want.dtype}`);
  closeAll(where, await got.data(), Array.from(await want.data()), atol, rtol);
}

function asList(o: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(o) ? o : [o];
}

/**
 * Runs one case on `device` with asynchronous reads only: forward outputs (against `expected` and the
 * cpu backend) and, for differentiable cases, gradients against cpu's (tolerances x10, as `runCase`).
 */
export async function runCaseAsync(c: OpCase, device: string): Promise<void> {
  if (c.skipDevices?.includes(device)) return;
  const atol = c.atol ?? 1e-4;
  const rtol = c.rtol ?? 1e-4;
  const seed = 17;
  // Tensors a case creates inside `fn` (e.g. k.arange) go to the device under test.
  const prevDefault = getDefaultDevice();
  setDefaultDevice(device);
  let b: Built;
  let outs: Tensor[];
  try {
    b = build(c, device, seed);
    outs = asList(c.fn(...b.views(b.leaves)));
  } finally {
    setDefaultDevice(prevDefault);
  }
  if (c.expected !== undefined) {
    const exp = outs.length === 1 ? [c.expected] : (c.expected as unknown[]);
    for (let i = 0; i < outs.length; i++)
      closeAll(
        `${c.op} (${c.name}) on ${device}, output ${i} vs expected`,
        await outs[i].data(),
        flat(exp[i]),
        atol,
        rtol,
      );
  }
  const ref = build(c, 'cpu', seed);
  const refOuts = asList(c.fn(...ref.views(ref.leaves)));
  for (let i = 0; i < outs.length; i++)
    await compareTo(`${c.op} (${c.name}) on ${device}, output ${i}`, outs[i], refOuts[i], atol, rtol);
  const differentiable = !c.noGrad && b.leaves.some((t) => t.requiresGrad);
  if (!differentiable) return;
  const g = new Generator(99);
  const liveIdx = refOuts.map((o, i) => (o.requiresGrad ? i : -1)).filter((i) => i >= 0);
  if (liveIdx.length === 0) return;
  const gradOuts = liveIdx.map((i) => Array.from({ length: refOuts[i].numel() }, () => g.normal()));
  const gradsOn = (outsX: Tensor[], leaves: Tensor[], dev: string) =>
    grad(
      liveIdx.map((i) => outsX[i]),
      leaves.filter((t) => t.requiresGrad),
      {
        gradOutputs: liveIdx.map((i, j) =>
          tensor(gradOuts[j], { dtype: outsX[i].dtype, device: dev, shape: outsX[i].shape }),
        ),
        allowUnused: true,
      },
    );
  setDefaultDevice(device);
  let gDev: (Tensor | null)[];
  try {
    gDev = gradsOn(outs, b.leaves, device);
  } finally {
    setDefaultDevice(prevDefault);
  }
  const gRef = gradsOn(refOuts, ref.leaves, 'cpu');
  for (let i = 0; i < gDev.length; i++) {
    const gd = gDev[i];
    const gr = gRef[i];
    if ((gd === null) !== (gr === null))
      throw new Error(
        `${c.op} (${c.name}) on ${device}: gradient ${i} is ${gd ? 'present' : 'null'} but ${gr ? 'present' : 'null'} on cpu`,
      );
    if (gd && gr)
      await compareTo(
        `${c.op} (${c.name}) on ${device}, gradient of input ${i}`,
        gd,
        gr,
        atol * 10,
        rtol * 10,
      );
  }
}
