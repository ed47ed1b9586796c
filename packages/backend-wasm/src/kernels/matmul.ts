/**
 * 'matmul': a [B..., M, K] x b [B..., K, N] (batch dims broadcast with stride 0, any strides) into
 * a contiguous [B..., M, N]. float32 runs the packed-panel GEMM of assembly/gemm.ts (4x8 f32x4
 * microkernel; packing reads any strides, so transposed operands cost the same as contiguous ones),
 * split over column or row blocks across threads; vector cases use a GEMV. float64 and int32 use
 * simpler loops.
 */
import { bytesPerElement, type KernelArgs, type KernelTensor, registerKernel } from '@kindling/core';
import { type WasmHandle, wasmBackend } from '../backend.js';

/** Multiply-adds per thread below which a product is not split. */
const GEMM_GRAIN = 1 << 20;

/** One 2-d single-precision GEMM `C = A·B` over operands in linear memory (any element strides). */
export interface Gemm2d {
  M: number;
  N: number;
  K: number;
  /** byte address of A[0, 0] and element strides */
  a: number;
  ars: number;
  acs: number;
  b: number;
  brs: number;
  bcs: number;
  /** byte address of C[0, 0]; C is row-major with row stride ldc (elements) */
  c: number;
  ldc: number;
  /** C += A B instead of C = A B (float32 only) */
  accumulate?: boolean;
  /** then C[m, n] += bias[m * rs + n * cs] (byte address, element strides; float32 only) */
  bias?: { addr: number; rs: number; cs: number };
}

type AddBias = (
  c: number,
  ldc: number,
  m0: number,
  m1: number,
  n0: number,
  n1: number,
  bias: number,
  rs: number,
  cs: number,
) => void;

/** One float32 product on the wasm heap, split across threads when large. */
export function sgemm(g: Gemm2d): void {
  const be = wasmBackend;
  const { M, N, K } = g;
  if (M === 0 || N === 0) return;
  const acc = g.accumulate ? 1 : 0;
  const bias = g.bias;
  // The GEMM adds the bias to each block it finishes; the other paths add it afterwards.
  const addBias = () => {
    if (bias) (be.exports.addBiasF32 as AddBias)(g.c, g.ldc, 0, M, 0, N, bias.addr, bias.rs, bias.cs);
  };
  if (K === 0) {
    if (!acc) for (let m = 0; m < M; m++) be.u8().fill(0, g.c + m * g.ldc * 4, g.c + (m * g.ldc + N) * 4);
    addBias();
    return;
  }
  const work = M * N * K;
  if (N === 1) {
    const grain = Math.max(4, Math.ceil(GEMM_GRAIN / K));
    be.parallel(
      'gemvF32',
      M,
      grain,
      (_t, s, e) => [M, K, g.a, g.ars, g.acs, g.b, g.brs, g.c, g.ldc, s, e, acc],
      4,
    );
    addBias();
    return;
  }
  if (M === 1) {
    const grain = Math.max(4, Math.ceil(GEMM_GRAIN / K));
    be.parallel(
      'gemvF32',
      N,
      grain,
      (_t, s, e) => [N, K, g.b, g.bcs, g.brs, g.a, g.acs, g.c, 1, s, e, acc],
      4,
    );
    addBias();
    return;
  }
  const splitN = N >= M;
  const total = splitN ? N : M;
  const per = work / total;
  const grain = Math.max(splitN ? 8 : 4, Math.ceil(GEMM_GRAIN / per));
  be.parallel(
    'gemmF32',
    total,
    grain,
    (t, s, e) => [
      K,
      g.a,
      g.ars,
      g.acs,
      g.b,
      g.brs,
      g.bcs,
      g.c,
      g.ldc,
      splitN ? 0 : s,
      splitN ? M : e,
      splitN ? s : 0,
      splitN ? e : N,
      acc,
      be.gemmWorkspace(t),
      bias ? bias.addr : 0,
      bias ? bias.rs : 0,
      bias ? bias.cs : 0,
    ],
    splitN ? 8 : 4,
    // Each chunk packs the whole other operand again: fewer, larger chunks than elementwise ops.
    2,
  );
}

function gemmScalar(fn: 'gemmF64' | 'gemmI32', g: Gemm2d): void {
  const { M, N, K } = g;
  if (M === 0 || N === 0 || K === 0) return;
  const grain = Math.max(1, Math.ceil(GEMM_GRAIN / (N * K)));
  wasmBackend.parallel(fn, M, grain, (_t, s, e) => [
    M,
    N,
    K,
    g.a,
    g.ars,
    g.acs,
    g.b,
    g.brs,
    g.bcs,
    g.c,
    g.ldc,
    s,
    e,
  ]);
}

function matmul({ inputs, outputs }: KernelArgs<WasmHandle>): void {
  const a = inputs[0] as KernelTensor<WasmHandle>;
  const b = inputs[1] as KernelTensor<WasmHandle>;
  const out = outputs[0];
  const nd = out.shape.length;
  const M = out.shape[nd - 2];
  const N = out.shape[nd - 1];
  const K = a.shape[nd - 1];
  let batch = 1;
  for (let d = 0; d < nd - 2; d++) batch *= out.shape[d];
  if (batch === 0 || M === 0 || N === 0) return;
  const bpe = bytesPerElement(out.dtype);
  if (K === 0) {
    // an empty sum: zeros (the output is not zero-filled beforehand, see registerKernel below)
    wasmBackend.exports.zero(out.data, batch * M * N * bpe);
    return;
  }
  const run = (ga: Gemm2d) => {
    if (out.dtype === 'float32') sgemm(ga);
    else gemmScalar(out.dtype === 'float64' ? 'gemmF64' : 'gemmI32', ga);
  };
  const g: Gemm2d = {
    M,
    N,
    K,
    a: 0,
    ars: a.strides[nd - 2],
    acs: a.strides[nd - 1],
    b: 0,
    brs: b.strides[nd - 2],
    bcs: b.strides[nd - 1],
    c: 0,
    ldc: N,
  };
  const nb = nd - 2;
  const counter = new Array<number>(nb).fill(0);
  let aOff = a.offset;
  let bOff = b.offset;
  const offsets: number[] = [];
  for (let i = 0; i < batch; i++) {
    offsets.push(a.data + aOff * bpe, b.data + bOff * bpe);
    for (let d = nb - 1; d >= 0; d--) {
      aOff += a.strides[d];
      bOff += b.strides[d];
      if (++counter[d] < out.shape[d]) break;
      aOff -= a.strides[d] * out.shape[d];
      bOff -= b.strides[d] * out.shape[d];
      counter[d] = 0;
    }
  }
  const be = wasmBackend;
  if (out.dtype === 'float32' && batch > 1 && M * N * K < GEMM_GRAIN && be.availableThreads() > 1) {
    // Many small products: split the batch across threads instead of each product.
    const CHUNK = 1024;
    for (let b0 = 0; b0 < batch; b0 += CHUNK) {
      const nbat = Math.min(CHUNK, batch - b0);
      const offs = be.writeDesc(offsets.slice(2 * b0, 2 * (b0 + nbat)));
      const c0 = out.data + b0 * M * N * bpe;
      const grain = Math.max(1, Math.ceil(GEMM_GRAIN / (M * N * K)));
      be.parallel('gemmBatchF32', nbat, grain, (t, s, e) => [
        offs,
        M,
        N,
        K,
        g.ars,
        g.acs,
        g.brs,
        g.bcs,
        c0,
        be.gemmWorkspace(t),
        s,
        e,
      ]);
    }
    return;
  }
  for (let i = 0; i < batch; i++) {
    g.a = offsets[2 * i];
    g.b = offsets[2 * i + 1];
    g.c = out.data + i * M * N * bpe;
    run(g);
  }
}

registerKernel('matmul', 'wasm', matmul, { writesAllOutputs: true });

// Optional fused kernel (docs/architecture.md): out = bias + a @ b for 2-d float32 operands, the
// bias (any strides, broadcast with stride 0) added by each GEMM block to the part of the output it
// just computed, while it is in cache.
registerKernel(
  'addmm',
  'wasm',
  ({ inputs, outputs }: KernelArgs<WasmHandle>) => {
    const [bias, a, b] = inputs as KernelTensor<WasmHandle>[];
    const out = outputs[0];
    const [M, N] = out.shape;
    sgemm({
      M,
      N,
      K: a.shape[1],
      a: a.data + a.offset * 4,
      ars: a.strides[0],
      acs: a.strides[1],
      b: b.data + b.offset * 4,
      brs: b.strides[0],
      bcs: b.strides[1],
      c: out.data,
      ldc: N,
      bias: { addr: bias.data + bias.offset * 4, rs: bias.strides[0], cs: bias.strides[1] },
    });
  },
  { writesAllOutputs: true },
);
