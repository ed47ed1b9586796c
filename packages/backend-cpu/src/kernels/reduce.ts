import { type KernelArgs, registerKernel } from '@kindling/core';
import type { CpuHandle } from '../backend.js';
import { forEachRow } from '../strided.js';

export interface ReduceAttrs {
  readonly dims: readonly number[];
  [k: string]: unknown;
}

/**
 * Calls `visit(outIndex, inOffset, reducedStrides...)`: for every output element, iterates the
 * reduced sub-space of the input. `step(acc, value)` folds; `init` starts; `finish` may map.
 */
export function reduceLoop(
  init: number,
  step: (acc: number, v: number) => number,
  finish: (acc: number, count: number) => number = (a) => a,
) {
  return ({ inputs: [x], outputs: [out], attrs }: KernelArgs<CpuHandle, ReduceAttrs>): void => {
    forEachReduction(x.shape, x.strides, x.offset, attrs.dims, (o, len, sub) => {
      let acc = init;
      sub((v) => {
        acc = step(acc, x.data[v]);
      });
      out.data[o] = finish(acc, len);
    });
  };
}

/**
 * Iterates output positions (kept dims, row-major) and, for each, offers a walker over the input
 * offsets of its reduced elements. The walker's inner loop runs over the last reduced dim.
 */
export function forEachReduction(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  dims: readonly number[],
  each: (outIndex: number, count: number, walk: (visit: (inOffset: number) => void) => void) => void,
): void {
  const keptShape: number[] = [];
  const keptStrides: number[] = [];
  const redShape: number[] = [];
  const redStrides: number[] = [];
  shape.forEach((s, i) => {
    if (dims.includes(i)) {
      redShape.push(s);
      redStrides.push(strides[i]);
    } else {
      keptShape.push(s);
      keptStrides.push(strides[i]);
    }
  });
  let count = 1;
  for (const s of redShape) count *= s;
  let outIndex = 0;
  const emit = (base: number) => {
    each(outIndex++, count, (visit) => {
      if (count === 0) return;
      forEachRow(redShape, [{ strides: redStrides, offset: base }], (o, len, st) => {
        let p = o[0];
        const s = st[0];
        for (let i = 0; i < len; i++, p += s) visit(p);
      });
    });
  };
  let keptNumel = 1;
  for (const s of keptShape) keptNumel *= s;
  if (keptNumel === 0) return;
  if (keptShape.length === 0) {
    emit(offset);
    return;
  }
  forEachRow(keptShape, [{ strides: keptStrides, offset }], (o, len, st) => {
    let p = o[0];
    for (let i = 0; i < len; i++, p += st[0]) emit(p);
  });
}

/** Fast path: sum with a typed inner loop instead of a visitor callback. */
function sum({ inputs: [x], outputs: [out], attrs }: KernelArgs<CpuHandle, ReduceAttrs>): void {
  const a = x.data;
  forEachReduction(x.shape, x.strides, x.offset, attrs.dims, (o, _n, walk) => {
    let acc = 0;
    walk((p) => {
      acc += a[p];
    });
    out.data[o] = acc;
  });
}

registerKernel('sum', 'cpu', sum);
