/**
 * Shared kernel helper: the element order of core's sort/topk/kthvalue/median ops (stable, NaN
 * largest, -0 equal to 0), implemented once for every backend that sorts lines on the host.
 */
import type { DType } from '../dtype.js';

const IDX_BITS = 2 ** 21;
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * An unsigned 32-bit key ordered like the value: NaN largest, -0 equal to 0 (float32 keys flip the
 * sign bit of positives and every bit of negatives; int32 keys are offset by 2^31; bool is 0/1).
 */
function keyOf(v: number, dtype: DType): number {
  if (dtype === 'int32') return v + 2147483648;
  if (dtype === 'bool') return v;
  if (Number.isNaN(v)) return 0xffc00000;
  f32[0] = v === 0 ? 0 : v;
  const u = u32[0];
  return u >= 0x80000000 ? 0xffffffff - u : u + 0x80000000;
}

/**
 * Host-side sorting for backends whose sort kernels run in JavaScript (cpu, and wasm on its heap):
 * PyTorch's order in one place. Sorts the positions of one line at a time. Ties keep their original order (the sort is stable),
 * NaN is the largest value (last ascending, first descending), like PyTorch. float32, int32 and bool
 * lines sort as packed (key, position) doubles with the native numeric sort; float64 uses a comparator.
 */
export class LineSorter {
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
    this.asc = (i, j) => {
      const a = v[i];
      const b = v[j];
      if (a < b) return -1;
      if (a > b) return 1;
      const an = Number.isNaN(a);
      if (an !== Number.isNaN(b)) return an ? 1 : -1;
      return i - j;
    };
    this.desc = (i, j) => {
      const a = v[i];
      const b = v[j];
      if (a > b) return -1;
      if (a < b) return 1;
      const an = Number.isNaN(a);
      if (an !== Number.isNaN(b)) return an ? -1 : 1;
      return i - j;
    };
  }
  private load(data: ArrayLike<number>, start: number, stride: number, descending: boolean): boolean {
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
  /** Loads a strided line and sorts `order` (positions in the line). */
  sort(data: ArrayLike<number>, start: number, stride: number, descending: boolean): number[] {
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
  /**
   * The first `k` positions of the sorted order. For small k on packed dtypes, a single pass keeps
   * the k best packed keys in an insertion-sorted buffer (O(n) for random data).
   */
  select(data: ArrayLike<number>, start: number, stride: number, descending: boolean, k: number): number[] {
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
