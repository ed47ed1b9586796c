/**
 * The conformance suite on 'webgpu' (Dawn on SwiftShader in Node): every case runs with
 * asynchronous reads (`runCaseAsync`) and is compared with the cpu backend within float32
 * tolerance, gradients included. Cases that cannot run on this device are skipped with the reason
 * shown in the report: float64 (no 64-bit floats in WGSL) and ops that need a synchronous read.
 */
import '@kindling/backend-cpu';
import '@kindling/backend-webgpu';
import { hasKernel, listKernels } from '@kindling/core';
import { conformanceCases, runCaseAsync } from '@kindling/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupWebGPU } from './setup.js';

beforeAll(setupWebGPU);

const SKIP_PATTERNS: [RegExp, string][] = [
  [/float64 is not supported on webgpu/, 'float64 is not supported on webgpu (WGSL has no 64-bit floats)'],
  [/cannot read synchronously/, 'the op needs a synchronous read (use its async variant on webgpu)'],
];

describe('conformance on webgpu (vs cpu, float32 tolerance)', () => {
  for (const c of conformanceCases) {
    it(`${c.op}: ${c.name}`, async (ctx) => {
      if (c.inputs.some((i) => i.dtype === 'float64'))
        return ctx.skip('float64 is not supported on webgpu (WGSL has no 64-bit floats)');
      try {
        await runCaseAsync(c, 'webgpu');
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        for (const [re, reason] of SKIP_PATTERNS) if (re.test(msg)) return ctx.skip(reason);
        throw e;
      }
    });
  }
});

describe('kernel coverage', () => {
  it('registers a webgpu kernel for every kernel cpu registers', () => {
    const cpu = listKernels()
      .filter((k) => k.backend === 'cpu')
      .map((k) => k.op);
    const missing = cpu.filter((op) => !hasKernel(op, 'webgpu'));
    expect(missing).toEqual([]);
  });
});
