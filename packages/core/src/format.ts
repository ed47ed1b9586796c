import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

export interface FormatExtras {
  device: string;
  gradFn?: string;
  requiresGrad: boolean;
}

const SUMMARIZE_THRESHOLD = 1000;
const EDGE_ITEMS = 3;

/** Formats values the way PyTorch's print does: `tensor([[1., 2.]], grad_fn=<MulBackward>)`. */
export function formatTensor(data: TypedArray, shape: Shape, dtype: DType, extra: FormatExtras): string {
  const summarize = data.length > SUMMARIZE_THRESHOLD;
  const fmt = makeFormatter(data, dtype);
  const prefix = 'tensor(';
  let body: string;
  if (shape.length === 0) body = fmt(data[0]);
  else if (data.length === 0) body = '[]';
  else body = formatDims(data, shape, 0, 0, fmt, prefix.length, summarize);
  const suffix: string[] = [];
  if (extra.device !== 'cpu') suffix.push(`device='${extra.device}'`);
  if (dtype === 'float64' || dtype === 'int32' || (data.length === 0 && dtype !== 'float32'))
    suffix.push(`dtype=${dtype}`);
  if (data.length === 0 && shape.length > 1) suffix.unshift(`size=(${shape.join(', ')})`);
  if (extra.gradFn) suffix.push(`grad_fn=<${extra.gradFn}>`);
  else if (extra.requiresGrad) suffix.push('requires_grad=True');
  return `${prefix}${body}${suffix.length ? `, ${suffix.join(', ')}` : ''})`;
}

function makeFormatter(data: TypedArray, dtype: DType): (v: number) => string {
  if (dtype === 'bool') {
    const width = data.some((v) => v === 0) ? 5 : 4;
    return (v) => (v ? 'True' : 'False').padStart(width);
  }
  if (dtype === 'int32') {
    let width = 1;
    for (let i = 0; i < data.length; i++) width = Math.max(width, String(data[i]).length);
    return (v) => String(v).padStart(width);
  }
  let allInt = true;
  let maxAbs = 0;
  let minAbs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) continue;
    if (!Number.isInteger(v)) allInt = false;
    const a = Math.abs(v);
    maxAbs = Math.max(maxAbs, a);
    if (a > 0) minAbs = Math.min(minAbs, a);
  }
  const sci =
    maxAbs >= 1e8 ||
    (minAbs < 1e-4 && minAbs !== Number.POSITIVE_INFINITY) ||
    (maxAbs / minAbs > 1000 && !allInt);
  const one = (v: number): string => {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    if (sci) return v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
    if (allInt) return `${v.toFixed(0)}.`;
    return v.toFixed(4);
  };
  let width = 1;
  for (let i = 0; i < data.length; i++) width = Math.max(width, one(data[i]).length);
  return (v) => one(v).padStart(width);
}

function formatDims(
  data: TypedArray,
  shape: Shape,
  dim: number,
  offset: number,
  fmt: (v: number) => string,
  indent: number,
  summarize: boolean,
): string {
  const n = shape[dim];
  let step = 1;
  for (let i = dim + 1; i < shape.length; i++) step *= shape[i];
  const idx: (number | null)[] = [];
  if (summarize && n > 2 * EDGE_ITEMS) {
    for (let i = 0; i < EDGE_ITEMS; i++) idx.push(i);
    idx.push(null);
    for (let i = n - EDGE_ITEMS; i < n; i++) idx.push(i);
  } else for (let i = 0; i < n; i++) idx.push(i);
  if (dim === shape.length - 1) {
    return `[${idx.map((i) => (i === null ? '...' : fmt(data[offset + i]))).join(', ')}]`;
  }
  const sep = `,${'\n'.repeat(shape.length - dim - 1)}${' '.repeat(indent + 1)}`;
  const parts = idx.map((i) =>
    i === null ? '...' : formatDims(data, shape, dim + 1, offset + i * step, fmt, indent + 1, summarize),
  );
  return `[${parts.join(sep)}]`;
}
