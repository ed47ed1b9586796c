/**
 * The acceptance programs, translated line by line from PyTorch: the DynamicRNN tutorial
 * model on packed sequences and a classifier whose layers depend on the input's shape.
 */
import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { gradcheck } from '@kindling/core/testing';
import { nn } from '@kindling/nn';
import { describe, expect, it } from 'vitest';
import { DynamicRNN } from './fixtures/dynamic-rnn.js';
import { maxAbsDiff } from './helpers.js';

/**
 * PyTorch:
 *   self.fc1 = nn.Linear(100, 50); self.fc2 = nn.Linear(50, 10); self.fc3 = nn.Linear(50, 10)
 *   def forward(self, x):
 *       h = F.relu(self.fc1(x))
 *       return self.fc2(h) if x.shape[1] == 100 else self.fc3(h)
 * A [N, 100] batch takes fc2; a [N, T, 100] batch of sequences (T != 100) takes fc3 per step.
 */
class BranchClassifier extends nn.Module {
  fc1: nn.Linear;
  fc2: nn.Linear;
  fc3: nn.Linear;
  constructor() {
    super();
    this.fc1 = new nn.Linear(100, 50);
    this.fc2 = new nn.Linear(50, 10);
    this.fc3 = new nn.Linear(50, 10);
  }
  override forward(x: k.Tensor): k.Tensor {
    const h = nn.functional.relu(this.fc1.call(x));
    return x.shape[1] === 100 ? this.fc2.call(h) : this.fc3.call(h);
  }
}

describe('DynamicRNN (PyTorch tutorial)', () => {
  it('runs as written and gives each sequence the output of running it alone, unpadded', () => {
    k.manualSeed(0);
    const model = new DynamicRNN(10, 20, 1);
    const x = k.randn([3, 10, 10]);
    const out = model.call(x, k.tensor([9, 7, 5], { dtype: 'int32' }));
    expect(out.shape).toEqual([3, 1]);

    // Unsorted lengths exercise the sort/unsort path; compare with each sequence alone.
    const lengths = [4, 10, 7];
    const got = model.call(x, k.tensor(lengths, { dtype: 'int32' }));
    lengths.forEach((len, i) => {
      const [alone] = model.rnn.call(x.select(0, i).narrow(0, 0, len).unsqueeze(0));
      const want = model.fc.call(alone.index(0, len - 1));
      expect(maxAbsDiff(got.select(0, i), want)).toBeLessThan(1e-6);
    });
  });

  it('is differentiable end to end (gradcheck in float64, gradients reach the padded input)', () => {
    k.manualSeed(3);
    const model = new DynamicRNN(3, 4, 2).double();
    const x = k.randn([3, 4, 3], { dtype: 'float64', requiresGrad: true });
    const lens = k.tensor([2, 4, 3], { dtype: 'int32' });
    gradcheck((xx) => model.call(xx, lens), [x, ...model.parameters()]);
    model.call(x, lens).sum().backward();
    // Padded steps beyond each length get no gradient.
    expect(x.grad?.index(0, k.slice(2)).abs().sum().item()).toBe(0);
    expect(x.grad?.index(0, k.slice(0, 2)).abs().sum().item()).toBeGreaterThan(0);
  });
});

describe('branch classifier', () => {
  it('picks its layers from x.shape[1]; only the used branch gets gradients', () => {
    k.manualSeed(1);
    const model = new BranchClassifier();
    const flat = model.call(k.randn(4, 100));
    expect(flat.shape).toEqual([4, 10]);
    flat.sum().backward();
    expect(model.fc1.weight.grad).not.toBeNull();
    expect(model.fc2.weight.grad).not.toBeNull();
    expect(model.fc3.weight.grad).toBeNull();
    model.zeroGrad();
    const seq = model.call(k.randn(4, 3, 100));
    expect(seq.shape).toEqual([4, 3, 10]);
    seq.sum().backward();
    expect(model.fc3.weight.grad).not.toBeNull();
    expect(model.fc2.weight.grad).toBeNull();
    expect(() => model.call(k.randn(4, 30))).toThrow(
      /linear: input shape \[4, 30\] and weight shape \[50, 100\]/,
    );
  });

  it('passes gradcheck for both branches (float64)', () => {
    k.manualSeed(2);
    const model = new BranchClassifier().double();
    // fc1.weight (5000 elements) is left to the Linear gradcheck to keep this fast.
    const params = [
      model.fc1.bias,
      model.fc2.weight,
      model.fc2.bias,
      model.fc3.weight,
      model.fc3.bias,
    ] as k.Tensor[];
    for (const shape of [
      [2, 100],
      [1, 2, 100],
    ]) {
      const x = k.randn(shape, { dtype: 'float64', requiresGrad: true });
      gradcheck((xx) => model.call(xx), [x, ...params], { allowUnused: true });
    }
  });
});
