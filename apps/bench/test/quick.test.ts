/**
 * Smoke test of the runner: quick mode on Kindling cpu and tfjs-cpu, programmatically. Checks
 * that every workload produced a row per engine and that the JSON has the documented shape.
 * No speed assertions: the machine is shared and noisy.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BenchReport, renderMarkdown, renderText, runBench, selectWorkloads } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'kindling-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench --quick', () => {
  it('runs every quick workload on cpu and tfjs-cpu and writes the JSON', async () => {
    const run = await runBench({ quick: true, backends: ['cpu', 'tfjs-cpu'], outDir: dir, command: 'test' });
    expect(run.jsonPath).toBeTruthy();
    const report = JSON.parse(readFileSync(run.jsonPath as string, 'utf8')) as BenchReport;

    expect(report).toMatchObject({ schema: 1, tool: '@kindling/bench', runtime: 'node' });
    expect(report.options).toMatchObject({ quick: true, backends: ['cpu', 'tfjs-cpu'] });
    expect(typeof report.machine.cpuModel).toBe('string');
    expect(report.machine.node).toBe(process.version);
    expect(report.versions['@kindling/core']).toBeTruthy();
    expect(report.versions['@tensorflow/tfjs']).toBe('4.22.0');
    expect(report.engines.map((e) => e.id)).toEqual(['cpu', 'tfjs-cpu']);
    expect(report.engines.map((e) => e.kind)).toEqual(['kindling', 'peer']);
    expect(report.kernels.matmul).toContain('cpu');

    const quick = selectWorkloads([], true, null).map((w) => w.id);
    expect(report.workloads.map((w) => w.id)).toEqual(quick);
    expect(report.results).toHaveLength(quick.length * 2);
    for (const w of report.workloads) {
      expect(w.unit).toMatch(/GFLOP\/s|GB\/s|ms|µs\/op|s/);
      for (const engine of ['cpu', 'tfjs-cpu']) {
        const r = report.results.find((x) => x.workload === w.id && x.engine === engine);
        expect(r, `${w.id} on ${engine}`).toBeDefined();
        // A wrong answer would be 'failed'; a crash 'error'. Missing Kindling features may be 'unavailable'.
        expect(['ok', 'unavailable'], `${w.id} on ${engine}: ${r?.reason}`).toContain(r?.status);
        if (r?.status === 'ok') {
          expect(r.samplesMs!.length).toBeGreaterThanOrEqual(2);
          for (const s of r.samplesMs!) expect(s).toBeGreaterThan(0);
          expect(r.metric!.min).toBeLessThanOrEqual(r.metric!.median);
          expect(r.metric!.median).toBeLessThanOrEqual(r.metric!.max);
          expect(r.check?.ok).toBe(true);
          expect(r.check?.against).toBe(engine === 'cpu' ? null : 'cpu');
        }
      }
    }
    // The peer agrees with Kindling on the basic workloads, so the comparison is like for like.
    for (const id of ['matmul-128', 'add-1m', 'exp-1m', 'mlp-train-step'])
      expect(report.results.find((r) => r.workload === id && r.engine === 'tfjs-cpu')?.status).toBe('ok');

    const text = renderText(report);
    expect(text).toContain('best peer');
    expect(text).toContain('matmul-128');
    expect(renderMarkdown(report).split('\n')[0]).toMatch(/^\| workload \| unit \| \*\*cpu\*\* \| tfjs-cpu/);
  });

  it('reports a workload a backend cannot run as unavailable instead of crashing', async () => {
    const run = await runBench({
      quick: true,
      filter: ['mlp-train'],
      backends: ['cpu', 'ort'],
      outDir: null,
    });
    const ort = run.report.results.find((r) => r.engine === 'ort');
    if (ort) expect(ort).toMatchObject({ status: 'unavailable' });
    else expect(run.report.skipped.map((s) => s.id)).toContain('ort');
  });
});
