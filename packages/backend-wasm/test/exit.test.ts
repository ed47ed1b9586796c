/**
 * A Node script that imports the backend, initialises it (starting the worker threads) and computes
 * must exit on its own: the pool's workers are unreferenced once ready, so they never keep the
 * event loop alive. Runs the built package (dist/, what `import '@kindling/backend-wasm'` loads in
 * Node) in a child process; turbo builds it before the tests (see turbo.json).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const built =
  existsSync(new URL('../dist/index.js', import.meta.url)) &&
  existsSync(new URL('../build/kindling.wasm', import.meta.url));

const SCRIPT = `
import * as k from '@kindling/core';
import { setNumThreads, wasmBackend } from '@kindling/backend-wasm';
await k.initBackend('wasm');
await setNumThreads(Number(process.env.THREADS));
const a = k.randn([256, 256], { device: 'wasm' });
const s = a.matmul(a).mul(0.01).exp().sum().item();
console.log(JSON.stringify({ threads: wasmBackend.features.threads, finite: typeof s === 'number' }));
`;

describe('process exit', () => {
  for (const threads of [1, 2]) {
    it(`a script that initialises the backend (${threads} thread${threads > 1 ? 's' : ''}) and computes exits by itself`, () => {
      expect(built, 'build the package first: pnpm --filter @kindling/backend-wasm build').toBe(true);
      const t0 = Date.now();
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], {
        cwd: pkgDir,
        env: { ...process.env, THREADS: String(threads) },
        encoding: 'utf8',
        timeout: 20_000,
      });
      const elapsed = Date.now() - t0;
      expect(r.error, `the child did not exit within 20 s (${r.error?.message})`).toBeUndefined();
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
      expect(out.finite).toBe(true);
      expect(out.threads).toBe(threads);
      // Start-up (module compile, workers) takes well under a second; a hang would hit the timeout.
      expect(elapsed).toBeLessThan(10_000);
    });
  }
});
