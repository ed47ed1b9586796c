/**
 * The MNIST demo's MLP (Flatten → Linear(784, 256) → ReLU → Linear(256, 10)) with @kindling/nn's
 * CrossEntropyLoss and Adam trains on 'webgpu' like on 'cpu' (synthetic 28×28 digits; the real
 * ones live in the demo app).
 */
import '@kindling/backend-cpu';
import '@kindling/backend-webgpu';
import { webgpuStats } from '@kindling/backend-webgpu';
import { beforeAll, expect, it } from 'vitest';
import { trainSyntheticMlp } from './mlp-train.js';
import { setupWebGPU } from './setup.js';

beforeAll(setupWebGPU);

const run = (device: string, steps: number) => trainSyntheticMlp(device, steps, 64);

it('trains like on cpu, one read per step', async () => {
  const cpu = await run('cpu', 6);
  const r0 = webgpuStats().reads;
  const gpu = await run('webgpu', 6);
  expect(webgpuStats().reads - r0).toBe(6);
  gpu.forEach((l, i) => expect(l).toBeCloseTo(cpu[i], 3));
  expect(gpu[5]).toBeLessThan(gpu[0]);
});
