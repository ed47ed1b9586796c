/**
 * Reduction kernels. All of them run assembly/reduce.ts: for each output (kept position), a walk of
 * the reduced sub-space (SIMD along a contiguous innermost dim, or 4 outputs at a time when the
 * kept dim is the contiguous one). Outputs are split across threads for large reductions.
 */
import { bytesPerElement, type KernelArgs, type KernelTensor, registerKernel } from '@kindling/core';
import { DT, type WasmHandle, wasmBackend } from '../backend.js';
import { numel } from '../strided.js';

type Args = KernelArgs<WasmHandle>;

/** Merges neighbouring dims (sizes/strides, outer first) that are contiguous with each other. */
function coalesce(sizes: number[], strides: number[]): number {
  let n = 0;
  for (let i = 0; i < sizes.length; i++) {
    if (n > 0 && strides[n - 1] === sizes[i] * strides[i]) {
      sizes[n - 1] *= sizes[i];
      strides[n - 1] = strides[i];
    } else {
      sizes[n] = sizes[i];
      strides[n] = strides[i];
      n++;
    }
  }
  sizes.length = n;
  strides.length = n;
  return n;
}

export interface ReduceDesc {
  words: number[];
  /** Number of outputs (kept positions). */
  outputs: number;
  /** Reduced elements per output. */
  count: number;
}

/**
 * The reduce descriptor of `x` over `dims` (assembly/reduce.ts): [nk, nr, kshape, kstride,
 * rshape, rstride] with byte strides. `ordered` keeps the reduced dims in row-major order (arg
 * ops return positions in that order); otherwise the smallest stride goes innermost.
 */
export function reduceDesc(
  x: KernelTensor<WasmHandle>,
  dims: readonly number[],
  ordered: boolean,
): ReduceDesc {
  const bpe = bytesPerElement(x.dtype);
  const ks: number[] = [];
  const kst: number[] = [];
  let rs: number[] = [];
  let rst: number[] = [];
  let outputs = 1;
  let count = 1;
  const { shape, strides } = x;
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i];
    if (dims.includes(i)) {
      count *= s;
      if (s !== 1) {
        rs.push(s);
        rst.push(strides[i] * bpe);
      }
    } else {
      outputs *= s;
      if (s !== 1) {
        ks.push(s);
        kst.push(strides[i] * bpe);
      }
    }
  }
  if (!ordered && rs.length > 1) {
    const order = rs.map((_, i) => i).sort((a, b) => rst[b] - rst[a]);
    rs = order.map((i) => rs[i]);
    rst = order.map((i) => rst[i]);
  }
  coalesce(rs, rst);
  coalesce(ks, kst);
  if (rs.length === 0) {
    rs.push(count === 0 ? 0 : 1);
    rst.push(0);
  }
  const words = [ks.length, rs.length];
  for (const v of ks) words.push(v);
  for (const v of kst) words.push(v);
  for (const v of rs) words.push(v);
  for (const v of rst) words.push(v);
  return { words, outputs, count };
}

/** Runs reduce op `opName` (an R_ constant) of x over `dims` into the contiguous `out`. */
export function runReduce(
  opName: string,
  x: KernelTensor<WasmHandle>,
  out: KernelTensor<WasmHandle>,
  dims: readonly number[],
  p0 = 0,
  ordered = false,
): void {
  const r = reduceDesc(x, dims, ordered);
  if (r.outputs === 0) return;
  const b = wasmBackend;
  const op = b.constant(opName);
  const desc = b.writeDesc(r.words);
  const tin = DT[x.dtype];
  const tout = DT[out.dtype];
  const inBase = x.data + x.offset * bytesPerElement(x.dtype);
  // ~64K input elements per thread
  const grain = Math.max(1, Math.ceil((1 << 16) / Math.max(1, r.count)));
  b.parallel(
    'reduce',
    r.outputs,
    grain,
    (t, s, e) => [op, tin, tout, desc, b.tmp(t), inBase, out.data, s, e, p0],
    4,
  );
}

const simple: Record<string, string> = {
  sum: 'R_SUM',
  mean: 'R_MEAN',
  prod: 'R_PROD',
  amax: 'R_MAX',
  amin: 'R_MIN',
  logsumexp: 'R_LOGSUMEXP',
  all: 'R_ALL',
  any: 'R_ANY',
  countNonzero: 'R_COUNT',
};

for (const [name, id] of Object.entries(simple))
  registerKernel(name, 'wasm', ({ inputs: [x], outputs: [out], attrs }: Args) =>
    runReduce(id, x, out, attrs.dims as number[]),
  );

registerKernel('argmax', 'wasm', ({ inputs: [x], outputs: [out], attrs }: Args) =>
  runReduce('R_ARGMAX', x, out, attrs.dims as number[], 0, true),
);
registerKernel('argmin', 'wasm', ({ inputs: [x], outputs: [out], attrs }: Args) =>
  runReduce('R_ARGMIN', x, out, attrs.dims as number[], 0, true),
);
/** max/min along one dim: values (NaN-propagating) and first-occurrence indices. */
registerKernel('max', 'wasm', ({ inputs: [x], outputs: [vals, idx], attrs }: Args) => {
  runReduce('R_MAX', x, vals, attrs.dims as number[]);
  runReduce('R_ARGMAX', x, idx, attrs.dims as number[], 0, true);
});
registerKernel('min', 'wasm', ({ inputs: [x], outputs: [vals, idx], attrs }: Args) => {
  runReduce('R_MIN', x, vals, attrs.dims as number[]);
  runReduce('R_ARGMIN', x, idx, attrs.dims as number[], 0, true);
});
registerKernel('var', 'wasm', ({ inputs: [x], outputs: [out], attrs }: Args) =>
  runReduce('R_VAR', x, out, attrs.dims as number[], attrs.correction as number),
);
registerKernel('std', 'wasm', ({ inputs: [x], outputs: [out], attrs }: Args) =>
  runReduce('R_STD', x, out, attrs.dims as number[], attrs.correction as number),
);
registerKernel('norm', 'wasm', ({ inputs: [x], outputs: [out], attrs }: Args) => {
  const p = attrs.p as number;
  runReduce('R_NORM', x, out, attrs.dims as number[], p);
});

/**
 * 'prodOthers' (the gradient of prod): for each element, the product of the other elements of its
 * reduction, zero-safe. Output has the input's shape. Runs on views of the wasm heap.
 */
registerKernel('prodOthers', 'wasm', ({ inputs: [x], outputs: [out], attrs }: Args) => {
  const dims = attrs.dims as number[];
  const n = numel(x.shape);
  if (n === 0) return;
  const b = wasmBackend;
  const a = b.view(x.dtype, x.data, x.offset + maxOffset(x) + 1);
  const d = b.view(out.dtype, out.data, n);
  const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const red = dims.slice().sort((p, q) => p - q);
  const outStrides = contiguous(out.shape);
  const keptN = kept.reduce((m, i) => m * x.shape[i], 1);
  const redN = red.reduce((m, i) => m * x.shape[i], 1);
  const inOff = new Array<number>(redN);
  const outOff = new Array<number>(redN);
  for (let r = 0; r < redN; r++) {
    let rem = r;
    let io = 0;
    let oo = 0;
    for (let j = red.length - 1; j >= 0; j--) {
      const dim = red[j];
      const i = rem % x.shape[dim];
      rem = Math.floor(rem / x.shape[dim]);
      io += i * x.strides[dim];
      oo += i * outStrides[dim];
    }
    inOff[r] = io;
    outOff[r] = oo;
  }
  const isInt = x.dtype === 'int32';
  for (let k = 0; k < keptN; k++) {
    let rem = k;
    let ib = x.offset;
    let ob = 0;
    for (let j = kept.length - 1; j >= 0; j--) {
      const dim = kept[j];
      const i = rem % x.shape[dim];
      rem = Math.floor(rem / x.shape[dim]);
      ib += i * x.strides[dim];
      ob += i * outStrides[dim];
    }
    let zeros = 0;
    let zeroAt = -1;
    let prodNz = 1;
    for (let i = 0; i < redN; i++) {
      const v = a[ib + inOff[i]];
      if (v === 0) {
        zeros++;
        zeroAt = i;
      } else prodNz = isInt ? Math.imul(prodNz, v) : prodNz * v;
    }
    if (zeros === 0)
      for (let i = 0; i < redN; i++) {
        const v = a[ib + inOff[i]];
        d[ob + outOff[i]] = isInt ? othersInt(a, ib, inOff, i) : prodNz / v;
      }
    else if (zeros === 1) d[ob + outOff[zeroAt]] = prodNz;
  }
});

/** Integer product of all but position `skip` (exact modulo 2^32, no division). */
function othersInt(a: ArrayLike<number>, ib: number, offs: number[], skip: number): number {
  let p = 1;
  for (let i = 0; i < offs.length; i++) if (i !== skip) p = Math.imul(p, a[ib + offs[i]]);
  return p;
}

function contiguous(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i];
  }
  return st;
}

/** Largest element offset (relative to x.offset) a view reaches. */
export function maxOffset(x: KernelTensor<WasmHandle>): number {
  let m = 0;
  x.shape.forEach((s, i) => {
    if (s > 0) m += (s - 1) * Math.max(0, x.strides[i]);
  });
  return m;
}
