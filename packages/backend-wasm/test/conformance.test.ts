import '@kindling/backend-cpu';
import '@kindling/backend-wasm';
import * as k from '@kindling/core';
import { conformanceCases, runCase } from '@kindling/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';

await k.initBackend('wasm');

const kernelsOn = (backend: string) =>
  new Set(
    k
      .listKernels()
      .filter((e) => e.backend === backend)
      .map((e) => e.op),
  );
const cpuKernels = kernelsOn('cpu');
const wasmKernels = kernelsOn('wasm');
const missing = [...cpuKernels].filter((op) => !wasmKernels.has(op)).sort();

describe('wasm kernel coverage', () => {
  it('lists the cpu kernels without a wasm kernel', () => {
    // Visible in the report: every op the reference backend implements should have a wasm kernel.
    expect(missing).toEqual([]);
  });
});

describe('conformance on wasm (against cpu)', () => {
  beforeAll(() => {
    expect(k.getBackend('wasm').features?.simd).toBe(true);
  });
  for (const c of conformanceCases) {
    const title = `${c.op}: ${c.name}`;
    if (missing.includes(c.op)) it.skip(`${title} (no wasm kernel for '${c.op}')`, () => {});
    else it(title, () => runCase(c, 'wasm'));
  }
});
