/**
 * 'gather' / 'scatter' (and the reduce family's private '_gatherDim' / '_scatterAddDim'): walkers
 * over the index's shape in assembly/indexing.ts. Indices are int32, validated by core.
 */
import { bytesPerElement, type KernelArgs, type KernelTensor, registerKernel } from '@kindling/core';
import { DT, type WasmHandle, wasmBackend } from '../backend.js';
import { contiguousStrides, numel, operand, walkDesc } from '../strided.js';

type Args = KernelArgs<WasmHandle>;

/** out[p] = x[p with p[dim] := index[p]] over index's shape. */
function runGather(
  x: KernelTensor<WasmHandle>,
  index: KernelTensor<WasmHandle>,
  out: KernelTensor<WasmHandle>,
  dim: number,
): void {
  const n = numel(index.shape);
  if (n === 0) return;
  const b = wasmBackend;
  const bpe = bytesPerElement(x.dtype);
  const xs = x.strides.slice();
  const dimStride = xs[dim] * bpe;
  xs[dim] = 0;
  const desc = b.writeDesc(
    walkDesc(index.shape, [operand(out, contiguousStrides(index.shape)), operand(x, xs), operand(index)]),
  );
  b.parallel('gather', n, 1 << 16, (t, s, e) => [bpe, dimStride, desc, b.tmp(t), s, e]);
}

/** out[p with p[dim] := index[p]] (+)= src[p] over index's shape; out must already hold the base. */
function runScatter(
  out: KernelTensor<WasmHandle>,
  index: KernelTensor<WasmHandle>,
  src: KernelTensor<WasmHandle>,
  dim: number,
  add: boolean,
): void {
  const n = numel(index.shape);
  if (n === 0) return;
  const b = wasmBackend;
  const bpe = bytesPerElement(out.dtype);
  const os = out.strides.slice();
  const dimStride = os[dim] * bpe;
  os[dim] = 0;
  const desc = b.writeDesc(walkDesc(index.shape, [operand(out, os), operand(index), operand(src)]));
  b.exports.scatter(DT[out.dtype], bpe, add ? 1 : 0, dimStride, desc, b.tmp(0), 0, n);
}

registerKernel('gather', 'wasm', ({ inputs: [x, index], outputs: [out], attrs }: Args) =>
  runGather(x, index, out, attrs.dim as number),
);

registerKernel('_gatherDim', 'wasm', ({ inputs: [x, index], outputs: [out], attrs }: Args) =>
  runGather(x, index, out, attrs.dim as number),
);

registerKernel('scatter', 'wasm', ({ inputs: [self, index, src], outputs: [out], attrs }: Args) => {
  const n = numel(self.shape);
  if (n > 0) {
    const b = wasmBackend;
    const desc = b.writeDesc(walkDesc(out.shape, [operand(out), operand(self)]));
    const t = DT[out.dtype];
    b.exports.copy(DT[self.dtype], t, desc, b.tmp(0), 0, n);
  }
  runScatter(out, index, src, attrs.dim as number, attrs.reduce === 'add');
});

registerKernel('_scatterAddDim', 'wasm', ({ inputs: [src, index], outputs: [out], attrs }: Args) =>
  runScatter(out, index, src, attrs.dim as number, true),
);
