import { type KernelArgs, registerKernel } from '@kindling/core';
import { DT, type WasmHandle, wasmBackend } from '../backend.js';
import { numel, operand, walkDesc } from '../strided.js';

/** 'copy': a strided (possibly broadcast) source into a strided destination, converting dtype. */
function copy({ inputs: [src], outputs: [dst] }: KernelArgs<WasmHandle>): void {
  const n = numel(dst.shape);
  if (n === 0) return;
  const b = wasmBackend;
  const desc = b.writeDesc(walkDesc(dst.shape, [operand(dst), operand(src)]));
  const tin = DT[src.dtype];
  const tout = DT[dst.dtype];
  b.parallel('copy', n, 1 << 17, (t, s, e) => [tin, tout, desc, b.tmp(t), s, e]);
}

registerKernel('copy', 'wasm', copy);
