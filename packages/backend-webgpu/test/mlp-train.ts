/**
 * The MNIST demo's MLP (Flatten → Linear(784, 256) → ReLU → Linear(256, 10)) trained with
 * CrossEntropyLoss and Adam on `batch` synthetic 28×28 digits from seed-0 weights; returns the
 * losses, read once per step with `await itemAsync()`. Shared by the Node test and the browser page.
 */
import * as k from '@kindling/core';
import { nn, optim } from '@kindling/nn';

export async function trainSyntheticMlp(device: string, steps: number, batch: number): Promise<number[]> {
  k.manualSeed(0);
  const model = new nn.Sequential(
    new nn.Flatten(),
    new nn.Linear(784, 256),
    new nn.ReLU(),
    new nn.Linear(256, 10),
  );
  if (device !== 'cpu') model.to(device);
  const g = new k.Generator(1);
  const images = k.tensor(
    Array.from({ length: batch * 784 }, () => g.random()),
    { shape: [batch, 1, 28, 28], device },
  );
  const labels = k.tensor(
    Array.from({ length: batch }, (_, i) => i % 10),
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
