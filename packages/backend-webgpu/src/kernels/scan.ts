/**
 * Scans along a dim: cumsum, cumprod (optionally reversed), cummax/cummin (values and indices) from
 * one blocked-scan template: a workgroup per line, each invocation folds a contiguous chunk, the chunk
 * totals are scanned in workgroup memory, then each chunk is rescanned from its prefix and written.
 * 'cumprodBackward' runs one invocation per line (the zero-aware O(n) formula of the cpu kernel).
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
import { planParams, planReduce } from './reduce.js';

interface ScanAttrs {
  readonly dim: number;
  readonly reverse?: boolean;
  readonly [k: string]: unknown;
}
type Args = KernelArgs<WebGPUHandle, ScanAttrs>;

type Kind = 'sum' | 'prod' | 'max' | 'min';

const WG = 64;

function runScan(kind: Kind, x: GpuTensor, outs: readonly GpuTensor[], dim: number, reverse: boolean): void {
  const be = gpu();
  const plan = planReduce(x.shape, [x.strides, ...outs.map((o) => o.strides)], [dim]);
  if (plan.outs === 0 || plan.count === 0) return;
  const prm = new Params();
  const fns = planParams(prm, plan, 1 + outs.length);
  const xOffAt = prm.int(x.offset);
  const xs = storageType(x.dtype);
  const ext = kind === 'max' || kind === 'min';
  const ct = computeType(ext ? x.dtype : outs[0].dtype);
  const os = outs.map((o) => storageType(o.dtype));
  let state: string;
  let ident: string;
  let comb: string;
  let elem: string;
  let store: string;
  if (!ext) {
    state = `v: ${ct}`;
    const one = ct === 'f32' ? '1.0' : '1';
    const zero = ct === 'f32' ? '0.0' : '0';
    ident = `S(${kind === 'sum' ? zero : one})`;
    comb = `return S(a.v ${kind === 'sum' ? '+' : '*'} b.v);`;
    elem = `S(load(xb + roff0(pos)))`;
    store = `bo0[ob0 + roff1(pos)] = ${conv('acc.v', ct, os[0])};`;
  } else {
    state = `v: ${ct}, i: i32`;
    ident = `S(${ct === 'f32' ? '0.0' : '0'}, -1)`;
    const nan = (v: string) => (ct === 'f32' ? `isnan_(${v})` : 'false');
    comb = `if (b.i < 0) { return a; }
  if (a.i < 0) { return b; }
  if (${nan('b.v')}) { return b; }
  if (${nan('a.v')}) { return a; }
  if (b.v ${kind === 'max' ? '>=' : '<='} a.v) { return b; }
  return a;`;
    elem = `S(load(xb + roff0(pos)), i32(pos))`;
    store = `bo0[ob0 + roff1(pos)] = ${conv('acc.v', ct, os[0])};
      bo1[ob1 + roff2(pos)] = acc.i;`;
  }
  const bufs = [inBuf(be, x), ...outs.map((o) => outBuf(be, o))];
  const key = `scan|${kind}|${ct}|${xs}|${os.join(',')}|${fns.key}|${reverse}`;
  const pipeline = be.pipeline(key, () =>
    withHelpers(`${paramDecl(prm.length)}
@group(0) @binding(1) var<storage, read> bx: array<${xs}>;
${os.map((t, j) => `@group(0) @binding(${j + 2}) var<storage, read_write> bo${j}: array<${t}>;`).join('\n')}
const WG: u32 = ${WG}u;
${fns.keptFns.join('\n')}
${fns.redFns.join('\n')}
struct S { ${state} }
fn comb(a: S, b: S) -> S {
  ${comb}
}
fn load(o: i32) -> ${ct} { return ${conv('bx[o]', xs, ct)}; }
var<workgroup> sh: array<S, ${WG}>;
@compute @workgroup_size(${WG})
fn main(${MAIN_ARGS}) {
  let k = ${GROUP_ID};
  if (k >= pu(0u)) { return; }
  let n = pu(1u);
  let t = lid.x;
  let xb = p(${xOffAt}u) + koff0(k);
  ${outs.map((_, j) => `let ob${j} = koff${j + 1}(k);`).join('\n  ')}
  let chunk = (n + WG - 1u) / WG;
  let lo = min(n, t * chunk);
  let hi = min(n, lo + chunk);
  var s = ${ident};
  for (var r: u32 = lo; r < hi; r = r + 1u) {
    let pos = ${reverse ? 'n - 1u - r' : 'r'};
    s = comb(s, ${elem});
  }
  sh[t] = s;
  workgroupBarrier();
  if (t == 0u) {
    var run = ${ident};
    for (var j: u32 = 0u; j < WG; j = j + 1u) {
      let v = sh[j];
      sh[j] = run;
      run = comb(run, v);
    }
  }
  workgroupBarrier();
  var acc = sh[t];
  for (var r: u32 = lo; r < hi; r = r + 1u) {
    let pos = ${reverse ? 'n - 1u - r' : 'r'};
    acc = comb(acc, ${elem});
    ${store}
  }
}`),
  );
  be.dispatch({
    pipeline,
    params: prm.toArray(),
    pooled: bufs,
    workgroups: be.grid(plan.outs),
  });
}

registerKernel('cumsum', 'webgpu', ({ inputs: [x], outputs, attrs }: Args) =>
  runScan('sum', x, outputs, attrs.dim, attrs.reverse === true),
);
registerKernel('cumprod', 'webgpu', ({ inputs: [x], outputs, attrs }: Args) =>
  runScan('prod', x, outputs, attrs.dim, attrs.reverse === true),
);
registerKernel('cummax', 'webgpu', ({ inputs: [x], outputs, attrs }: Args) =>
  runScan('max', x, outputs, attrs.dim, false),
);
registerKernel('cummin', 'webgpu', ({ inputs: [x], outputs, attrs }: Args) =>
  runScan('min', x, outputs, attrs.dim, false),
);

/**
 * 'cumprodBackward' (inputs x, grad; output grad wrt x), one invocation per line:
 * grad_k = sum_{i>=k} g_i prod_{j<=i, j!=k} x_j, exact with zeros (see the cpu kernel). The prefix
 * products before the first zero are staged in the output, then replaced in a reverse pass.
 */
registerKernel('cumprodBackward', 'webgpu', ({ inputs: [x, g], outputs: [out], attrs }: Args) => {
  const be = gpu();
  const plan = planReduce(x.shape, [x.strides, g.strides, out.strides], [attrs.dim]);
  if (plan.outs === 0 || plan.count === 0) return;
  const prm = new Params();
  const fns = planParams(prm, plan, 3);
  const xOffAt = prm.int(x.offset);
  const gOffAt = prm.int(g.offset);
  const xs = storageType(x.dtype);
  const gs = storageType(g.dtype);
  const bufs = [inBuf(be, x), inBuf(be, g), outBuf(be, out)];
  const pipeline = be.pipeline(`cumprodBackward|${xs}${gs}|${fns.key}`, () =>
    withHelpers(`${paramDecl(prm.length)}
@group(0) @binding(1) var<storage, read> bx: array<${xs}>;
@group(0) @binding(2) var<storage, read> bg: array<${gs}>;
@group(0) @binding(3) var<storage, read_write> bo: array<f32>;
const WG: u32 = 64u;
${fns.keptFns.join('\n')}
${fns.redFns.join('\n')}
@compute @workgroup_size(64)
fn main(${MAIN_ARGS}) {
  let k = ${LINEAR_ID};
  if (k >= pu(0u)) { return; }
  let n = pu(1u);
  let xb = p(${xOffAt}u) + koff0(k);
  let gb = p(${gOffAt}u) + koff1(k);
  let ob = koff2(k);
  var z = n;
  var acc = 1.0;
  for (var i: u32 = 0u; i < n; i = i + 1u) {
    let xv = f32(bx[xb + roff0(i)]);
    if (xv == 0.0) { z = i; break; }
    acc = acc * xv;
    bo[ob + roff2(i)] = acc;
  }
  var prodBefore = 1.0;
  if (z > 0u) { prodBefore = bo[ob + roff2(z - 1u)]; }
  var rs = 0.0;
  for (var i: i32 = i32(z) - 1; i >= 0; i = i - 1) {
    let u = u32(i);
    rs = rs + f32(bg[gb + roff1(u)]) * bo[ob + roff2(u)];
    bo[ob + roff2(u)] = rs / f32(bx[xb + roff0(u)]);
  }
  if (z < n) {
    var run = 1.0;
    var s = f32(bg[gb + roff1(z)]);
    for (var i: u32 = z + 1u; i < n; i = i + 1u) {
      run = run * f32(bx[xb + roff0(i)]);
      s = s + f32(bg[gb + roff1(i)]) * run;
      bo[ob + roff2(i)] = 0.0;
    }
    bo[ob + roff2(z)] = prodBefore * s;
  }
}`),
  );
  be.dispatch({
    pipeline,
    params: prm.toArray(),
    pooled: bufs,
    workgroups: be.grid(Math.ceil(plan.outs / 64)),
  });
});
