/**
 * The conformance suite: every op's forward and gradient cases, on odd shapes (size 0 and 1 dims,
 * non-contiguous views, broadcasting) and every dtype the op accepts. On 'cpu' each differentiable
 * case runs gradcheck in float64; on any other device, forward values and gradients are compared
 * with the cpu backend's.
 */
import { type DType, grad, isFloatingPoint, noGrad, type Tensor, tensor } from '../index.js';
import { Generator } from '../random.js';
import { numelOf } from '../shape.js';
import { gradcheck, gradgradcheck } from './gradcheck.js';

/** How a conformance input is laid out in memory: contiguous, transposed, strided (a slice) or expanded (stride 0). */
export type Layout = 'contiguous' | 'transposed' | 'strided' | 'expanded';

/** One input of a conformance case: shape, dtype, values and layout. */
export interface InputSpec {
  shape: readonly number[];
  dtype?: DType;
  /** How values are drawn; an array gives explicit values (row-major). */
  values?:
    | 'normal'
    | 'uniform'
    | 'positive'
    | 'nonzero'
    | 'bool'
    | { int: [number, number] }
    | readonly number[];
  /**
   * 'transposed': stored with reversed dims then permuted back; 'strided': every other element of
   * a wider last dim; 'expanded': a size-1 dim 0 expanded (stride 0). All are non-contiguous.
   */
  layout?: Layout;
  /** Float inputs require grad unless false. */
  requiresGrad?: boolean;
}

/** A conformance case: an op applied to generated inputs, run on every backend and (on cpu) gradchecked. */
export interface OpCase {
  /** Op name as listed in the op table (used for coverage reporting). */
  op: string;
  /** What this case exercises, e.g. 'broadcast [3,1] x [4]'. */
  name: string;
  inputs: readonly InputSpec[];
  fn: (...xs: Tensor[]) => Tensor | Tensor[];
  /** Expected forward output(s) as nested arrays, checked on every backend. */
  expected?: unknown;
  /** Skip gradient checks (non-differentiable ops, or data where the op isn't differentiable). */
  noGrad?: boolean;
  /** Also check second derivatives on cpu. */
  gradgrad?: boolean;
  atol?: number;
  rtol?: number;
  /** Only compare forward outputs on these dtypes / skip on backends, when an op is not defined. */
  skipDevices?: readonly string[];
}

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

interface Built {
  leaves: Tensor[];
  views: (leaves: Tensor[]) => Tensor[];
}

/** Builds the case's leaf tensors on `device` (float dtypes overridden by `floatDtype`) and the views fed to fn. */
function build(c: OpCase, device: string, floatDtype: DType | null, seed: number): Built {
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

function transposeValues(vals: number[], logical: readonly number[]): number[] {
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

function asList(o: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(o) ? o : [o];
}

function compare(where: string, got: Tensor, want: Tensor | unknown, atol: number, rtol: number): void {
  const g = got.tolist();
  const w =
    want && typeof want === 'object' && 'tolist' in (want as object) ? (want as Tensor).tolist() : want;
  if (want && typeof want === 'object' && 'shape' in (want as object)) {
    const ws = (want as Tensor).shape;
    if (ws.join(',') !== got.shape.join(','))
      throw new Error(`${where}: shape [${got.shape}] differs from reference [${ws}]`);
    if ((want as Tensor).dtype !== got.dtype)
      throw new Error(`${where}: dtype ${got.dtype} differs from reference ${(want as Tensor).dtype}`);
  }
  const fg = flat(g);
  const fw = flat(w);
  if (fg.length !== fw.length) throw new Error(`${where}: ${fg.length} values, expected ${fw.length}`);
  for (let i = 0; i < fg.length; i++) {
    const a = Number(fg[i]);
    const b = Number(fw[i]);
    const ok =
      (Number.isNaN(a) && Number.isNaN(b)) || a === b || Math.abs(a - b) <= atol + rtol * Math.abs(b);
    if (!ok)
      throw new Error(
        `${where}: element ${i} is ${a}, expected ${b}\n got:  ${JSON.stringify(fg.slice(0, 16))}\n want: ${JSON.stringify(fw.slice(0, 16))}`,
      );
  }
}

function flat(v: unknown): unknown[] {
  return Array.isArray(v) ? v.flatMap((x) => flat(x)) : [v];
}

/**
 * Runs one case on `device`. On 'cpu': forward (against `expected` if given), float64 gradcheck and
 * optional gradgradcheck. Elsewhere: forward and gradients against the cpu backend.
 */
export function runCase(c: OpCase, device: string): void {
  if (c.skipDevices?.includes(device)) return;
  const atol = c.atol ?? 1e-4;
  const rtol = c.rtol ?? 1e-4;
  const seed = 17;
  // Forward in the case's own dtypes.
  const b = build(c, device, null, seed);
  const outs = asList(c.fn(...b.views(b.leaves)));
  if (c.expected !== undefined) {
    const exp = outs.length === 1 ? [c.expected] : (c.expected as unknown[]);
    outs.forEach((o, i) => compare(`${c.op} (${c.name}) output ${i}`, o, exp[i], atol, rtol));
  }
  const differentiable = !c.noGrad && b.leaves.some((t) => t.requiresGrad);
  if (device === 'cpu') {
    if (!differentiable) return;
    const b64 = build(c, 'cpu', 'float64', seed);
    const f = (...ls: Tensor[]) => c.fn(...b64.views(ls));
    gradcheck(f, b64.leaves, { atol: 1e-5, rtol: 1e-3 });
    if (c.gradgrad) gradgradcheck(f, b64.leaves, { atol: 1e-5, rtol: 1e-3 });
    return;
  }
  const ref = build(c, 'cpu', null, seed);
  const refOuts = asList(c.fn(...ref.views(ref.leaves)));
  outs.forEach((o, i) =>
    compare(`${c.op} (${c.name}) on ${device}, output ${i}`, o.to('cpu'), refOuts[i], atol, rtol),
  );
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
  const gDev = gradsOn(outs, b.leaves, device);
  const gRef = gradsOn(refOuts, ref.leaves, 'cpu');
  gDev.forEach((gd, i) => {
    const gr = gRef[i];
    if ((gd === null) !== (gr === null))
      throw new Error(
        `${c.op} (${c.name}) on ${device}: gradient ${i} is ${gd ? 'present' : 'null'} but ${gr ? 'present' : 'null'} on cpu`,
      );
    if (gd && gr)
      noGrad(() =>
        compare(
          `${c.op} (${c.name}) on ${device}, gradient of input ${i}`,
          gd.to('cpu'),
          gr,
          atol * 10,
          rtol * 10,
        ),
      );
  });
}
