import * as k from '@kindling/core';
import { data, nn, optim } from '@kindling/nn';
import type { Split } from './data.js';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** Called after every step with the epoch, step, steps per epoch and loss. */
  onStep?: (epoch: number, step: number, steps: number, loss: number) => void;
  onEpochStart?: (epoch: number, steps: number) => void;
  onEpochEnd?: (epoch: number) => void;
}

/** A plain PyTorch-style training loop: forward, loss, backward, step — each step in a tidy scope. */
export async function train(model: nn.Sequential, split: Split, opts: TrainOptions): Promise<void> {
  const generator = new k.Generator(opts.seed);
  const loader = new data.DataLoader(new data.TensorDataset(split.images, split.labels), {
    batchSize: opts.batchSize,
    shuffle: true,
    generator,
  });
  const optimizer = new optim.Adam(model.parameters(), { lr: opts.lr });
  // Cosine decay to zero over the whole run: the last epochs fine-tune with small steps.
  const scheduler = new optim.lrScheduler.CosineAnnealingLR(optimizer, opts.epochs * loader.length);
  const lossFn = new nn.CrossEntropyLoss();
  model.train();
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const steps = loader.length;
    opts.onEpochStart?.(epoch, steps);
    let step = 0;
    for await (const [x, y] of loader) {
      const loss = k.tidy(() => {
        optimizer.zeroGrad();
        const l = lossFn.call(model.call(x), y);
        l.backward();
        optimizer.step();
        scheduler.step();
        return l.item();
      });
      k.dispose([x, y]);
      opts.onStep?.(epoch, ++step, steps, loss);
    }
    opts.onEpochEnd?.(epoch);
  }
}

/** Fraction of correctly classified samples, evaluated in batches without recording gradients. */
export function accuracy(model: nn.Sequential, split: Split, batchSize = 500): number {
  model.eval();
  let correct = 0;
  const n = split.labels.shape[0];
  for (let i = 0; i < n; i += batchSize) {
    const len = Math.min(batchSize, n - i);
    correct += k.tidy(() =>
      k.noGrad(() => {
        const logits = model.call(split.images.narrow(0, i, len));
        return logits
          .argmax(1)
          .eq(split.labels.narrow(0, i, len))
          .sum()
          .item();
      }),
    );
  }
  return correct / n;
}
