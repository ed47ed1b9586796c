/**
 * The dashboard in a real browser: builds the static page with the committed fixture as its only
 * result file, serves it on 127.0.0.1 (COOP/COEP on), opens it in Debian's Chromium (headless,
 * through playwright-core; no browser download), checks that the charts, table and support matrix
 * render, runs "run here" on cpu and wasm for one quick workload, and saves a
 * screenshot to apps/bench/results/dashboard.png.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, chromiumLaunchOptions } from '../../../scripts/lib/chromium.mjs';
import type { BenchReport } from '../src/workloads/types.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixtureDir = join(root, 'test/fixtures');
const fixture = JSON.parse(readFileSync(join(fixtureDir, 'results-fixture.json'), 'utf8')) as BenchReport;

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

interface ChartInfo {
  id?: string;
  type?: string;
  labels: string[];
  data: Array<Array<number | null>>;
}

describe.skipIf(!existsSync(CHROMIUM))('dashboard (Chromium)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'kindling-dashboard-'));
  const outDir = join(tmp, 'site');
  let server: PreviewServer;
  let context: BrowserContext;
  let page: Page;
  let url = '';
  const errors: string[] = [];

  beforeAll(async () => {
    process.env.BENCH_RESULTS_DIR = fixtureDir;
    const configFile = join(root, 'vite.config.ts');
    await build({ configFile, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    const port = await freePort();
    server = await preview({
      configFile,
      logLevel: 'warn',
      build: { outDir },
      preview: { host: '127.0.0.1', port, strictPort: true, open: false },
    });
    url = `http://127.0.0.1:${port}/`;
    const home = join(tmp, 'home');
    mkdirSync(home, { recursive: true });
    context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
      ...chromiumLaunchOptions(home),
      viewport: { width: 1400, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => errors.push(String(e)));
  });

  afterAll(async () => {
    await context?.close();
    await new Promise<void>((ok) => (server ? server.httpServer.close(() => ok()) : ok()));
    rmSync(tmp, { recursive: true, force: true });
  });

  it('serves a cross-origin isolated page that draws the fixture as charts, a table and a history', async () => {
    const res = await page.goto(url);
    expect(res?.headers()['cross-origin-opener-policy']).toBe('same-origin');
    expect(res?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
    await page.waitForSelector('body[data-loaded="all"]', { timeout: 90_000 });
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);

    const charts = (await page.evaluate(() =>
      (globalThis as unknown as { __bench: { chartData(): unknown } }).__bench.chartData(),
    )) as ChartInfo[];
    const bars = charts.filter((c) => c.type === 'bar');
    expect(bars.map((c) => c.id)).toEqual(fixture.workloads.map((w) => `chart-${w.id}`));
    for (const w of fixture.workloads) {
      const chart = bars.find((c) => c.id === `chart-${w.id}`)!;
      const ok = fixture.results.filter((r) => r.workload === w.id && r.status === 'ok');
      expect(chart.labels).toEqual(ok.map((r) => r.engine));
      expect(chart.data[0]).toEqual(ok.map((r) => r.metric!.median));
    }
    // Kindling and both tfjs peers have bars on the basic workloads.
    const add = bars.find((c) => c.id === 'chart-add-1m')!;
    expect(add.labels).toEqual(expect.arrayContaining(['cpu', 'tfjs-cpu', 'tfjs-wasm']));

    // The canvases really have pixels drawn.
    const painted = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLCanvasElement>('#charts canvas')).map((c) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
      }),
    );
    expect(painted.length).toBe(fixture.workloads.length);
    for (const n of painted) expect(n).toBeGreaterThan(500);

    const rows = await page.locator('#table tbody tr').count();
    expect(rows).toBe(fixture.workloads.length);
    expect(await page.locator('#table').textContent()).toContain('×');
    expect(charts.filter((c) => c.type === 'line').length).toBe(fixture.workloads.length);
  });

  it('shows the op × backend matrix from the kernel registry', async () => {
    const header = await page.locator('#matrix-table thead tr').first().textContent();
    expect(header).toContain('cpu');
    const ops = await page.locator('#matrix-table tbody tr').count();
    expect(ops).toBeGreaterThan(50);
    expect(await page.locator('#matrix-table .info').textContent()).toMatch(/cpu: \d+/);
    expect(await page.locator('#matrix-table').textContent()).toContain('matmul');
  });

  it('runs a quick workload live on cpu and wasm and adds it to the charts', async () => {
    const engines = await page.$$eval('input[name=engine]', (xs) =>
      xs.map((x) => (x as HTMLInputElement).value),
    );
    expect(engines).toEqual(expect.arrayContaining(['cpu', 'wasm']));
    const live: string[] = ['cpu', 'wasm'];
    for (const e of engines) await page.setChecked(`input[name=engine][value="${e}"]`, live.includes(e));
    const workloads = await page.$$eval('input[name=workload]', (xs) =>
      xs.map((x) => (x as HTMLInputElement).value),
    );
    for (const w of workloads) await page.setChecked(`input[name=workload][value="${w}"]`, w === 'add-1m');
    await page.setChecked('#live-quick', true);
    await page.click('#live-run');
    await page.waitForSelector('#live-status[data-state="done"], #live-status[data-state="error"]', {
      timeout: 90_000,
    });
    const status = await page.locator('#live-status').textContent();
    expect(status, status ?? '').toMatch(/^done/);

    const report = (await page.evaluate(
      () =>
        (globalThis as unknown as { __bench: { state: { live: { report: unknown } } } }).__bench.state.live
          .report,
    )) as BenchReport;
    expect(report.runtime).toBe('browser');
    expect(report.results.map((r) => r.engine)).toEqual(live);
    for (const r of report.results) {
      expect(r.status, `${r.engine}: ${r.reason}`).toBe('ok');
      expect(r.metric!.median).toBeGreaterThan(0);
      if (r.engine !== 'cpu') expect(r.check).toMatchObject({ against: 'cpu', ok: true });
    }
    const charts = (await page.evaluate(() =>
      (globalThis as unknown as { __bench: { chartData(): unknown } }).__bench.chartData(),
    )) as ChartInfo[];
    const add = charts.find((c) => c.id === 'chart-add-1m')!;
    expect(add.labels).toEqual(expect.arrayContaining(['cpu', 'tfjs-cpu', 'cpu@browser', 'wasm@browser']));

    mkdirSync(join(root, 'results'), { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(root, 'results/dashboard.png'), fullPage: true });
    await page.screenshot({ path: join(root, 'results/dashboard-top.png') });
    expect(errors).toEqual([]);
  });
});
