/**
 * Turns a report into tables: per workload one row, per engine one column, each Kindling cell
 * with its speed relative to the best peer. Browser-safe (the dashboard's table view uses it).
 */
import type { BenchReport, ResultRow } from './workloads/types.js';

export interface Cell {
  text: string;
  /** Kindling speed / best peer speed (>1: faster), when both exist. */
  ratio?: number;
  status: ResultRow['status'] | 'missing';
  note?: string;
}

export interface TableRow {
  workload: string;
  title: string;
  unit: string;
  cells: Record<string, Cell>;
  bestPeer: string | null;
}

export interface Table {
  columns: Array<{ id: string; label: string; kind: 'kindling' | 'peer' }>;
  rows: TableRow[];
  notes: string[];
}

/** Three significant digits, without exponent for the usual ranges. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a >= 0.01) return v.toFixed(3);
  return v.toPrecision(2);
}

export function fmtRatio(r: number): string {
  return `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2)}×`;
}

/** Speed of `v` relative to `best` (>1 means `v` is better). */
export function speedRatio(v: number, best: number, higherIsBetter: boolean): number {
  return higherIsBetter ? v / best : best / v;
}

export function buildTable(report: BenchReport): Table {
  const columns = report.engines.map((e) => ({ id: e.id, label: e.id, kind: e.kind }));
  const kindOf = new Map(report.engines.map((e) => [e.id, e.kind]));
  const notes: string[] = [];
  const rows: TableRow[] = [];
  for (const w of report.workloads) {
    const results = report.results.filter((r) => r.workload === w.id);
    let best: ResultRow | null = null;
    for (const r of results) {
      if (kindOf.get(r.engine) !== 'peer' || r.status !== 'ok' || !r.metric) continue;
      if (!best?.metric || speedRatio(r.metric.median, best.metric.median, w.higherIsBetter) > 1) best = r;
    }
    const cells: Record<string, Cell> = {};
    for (const c of columns) {
      const r = results.find((x) => x.engine === c.id);
      if (!r) {
        cells[c.id] = { text: '', status: 'missing' };
        continue;
      }
      if (r.status === 'ok' && r.metric) {
        const cell: Cell = { text: fmt(r.metric.median), status: 'ok' };
        if (c.kind === 'kindling' && best?.metric) {
          cell.ratio = speedRatio(r.metric.median, best.metric.median, w.higherIsBetter);
          cell.text += ` (${fmtRatio(cell.ratio)})`;
        }
        cells[c.id] = cell;
      } else if (
        r.status === 'unavailable' &&
        c.kind === 'peer' &&
        /has no implementation/.test(r.reason ?? '')
      ) {
        cells[c.id] = { text: '—', status: 'unavailable', note: r.reason };
      } else {
        const n = notes.length + 1;
        const label = r.status === 'failed' ? 'FAILED' : r.status === 'error' ? 'error' : 'n/a';
        cells[c.id] = { text: `${label} [${n}]`, status: r.status, note: r.reason };
        notes.push(`[${n}] ${c.id} / ${w.id}: ${r.status}${r.reason ? `: ${r.reason}` : ''}`);
      }
    }
    rows.push({ workload: w.id, title: w.title, unit: w.unit, cells, bestPeer: best?.engine ?? null });
  }
  return { columns, rows, notes };
}

function pad(s: string, n: number, right = false): string {
  const len = [...s].length;
  return right ? ' '.repeat(Math.max(0, n - len)) + s : s + ' '.repeat(Math.max(0, n - len));
}

/** A plain-text table for the terminal. */
export function renderText(report: BenchReport): string {
  const t = buildTable(report);
  const head = ['workload', 'unit', ...t.columns.map((c) => c.label), 'best peer'];
  const body = t.rows.map((r) => [
    r.workload,
    r.unit,
    ...t.columns.map((c) => r.cells[c.id]?.text ?? ''),
    r.bestPeer ?? '—',
  ]);
  const widths = head.map((h, i) => Math.max([...h].length, ...body.map((b) => [...b[i]].length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i], i >= 2)).join('  ');
  const out = [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)];
  out.push('', 'Kindling cells: median (speed vs the best peer; >1× is faster). Peers: median only.');
  if (t.notes.length) out.push('', ...t.notes);
  return out.join('\n');
}

/** The same table in Markdown (for BENCHMARKS.md). */
export function renderMarkdown(report: BenchReport): string {
  const t = buildTable(report);
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const head = [
    'workload',
    'unit',
    ...t.columns.map((c) => (c.kind === 'kindling' ? `**${c.label}**` : c.label)),
    'best peer',
  ];
  const out = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`];
  for (const r of t.rows)
    out.push(
      `| ${[esc(r.title), r.unit, ...t.columns.map((c) => esc(r.cells[c.id]?.text ?? '')), r.bestPeer ?? '—'].join(' | ')} |`,
    );
  if (t.notes.length) out.push('', ...t.notes.map((n) => `- ${esc(n)}`));
  return out.join('\n');
}
