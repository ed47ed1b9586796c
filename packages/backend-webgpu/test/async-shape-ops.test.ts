/**
 * Ops whose output size depends on the data (maskedSelect, nonzero, boolean-mask indexing) need a
 * read before they can allocate; on webgpu the async variants do that read and must agree with the
 * synchronous ops on cpu, gradients included.
 */
import '@kindling/backend-cpu';
import '@kindling/backend-webgpu';
import * as k from '@kindling/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupWebGPU } from './setup.js';

beforeAll(setupWebGPU);

const X = [0.5, -1, 2, 0, 3.25, -4, 0, 7, 1.5, -0.25, 9, 0];
const M = [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1];

describe('data-dependent output sizes on webgpu', () => {
  it('the sync ops name their async variants', () => {
    const x = k.tensor(X, { shape: [3, 4], device: 'webgpu' });
    expect(() => k.nonzero(x)).toThrow(/itemAsync|data\(\)|async/i);
  });
  it('maskedSelectAsync matches maskedSelect on cpu, with a broadcast mask and gradients', async () => {
    const run = async (device: string) => {
      const x = k.tensor(X, { shape: [3, 4], device, requiresGrad: true });
      const mask = k.tensor(M.slice(0, 4), { dtype: 'bool', device, shape: [4] });
      const y = device === 'cpu' ? k.maskedSelect(x, mask) : await k.maskedSelectAsync(x, mask);
      y.mul(k.arange(y.shape[0], { device }).add(1)).sum().backward();
      return { y: Array.from(await y.data()), g: Array.from(await x.grad!.data()), shape: y.shape };
    };
    const [gpu, cpu] = [await run('webgpu'), await run('cpu')];
    expect(gpu).toEqual(cpu);
    expect(cpu.shape).toEqual([9]);
  });
  it('nonzeroAsync matches nonzero on cpu (and an empty result keeps its shape)', async () => {
    for (const vals of [X, new Array(12).fill(0)]) {
      const gpu = await k.nonzeroAsync(k.tensor(vals, { shape: [3, 4], device: 'webgpu' }));
      const cpu = k.nonzero(k.tensor(vals, { shape: [3, 4] }));
      expect(gpu.device).toBe('webgpu');
      expect(gpu.shape).toEqual(cpu.shape);
      expect(await gpu.tolistAsync()).toEqual(cpu.tolist());
    }
  });
  it('boolean-mask selection via nonzeroAsync + index equals x[mask] on cpu', async () => {
    const mask = M.map(Boolean);
    const x = k.tensor(X, { shape: [3, 4], device: 'webgpu' });
    const where = await k.nonzeroAsync(k.tensor(mask, { dtype: 'bool', shape: [3, 4], device: 'webgpu' }));
    const picked = x.index(where.select(1, 0), where.select(1, 1));
    const cpuX = k.tensor(X, { shape: [3, 4] });
    expect(await picked.tolistAsync()).toEqual(
      cpuX.index(k.tensor(mask, { dtype: 'bool', shape: [3, 4] })).tolist(),
    );
  });
});
