/** The demo's test-size variant: a few digits per class, one epoch, and a sanity bar on accuracy. */
import { existsSync } from 'node:fs';
import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../src/data.js';
import { makeMlp } from '../src/models.js';
import { accuracy, train } from '../src/train.js';

describe('MNIST demo (test-size variant)', () => {
  it('loads real digits deterministically', () => {
    const { train: tr, test } = loadMnist({ limit: 20 });
    expect(tr.images.shape).toEqual([170, 1, 28, 28]);
    expect(test.images.shape).toEqual([30, 1, 28, 28]);
    expect(tr.labels.dtype).toBe('int32');
  });

  it('trains an MLP that beats chance by far', async () => {
    k.manualSeed(0);
    const { train: tr, test } = loadMnist({ limit: 120 });
    const model = makeMlp();
    const losses: number[] = [];
    await train(model, tr, {
      epochs: 3,
      batchSize: 32,
      lr: 0.002,
      seed: 0,
      onStep: (_e, _s, _n, l) => losses.push(l),
    });
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
    expect(await accuracy(model, test)).toBeGreaterThan(0.75);
  });
});

/**
 * The same training loop on the other devices (issues #4/#5): a few steps of the MNIST MLP on
 * real digits give the cpu's losses. WebGPU runs in Node on Dawn (SwiftShader without a GPU).
 */
describe('MNIST MLP on wasm and webgpu (a few steps, against cpu)', () => {
  const icd = '/usr/lib/chromium/vk_swiftshader_icd.json';
  let gpuObject: unknown = null;

  async function run(device: string): Promise<{ losses: number[]; acc: number }> {
    k.manualSeed(0);
    const { train: tr, test } = loadMnist({ limit: 12 });
    const onDevice = (s: typeof tr) => ({ images: s.images.to(device), labels: s.labels.to(device) });
    const model = makeMlp();
    if (device !== 'cpu') model.to(device);
    const losses: number[] = [];
    await train(model, onDevice(tr), {
      epochs: 1,
      batchSize: 16,
      lr: 0.002,
      seed: 0,
      logEvery: 1,
      onStep: (_e, _s, _n, l) => losses.push(l),
    });
    return { losses, acc: await accuracy(model, onDevice(test)) };
  }

  it('wasm', async () => {
    await import('@kindling/backend-wasm');
    await k.initBackend('wasm');
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(wasm.losses.length).toBe(cpu.losses.length);
    wasm.losses.forEach((l, i) => expect(l).toBeCloseTo(cpu.losses[i], 4));
    expect(wasm.acc).toBeCloseTo(cpu.acc, 6);
  });

  it.skipIf(!existsSync(icd) && !process.env.VK_ICD_FILENAMES)(
    'webgpu (Node, Dawn)',
    async () => {
      process.env.VK_ICD_FILENAMES ??= icd;
      const { initWebGPU } = await import('@kindling/backend-webgpu');
      const { create } = await import('webgpu');
      // Kept referenced: Dawn crashes if its GPU object is collected.
      gpuObject = create([]);
      await initWebGPU({ gpu: gpuObject as GPU });
      const cpu = await run('cpu');
      const gpu = await run('webgpu');
      expect(gpu.losses.length).toBe(cpu.losses.length);
      expect(gpu.losses.at(-1)!).toBeLessThan(gpu.losses[0]);
      gpu.losses.forEach((l, i) => expect(l).toBeCloseTo(cpu.losses[i], 3));
      expect(Math.abs(gpu.acc - cpu.acc)).toBeLessThanOrEqual(1 / 30);
    },
    120_000,
  );
});
