/**
 * The conformance suite: every op's forward and gradient cases, on odd shapes (size 0 and 1 dims,
 * non-contiguous views, broadcasting) and every dtype the op accepts. On 'cpu' each differentiable
 * case runs gradcheck in float64; on any other device, forward values and gradients are compared
 * with the cpu backend's.
 */
import type { DType, Tensor } from '../index.js';
import { noGrad } from '../index.js';
import { asList, build, checkMeta, closeAll, flat, gradientsVsCpu } from './case-runner.js';
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

function compare(where: string, got: Tensor, want: Tensor | unknown, atol: number, rtol: number): void {
  const isTensor = want !== null && typeof want === 'object' && 'tolist' in (want as object);
  if (isTensor) checkMeta(where, got, want as Tensor);
  closeAll(where, flat(got.tolist()), flat(isTensor ? (want as Tensor).tolist() : want), atol, rtol);
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
  const pairs = gradientsVsCpu(c, device, {
    outs,
    leaves: b.leaves,
    refOuts,
    refLeaves: ref.leaves,
  });
  for (const p of pairs) noGrad(() => compare(p.where, p.got.to('cpu'), p.want, atol * 10, rtol * 10));
}
