import type { KernelArgs, KernelTensor } from '@kindling/core';
import type { CpuHandle } from '../backend.js';
import { forEachRow, isDense, isScalarBroadcast, numel } from '../strided.js';

/**
 * Generic strided loops shared by every elementwise kernel: the per-op math is a scalar function.
 * Contiguous operands take a flat loop; anything else walks rows with per-operand strides.
 */
export function unaryLoop(f: (x: number) => number) {
  return ({ inputs: [x], outputs: [out] }: KernelArgs<CpuHandle>): void => {
    const a = x.data;
    const o = out.data;
    if (isDense(x)) {
      const n = numel(out.shape);
      const off = x.offset;
      for (let i = 0; i < n; i++) o[i] = f(a[off + i]);
      return;
    }
    let k = 0;
    forEachRow(out.shape, [x], (offs, len, st) => {
      let ai = offs[0];
      const s = st[0];
      for (let i = 0; i < len; i++, ai += s) o[k++] = f(a[ai]);
    });
  };
}

export function binaryLoop(f: (x: number, y: number) => number) {
  return ({ inputs: [x, y], outputs: [out] }: KernelArgs<CpuHandle>): void => {
    const a = x.data;
    const b = y.data;
    const o = out.data;
    const n = numel(out.shape);
    if (n === 0) return;
    const denseX = isDense(x);
    const denseY = isDense(y);
    if (denseX && denseY) {
      const ox = x.offset;
      const oy = y.offset;
      for (let i = 0; i < n; i++) o[i] = f(a[ox + i], b[oy + i]);
      return;
    }
    if (denseX && isScalarBroadcast(y)) {
      const ox = x.offset;
      const v = b[y.offset];
      for (let i = 0; i < n; i++) o[i] = f(a[ox + i], v);
      return;
    }
    if (isScalarBroadcast(x) && denseY) {
      const oy = y.offset;
      const v = a[x.offset];
      for (let i = 0; i < n; i++) o[i] = f(v, b[oy + i]);
      return;
    }
    let k = 0;
    forEachRow(out.shape, [x, y], (offs, len, st) => {
      let ai = offs[0];
      let bi = offs[1];
      const sa = st[0];
      const sb = st[1];
      for (let i = 0; i < len; i++, ai += sa, bi += sb) o[k++] = f(a[ai], b[bi]);
    });
  };
}

export function ternaryLoop(f: (x: number, y: number, z: number) => number) {
  return ({ inputs, outputs: [out] }: KernelArgs<CpuHandle>): void => {
    const [x, y, z] = inputs as readonly KernelTensor<CpuHandle>[];
    const a = x.data;
    const b = y.data;
    const c = z.data;
    const o = out.data;
    let k = 0;
    forEachRow(out.shape, [x, y, z], (offs, len, st) => {
      let ai = offs[0];
      let bi = offs[1];
      let ci = offs[2];
      for (let i = 0; i < len; i++, ai += st[0], bi += st[1], ci += st[2]) o[k++] = f(a[ai], b[bi], c[ci]);
    });
  };
}
