import type { KernelArgs, KernelTensor } from '@kindling/core';
import type { CpuHandle } from '../backend.js';

/**
 * Elementwise drivers shared by every elementwise kernel. The output is contiguous; inputs may be
 * strided or broadcast (stride 0). Dims are first coalesced (size-1 dims dropped, adjacent dims
 * merged where every operand steps through them as one), so dense operands, scalars and row
 * broadcasts (a bias over [B, N]) become one or two dims. A *row function* then runs the innermost
 * dim once per row, with each operand's start and stride.
 *
 * Row functions of the hot ops are written out per op (see binary.ts, unary.ts): V8 compiles a
 * function literal once for every closure made from it, so a loop that calls a per-op `f(a, b)`
 * goes through a megamorphic call that boxes every number. The `*Loop(f)` forms below remain for
 * the ops where that cost does not matter.
 */

type Arr = CpuHandle;

/** Registration option of kernels that write every output element: core skips zero-filling them. */
export const WRITES_ALL = { writesAllOutputs: true } as const;

/** Writes `n` results to o[oi..]: x at xi, xi + sx, ... */
export type UnaryRow = (o: Arr, oi: number, x: Arr, xi: number, sx: number, n: number) => void;
/** Writes `n` results to o[oi..]: a at ai (stride sa), b at bi (stride sb). */
export type BinaryRow = (
  o: Arr,
  oi: number,
  a: Arr,
  ai: number,
  sa: number,
  b: Arr,
  bi: number,
  sb: number,
  n: number,
) => void;
/** Writes `n` results to o[oi..] from three strided operands. */
export type TernaryRow = (
  o: Arr,
  oi: number,
  a: Arr,
  ai: number,
  sa: number,
  b: Arr,
  bi: number,
  sb: number,
  c: Arr,
  ci: number,
  sc: number,
  n: number,
) => void;

/** An iteration space with size-1 dims dropped and mergeable dims merged; strides per operand. */
interface Plan {
  shape: number[];
  strides: number[][];
  numel: number;
}

/**
 * Coalesces the output's iteration space for `ops` (each with strides over `shape`): drops size-1
 * dims and merges dim d into d+1 when every operand has stride[d] = stride[d+1] * shape[d+1].
 */
export function coalesce(shape: readonly number[], ops: readonly KernelTensor[]): Plan {
  const k = ops.length;
  const outShape: number[] = [];
  const outStrides: number[][] = [];
  for (let j = 0; j < k; j++) outStrides.push([]);
  let numel = 1;
  for (let d = 0; d < shape.length; d++) {
    const s = shape[d];
    numel *= s;
    if (s === 1) continue;
    const last = outShape.length - 1;
    let merge = last >= 0;
    if (merge)
      for (let j = 0; j < k; j++) {
        const st = outStrides[j];
        if (st[last] !== ops[j].strides[d] * s) {
          merge = false;
          break;
        }
      }
    if (merge) {
      outShape[last] *= s;
      for (let j = 0; j < k; j++) outStrides[j][last] = ops[j].strides[d];
    } else {
      outShape.push(s);
      for (let j = 0; j < k; j++) outStrides[j].push(ops[j].strides[d]);
    }
  }
  return { shape: outShape, strides: outStrides, numel };
}

/**
 * Calls `row(offsets, len)` for each innermost row of a coalesced plan, in output order (the output
 * offset of row r is r * len). Offsets are the operands' start offsets plus their outer strides.
 */
export function walkRows(
  plan: Plan,
  starts: readonly number[],
  row: (offs: number[], len: number, rowIndex: number) => void,
): void {
  const nd = plan.shape.length;
  const offs = starts.slice();
  if (nd <= 1) {
    row(offs, nd === 0 ? 1 : plan.shape[0], 0);
    return;
  }
  const k = offs.length;
  const len = plan.shape[nd - 1];
  const outer = plan.numel / len;
  const counter = new Array<number>(nd - 1).fill(0);
  for (let r = 0; r < outer; r++) {
    row(offs, len, r);
    for (let d = nd - 2; d >= 0; d--) {
      for (let j = 0; j < k; j++) offs[j] += plan.strides[j][d];
      if (++counter[d] < plan.shape[d]) break;
      for (let j = 0; j < k; j++) offs[j] -= plan.strides[j][d] * plan.shape[d];
      counter[d] = 0;
    }
  }
}

/** Innermost stride of operand j of a plan (0 for a 0-d plan). */
function innerStride(plan: Plan, j: number): number {
  const st = plan.strides[j];
  return st.length === 0 ? 0 : st[st.length - 1];
}

/** A unary kernel from a row function. */
export function unaryKernel(row: UnaryRow) {
  return ({ inputs: [x], outputs: [out] }: KernelArgs<CpuHandle>): void => {
    const plan = coalesce(out.shape, [x]);
    if (plan.numel === 0) return;
    const o = out.data;
    const a = x.data;
    if (plan.shape.length <= 1) {
      row(o, 0, a, x.offset, innerStride(plan, 0), plan.numel);
      return;
    }
    const sx = innerStride(plan, 0);
    walkRows(plan, [x.offset], (offs, len, r) => row(o, r * len, a, offs[0], sx, len));
  };
}

/** A binary kernel from a row function. */
export function binaryKernel(row: BinaryRow) {
  return ({ inputs: [x, y], outputs: [out] }: KernelArgs<CpuHandle>): void => {
    const plan = coalesce(out.shape, [x, y]);
    if (plan.numel === 0) return;
    const o = out.data;
    const a = x.data;
    const b = y.data;
    const sa = innerStride(plan, 0);
    const sb = innerStride(plan, 1);
    if (plan.shape.length <= 1) {
      row(o, 0, a, x.offset, sa, b, y.offset, sb, plan.numel);
      return;
    }
    walkRows(plan, [x.offset, y.offset], (offs, len, r) =>
      row(o, r * len, a, offs[0], sa, b, offs[1], sb, len),
    );
  };
}

/** A ternary kernel from a row function. */
export function ternaryKernel(row: TernaryRow) {
  return ({ inputs, outputs: [out] }: KernelArgs<CpuHandle>): void => {
    const [x, y, z] = inputs as readonly KernelTensor<CpuHandle>[];
    const plan = coalesce(out.shape, [x, y, z]);
    if (plan.numel === 0) return;
    const o = out.data;
    const a = x.data;
    const b = y.data;
    const c = z.data;
    const sa = innerStride(plan, 0);
    const sb = innerStride(plan, 1);
    const sc = innerStride(plan, 2);
    if (plan.shape.length <= 1) {
      row(o, 0, a, x.offset, sa, b, y.offset, sb, c, z.offset, sc, plan.numel);
      return;
    }
    walkRows(plan, [x.offset, y.offset, z.offset], (offs, len, r) =>
      row(o, r * len, a, offs[0], sa, b, offs[1], sb, c, offs[2], sc, len),
    );
  };
}

// ------------------------------------------------------------------ generic per-element forms

/** A unary kernel computing `f(x)` per element (a per-element call: for ops off the hot path). */
export function unaryLoop(f: (x: number) => number) {
  return unaryKernel((o, oi, x, xi, sx, n) => {
    for (let i = 0; i < n; i++, xi += sx) o[oi + i] = f(x[xi]);
  });
}

/** A binary kernel computing `f(a, b)` per element. */
export function binaryLoop(f: (x: number, y: number) => number) {
  return binaryKernel((o, oi, a, ai, sa, b, bi, sb, n) => {
    for (let i = 0; i < n; i++, ai += sa, bi += sb) o[oi + i] = f(a[ai], b[bi]);
  });
}

/** A ternary kernel computing `f(a, b, c)` per element. */
export function ternaryLoop(f: (x: number, y: number, z: number) => number) {
  return ternaryKernel((o, oi, a, ai, sa, b, bi, sb, c, ci, sc, n) => {
    for (let i = 0; i < n; i++, ai += sa, bi += sb, ci += sc) o[oi + i] = f(a[ai], b[bi], c[ci]);
  });
}
