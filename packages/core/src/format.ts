import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

export interface FormatExtras {
  device: string;
  gradFn?: string;
  requiresGrad: boolean;
}

// PyTorch's default print options.
const PRECISION = 4;
const LINEWIDTH = 80;
const SUMMARIZE_THRESHOLD = 1000;
const EDGE_ITEMS = 3;

/**
 * Formats values the way PyTorch's print does (torch/_tensor_str.py): `tensor([[1., 2.]],
 * grad_fn=<MulBackward>)`, with its choice of integer/fixed/scientific notation, column widths,
 * summarisation with '...' above 1000 elements, wrapping at 80 columns and suffix placement.
 */
export function formatTensor(data: TypedArray, shape: Shape, dtype: DType, extra: FormatExtras): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  if (extra.device !== 'cpu') suffixes.push(`device='${extra.device}'`);
  let body: string;
  if (data.length === 0) {
    if (shape.length !== 1) suffixes.push(`size=(${shape.join(', ')})`);
    if (dtype !== 'float32') suffixes.push(`dtype=${dtype}`);
    body = '[]';
  } else {
    if (dtype === 'float64' || dtype === 'int32') suffixes.push(`dtype=${dtype}`);
    const summarize = data.length > SUMMARIZE_THRESHOLD;
    // Like PyTorch, widths and notation depend only on the values that are shown.
    const fmt = makeFormatter(shownValues(data, shape, summarize), dtype);
    body = shape.length === 0 ? fmt.format(data[0]) : formatDims(data, shape, 0, 0, fmt, indent, summarize);
  }
  if (extra.gradFn) suffixes.push(`grad_fn=<${extra.gradFn}>`);
  else if (extra.requiresGrad) suffixes.push('requires_grad=True');
  return addSuffixes(prefix + body, suffixes, indent);
}

/** Suffixes go on the last line, or on a new line when they would pass the line width. */
function addSuffixes(str: string, suffixes: readonly string[], indent: number): string {
  let out = str;
  let lastLineLen = str.length - str.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lastLineLen + s.length + 2 > LINEWIDTH) {
      out += `,\n${' '.repeat(indent)}${s}`;
      lastLineLen = indent + s.length;
    } else {
      out += `, ${s}`;
      lastLineLen += s.length + 2;
    }
  }
  return `${out})`;
}

/** Indices along a dim of size n that are printed (null marks the '...'). */
function shownIndices(n: number, summarize: boolean): (number | null)[] {
  const idx: (number | null)[] = [];
  if (summarize && n > 2 * EDGE_ITEMS) {
    for (let i = 0; i < EDGE_ITEMS; i++) idx.push(i);
    idx.push(null);
    for (let i = n - EDGE_ITEMS; i < n; i++) idx.push(i);
  } else for (let i = 0; i < n; i++) idx.push(i);
  return idx;
}

/** The printed elements (PyTorch's get_summarized_data). */
function shownValues(data: TypedArray, shape: Shape, summarize: boolean): ArrayLike<number> {
  if (!summarize || shape.length === 0) return data;
  const out: number[] = [];
  const walk = (dim: number, offset: number, step: number): void => {
    const inner = step / shape[dim];
    for (const i of shownIndices(shape[dim], true)) {
      if (i === null) continue;
      if (dim === shape.length - 1) out.push(data[offset + i]);
      else walk(dim + 1, offset + i * inner, inner);
    }
  };
  walk(0, 0, data.length);
  return out;
}

interface Formatter {
  /** Width every element is padded to. */
  readonly width: number;
  format(v: number): string;
}

/** Python's `'{:.Nf}'` / `'{:.Ne}'`: like JS's, except exact ties round half to even (0.03125 -> '0.0312'). */
function pyFixed(v: number, digits: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Object.is(v, -0)) return `-${(0).toFixed(digits)}`;
  const js = v.toFixed(digits);
  const exact = Math.abs(v).toFixed(Math.min(100, digits + 25));
  const cut = exact.indexOf('.') + (digits > 0 ? digits + 1 : 0);
  if (!/^50*$/.test(exact.slice(cut + (digits > 0 ? 0 : 1))) || Number(js[js.length - 1]) % 2 === 0)
    return js;
  return (v < 0 ? '-' : '') + exact.slice(0, cut);
}

function pyExp(v: number, digits: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  let s = v.toExponential(digits);
  const exact = Math.abs(v).toExponential(Math.min(100, digits + 25));
  const e = exact.indexOf('e');
  if (/^50*$/.test(exact.slice(digits + 2, e)) && Number(s[s.indexOf('e') - 1]) % 2 === 1)
    s = (v < 0 ? '-' : '') + exact.slice(0, digits + 2) + exact.slice(e);
  if (Object.is(v, -0)) s = `-${s}`;
  // JS writes 'e+4', Python 'e+04'.
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** PyTorch's _Formatter: integer mode, fixed point with 4 decimals, or scientific notation. */
function makeFormatter(values: ArrayLike<number>, dtype: DType): Formatter {
  if (dtype === 'bool' || dtype === 'int32') {
    const str = dtype === 'bool' ? (v: number) => (v ? 'True' : 'False') : (v: number) => String(v);
    let width = 1;
    for (let i = 0; i < values.length; i++) width = Math.max(width, str(values[i]).length);
    return { width, format: (v) => str(v).padStart(width) };
  }
  // Notation and width come from the finite non-zero values only.
  let intMode = true;
  let sci = false;
  let width = 1;
  let minAbs = Number.POSITIVE_INFINITY;
  let maxAbs = 0;
  const nz: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || v === 0) continue;
    nz.push(v);
    if (!Number.isInteger(v)) intMode = false;
    const a = Math.abs(v);
    minAbs = Math.min(minAbs, a);
    maxAbs = Math.max(maxAbs, a);
  }
  if (nz.length > 0) {
    const wide = maxAbs / minAbs > 1000 || maxAbs > 1e8;
    sci = intMode ? wide : wide || minAbs < 1e-4;
    for (const v of nz) {
      const len = sci
        ? pyExp(v, PRECISION).length
        : intMode
          ? pyFixed(v, 0).length + 1
          : pyFixed(v, PRECISION).length;
      width = Math.max(width, len);
    }
  }
  const one = (v: number): string => {
    if (sci) return pyExp(v, PRECISION);
    if (intMode) return Number.isFinite(v) ? `${pyFixed(v, 0)}.` : pyFixed(v, 0);
    return pyFixed(v, PRECISION);
  };
  return { width, format: (v) => one(v).padStart(width) };
}

function formatDims(
  data: TypedArray,
  shape: Shape,
  dim: number,
  offset: number,
  fmt: Formatter,
  indent: number,
  summarize: boolean,
): string {
  const n = shape[dim];
  let step = 1;
  for (let i = dim + 1; i < shape.length; i++) step *= shape[i];
  const idx = shownIndices(n, summarize);
  if (dim === shape.length - 1) {
    // PyTorch's _vector_str: as many elements per line as fit in the line width.
    const perLine = Math.max(1, Math.floor((LINEWIDTH - indent) / (fmt.width + 2)));
    const items = idx.map((i) => (i === null ? ' ...' : fmt.format(data[offset + i])));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
    return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
  }
  const sep = `,${'\n'.repeat(shape.length - dim - 1)}${' '.repeat(indent + 1)}`;
  const parts = idx.map((i) =>
    i === null ? '...' : formatDims(data, shape, dim + 1, offset + i * step, fmt, indent + 1, summarize),
  );
  return `[${parts.join(sep)}]`;
}
