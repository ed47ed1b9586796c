/** Models shared by the jit and onnx tests: the demo's MNIST CNN, an LSTM classifier, a transformer. */
import * as k from '@kindling/core';
import { nn } from '@kindling/nn';

/** apps/demo's MNIST CNN (two conv blocks). */
export function makeCnn(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(32 * 7 * 7, 64),
    new nn.ReLU(),
    new nn.Linear(64, 10),
  );
}

/** Token ids [B, T] → embedding → LSTM → last step → logits. */
export class LstmClassifier extends nn.Module {
  emb = new nn.Embedding(50, 8);
  lstm = new nn.LSTM(8, 12, { batchFirst: true });
  fc = new nn.Linear(12, 3);
  override forward(ids: k.Tensor): k.Tensor {
    const [out] = this.lstm.call(this.emb.call(ids));
    return this.fc.call(out.select(1, -1));
  }
}

/** [B, S, 16] → TransformerEncoderLayer → mean over the sequence → log-probabilities. */
export class TransformerClassifier extends nn.Module {
  enc = new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true });
  head = new nn.Linear(16, 5);
  override forward(x: k.Tensor): k.Tensor {
    return this.head.call(this.enc.call(x).mean(1)).logSoftmax(-1);
  }
}

/**
 * The shape-dependent classifier of programs.test.ts (PyTorch:
 * `return self.fc2(h) if x.shape[1] == 100 else self.fc3(h)`).
 */
export class DynamicClassifier extends nn.Module {
  fc1 = new nn.Linear(100, 50);
  fc2 = new nn.Linear(50, 10);
  fc3 = new nn.Linear(50, 10);
  override forward(x: k.Tensor): k.Tensor {
    const h = nn.functional.relu(this.fc1.call(x));
    return x.shape[1] === 100 ? this.fc2.call(h) : this.fc3.call(h);
  }
}

export interface Case {
  name: string;
  make: () => nn.Module;
  /** A seeded example input. */
  input: (seed: number) => k.Tensor;
}

/** The three acceptance models with their inputs. */
export const CASES: Case[] = [
  {
    name: 'cnn',
    make: makeCnn,
    input: (seed) => k.randn([2, 1, 28, 28], { generator: new k.Generator(seed) }),
  },
  {
    name: 'lstm',
    make: () => new LstmClassifier(),
    input: (seed) => k.randint(0, 50, [3, 7], { dtype: 'int32', generator: new k.Generator(seed) }),
  },
  {
    name: 'transformer',
    make: () => new TransformerClassifier(),
    input: (seed) => k.randn([2, 6, 16], { generator: new k.Generator(seed) }),
  },
];

/** A model of `c`, seeded and in eval mode. */
export function build(c: Case, seed = 0): nn.Module {
  k.manualSeed(seed);
  const m = c.make();
  m.eval();
  return m;
}

/** Calls a module typed as the base class on one tensor. */
export function runModel(m: nn.Module, x: k.Tensor): k.Tensor {
  return (m.call as (...a: unknown[]) => unknown)(x) as k.Tensor;
}
