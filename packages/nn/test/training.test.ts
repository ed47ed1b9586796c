import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { describe, expect, it } from 'vitest';
import { data, loadSafetensors, nn, optim, saveSafetensors } from '../src/index.js';

/** Two Gaussian-ish blobs per class in 2-d, 3 classes. */
function toyData(n: number, seed: number) {
  const g = new k.Generator(seed);
  const xs: number[][] = [];
  const ys: number[] = [];
  const centers = [
    [2, 0],
    [-1, 1.7],
    [-1, -1.7],
  ];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    xs.push([centers[c][0] + 0.5 * g.normal(), centers[c][1] + 0.5 * g.normal()]);
    ys.push(c);
  }
  return { x: k.tensor(xs), y: k.tensor(ys, { dtype: 'int32' }) };
}

function mlp() {
  return new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 3));
}

describe('training loop (optimizer + scheduler + DataLoader + loss + safetensors)', () => {
  for (const make of [
    (m: nn.Module) => new optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 }),
    (m: nn.Module) => new optim.Adam(m.parameters(), { lr: 0.01 }),
    (m: nn.Module) => new optim.AdamW(m.parameters(), { lr: 0.01 }),
    (m: nn.Module) => new optim.RMSprop(m.parameters(), { lr: 0.01 }),
    (m: nn.Module) => new optim.Adagrad(m.parameters(), { lr: 0.1 }),
  ])
    it(`learns a toy problem with ${make.toString().match(/optim\.(\w+)/)?.[1]}`, async () => {
      k.manualSeed(0);
      const { x, y } = toyData(150, 3);
      const model = mlp();
      const opt = make(model);
      const sched = new optim.lrScheduler.StepLR(opt, 5, { gamma: 0.5 });
      const lossFn = new nn.CrossEntropyLoss();
      const loader = new data.DataLoader(new data.TensorDataset(x, y), {
        batchSize: 16,
        shuffle: true,
        generator: new k.Generator(1),
      });
      const evalLoss = () => k.tidy(() => k.noGrad(() => lossFn.call(model.call(x) as k.Tensor, y).item()));
      const first = evalLoss();
      for (let epoch = 0; epoch < 10; epoch++) {
        for await (const [xb, yb] of loader) {
          k.tidy(() => {
            opt.zeroGrad();
            const loss = lossFn.call(model.call(xb) as k.Tensor, yb);
            loss.backward();
            opt.step();
          });
        }
        sched.step();
      }
      const last = evalLoss();
      expect(last).toBeLessThan(first * 0.5);
      const acc = k.tidy(() => {
        const pred = (model.call(x) as k.Tensor).argmax(1);
        return pred.eq(y).float().mean().item();
      });
      expect(acc).toBeGreaterThan(0.9);

      // A state dict saved to safetensors and loaded into a fresh model gives identical outputs.
      const bytes = saveSafetensors(model.stateDict());
      const fresh = mlp();
      fresh.loadStateDict(loadSafetensors(bytes));
      const a = k.noGrad(() => (model.call(x) as k.Tensor).dataSync());
      const b = k.noGrad(() => (fresh.call(x) as k.Tensor).dataSync());
      expect(Array.from(b)).toEqual(Array.from(a));
    });

  it('does not leak tensors per training step', () => {
    const { x, y } = toyData(32, 4);
    const model = mlp();
    const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
    const step = () =>
      k.tidy(() => {
        // Gradients dropped by zeroGrad are otherwise freed by the GC finalizer (not counted here).
        for (const p of model.parameters()) p.grad?.dispose();
        opt.zeroGrad();
        nn.functional.crossEntropy(model.call(x) as k.Tensor, y).backward();
        opt.step();
      });
    step();
    step();
    const n = k.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(k.memory().numTensors).toBe(n);
  });
});
