/**
 * The backend in a real browser: the page bundles @kindling/core + backend-cpu + backend-webgpu
 * (built with vite), headless Chromium (Debian's, through playwright-core, WebGPU on SwiftShader)
 * trains a small MLP, the seed DynamicRNN model (packed sequences) and the MNIST demo's MLP for a
 * few steps each, and the losses must fall and match the cpu backend's.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { afterAll, expect, it } from 'vitest';
import { CHROMIUM, chromiumLaunchOptions } from '../../../scripts/lib/chromium.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'kindling-webgpu-browser-'));
let server: Server | null = null;

afterAll(() => {
  server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

it.skipIf(!existsSync(CHROMIUM))(
  'trains on webgpu in headless Chromium, matching cpu',
  async () => {
    const out = join(tmp, 'dist');
    await build({
      configFile: false,
      logLevel: 'error',
      root: here,
      resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
      build: {
        outDir: out,
        emptyOutDir: true,
        minify: false,
        lib: { entry: join(here, 'browser/entry.ts'), formats: ['es'], fileName: () => 'bundle.js' },
      },
    });
    const html = '<!doctype html><meta charset="utf-8"><script type="module" src="/bundle.js"></script>';
    const bundle = readFileSync(join(out, 'bundle.js'));
    server = createServer((req, res) => {
      if (req.url === '/bundle.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const home = join(tmp, 'home');
    const browser = await chromium.launch(chromiumLaunchOptions(home));
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => typeof window.runTraining === 'function', null, { timeout: 30_000 });
      const r = await page.evaluate(() => window.runTraining());
      expect(errors).toEqual([]);
      expect(r.adapter.length).toBeGreaterThan(0);
      expect(r.reads).toBe(r.gpu.length);
      expect(r.gpu[r.gpu.length - 1]).toBeLessThan(r.gpu[0]);
      r.gpu.forEach((l, i) => expect(l).toBeCloseTo(r.cpu[i], 3));
      for (const program of ['runDynamicRNN', 'runMlp'] as const) {
        const c = await page.evaluate((name) => window[name](), program);
        expect(errors).toEqual([]);
        expect(c.gpu.length).toBeGreaterThan(1);
        expect(c.gpu[c.gpu.length - 1]).toBeLessThan(c.gpu[0]);
        c.gpu.forEach((l, i) => expect(l).toBeCloseTo(c.cpu[i], 3));
      }
    } finally {
      await browser.close();
    }
  },
  300_000,
);
