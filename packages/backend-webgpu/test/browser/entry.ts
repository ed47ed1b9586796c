/**
 * Page script of the browser test: trains a small MLP for a few steps on 'webgpu' (navigator.gpu of
 * headless Chromium) and on 'cpu' from the same initial weights, and reports both loss curves;
 * likewise the seed DynamicRNN model (packed sequences) and the MNIST demo's MLP built with nn.
 */
import '@kindling/backend-cpu';
import { initWebGPU, webgpuBackend, webgpuStats } from '@kindling/backend-webgpu';
import * as k from '@kindling/core';
import { trainDynamicRNN } from '../../../nn/test/fixtures/dynamic-rnn.js';
import { trainSyntheticMlp } from '../mlp-train.js';

function model(device: string) {
  const g = new k.Generator(5);
  const rnd = (shape: number[], scale: number) =>
    k.tensor(
      Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => g.normal() * scale),
      { shape, device },
    );
  const params = [rnd([16, 32], 0.3), rnd([32], 0.01), rnd([32, 4], 0.3), rnd([4], 0.01)].map((p) =>
    p.requiresGrad_(true),
  );
  const x = rnd([32, 16], 1);
  const y = k.tensor(
    Array.from({ length: 32 }, (_, i) => i % 4),
    { dtype: 'int32', device },
  );
  return { params, x, y };
}

async function train(device: string, steps: number): Promise<number[]> {
  const m = model(device);
  const [w1, b1, w2, b2] = m.params;
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const loss = k.tidy(() => {
      const logits = m.x.matmul(w1).add(b1).relu().matmul(w2).add(b2);
      const l = logits.logSoftmax(1).gather(1, m.y.unsqueeze(1)).mean().neg();
      l.backward();
      k.noGrad(() => {
        for (const p of m.params) p.sub_(p.grad!.mul(0.5));
      });
      return l.detach();
    });
    for (const p of m.params) {
      p.grad?.dispose();
      p.grad = null;
    }
    losses.push(await loss.itemAsync());
    loss.dispose();
  }
  return losses;
}

/** The MNIST demo's MLP (Flatten → Linear(784, 256) → ReLU → Linear(256, 10)), Adam, synthetic digits. */
const trainMlp = (device: string, steps: number) => trainSyntheticMlp(device, steps, 32);

type Curves = { gpu: number[]; cpu: number[] };

declare global {
  interface Window {
    runTraining(): Promise<{ adapter: string; gpu: number[]; cpu: number[]; reads: number }>;
    runDynamicRNN(): Promise<Curves>;
    runMlp(): Promise<Curves>;
  }
}

window.runTraining = async () => {
  await initWebGPU();
  const r0 = webgpuStats().reads;
  const gpu = await train('webgpu', 8);
  const reads = webgpuStats().reads - r0;
  const cpu = await train('cpu', 8);
  return { adapter: webgpuBackend.adapter, gpu, cpu, reads };
};

window.runDynamicRNN = async () => {
  await initWebGPU();
  return { gpu: await trainDynamicRNN('webgpu', 5), cpu: await trainDynamicRNN('cpu', 5) };
};

window.runMlp = async () => {
  await initWebGPU();
  return { gpu: await trainMlp('webgpu', 4), cpu: await trainMlp('cpu', 4) };
};
