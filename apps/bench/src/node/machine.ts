/** What the JSON records about where a run happened. Node only. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/bench, found from this file whether it runs from src/ or dist/. */
export function benchRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === '@kindling/bench') return dir;
    dir = dirname(dir);
  }
  throw new Error('bench: cannot find apps/bench');
}

export function machineInfo(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    platform: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    cpuModel: cpus[0]?.model ?? 'unknown',
    logicalCores: cpus.length,
    availableParallelism: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
    v8: process.versions.v8,
    hostname: os.hostname(),
  };
}

function gitInfo(root: string): Record<string, string> {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).trim() !== '';
    return { git: `${commit}${dirty ? '-dirty' : ''}` };
  } catch {
    return {};
  }
}

/** Versions of the workspace packages and the bench itself. */
export function workspaceVersions(): Record<string, string> {
  const root = benchRoot();
  const out: Record<string, string> = {};
  const packages = join(root, '..', '..', 'packages');
  for (const name of ['core', 'backend-cpu', 'backend-wasm', 'backend-webgpu', 'nn']) {
    const p = join(packages, name, 'package.json');
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, 'utf8'));
      out[pkg.name] = pkg.version;
    }
  }
  return { ...out, ...gitInfo(root) };
}
