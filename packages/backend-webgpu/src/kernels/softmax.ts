/**
 * softmax / logSoftmax along `attrs.dim`. Lines (every position of the other dims) are addressed
 * with the reduction plan; short lines run one invocation each, longer ones a workgroup each (max,
 * then sum of exp(x - max), both tree-reduced in workgroup memory, then the scaled write).
 */
import { type KernelArgs, registerKernel } from '@kindling/core';
import type { WebGPUHandle } from '../backend.js';
import {
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

type Args = KernelArgs<WebGPUHandle, { readonly dim: number }>;

function softmaxKernel(log: boolean) {
  return ({ inputs: [x], outputs: [out], attrs }: Args): void => {
    const be = gpu();
    const plan = planReduce(x.shape, [x.strides, out.strides], [attrs.dim]);
    if (plan.outs === 0 || plan.count === 0) return;
    const prm = new Params();
    const fns = planParams(prm, plan, 2);
    const xOffAt = prm.int(x.offset);
    const xs = storageType(x.dtype);
    const os = storageType(out.dtype);
    const thread = plan.count <= 32;
    const wg = thread ? 64 : plan.count <= 1024 ? 64 : reduceWG(be);
    const finalExpr = log ? 'v - m - ls' : 'exp(v - m) * inv';
    const bufs = [inBuf(be, x), outBuf(be, out)];
    const head = `${paramDecl(prm.length)}
@group(0) @binding(1) var<storage, read> bx: array<${xs}>;
@group(0) @binding(2) var<storage, read_write> bo: array<${os}>;
const WG: u32 = ${wg}u;
${fns.keptFns.join('\n')}
${fns.redFns.join('\n')}
fn load(o: i32) -> f32 { return f32(bx[o]); }`;
    const key = `softmax|${log}|${xs}${os}|${fns.key}|${thread ? 't' : 'g'}|${wg}`;
    const pipeline = be.pipeline(key, () =>
      withHelpers(
        thread
          ? `${head}
@compute @workgroup_size(${wg})
fn main(${MAIN_ARGS}) {
  let k = ${LINEAR_ID};
  if (k >= pu(0u)) { return; }
  let n = pu(1u);
  let xb = p(${xOffAt}u) + koff0(k);
  let ob = koff1(k);
  var m = -inf_();
  for (var r: u32 = 0u; r < n; r = r + 1u) { m = fmax_(m, load(xb + roff0(r))); }
  var s = 0.0;
  for (var r: u32 = 0u; r < n; r = r + 1u) { s = s + exp(load(xb + roff0(r)) - m); }
  let ls = log(s);
  let inv = 1.0 / s;
  for (var r: u32 = 0u; r < n; r = r + 1u) {
    let v = load(xb + roff0(r));
    bo[ob + roff1(r)] = ${finalExpr};
  }
}`
          : `${head}
var<workgroup> sh: array<f32, ${wg}>;
@compute @workgroup_size(${wg})
fn main(${MAIN_ARGS}) {
  let k = ${GROUP_ID};
  if (k >= pu(0u)) { return; }
  let n = pu(1u);
  let t = lid.x;
  let xb = p(${xOffAt}u) + koff0(k);
  let ob = koff1(k);
  var m = -inf_();
  for (var r: u32 = t; r < n; r = r + WG) { m = fmax_(m, load(xb + roff0(r))); }
  sh[t] = m;
  workgroupBarrier();
  for (var w: u32 = WG / 2u; w > 0u; w = w >> 1u) {
    if (t < w) { sh[t] = fmax_(sh[t], sh[t + w]); }
    workgroupBarrier();
  }
  m = sh[0];
  workgroupBarrier();
  var s = 0.0;
  for (var r: u32 = t; r < n; r = r + WG) { s = s + exp(load(xb + roff0(r)) - m); }
  sh[t] = s;
  workgroupBarrier();
  for (var w: u32 = WG / 2u; w > 0u; w = w >> 1u) {
    if (t < w) { sh[t] = sh[t] + sh[t + w]; }
    workgroupBarrier();
  }
  s = sh[0];
  let ls = log(s);
  let inv = 1.0 / s;
  for (var r: u32 = t; r < n; r = r + WG) {
    let v = load(xb + roff0(r));
    bo[ob + roff1(r)] = ${finalExpr};
  }
}`,
      ),
    );
    be.dispatch({
      pipeline,
      params: prm.toArray(),
      pooled: bufs,
      workgroups: be.grid(thread ? Math.ceil(plan.outs / wg) : plan.outs),
    });
  };
}

registerKernel('softmax', 'webgpu', softmaxKernel(false));
registerKernel('logSoftmax', 'webgpu', softmaxKernel(true));
