/**
 * Kernels of the indexing op family. Two kernels serve every indexing op (indexSelect, indexAdd,
 * take, oneHot, advanced indexing and indexPut are compositions in core; maskedFill runs the compare
 * family's 'where' kernel):
 *
 * - 'gather'     inputs [x, index], attrs { dim }: out[p] = x[p with p[dim] := index[p]], out has
 *                index's shape (index may be broadcast with stride 0; it is never larger than x
 *                except along dim, so x is read at the same positions in the other dims).
 * - 'scatter'    inputs [self, index, src], attrs { dim, reduce: 'none' | 'add' }: out = self, then
 *                out[p with p[dim] := index[p]] = src[p] (or += src[p]) for every p of index's shape;
 *                src has index's shape (possibly a stride-0 broadcast scalar).
 *
 * Indices are int32 and already validated by core (in range, non-negative).
 */
import { type KernelArgs, registerKernel } from '@kindling/core';
import type { CpuHandle } from '../backend.js';
import { forEachRow } from '../strided.js';

interface DimAttrs {
  readonly dim: number;
  readonly [key: string]: unknown;
}

interface ScatterAttrs extends DimAttrs {
  readonly reduce?: 'none' | 'add';
}

function gather({ inputs: [x, index], outputs: [out], attrs }: KernelArgs<CpuHandle, DimAttrs>): void {
  const dim = attrs.dim;
  const xd = x.data;
  const id = index.data;
  const o = out.data;
  const dimStride = x.strides[dim];
  // x walked over index's shape with the gathered dim contributing through the index values only.
  const xs = x.strides.slice();
  xs[dim] = 0;
  let k = 0;
  forEachRow(index.shape, [{ strides: xs, offset: x.offset }, index], (offs, len, st) => {
    let xi = offs[0];
    let ii = offs[1];
    const sx = st[0];
    const si = st[1];
    for (let i = 0; i < len; i++, xi += sx, ii += si) o[k++] = xd[xi + id[ii] * dimStride];
  });
}

function scatter({
  inputs: [self, index, src],
  outputs: [out],
  attrs,
}: KernelArgs<CpuHandle, ScatterAttrs>): void {
  const o = out.data;
  const sd = self.data;
  let k = 0;
  forEachRow(self.shape, [self], (offs, len, st) => {
    let si = offs[0];
    const s = st[0];
    for (let i = 0; i < len; i++, si += s) o[k++] = sd[si];
  });
  const dim = attrs.dim;
  const add = attrs.reduce === 'add';
  const isBool = out.dtype === 'bool';
  const outStrides = out.strides.slice();
  const dimStride = outStrides[dim];
  outStrides[dim] = 0;
  const id = index.data;
  const vd = src.data;
  forEachRow(index.shape, [{ strides: outStrides, offset: 0 }, index, src], (offs, len, st) => {
    let oi = offs[0];
    let ii = offs[1];
    let vi = offs[2];
    const so = st[0];
    const si = st[1];
    const sv = st[2];
    for (let i = 0; i < len; i++, oi += so, ii += si, vi += sv) {
      const p = oi + id[ii] * dimStride;
      if (!add) o[p] = vd[vi];
      else if (isBool) o[p] = o[p] !== 0 || vd[vi] !== 0 ? 1 : 0;
      else o[p] += vd[vi];
    }
  });
}

registerKernel('gather', 'cpu', gather);
registerKernel('scatter', 'cpu', scatter);
