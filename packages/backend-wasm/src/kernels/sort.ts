/**
 * sort / topk / kthvalue along one dim. Sorting is branchy and sequential, so these run in JS
 * directly on the wasm heap: each line is packed as (order-preserving 32-bit key, position)
 * doubles and sorted with the engine's numeric sort (stable by construction, NaN largest, -0 == 0,
 * like PyTorch); float64 lines use a comparator.
 */
import { type DType, type KernelArgs, registerKernel, type TypedArray } from '@kindling/core';
import type { WasmHandle } from '../backend.js';
import { heapOf, lines } from '../lines.js';

type Args = KernelArgs<WasmHandle>;

const IDX_BITS = 2 ** 21;
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function keyOf(v: number, dtype: DType): number {
  if (dtype === 'int32') return v + 2147483648;
  if (dtype === 'bool') return v;
  if (Number.isNaN(v)) return 0xffc00000;
  f32[0] = v === 0 ? 0 : v;
  const u = u32[0];
  return u >= 0x80000000 ? 0xffffffff - u : u + 0x80000000;
}

class LineSorter {
  readonly vals: Float64Array;
  readonly order: number[];
  private readonly packed: Float64Array;
  private readonly asc: (i: number, j: number) => number;
  private readonly desc: (i: number, j: number) => number;
  constructor(
    readonly n: number,
    private readonly dtype: DType,
  ) {
    const v = new Float64Array(n);
    this.vals = v;
    this.order = new Array<number>(n);
    this.packed = new Float64Array(dtype !== 'float64' && n <= IDX_BITS ? n : 0);
    const cmp = (sign: number) => (i: number, j: number) => {
      const a = v[i];
      const b = v[j];
      if (a < b) return -sign;
      if (a > b) return sign;
      const an = Number.isNaN(a);
      if (an !== Number.isNaN(b)) return an ? sign : -sign;
      return i - j;
    };
    this.asc = cmp(1);
    this.desc = cmp(-1);
  }
  private load(data: TypedArray, start: number, stride: number, descending: boolean): boolean {
    const { vals, n, packed } = this;
    const usePacked = packed.length === n;
    for (let i = 0, p = start; i < n; i++, p += stride) {
      const v = data[p];
      vals[i] = v;
      if (usePacked) {
        const key = keyOf(v, this.dtype);
        packed[i] = (descending ? 0xffffffff - key : key) * IDX_BITS + i;
      }
    }
    return usePacked;
  }
  sort(data: TypedArray, start: number, stride: number, descending: boolean): number[] {
    const { order, n, packed } = this;
    if (this.load(data, start, stride, descending)) {
      packed.sort();
      for (let i = 0; i < n; i++) order[i] = packed[i] % IDX_BITS;
      return order;
    }
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort(descending ? this.desc : this.asc);
    return order;
  }
  select(data: TypedArray, start: number, stride: number, descending: boolean, k: number): number[] {
    const { order, n, packed } = this;
    if (k * 8 > n || k > 64 || packed.length !== n) return this.sort(data, start, stride, descending);
    this.load(data, start, stride, descending);
    const best = new Float64Array(k);
    let have = 0;
    for (let i = 0; i < n; i++) {
      const key = packed[i];
      if (have === k && key >= best[k - 1]) continue;
      let j = have < k ? have++ : k - 1;
      while (j > 0 && best[j - 1] > key) {
        best[j] = best[j - 1];
        j--;
      }
      best[j] = key;
    }
    for (let i = 0; i < k; i++) order[i] = best[i] % IDX_BITS;
    return order;
  }
}

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
