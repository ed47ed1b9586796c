// Fails when a bundled consumer grows past its budget (scripts/bundle-size.budget.json, stated in
// docs/bundle-size.md), or when a bundle no longer runs (e.g. a `sideEffects` entry let the bundler
// drop a module that installs Tensor methods).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface SizeReport {
  results: { id: string; total: number; ran: boolean | null }[];
  budgets: Record<string, number>;
  failures: string[];
}

it('bundles stay within their size budgets and run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-size-report-'));
  try {
    const file = join(dir, 'size.json');
    try {
      const out = execFileSync(
        process.execPath,
        [join(root, 'scripts/bundle-size.mjs'), '--check', '--json', file],
        {
          cwd: root,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
          timeout: 300_000,
        },
      );
      console.log(out);
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      console.log(`${err.stdout ?? ''}\n${err.stderr ?? ''}`);
    }
    const report: SizeReport = JSON.parse(readFileSync(file, 'utf8'));
    expect(report.failures).toEqual([]);
    const ids = report.results.map((r) => r.id);
    expect(ids).toContain('core-cpu');
    expect(ids).toContain('core-cpu-nn');
    for (const r of report.results) expect(r.total, r.id).toBeLessThanOrEqual(report.budgets[r.id]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
