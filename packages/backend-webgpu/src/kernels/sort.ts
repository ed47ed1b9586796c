/**
 * sort / topk / kthvalue by bitonic sorting (value, index) pairs per line. The comparison is a total
 * order (NaN largest, ties by original index), so the result equals the cpu backend's stable sort.
 * Lines padded to P = 2^m ≤ LOCAL_MAX sort in workgroup memory in one dispatch; longer lines sort
 * in scratch buffers with one dispatch per bitonic step. A final pass writes the requested part
 * (all of it, the first k, or the element of rank k) into the strided outputs.
 */
import { type KernelArgs, registerKernel } from '@kindling/core';
import type { WebGPUHandle } from '../backend.js';
import {
  computeType,
  conv,
  type GpuTensor,
  GROUP_ID,
  inBuf,
  LINEAR_ID,
  MAIN_ARGS,
  outBuf,
  Params,
  paramDecl,
  storageType,
  withHelpers,
} from '../codegen.js';
import { gpu } from '../device.js';
import { planParams, planReduce, reduceWG } from './reduce.js';

interface SortAttrs {
  readonly dim: number;
  readonly descending?: boolean;
  readonly k?: number;
  readonly largest?: boolean;
  readonly median?: boolean;
  readonly [key: string]: unknown;
}
type Args = KernelArgs<WebGPUHandle, SortAttrs>;

/** 'all': write every position; 'prefix': the first k; 'kth': the element of rank k (median rule optional). */
type WriteMode = 'all' | 'prefix' | 'kth';

function before(ct: 'f32' | 'i32', desc: boolean): string {
  const nan = (v: string) => (ct === 'f32' ? `isnan_(${v})` : 'false');
  // true when (av, ai) sorts before (bv, bi); padding (index < 0) sorts last.
  return `fn before(av: ${ct}, ai: i32, bv: ${ct}, bi: i32) -> bool {
  if (ai < 0) { return false; }
  if (bi < 0) { return true; }
  let na = ${nan('av')};
  let nb = ${nan('bv')};
  if (na || nb) {
    if (na && nb) { return ai < bi; }
    return ${desc ? 'na' : 'nb'};
  }
  if (av ${desc ? '>' : '<'} bv) { return true; }
  if (av ${desc ? '<' : '>'} bv) { return false; }
  return ai < bi;
}`;
}

function runSort(
  x: GpuTensor,
  outs: readonly GpuTensor[],
  dim: number,
  desc: boolean,
  mode: WriteMode,
  k: number,
  median: boolean,
): void {
  const be = gpu();
  const [vals, idx] = outs;
  const n = x.shape.length === 0 ? 1 : x.shape[dim];
  // Lines of x and of the outputs (the outputs' dim may be shorter: k or 1).
  const plan = planReduce(x.shape, [x.strides], x.shape.length === 0 ? [] : [dim]);
  const oplan = planReduce(vals.shape, [vals.strides, idx.strides], vals.shape.length === 0 ? [] : [dim]);
  const lines = plan.outs;
  if (lines === 0 || n === 0 || (mode === 'prefix' && k === 0)) return;
  const ct = computeType(x.dtype);
  const xs = storageType(x.dtype);
  const vs = storageType(vals.dtype);
  let P = 1;
  while (P < n) P *= 2;
  const localMax = Math.min(2048, 2 ** Math.floor(Math.log2(be.limits.maxComputeWorkgroupStorageSize / 8)));
  const prm = new Params();
  const fx = planParams(prm, plan, 1);
  const fo = planParams(prm, oplan, 2);
  const xOffAt = prm.int(x.offset);
  const nAt = prm.int(n);
  const kAt = prm.int(k);
  const bx = inBuf(be, x);
  const bv = outBuf(be, vals);
  const bi = outBuf(be, idx);
  // The write phase: positions e of the sorted line (value sv(e), index si(e)) → outputs.
  const writeCode = (sv: (e: string) => string, si: (e: string) => string, par: boolean) => {
    const loop = par
      ? 'for (var e: u32 = t; e < lim; e = e + WG)'
      : 'for (var e: u32 = 0u; e < lim; e = e + 1u)';
    if (mode === 'kth')
      return `if (${par ? 't == 0u' : 'true'}) {
    var pick = kk;
    ${
      median && ct === 'f32'
        ? `var nans = 0u;
    for (var j: i32 = i32(n) - 1; j >= 0; j = j - 1) { if (isnan_(${sv('u32(j)')})) { nans = nans + 1u; } else { break; } }
    if (nans > 0u) { pick = n - nans; }`
        : ''
    }
    bov[ov] = ${conv(sv('pick'), ct, vs)};
    boi[oi] = ${si('pick')};
  }`;
    return `let lim = ${mode === 'all' ? 'n' : 'kk'};
  ${loop} {
    bov[ov + roff0o(e)] = ${conv(sv('e'), ct, vs)};
    boi[oi + roff1o(e)] = ${si('e')};
  }`;
  };
  const decl = `${paramDecl(prm.length)}
@group(0) @binding(1) var<storage, read> bx: array<${xs}>;
@group(0) @binding(2) var<storage, read_write> bov: array<${vs}>;
@group(0) @binding(3) var<storage, read_write> boi: array<i32>;
${fx.keptFns[0]}
${fx.redFns[0]}
${fo.keptFns.map((f) => f.replace(/fn koff(\d)/, 'fn koff$1o')).join('\n')}
${fo.redFns.map((f) => f.replace(/fn roff(\d)/, 'fn roff$1o')).join('\n')}
${before(ct, desc)}
fn load(o: i32) -> ${ct} { return ${conv('bx[o]', xs, ct)}; }`;
  const lineLets = `let n = pu(${nAt}u);
  let kk = pu(${kAt}u);
  let xb = p(${xOffAt}u) + koff0(line);
  let ov = koff0o(line);
  let oi = koff1o(line);`;
  const keyBase = `sort|${ct}|${xs}${vs}|${desc}|${mode}|${median}|${fx.key}|${fo.key}`;

  if (P <= localMax) {
    const wg = Math.min(reduceWG(be), Math.max(1, P / 2));
    const pipeline = be.pipeline(`${keyBase}|local|${P}|${wg}`, () =>
      withHelpers(`${decl}
const WG: u32 = ${wg}u;
const P: u32 = ${P}u;
var<workgroup> kv: array<${ct}, ${P}>;
var<workgroup> ki: array<i32, ${P}>;
@compute @workgroup_size(${wg})
fn main(${MAIN_ARGS}) {
  let line = ${GROUP_ID};
  if (line >= pu(0u)) { return; }
  let t = lid.x;
  ${lineLets}
  for (var e: u32 = t; e < P; e = e + WG) {
    if (e < n) { kv[e] = load(xb + roff0(e)); ki[e] = i32(e); } else { kv[e] = ${ct === 'f32' ? '0.0' : '0'}; ki[e] = -1; }
  }
  workgroupBarrier();
  for (var size: u32 = 2u; size <= P; size = size << 1u) {
    for (var j: u32 = size >> 1u; j > 0u; j = j >> 1u) {
      for (var e: u32 = t; e < P; e = e + WG) {
        let l = e ^ j;
        if (l > e) {
          let lFirst = before(kv[l], ki[l], kv[e], ki[e]);
          if (((e & size) == 0u) == lFirst) {
            let tv = kv[e]; kv[e] = kv[l]; kv[l] = tv;
            let ti = ki[e]; ki[e] = ki[l]; ki[l] = ti;
          }
        }
      }
      workgroupBarrier();
    }
  }
  ${writeCode(
    (e) => `kv[${e}]`,
    (e) => `ki[${e}]`,
    true,
  )}
}`),
    );
    be.dispatch({
      pipeline,
      params: prm.toArray(),
      pooled: [bx, bv, bi],
      workgroups: be.grid(lines),
    });
    return;
  }

  // Global bitonic sort in scratch buffers [lines, P].
  const total = lines * P;
  const sk = be.acquire(total * 4);
  const si = be.acquire(total * 4);
  const scratchDecl = `@group(0) @binding(4) var<storage, read_write> sk: array<${ct}>;
@group(0) @binding(5) var<storage, read_write> si: array<i32>;`;
  const init = be.pipeline(`${keyBase}|ginit|${P}`, () =>
    withHelpers(`${decl}
${scratchDecl}
const WG: u32 = 64u;
const P: u32 = ${P}u;
@compute @workgroup_size(64)
fn main(${MAIN_ARGS}) {
  let g = ${LINEAR_ID};
  if (g >= pu(0u) * P) { return; }
  let line = g / P;
  let e = g % P;
  ${lineLets}
  if (e < n) { sk[g] = load(xb + roff0(e)); si[g] = i32(e); } else { sk[g] = ${ct === 'f32' ? '0.0' : '0'}; si[g] = -1; }
  if (g == 0xffffffffu) { bov[0] = bov[0]; boi[0] = boi[0]; }
}`),
  );
  const all = [bx, bv, bi, sk, si];
  const grid = be.grid(Math.ceil(total / 64));
  be.dispatch({ pipeline: init, params: prm.toArray(), pooled: all, workgroups: grid });
  const stepAt = prm.length;
  const step = be.pipeline(`${keyBase}|gstep|${P}`, () =>
    withHelpers(`${paramDecl(stepAt + 2)}
@group(0) @binding(1) var<storage, read_write> sk: array<${ct}>;
@group(0) @binding(2) var<storage, read_write> si: array<i32>;
${before(ct, desc)}
const WG: u32 = 64u;
const P: u32 = ${P}u;
@compute @workgroup_size(64)
fn main(${MAIN_ARGS}) {
  let g = ${LINEAR_ID};
  if (g >= pu(0u) * P) { return; }
  let size = pu(${stepAt}u);
  let j = pu(${stepAt + 1}u);
  let base = (g / P) * P;
  let e = g % P;
  let l = e ^ j;
  if (l <= e) { return; }
  let a = base + e;
  let b = base + l;
  let lFirst = before(sk[b], si[b], sk[a], si[a]);
  if (((e & size) == 0u) == lFirst) {
    let tv = sk[a]; sk[a] = sk[b]; sk[b] = tv;
    let ti = si[a]; si[a] = si[b]; si[b] = ti;
  }
}`),
  );
  const base = prm.toArray();
  for (let size = 2; size <= P; size *= 2)
    for (let j = size >> 1; j > 0; j >>= 1) {
      const params = new Int32Array(stepAt + 2);
      params.set(base.subarray(0, stepAt));
      params[stepAt] = size;
      params[stepAt + 1] = j;
      be.dispatch({ pipeline: step, params, pooled: [sk, si], workgroups: grid });
    }
  const fin = be.pipeline(`${keyBase}|gwrite|${P}`, () =>
    withHelpers(`${decl}
${scratchDecl}
const WG: u32 = 64u;
const P: u32 = ${P}u;
@compute @workgroup_size(64)
fn main(${MAIN_ARGS}) {
  let line = ${LINEAR_ID};
  if (line >= pu(0u)) { return; }
  let t = 0u;
  ${lineLets}
  let sb = line * P;
  if (line == 0xffffffffu) { let unused = bx[0]; }
  ${writeCode(
    (e) => `sk[sb + ${e}]`,
    (e) => `si[sb + ${e}]`,
    false,
  )}
}`),
  );
  be.dispatch({
    pipeline: fin,
    params: prm.toArray(),
    pooled: all,
    workgroups: be.grid(Math.ceil(lines / 64)),
  });
  be.release(sk);
  be.release(si);
}

registerKernel('sort', 'webgpu', ({ inputs: [x], outputs, attrs }: Args) =>
  runSort(x, outputs, attrs.dim, attrs.descending === true, 'all', 0, false),
);
registerKernel('topk', 'webgpu', ({ inputs: [x], outputs, attrs }: Args) =>
  runSort(x, outputs, attrs.dim, attrs.largest !== false, 'prefix', attrs.k ?? 0, false),
);
registerKernel('kthvalue', 'webgpu', ({ inputs: [x], outputs, attrs }: Args) =>
  runSort(x, outputs, attrs.dim, false, 'kth', attrs.k ?? 0, attrs.median === true),
);
