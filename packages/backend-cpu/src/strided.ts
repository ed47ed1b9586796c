import type { KernelTensor } from '@kindling/core';

/**
 * Walks an N-d iteration space row by row (the last dim is the row), giving each operand's offset
 * at the start of the row and its stride along the row. Kernels run their inner loop per row, so
 * non-contiguous and broadcast (stride-0) operands need no copies.
 */
export function forEachRow(
  shape: readonly number[],
  operands: readonly { strides: readonly number[]; offset: number }[],
  row: (offsets: Int32Array | number[], rowLen: number, rowStrides: readonly number[]) => void,
): void {
  const nd = shape.length;
  const k = operands.length;
  const offs = new Array<number>(k);
  for (let j = 0; j < k; j++) offs[j] = operands[j].offset;
  for (let d = 0; d < nd; d++) if (shape[d] === 0) return;
  if (nd === 0) {
    row(offs, 1, new Array(k).fill(0));
    return;
  }
  const rowLen = shape[nd - 1];
  const rowStrides = operands.map((o) => o.strides[nd - 1]);
  const counter = new Array<number>(nd - 1).fill(0);
  for (;;) {
    row(offs, rowLen, rowStrides);
    let d = nd - 2;
    for (; d >= 0; d--) {
      counter[d]++;
      for (let j = 0; j < k; j++) offs[j] += operands[j].strides[d];
      if (counter[d] < shape[d]) break;
      for (let j = 0; j < k; j++) offs[j] -= operands[j].strides[d] * shape[d];
      counter[d] = 0;
    }
    if (d < 0) return;
  }
}

/** True when `t` covers `n` consecutive elements starting at its offset. */
export function isDense(t: KernelTensor): boolean {
  let expected = 1;
  for (let i = t.shape.length - 1; i >= 0; i--) {
    if (t.shape[i] === 1) continue;
    if (t.shape[i] === 0) return true;
    if (t.strides[i] !== expected) return false;
    expected *= t.shape[i];
  }
  return true;
}

/** True when every stride is 0 (a broadcast scalar). */
export function isScalarBroadcast(t: KernelTensor): boolean {
  for (let i = 0; i < t.strides.length; i++) if (t.strides[i] !== 0 && t.shape[i] !== 1) return false;
  return true;
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}
