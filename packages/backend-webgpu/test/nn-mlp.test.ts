/**
 * The MNIST demo's MLP (Flatten → Linear(784, 256) → ReLU → Linear(256, 10)) with @kindling/nn's
 * CrossEntropyLoss and Adam trains on 'webgpu' like on 'cpu' (synthetic 28×28 digits; the real
 * ones live in the demo app).
 */
import '@kindling/backend-cpu';
import '@kindling/backend-webgpu';
import { webgpuStats } from '@kindling/backend-webgpu';
import * as k from '@kindling/core';
import { nn, optim } from '@kindling/nn';
import { beforeAll, expect, it } from 'vitest';
import { setupWebGPU } from './setup.js';

beforeAll(setupWebGPU);

function makeMlp(): nn.Sequential {
  return new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
}

async function run(device: string, steps: number): Promise<number[]> {
  k.manualSeed(0);
  const model = makeMlp();
  if (device !== 'cpu') model.to(device);
  const g = new k.Generator(1);
  const images = k.tensor(
    Array.from({ length: 64 * 784 }, () => g.random()),
    { shape: [64, 1, 28, 28], device },
  );
  const labels = k.tensor(
    Array.from({ length: 64 }, (_, i) => i % 10),
    { dtype: 'int32', device },
  );
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.003 });
  const lossFn = new nn.CrossEntropyLoss();
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const loss = k.tidy(() => {
      optimizer.zeroGrad();
      const l = lossFn.call(model.call(images), labels);
      l.backward();
      optimizer.step();
      return l.detach();
    });
    losses.push(await loss.itemAsync());
    loss.dispose();
  }
  return losses;
}

it('trains like on cpu, one read per step', async () => {
  const cpu = await run('cpu', 6);
  const r0 = webgpuStats().reads;
  const gpu = await run('webgpu', 6);
  expect(webgpuStats().reads - r0).toBe(6);
  gpu.forEach((l, i) => expect(l).toBeCloseTo(cpu[i], 3));
  expect(gpu[5]).toBeLessThan(gpu[0]);
});
