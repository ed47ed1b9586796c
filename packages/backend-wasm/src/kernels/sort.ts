/**
 * sort / topk / kthvalue along one dim. Sorting is branchy and sequential, so these run in JS
 * directly on the wasm heap: each line is packed as (order-preserving 32-bit key, position)
 * doubles and sorted with the engine's numeric sort (stable by construction, NaN largest, -0 == 0,
 * like PyTorch); float64 lines use a comparator.
 */
import { type KernelArgs, LineSorter, registerKernel } from '@kindling/core';
import type { WasmHandle } from '../backend.js';
import { heapOf, lines } from '../lines.js';

type Args = KernelArgs<WasmHandle>;

function sort({ inputs: [x], outputs: [vals, idx], attrs }: Args): void {
  const dim = attrs.dim as number;
  const p = lines(x, dim);
  const q = lines(vals, dim);
  const r = lines(idx, dim);
  const n = p.len;
  const sorter = new LineSorter(n, x.dtype);
  const { a, base } = heapOf(x);
  const { a: v, base: vb } = heapOf(vals);
  const { a: ix, base: ib } = heapOf(idx);
  for (let k = 0; k < p.starts.length; k++) {
    const order = sorter.sort(a, base + p.starts[k], p.stride, attrs.descending === true);
    for (let i = 0, o = vb + q.starts[k], oi = ib + r.starts[k]; i < n; i++, o += q.stride, oi += r.stride) {
      v[o] = sorter.vals[order[i]];
      ix[oi] = order[i];
    }
  }
}

function topk({ inputs: [x], outputs: [vals, idx], attrs }: Args): void {
  const dim = attrs.dim as number;
  const k = (attrs.k as number | undefined) ?? 0;
  if (k === 0) return;
  const p = lines(x, dim);
  const q = lines(vals, dim);
  const r = lines(idx, dim);
  const sorter = new LineSorter(p.len, x.dtype);
  const { a, base } = heapOf(x);
  const { a: v, base: vb } = heapOf(vals);
  const { a: ix, base: ib } = heapOf(idx);
  for (let j = 0; j < p.starts.length; j++) {
    const order = sorter.select(a, base + p.starts[j], p.stride, attrs.largest !== false, k);
    for (let i = 0, o = vb + q.starts[j], oi = ib + r.starts[j]; i < k; i++, o += q.stride, oi += r.stride) {
      v[o] = sorter.vals[order[i]];
      ix[oi] = order[i];
    }
  }
}

function kthvalue({ inputs: [x], outputs: [vals, idx], attrs }: Args): void {
  const dim = attrs.dim as number;
  const p = lines(x, dim);
  const q = lines(vals, dim);
  const r = lines(idx, dim);
  const n = p.len;
  const sorter = new LineSorter(n, x.dtype);
  const { a, base } = heapOf(x);
  const { a: v, base: vb } = heapOf(vals);
  const { a: ix, base: ib } = heapOf(idx);
  const k = (attrs.k as number | undefined) ?? 0;
  for (let j = 0; j < p.starts.length; j++) {
    const order = sorter.sort(a, base + p.starts[j], p.stride, false);
    let pick = order[k];
    if (attrs.median) {
      let nans = 0;
      for (let i = n - 1; i >= 0 && Number.isNaN(sorter.vals[order[i]]); i--) nans++;
      if (nans > 0) pick = order[n - nans];
    }
    v[vb + q.starts[j]] = sorter.vals[pick];
    ix[ib + r.starts[j]] = pick;
  }
}

registerKernel('sort', 'wasm', sort);
registerKernel('topk', 'wasm', topk);
registerKernel('kthvalue', 'wasm', kthvalue);
