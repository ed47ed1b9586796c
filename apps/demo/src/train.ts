import * as k from '@kindling/core';
import { data, nn, optim } from '@kindling/nn';
import type { Split } from './data.js';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  /**
   * Read the loss every this many steps (and at the end of each epoch). Reads are the only points
   * where an asynchronous device (WebGPU) waits for its queue, so the loop reads rarely. Default 10.
   */
  logEvery?: number;
  /** Called with the epoch, step, steps per epoch and loss each time the loss is read. */
  onStep?: (epoch: number, step: number, steps: number, loss: number) => void;
  onEpochStart?: (epoch: number, steps: number) => void;
  onEpochEnd?: (epoch: number) => void;
}

/**
 * A plain PyTorch-style training loop: forward, loss, backward, step — each step in a tidy scope.
 * It runs unchanged on every device: values are read with `await itemAsync()` (the synchronous
 * `item()` throws on WebGPU), once per logging interval.
 */
export async function train(model: nn.Sequential, split: Split, opts: TrainOptions): Promise<void> {
  const logEvery = Math.max(1, opts.logEvery ?? 10);
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
      // The loss tensor outlives the tidy scope (it is returned); everything else is freed.
      const loss = k.tidy(() => {
        optimizer.zeroGrad();
        const l = lossFn.call(model.call(x), y);
        l.backward();
        optimizer.step();
        scheduler.step();
        return l.detach();
      });
      k.dispose([x, y]);
      step++;
      if (step % logEvery === 0 || step === steps) {
        const value = await loss.itemAsync();
        opts.onStep?.(epoch, step, steps, value);
      }
      loss.dispose();
    }
    opts.onEpochEnd?.(epoch);
  }
}

/** Fraction of correctly classified samples, evaluated in batches without recording gradients. */
export async function accuracy(model: nn.Sequential, split: Split, batchSize = 500): Promise<number> {
  model.eval();
  const n = split.labels.shape[0];
  // Counts stay on the device; one read at the end.
  let correct = null as k.Tensor | null;
  for (let i = 0; i < n; i += batchSize) {
    const len = Math.min(batchSize, n - i);
    const prev = correct;
    correct = k.tidy(() =>
      k.noGrad(() => {
        const logits = model.call(split.images.narrow(0, i, len));
        const hits = logits
          .argmax(1)
          .eq(split.labels.narrow(0, i, len))
          .sum();
        return prev ? prev.add(hits) : hits;
      }),
    );
    prev?.dispose();
  }
  return correct ? (await correct.itemAsync()) / n : 0;
}
