/** Helpers that print settings the way PyTorch's module reprs do (internal). */

/** Indents every line but the first by `n` spaces (PyTorch's _addindent). */
export function addIndent(s: string, n: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  const pad = ' '.repeat(n);
  return [lines[0], ...lines.slice(1).map((l) => pad + l)].join('\n');
}

/** PyTorch prints booleans as True/False. */
export function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}

/** Python tuple formatting: `(3, 3)`, `(1,)`; a plain number stays a number. */
export function pyTuple(v: number | readonly number[]): string {
  if (typeof v === 'number') return String(v);
  return v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`;
}

/** Python's repr of a float: `1e-05`, `0.1`, `1.0`. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  const a = Math.abs(x);
  if (a < 1e-4 || a >= 1e16) {
    const [m, e] = x.toExponential().split('e');
    const sign = e[0] === '-' ? '-' : '+';
    return `${m}e${sign}${e.replace(/^[+-]/, '').padStart(2, '0')}`;
  }
  return String(x);
}
