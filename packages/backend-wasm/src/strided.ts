import { bytesPerElement, type KernelTensor } from '@kindling/core';
import { DT, type WasmHandle } from './backend.js';

/** An operand of a strided walk: byte address of element 0 and element strides. */
export interface WalkOperand {
  readonly base: number;
  readonly strides: readonly number[];
  readonly bpe: number;
}

export function operand(t: KernelTensor<WasmHandle>, strides: readonly number[] = t.strides): WalkOperand {
  const bpe = bytesPerElement(t.dtype);
  return { base: t.data + t.offset * bpe, strides, bpe };
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function dtCode(t: KernelTensor<WasmHandle>): number {
  return DT[t.dtype];
}

/**
 * Drops size-1 dims and merges neighbouring dims that are contiguous with each other in every
 * operand, so a dense tensor walks as one row. A 0-d or all-ones shape becomes [1].
 */
export function collapse(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const k = strides.length;
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const s = shape[d];
    if (s === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0) {
      let merge = true;
      for (let j = 0; j < k; j++) if (outStrides[j][last] !== strides[j][d] * s) merge = false;
      if (merge) {
        outShape[last] *= s;
        for (let j = 0; j < k; j++) outStrides[j][last] = strides[j][d];
        continue;
      }
    }
    outShape.push(s);
    for (let j = 0; j < k; j++) outStrides[j].push(strides[j][d]);
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (let j = 0; j < k; j++) outStrides[j].push(0);
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * The walker descriptor (assembly/common.ts) for `shape` over `ops` (output first): i32 words
 * [nd, nops, shape..., then per operand base, byte strides...].
 */
export function walkDesc(shape: readonly number[], ops: readonly WalkOperand[]): number[] {
  const c = collapse(
    shape,
    ops.map((o) => o.strides),
  );
  const nd = c.shape.length;
  if (nd > 32) throw new Error(`wasm backend: ${nd}-d iteration after collapsing is not supported (max 32)`);
  const words: number[] = [nd, ops.length, ...c.shape];
  ops.forEach((o, j) => {
    words.push(o.base | 0);
    for (const s of c.strides[j]) words.push(s * o.bpe);
  });
  return words;
}

/** Contiguous row-major element strides of `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i];
  }
  return st;
}
