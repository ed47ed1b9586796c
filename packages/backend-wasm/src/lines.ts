import type { KernelTensor, TypedArray } from '@kindling/core';
import { type WasmHandle, wasmBackend } from './backend.js';

/** Lines along `dim` of a strided operand: start offsets (row-major over the other dims), length, stride. */
export interface Lines {
  readonly starts: number[];
  readonly len: number;
  readonly stride: number;
}

export function lines(t: KernelTensor<WasmHandle>, dim: number): Lines {
  if (t.shape.length === 0) return { starts: [t.offset], len: 1, stride: 0 };
  let starts = [t.offset];
  t.shape.forEach((s, i) => {
    if (i === dim) return;
    const st = t.strides[i];
    const next = new Array<number>(starts.length * s);
    let k = 0;
    for (const o of starts) for (let j = 0; j < s; j++) next[k++] = o + j * st;
    starts = next;
  });
  return { starts, len: t.shape[dim], stride: t.strides[dim] };
}

/** A TypedArray over the whole heap for `t`'s dtype, indexed by element offset from t.data. */
export function heapOf(t: KernelTensor<WasmHandle>): { a: TypedArray; base: number } {
  const b = wasmBackend;
  switch (t.dtype) {
    case 'float32':
      return { a: b.f32(), base: t.data >> 2 };
    case 'float64':
      return { a: b.f64(), base: t.data >> 3 };
    case 'int32':
      return { a: b.i32(), base: t.data >> 2 };
    default:
      return { a: b.u8(), base: t.data };
  }
}
