/** The demo's test-size variant: a few digits per class, one epoch, and a sanity bar on accuracy. */
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
    expect(accuracy(model, test)).toBeGreaterThan(0.75);
  });
});
