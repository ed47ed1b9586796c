/**
 * A training step of a small MLP on webgpu (matmul + relu + logSoftmax/NLL + backward + in-place SGD)
 * reads the GPU exactly once per step (the loss) and, after warm-up, creates no new GPU buffers.
 */
import '@kindling/backend-cpu';
import '@kindling/backend-webgpu';
import { webgpuStats } from '@kindling/backend-webgpu';
import * as k from '@kindling/core';
import { beforeAll, expect, it } from 'vitest';
import { setupWebGPU } from './setup.js';

beforeAll(setupWebGPU);

interface Model {
  params: k.Tensor[];
  x: k.Tensor;
  y: k.Tensor;
}

function makeModel(device: string): Model {
  const g = new k.Generator(3);
  const rnd = (shape: number[], scale: number) =>
    k.tensor(
      Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => g.normal() * scale),
      { shape, device },
    );
  const w1 = rnd([32, 64], 0.15).requiresGrad_(true);
  const b1 = rnd([64], 0.01).requiresGrad_(true);
  const w2 = rnd([64, 10], 0.15).requiresGrad_(true);
  const b2 = rnd([10], 0.01).requiresGrad_(true);
  const x = rnd([48, 32], 1);
  const y = k.tensor(
    Array.from({ length: 48 }, (_, i) => i % 10),
    { dtype: 'int32', device },
  );
  return { params: [w1, b1, w2, b2], x, y };
}

/** One SGD step; returns the loss tensor (the only thing read). */
function step(m: Model, lr: number): k.Tensor {
  const [w1, b1, w2, b2] = m.params;
  const loss = k.tidy(() => {
    const h = m.x.matmul(w1).add(b1).relu();
    const logits = h.matmul(w2).add(b2);
    const logp = logits.logSoftmax(1);
    const l = logp.gather(1, m.y.unsqueeze(1)).mean().neg();
    l.backward();
    k.noGrad(() => {
      for (const p of m.params) p.sub_(p.grad!.mul(lr));
    });
    return l.detach();
  });
  for (const p of m.params) {
    p.grad?.dispose();
    p.grad = null;
  }
  return loss;
}

it('matches the cpu backend step by step', async () => {
  const gm = makeModel('webgpu');
  const cm = makeModel('cpu');
  for (let i = 0; i < 5; i++) {
    const lg = step(gm, 0.5);
    const lc = step(cm, 0.5);
    expect(await lg.itemAsync()).toBeCloseTo(lc.item(), 4);
  }
  const w = await gm.params[0].data();
  const wc = cm.params[0].dataSync();
  for (let i = 0; i < w.length; i += 97) expect(w[i]).toBeCloseTo(wc[i], 4);
});

it('does one GPU read per step and creates no GPU buffers after warm-up', async () => {
  const m = makeModel('webgpu');
  const losses: number[] = [];
  for (let i = 0; i < 3; i++) {
    const l = step(m, 0.5);
    losses.push(await l.itemAsync());
    l.dispose();
  }
  const before = webgpuStats();
  const steps = 10;
  for (let i = 0; i < steps; i++) {
    const r0 = webgpuStats().reads;
    const l = step(m, 0.5);
    expect(webgpuStats().reads).toBe(r0); // nothing waits on the GPU while the step is encoded
    losses.push(await l.itemAsync());
    l.dispose();
    expect(webgpuStats().reads).toBe(r0 + 1);
  }
  const after = webgpuStats();
  expect(after.reads - before.reads).toBe(steps);
  expect(after.buffersCreated - before.buffersCreated).toBe(0);
  expect(after.pipelines - before.pipelines).toBe(0);
  expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
});
