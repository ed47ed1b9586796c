/**
 * The dashboard: loads result JSON files (results/index.json from the server, or files the
 * visitor picks), draws one bar chart per workload (Chart.js), a table, a history across runs,
 * the op × backend support matrix from the kernel registry, and the "run here" mode.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Title,
  Tooltip,
} from 'chart.js';
import { buildTable, fmt } from '../src/report.js';
import { WORKLOADS } from '../src/workloads/defs.js';
import type { BenchReport, ResultRow } from '../src/workloads/types.js';
import { type LiveEnv, liveEnv, runLive } from './live.js';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LogarithmicScale,
  LineElement,
  PointElement,
  Title,
  Tooltip,
  Legend,
);

interface Run {
  name: string;
  report: BenchReport;
  live: boolean;
}

const state = {
  runs: [] as Run[],
  current: null as Run | null,
  live: null as Run | null,
  charts: [] as Chart[],
  env: null as LiveEnv | null,
};

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const logScale = () => $<HTMLInputElement>('log-scale').checked;

const KINDLING = ['#e8590c', '#f76707', '#fd7e14', '#ff922b', '#ffa94d', '#ffc078'];
const PEERS = ['#4263eb', '#1098ad', '#7048e8', '#495057', '#0ca678'];

function colorFor(id: string, kind: 'kindling' | 'peer', index: number): string {
  const base = id.endsWith('@browser') ? 3 : 0;
  return kind === 'kindling'
    ? KINDLING[(base + index) % KINDLING.length]
    : PEERS[(base + index) % PEERS.length];
}

function isReport(x: unknown): x is BenchReport {
  const r = x as BenchReport;
  return !!r && r.tool === '@kindling/bench' && Array.isArray(r.results) && Array.isArray(r.workloads);
}

function runName(r: BenchReport, file?: string): string {
  const when = r.startedAt.replace('T', ' ').slice(0, 16);
  const tag = r.runtime === 'browser' ? 'live in browser' : r.options.quick ? 'quick' : 'full';
  return `${when} (${tag})${file ? ` — ${file}` : ''}`;
}

function addRun(report: BenchReport, file?: string, live = false): void {
  const run = { name: runName(report, file), report, live };
  if (live) {
    if (state.live) state.runs.splice(state.runs.indexOf(state.live), 1);
    state.live = run;
  }
  state.runs.push(run);
  state.runs.sort((a, b) => a.report.startedAt.localeCompare(b.report.startedAt));
  // Show the newest saved run; a live run is overlaid on it (or shown alone when none is loaded).
  if (!live || !state.current) state.current = state.runs.filter((r) => !r.live).at(-1) ?? run;
}

/** The selected saved run with the latest live run overlaid (engines suffixed `@browser`). */
function view(): BenchReport | null {
  const base = state.current?.report ?? null;
  const live = state.live?.report ?? null;
  if (!base) return live;
  if (!live || base === live) return base;
  const rename = (id: string) => `${id}@browser`;
  const workloads = [...base.workloads];
  for (const w of live.workloads) if (!workloads.some((x) => x.id === w.id)) workloads.push(w);
  return {
    ...base,
    workloads,
    engines: [...base.engines, ...live.engines.map((e) => ({ ...e, id: rename(e.id) }))],
    results: [...base.results, ...live.results.map((r) => ({ ...r, engine: rename(r.engine) }))],
  };
}

function renderRunSelect(): void {
  const sel = $<HTMLSelectElement>('run-select');
  sel.innerHTML = '';
  state.runs.forEach((r, i) => {
    const o = document.createElement('option');
    o.value = String(i);
    o.textContent = r.name;
    o.selected = r === state.current;
    sel.append(o);
  });
}

function renderInfo(r: BenchReport | null): void {
  const el = $('run-info');
  if (!r) return;
  const m = r.machine;
  const engines = r.engines.map((e) => e.id).join(', ');
  const skipped = r.skipped.map((s) => `${s.id} (${s.reason})`).join('; ');
  el.textContent =
    `${r.runtime === 'node' ? `${m.cpuModel ?? ''}, ${m.logicalCores} cores, Node ${m.node}` : `${m.userAgent}`} · ` +
    `command: ${r.command} · engines: ${engines}${skipped ? ` · skipped: ${skipped}` : ''}` +
    (r.options.quick ? ' · QUICK mode: smoke-test figures' : '');
}

function destroyCharts(): void {
  for (const c of state.charts) c.destroy();
  state.charts = [];
}

function chartBox(parent: HTMLElement, testid: string): { canvas: HTMLCanvasElement; caption: HTMLElement } {
  const box = document.createElement('div');
  box.className = 'chart';
  box.dataset.testid = testid;
  const inner = document.createElement('div');
  inner.className = 'canvas-box';
  const canvas = document.createElement('canvas');
  inner.append(canvas);
  const caption = document.createElement('div');
  caption.className = 'caption';
  box.append(inner, caption);
  parent.append(box);
  return { canvas, caption };
}

function renderCharts(r: BenchReport | null): void {
  const host = $('charts');
  host.innerHTML = '';
  if (!r) return;
  const kind = new Map(r.engines.map((e) => [e.id, e.kind]));
  for (const w of r.workloads) {
    const rows = r.engines
      .map((e) => r.results.find((x) => x.workload === w.id && x.engine === e.id))
      .filter((x): x is ResultRow => !!x);
    const ok = rows.filter((x) => x.status === 'ok' && x.metric);
    const { canvas, caption } = chartBox(host, `chart-${w.id}`);
    const notOk = rows.filter((x) => x.status !== 'ok');
    caption.textContent =
      `${w.higherIsBetter ? 'higher' : 'lower'} is better` +
      (notOk.length
        ? ` · ${notOk.map((x) => `${x.engine}: ${x.status === 'failed' ? 'FAILED check' : x.status}`).join(', ')}`
        : '');
    let ki = 0;
    let pi = 0;
    const colors = ok.map((x) =>
      kind.get(x.engine) === 'kindling'
        ? colorFor(x.engine, 'kindling', ki++)
        : colorFor(x.engine, 'peer', pi++),
    );
    const cfg: ChartConfiguration<'bar'> = {
      type: 'bar',
      data: {
        labels: ok.map((x) => x.engine),
        datasets: [
          {
            label: `median ${w.unit}`,
            data: ok.map((x) => x.metric!.median),
            backgroundColor: colors,
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          title: { display: true, text: `${w.title} (${w.unit})` },
          tooltip: {
            callbacks: {
              label: (ctx) => {
                const x = ok[ctx.dataIndex];
                return `${fmt(x.metric!.median)} ${w.unit} (min ${fmt(x.metric!.min)}, max ${fmt(x.metric!.max)}, ${x.samplesMs?.length ?? 0} samples)`;
              },
            },
          },
        },
        scales: {
          y: logScale()
            ? {
                type: 'logarithmic',
                // start a decade below the smallest bar so that every bar stays visible
                min: 10 ** Math.floor(Math.log10(Math.min(...ok.map((x) => x.metric!.median)) / 1.5)),
                title: { display: true, text: `${w.unit} (log)` },
              }
            : { beginAtZero: true, title: { display: true, text: w.unit } },
        },
      },
    };
    state.charts.push(new Chart(canvas, cfg));
  }
}

function renderTable(r: BenchReport | null): void {
  const host = $('table');
  host.innerHTML = '';
  if (!r) return;
  const t = buildTable(r);
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const h of ['workload', 'unit', ...t.columns.map((c) => c.label), 'best peer']) {
    const th = document.createElement('th');
    th.textContent = h;
    if (t.columns.find((c) => c.label === h)?.kind === 'kindling') th.className = 'kindling';
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of t.rows) {
    const tr = body.insertRow();
    tr.insertCell().textContent = row.title;
    tr.insertCell().textContent = row.unit;
    for (const c of t.columns) {
      const cell = row.cells[c.id];
      const td = tr.insertCell();
      td.textContent = cell?.text ?? '';
      if (cell?.note) td.title = cell.note;
      if (cell?.status === 'failed' || cell?.status === 'error') td.className = 'bad';
      else if (cell?.status === 'unavailable' || cell?.status === 'missing') td.className = 'na';
      else if (cell?.ratio !== undefined) td.className = cell.ratio >= 1 ? 'faster' : 'slower';
    }
    tr.insertCell().textContent = row.bestPeer ?? '—';
  }
  host.append(table);
  if (t.notes.length) {
    const notes = document.createElement('div');
    notes.className = 'notes';
    for (const n of t.notes) {
      const p = document.createElement('div');
      p.textContent = n;
      notes.append(p);
    }
    host.append(notes);
  }
}

function renderHistory(): void {
  const host = $('history-charts');
  host.innerHTML = '';
  const runs = state.runs.filter((r) => !r.live);
  if (runs.length === 0) return;
  const labels = runs.map((r) => r.report.startedAt.slice(0, 16).replace('T', ' '));
  const ids = new Set(runs.flatMap((r) => r.report.workloads.map((w) => w.id)));
  for (const w of WORKLOADS.filter((x) => ids.has(x.id))) {
    const engines = [...new Set(runs.flatMap((r) => r.report.engines.map((e) => `${e.kind}:${e.id}`)))];
    let ki = 0;
    let pi = 0;
    const datasets = engines.map((key) => {
      const [kind, id] = key.split(':') as ['kindling' | 'peer', string];
      const color = kind === 'kindling' ? colorFor(id, 'kindling', ki++) : colorFor(id, 'peer', pi++);
      return {
        label: id,
        data: runs.map((r) => {
          const x = r.report.results.find((y) => y.workload === w.id && y.engine === id);
          return x?.status === 'ok' && x.metric ? x.metric.median : null;
        }),
        borderColor: color,
        backgroundColor: color,
        spanGaps: true,
      };
    });
    const { canvas, caption } = chartBox(host, `history-${w.id}`);
    caption.textContent = `${runs.length} run(s); ${w.higherIsBetter ? 'higher' : 'lower'} is better`;
    state.charts.push(
      new Chart(canvas, {
        type: 'line',
        data: { labels, datasets },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          plugins: {
            title: { display: true, text: `${w.title} (${w.unit})` },
            legend: { position: 'bottom', labels: { boxWidth: 10 } },
          },
          scales: { y: logScale() ? { type: 'logarithmic' } : { beginAtZero: true } },
        },
      }),
    );
  }
}

function renderMatrix(env: LiveEnv): void {
  const host = $('matrix-table');
  host.innerHTML = '';
  const backends = [...new Set(Object.values(env.kernels).flat())].sort();
  const ops = Object.entries(env.kernels);
  const summary = document.createElement('p');
  summary.className = 'info';
  summary.textContent = `${ops.length} ops with a kernel somewhere; ${backends
    .map((b) => `${b}: ${ops.filter(([, have]) => have.includes(b)).length}`)
    .join(', ')}`;
  host.append(summary);
  // Several short tables side by side instead of one very long one.
  const grid = document.createElement('div');
  grid.className = 'matrix-grid';
  const per = Math.ceil(ops.length / Math.max(1, Math.ceil(ops.length / 40)));
  for (let start = 0; start < ops.length; start += per) {
    const table = document.createElement('table');
    const head = table.createTHead().insertRow();
    for (const h of ['op', ...backends]) {
      const th = document.createElement('th');
      th.textContent = h;
      head.append(th);
    }
    const body = table.createTBody();
    for (const [op, have] of ops.slice(start, start + per)) {
      const tr = body.insertRow();
      tr.insertCell().textContent = op;
      for (const b of backends) {
        const td = tr.insertCell();
        const yes = have.includes(b);
        td.textContent = yes ? '✓' : '·';
        td.className = yes ? 'yes' : 'no';
      }
    }
    grid.append(table);
  }
  host.append(grid);
}

function render(): void {
  destroyCharts();
  const r = view();
  renderRunSelect();
  renderInfo(r);
  renderCharts(r);
  renderTable(r);
  renderHistory();
}

async function loadFromServer(): Promise<void> {
  const urls = new URLSearchParams(location.search).get('results')?.split(',') ?? [];
  if (urls.length === 0) {
    try {
      const res = await fetch('results/index.json');
      if (res.ok) urls.push(...((await res.json()) as string[]).map((f) => `results/${f}`));
    } catch {
      // no server-side results (e.g. opened from disk)
    }
  }
  for (const u of urls) {
    try {
      const data = await (await fetch(u)).json();
      if (isReport(data)) addRun(data, u.split('/').pop());
    } catch {
      // skip unreadable files
    }
  }
}

async function loadFiles(files: FileList | null): Promise<void> {
  for (const f of Array.from(files ?? [])) {
    try {
      const data = JSON.parse(await f.text());
      if (isReport(data)) addRun(data, f.name);
      else alert(`${f.name} is not a @kindling/bench result file`);
    } catch (e) {
      alert(`${f.name}: ${e instanceof Error ? e.message : e}`);
    }
  }
  render();
}

function setupLive(env: LiveEnv): void {
  $('live-env').textContent =
    `crossOriginIsolated: ${env.isolated} · WebGPU adapter: ${env.adapter ?? 'none'}` +
    (env.skipped.length
      ? ` · unavailable here: ${env.skipped.map((s) => `${s.id} (${s.reason})`).join('; ')}`
      : '');
  const enginesBox = $('live-engines');
  for (const e of env.engines) {
    const l = document.createElement('label');
    l.innerHTML = `<input type="checkbox" name="engine" value="${e.id}" ${e.id === 'cpu' ? 'checked' : ''}/> ${e.label}`;
    enginesBox.append(l);
  }
  for (const s of env.skipped) {
    const l = document.createElement('label');
    l.className = 'disabled';
    l.title = s.reason;
    l.innerHTML = `<input type="checkbox" disabled/> ${s.label}`;
    enginesBox.append(l);
  }
  const wBox = $('live-workloads');
  for (const w of WORKLOADS) {
    const l = document.createElement('label');
    const onByDefault = ['matmul-128', 'add-1m', 'exp-1m', 'mlp-train-step'].includes(w.id);
    l.innerHTML = `<input type="checkbox" name="workload" value="${w.id}" ${onByDefault ? 'checked' : ''}/> ${w.title}`;
    wBox.append(l);
  }
  const button = $<HTMLButtonElement>('live-run');
  const status = $('live-status');
  const progress = $<HTMLProgressElement>('live-progress');
  button.disabled = false;
  status.textContent = 'ready';
  button.onclick = async () => {
    const checked = (name: string) =>
      Array.from(document.querySelectorAll<HTMLInputElement>(`input[name=${name}]:checked`)).map(
        (i) => i.value,
      );
    button.disabled = true;
    status.dataset.state = 'running';
    try {
      const report = await runLive({
        engines: checked('engine'),
        workloads: checked('workload'),
        quick: $<HTMLInputElement>('live-quick').checked,
        onProgress: (e) => {
          progress.max = e.total;
          progress.value = e.done;
          status.textContent =
            e.phase === 'start'
              ? `running ${e.workload} on ${e.engine}…`
              : `${e.workload} on ${e.engine}: ${e.row?.status}`;
        },
      });
      addRun(report, undefined, true);
      const ok = report.results.filter((x) => x.status === 'ok').length;
      status.textContent = `done: ${ok}/${report.results.length} results ok (shown in the charts as <backend>@browser)`;
      status.dataset.state = 'done';
      const a = $<HTMLAnchorElement>('live-download');
      a.href = URL.createObjectURL(new Blob([JSON.stringify(report, null, 2)], { type: 'application/json' }));
      a.download = `bench-browser-${report.startedAt.replace(/[:.]/g, '-')}.json`;
      a.hidden = false;
      render();
    } catch (e) {
      status.textContent = `error: ${e instanceof Error ? e.message : e}`;
      status.dataset.state = 'error';
    } finally {
      button.disabled = false;
    }
  };
}

async function main(): Promise<void> {
  $<HTMLSelectElement>('run-select').onchange = (e) => {
    state.current = state.runs[Number((e.target as HTMLSelectElement).value)] ?? null;
    render();
  };
  $<HTMLInputElement>('log-scale').onchange = () => render();
  $<HTMLInputElement>('file').onchange = (e) => loadFiles((e.target as HTMLInputElement).files);
  document.body.ondragover = (e) => e.preventDefault();
  document.body.ondrop = (e) => {
    e.preventDefault();
    void loadFiles(e.dataTransfer?.files ?? null);
  };
  await loadFromServer();
  render();
  document.body.dataset.loaded = 'results';
  try {
    state.env = await liveEnv();
    setupLive(state.env);
    renderMatrix(state.env);
  } catch (e) {
    $('live-status').textContent = `backends failed to load: ${e instanceof Error ? e.message : e}`;
  }
  document.body.dataset.loaded = 'all';
}

/** For tests and the console: what is on screen. */
(globalThis as unknown as { __bench: unknown }).__bench = {
  state,
  chartData: () =>
    state.charts.map((c) => ({
      id: (c.canvas.closest('.chart') as HTMLElement | null)?.dataset.testid,
      type: (c.config as { type?: string }).type,
      labels: c.data.labels,
      data: c.data.datasets.map((d) => d.data),
    })),
};

void main();
