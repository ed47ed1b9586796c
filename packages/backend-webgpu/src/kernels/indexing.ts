/**
 * Indexing kernels as instances of the map template:
 * - 'gather' / '_gatherDim' (inputs x, index): out[p] = x[p with p[dim] := index[p]].
 * - 'scatter' (inputs self, index, src; reduce 'none' | 'add') and '_scatterAddDim' (inputs src,
 *   index into zeros): a deterministic per-output formulation instead of atomics. Each output element
 *   scans index's entries along `dim` at its own position in the other dims, in order, so the last
 *   write wins ('none') and sums accumulate in the cpu backend's order ('add', floats included).
 *
 * Indices are checked like the cpu backend's: anything outside [0, size) (core has already wrapped
 * the negative indices that `x.index()` and `take()` accept) is counted in the backend's index
 * status buffer, reads as 0 (gather) or is skipped (scatter), and the next read throws a RangeError.
 */
import { type KernelArgs, registerKernel } from '@kindling/core';
import type { WebGPUHandle } from '../backend.js';
import {
  computeType,
  conv,
  type GpuTensor,
  inOperand,
  type MapOperand,
  outOperand,
  runMap,
  storageType,
} from '../codegen.js';
import { gpu } from '../device.js';

interface DimAttrs {
  readonly dim: number;
  readonly reduce?: 'none' | 'add';
  readonly [key: string]: unknown;
}
type Args = KernelArgs<WebGPUHandle, DimAttrs>;

/** The status operand (see WebGPUBackend.indexStatusBuffer), bound as `atomic<u32>` words. */
function statusOperand(nd: number): MapOperand {
  return {
    buf: gpu().indexStatusBuffer(),
    type: 'atomic<u32>',
    strides: new Array<number>(nd).fill(0),
    offset: 0,
    write: true,
  };
}

/** WGSL recording an out-of-range `iv` (dim `dim`, size `size`) in status binding `b${k}`. */
function report(k: number, dim: string, size: string): string {
  return `if (atomicAdd(&b${k}[0], 1u) == 0u) { atomicStore(&b${k}[1], bitcast<u32>(iv)); atomicStore(&b${k}[2], ${dim}); atomicStore(&b${k}[3], ${size}); }`;
}

function gather({ inputs: [x, index], outputs: [out], attrs }: Args): void {
  const be = gpu();
  const dim = attrs.dim;
  const xs = x.strides.slice();
  if (xs.length > 0) xs[dim] = 0;
  const xo = inOperand(be, x);
  const st = storageType(x.dtype);
  runMap(be, {
    key: `gather:${st}`,
    shape: out.shape,
    operands: [
      { ...xo, strides: xs },
      inOperand(be, index),
      { ...outOperand(be, out), strides: contiguous(out.shape) },
      statusOperand(out.shape.length),
    ],
    body: `let iv = b1[o1];
  if (iv < 0 || iv >= p(X1)) {
    ${report(3, 'pu(X2)', 'pu(X1)')}
    b2[o2] = ${st}(0);
  } else { b2[o2] = b0[o0 + iv * p(X0)]; }`,
    extra: [
      x.shape.length === 0 ? 0 : x.strides[dim],
      x.shape.length === 0 ? 1 : x.shape[dim],
      x.shape.length === 0 ? 0 : dim,
    ],
  });
}

function contiguous(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i];
  }
  return st;
}

/**
 * Shared scatter body: `self` (or zeros) then, for each j < index.shape[dim] at this output's
 * position (when inside index's extent), out = src (or += src) where index == this output's dim coord.
 */
function scatterLike(
  self: GpuTensor | null,
  index: GpuTensor,
  src: GpuTensor,
  out: GpuTensor,
  dim: number,
  add: boolean,
): void {
  const be = gpu();
  const nd = out.shape.length;
  const os = storageType(out.dtype);
  const ct = computeType(out.dtype);
  const isBool = out.dtype === 'bool';
  const is = index.strides.slice();
  const ss = src.strides.slice();
  const indexDimStride = nd === 0 ? 0 : index.strides[dim];
  const srcDimStride = nd === 0 ? 0 : src.strides[dim];
  if (nd > 0) {
    is[dim] = 0;
    ss[dim] = 0;
  }
  const operands: MapOperand[] = [];
  if (self) operands.push(inOperand(be, self));
  const iK = operands.length;
  operands.push({ ...inOperand(be, index), strides: is });
  const sK = operands.length;
  operands.push({ ...inOperand(be, src), strides: ss });
  const oK = operands.length;
  operands.push({ ...outOperand(be, out), strides: contiguous(out.shape) });
  const stK = operands.length;
  operands.push(statusOperand(nd));
  const extra: number[] = [
    nd === 0 ? 1 : index.shape[dim],
    indexDimStride,
    srcDimStride,
    nd === 0 ? 1 : out.shape[dim],
    nd === 0 ? 0 : dim,
  ];
  const checks: string[] = [];
  for (let d = 0; d < nd; d++)
    if (d !== dim) {
      checks.push(`c${d} < pu(X${extra.length})`);
      extra.push(index.shape[d]);
    }
  const srcVal = conv(`b${sK}[o${sK} + j * p(X2)]`, storageType(src.dtype), ct);
  const update = add ? (isBool ? `select(0, 1, v != 0 || ${srcVal} != 0)` : `v + ${srcVal}`) : srcVal;
  const init = self ? conv(`b0[o0]`, storageType(self.dtype), ct) : ct === 'f32' ? '0.0' : '0';
  const coord = nd === 0 ? '0u' : `c${dim}`;
  runMap(be, {
    key: `scatter:${self ? 's' : 'z'}:${add}:${os}:${storageType(src.dtype)}:${dim}`,
    shape: out.shape,
    coords: true,
    operands,
    body: `var v: ${ct} = ${init};
  if (${checks.length > 0 ? checks.join(' && ') : 'true'}) {
    let J = p(X0);
    for (var j: i32 = 0; j < J; j = j + 1) {
      let iv = b${iK}[o${iK} + j * p(X1)];
      if (iv == i32(${coord})) { v = ${update}; }
      else if (iv < 0 || iv >= p(X3)) { ${report(stK, 'pu(X4)', 'pu(X3)')} }
    }
  }
  b${oK}[o${oK}] = ${conv('v', ct, os)};`,
    extra,
  });
}

registerKernel('gather', 'webgpu', gather);
registerKernel('_gatherDim', 'webgpu', gather);
registerKernel('scatter', 'webgpu', ({ inputs: [self, index, src], outputs: [out], attrs }: Args) =>
  scatterLike(self, index, src, out, attrs.dim, attrs.reduce === 'add'),
);
registerKernel('_scatterAddDim', 'webgpu', ({ inputs: [src, index], outputs: [out], attrs }: Args) =>
  scatterLike(null, index, src, out, attrs.dim, true),
);
