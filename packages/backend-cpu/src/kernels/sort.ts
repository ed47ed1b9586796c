import { type KernelArgs, LineSorter, registerKernel } from '@kindling/core';
import type { CpuHandle } from '../backend.js';
import { reducePlan } from './reduce.js';

interface SortAttrs {
  readonly dim: number;
  readonly descending?: boolean;
  readonly k?: number;
  readonly largest?: boolean;
  readonly median?: boolean;
  readonly [key: string]: unknown;
}

type Args = KernelArgs<CpuHandle, SortAttrs>;

/** 'sort': outputs [values, indices] of the input's shape. */
function sort({ inputs: [x], outputs: [vals, idx], attrs }: Args): void {
  const p = reducePlan(x.shape, x.strides, x.offset, [attrs.dim]);
  const q = reducePlan(vals.shape, vals.strides, vals.offset, [attrs.dim]);
  const n = p.rowLen;
  const sorter = new LineSorter(n, x.dtype);
  const v = vals.data;
  const ix = idx.data;
  for (let k = 0; k < p.outer.length; k++) {
    const order = sorter.sort(x.data, p.outer[k], p.rowStride, attrs.descending === true);
    for (let i = 0, o = q.outer[k]; i < n; i++, o += q.rowStride) {
      v[o] = sorter.vals[order[i]];
      ix[o] = order[i];
    }
  }
}

/** 'topk': the first `k` of each line sorted descending (largest) or ascending; outputs [values, indices]. */
function topk({ inputs: [x], outputs: [vals, idx], attrs }: Args): void {
  const p = reducePlan(x.shape, x.strides, x.offset, [attrs.dim]);
  const q = reducePlan(vals.shape, vals.strides, vals.offset, [attrs.dim]);
  const k = attrs.k ?? 0;
  if (k === 0) return;
  const sorter = new LineSorter(p.rowLen, x.dtype);
  const v = vals.data;
  const ix = idx.data;
  for (let j = 0; j < p.outer.length; j++) {
    const order = sorter.select(x.data, p.outer[j], p.rowStride, attrs.largest !== false, k);
    for (let i = 0, o = q.outer[j]; i < k; i++, o += q.rowStride) {
      v[o] = sorter.vals[order[i]];
      ix[o] = order[i];
    }
  }
}

/**
 * 'kthvalue': per line, the element of 0-based rank `k` ascending (outputs keep the dim as size 1).
 * With `median`, a line holding NaN gives its first NaN instead, like torch.median.
 */
function kthvalue({ inputs: [x], outputs: [vals, idx], attrs }: Args): void {
  const p = reducePlan(x.shape, x.strides, x.offset, [attrs.dim]);
  const q = reducePlan(vals.shape, vals.strides, vals.offset, [attrs.dim]);
  const n = p.rowLen;
  const sorter = new LineSorter(n, x.dtype);
  const v = vals.data;
  const ix = idx.data;
  const k = attrs.k ?? 0;
  for (let j = 0; j < p.outer.length; j++) {
    const order = sorter.sort(x.data, p.outer[j], p.rowStride, false);
    let pick = order[k];
    if (attrs.median) {
      // NaNs sort last, in their original order: the first NaN sits right after the numbers.
      let nans = 0;
      for (let i = n - 1; i >= 0 && Number.isNaN(sorter.vals[order[i]]); i--) nans++;
      if (nans > 0) pick = order[n - nans];
    }
    v[q.outer[j]] = sorter.vals[pick];
    ix[q.outer[j]] = pick;
  }
}

registerKernel('sort', 'cpu', sort);
registerKernel('topk', 'cpu', topk);
registerKernel('kthvalue', 'cpu', kthvalue);
