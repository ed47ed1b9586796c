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
