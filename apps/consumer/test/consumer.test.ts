// Runs scripts/consumer-test.mjs (pack every package, install the tarballs with npm into a project
// outside the workspace, train in Node, type-check, bundle with Vite and train in Chromium) and
// checks each step's result. turbo builds the @kindling/* devDependencies first (`^build`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const requiredPackages = Object.keys(
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).devDependencies,
).filter((n) => n.startsWith('@kindling/'));

interface DeviceResult {
  first: number;
  last: number;
  trained: boolean;
  maxDiff: number;
  error?: string;
}
interface ConsumerResult {
  packages: Record<string, { workspaceRanges: string[] }>;
  skipped: Record<string, string>;
  node: Record<string, DeviceResult> | null;
  typecheck: Record<string, string>;
  browser: { skipped?: string; devices?: Record<string, DeviceResult> } | null;
  warnings: string[];
  failures: string[];
}

let result: ConsumerResult;
let output = '';
const dir = mkdtempSync(join(tmpdir(), 'kindling-consumer-report-'));

beforeAll(() => {
  const file = join(dir, 'result.json');
  try {
    output = execFileSync(process.execPath, [join(root, 'scripts/consumer-test.mjs'), '--json', file], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 580_000,
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    output = `${err.stdout ?? ''}\n${err.stderr ?? ''}`;
  }
  console.log(output.replace(/^CONSUMER_RESULT .*$/m, ''));
  result = JSON.parse(readFileSync(file, 'utf8'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('packages installed from tarballs', () => {
  it('packs every required package with workspace ranges rewritten', () => {
    for (const name of requiredPackages) {
      expect(result.packages[name], `${name} was not packed`).toBeDefined();
      expect(result.packages[name].workspaceRanges).toEqual([]);
    }
  });

  it('trains in Node on every required backend but webgpu and round-trips the weights through safetensors', () => {
    const devices = requiredPackages
      .filter((n) => n.startsWith('@kindling/backend-') && n !== '@kindling/backend-webgpu')
      .map((n) => n.slice('@kindling/backend-'.length));
    expect(devices).toContain('cpu');
    for (const d of devices) {
      const r = result.node?.[d];
      expect(r, `no Node result for ${d}`).toBeDefined();
      expect(r!.trained, d).toBe(true);
      expect(r!.maxDiff, d).toBe(0);
    }
  });

  it('type-checks a TypeScript consumer against the published types', () => {
    expect(result.typecheck).toEqual({ nodenext: 'ok', bundler: 'ok' });
  });

  it('builds a Vite page and trains in headless Chromium (when Chromium is installed)', (ctx) => {
    if (result.browser?.skipped) ctx.skip();
    const devices = result.browser?.devices ?? {};
    expect(devices.cpu?.trained).toBe(true);
    for (const [d, r] of Object.entries(devices)) {
      expect(r.error, d).toBeUndefined();
      expect(r.trained, d).toBe(true);
      expect(r.maxDiff, d).toBe(0);
    }
  });

  it('reports no failures', () => {
    expect(result.failures).toEqual([]);
  });
});
