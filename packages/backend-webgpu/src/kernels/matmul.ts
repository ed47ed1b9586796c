/**
 * Batched 'matmul': a [B..., M, K] · b [B..., K, N] (batch dims broadcast with stride 0, any strides,
 * transposed operands included) into a contiguous [B..., M, N]. Tiled in workgroup memory: a
 * workgroup computes a (4·TY) x 64 tile, each invocation a 4x4 block, stepping K by 16. Tile loads
 * walk whichever operand dim has unit stride, so transposed operands load as fast as plain ones.
 * The vec4 variant (float32, B rows contiguous and 16-byte aligned, N % 4 == 0) loads B and stores
 * C as vec4<f32>.
 */
import { type KernelArgs, registerKernel } from '@kindling/core';
import type { WebGPUHandle } from '../backend.js';
import {
  coalesce,
  computeType,
  conv,
  inBuf,
  MAIN_ARGS,
  numelOf,
  outBuf,
  Params,
  paramDecl,
  storageType,
  withHelpers,
} from '../codegen.js';
import { gpu } from '../device.js';
import { offsetFn } from './reduce.js';

type Args = KernelArgs<WebGPUHandle>;

const BN = 64;
const BK = 16;
const TX = 16;

registerKernel('matmul', 'webgpu', ({ inputs: [a, b], outputs: [out] }: Args) => {
  const be = gpu();
  const nd = a.shape.length;
  const M = a.shape[nd - 2];
  const K = a.shape[nd - 1];
  const N = b.shape[nd - 1];
  const batchShape = out.shape.slice(0, nd - 2);
  const nb = numelOf(batchShape);
  if (nb === 0 || M === 0 || N === 0) return;
  if (K === 0) return; // the output is already (lazily) zero
  const limits = be.limits;
  const TY = Math.min(16, Math.floor(Math.min(limits.maxComputeInvocationsPerWorkgroup, 256) / TX));
  const BM = TY * 4;
  const NT = TX * TY;
  if (nb > limits.maxComputeWorkgroupsPerDimension)
    throw new Error(
      `webgpu: matmul with ${nb} batches exceeds maxComputeWorkgroupsPerDimension (${limits.maxComputeWorkgroupsPerDimension})`,
    );
  const bc = coalesce(batchShape, [a.strides.slice(0, nd - 2), b.strides.slice(0, nd - 2)]);
  const ars = a.strides[nd - 2];
  const acs = a.strides[nd - 1];
  const brs = b.strides[nd - 2];
  const bcs = b.strides[nd - 1];
  const ct = computeType(out.dtype);
  const as = storageType(a.dtype);
  const bs = storageType(b.dtype);
  const os = storageType(out.dtype);
  const vec4 =
    ct === 'f32' &&
    bs === 'f32' &&
    os === 'f32' &&
    N % 4 === 0 &&
    bcs === 1 &&
    brs % 4 === 0 &&
    b.offset % 4 === 0 &&
    bc.strides[1].every((s) => s % 4 === 0);
  // Which dim of each operand to walk fastest when loading tiles (the unit-stride one).
  const aKFast = acs === 1 || (ars !== 1 && Math.abs(acs) <= Math.abs(ars));
  const bNFast = bcs === 1 || (brs !== 1 && Math.abs(bcs) <= Math.abs(brs));

  const prm = new Params();
  prm.ints([M, N, K]);
  const nbd = bc.shape.length;
  const shapeAt = prm.ints(bc.shape);
  const aBatchAt = prm.ints(bc.strides[0]);
  const bBatchAt = prm.ints(bc.strides[1]);
  const aAt = prm.ints([a.offset, ars, acs]);
  const bAt = prm.ints([b.offset, brs, bcs]);
  const zero = ct === 'f32' ? '0.0' : '0';
  const bufs = [inBuf(be, a), inBuf(be, b), outBuf(be, out)];

  const key = `matmul|${ct}|${as}${bs}${os}|${nbd}|${vec4 ? 'v4' : 's'}|${aKFast ? 'ak' : 'am'}|${bNFast ? 'bn' : 'bk'}|${TY}`;
  const pipeline = be.pipeline(key, () => {
    const loadA = aKFast ? `let m = e / BK; let kk = e % BK;` : `let kk = e / BM; let m = e % BM;`;
    const aTile = `for (var e: u32 = l; e < BK * BM; e = e + NT) {
      ${loadA}
      let gm = row0 + m;
      let gk = k0 + kk;
      var v: ${ct} = ${zero};
      if (gm < M && gk < K) { v = ${conv(`A[aBase + i32(gm) * p(${aAt + 1}u) + i32(gk) * p(${aAt + 2}u)]`, as, ct)}; }
      As[kk * BM + m] = v;
    }`;
    let bDecl: string;
    let bTile: string;
    let compute: string;
    let store: string;
    if (vec4) {
      bDecl = `@group(0) @binding(2) var<storage, read> B: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> C: array<vec4<f32>>;
var<workgroup> Bs: array<vec4<f32>, ${BK * (BN / 4)}>;`;
      bTile = `for (var e: u32 = l; e < BK * (BN / 4u); e = e + NT) {
      let kk = e / (BN / 4u);
      let n4 = e % (BN / 4u);
      let gk = k0 + kk;
      let gc = col0 + n4 * 4u;
      var v = vec4<f32>(0.0);
      if (gk < K && gc < N) { v = B[(bBase + i32(gk) * p(${bAt + 1}u) + i32(gc)) / 4]; }
      Bs[e] = v;
    }`;
      compute = `for (var kk: u32 = 0u; kk < BK; kk = kk + 1u) {
      let bv = Bs[kk * (BN / 4u) + lid.x];
      let ab = kk * BM + lid.y * 4u;
      ${[0, 1, 2, 3].map((i) => `c${i} = c${i} + As[ab + ${i}u] * bv;`).join(' ')}
    }`;
      store = `let c = col0 + lid.x * 4u;
  ${[0, 1, 2, 3]
    .map(
      (i) =>
        `if (row0 + lid.y * 4u + ${i}u < M && c < N) { C[(cBase + (row0 + lid.y * 4u + ${i}u) * N + c) / 4u] = c${i}; }`,
    )
    .join('\n  ')}`;
    } else {
      const loadB = bNFast ? `let kk = e / BN; let n = e % BN;` : `let n = e / BK; let kk = e % BK;`;
      bDecl = `@group(0) @binding(2) var<storage, read> B: array<${bs}>;
@group(0) @binding(3) var<storage, read_write> C: array<${os}>;
var<workgroup> Bs: array<${ct}, ${BK * BN}>;`;
      bTile = `for (var e: u32 = l; e < BK * BN; e = e + NT) {
      ${loadB}
      let gk = k0 + kk;
      let gc = col0 + n;
      var v: ${ct} = ${zero};
      if (gk < K && gc < N) { v = ${conv(`B[bBase + i32(gk) * p(${bAt + 1}u) + i32(gc) * p(${bAt + 2}u)]`, bs, ct)}; }
      Bs[kk * BN + n] = v;
    }`;
      const r4 = [0, 1, 2, 3];
      compute = `for (var kk: u32 = 0u; kk < BK; kk = kk + 1u) {
      let ab = kk * BM + lid.y * 4u;
      let bb = kk * BN + lid.x * 4u;
      ${r4.map((i) => `let a${i} = As[ab + ${i}u];`).join(' ')}
      ${r4.map((j) => `let b${j} = Bs[bb + ${j}u];`).join(' ')}
      ${r4.map((i) => r4.map((j) => `c${i}${j} = c${i}${j} + a${i} * b${j};`).join(' ')).join('\n      ')}
    }`;
      store = r4
        .map(
          (i) => `{
    let r = row0 + lid.y * 4u + ${i}u;
    let c = col0 + lid.x * 4u;
    if (r < M) {
      ${r4.map((j) => `if (c + ${j}u < N) { C[cBase + r * N + c + ${j}u] = ${conv(`c${i}${j}`, ct, os)}; }`).join('\n      ')}
    }
  }`,
        )
        .join('\n  ');
    }
    return withHelpers(`${paramDecl(prm.length)}
@group(0) @binding(1) var<storage, read> A: array<${as}>;
${bDecl}
var<workgroup> As: array<${ct}, ${BK * BM}>;
const BM: u32 = ${BM}u;
const BN: u32 = ${BN}u;
const BK: u32 = ${BK}u;
const NT: u32 = ${NT}u;
${offsetFn('aBatch', nbd, shapeAt, aBatchAt)}
${offsetFn('bBatch', nbd, shapeAt, bBatchAt)}
@compute @workgroup_size(${TX}, ${TY})
fn main(${MAIN_ARGS}) {
  let M = pu(0u);
  let N = pu(1u);
  let K = pu(2u);
  let bi = wid.z;
  let aBase = p(${aAt}u) + aBatch(bi);
  let bBase = p(${bAt}u) + bBatch(bi);
  let cBase = bi * M * N;
  let row0 = wid.y * BM;
  let col0 = wid.x * BN;
  let l = lid.y * ${TX}u + lid.x;
  ${
    vec4
      ? [0, 1, 2, 3].map((i) => `var c${i} = vec4<f32>(0.0);`).join(' ')
      : [0, 1, 2, 3]
          .map((i) => [0, 1, 2, 3].map((j) => `var c${i}${j}: ${ct} = ${zero};`).join(' '))
          .join('\n  ')
  }
  for (var k0: u32 = 0u; k0 < K; k0 = k0 + BK) {
    ${aTile}
    ${bTile}
    workgroupBarrier();
    ${compute}
    workgroupBarrier();
  }
  ${store}
}`);
  });
  be.dispatch({
    pipeline,
    params: prm.toArray(),
    pooled: bufs,
    workgroups: [Math.ceil(N / BN), Math.ceil(M / BM), nb],
  });
});
