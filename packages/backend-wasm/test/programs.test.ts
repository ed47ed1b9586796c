/**
 * The seed DynamicRNN program (issue #5; @kindling/nn's programs test, verbatim) trains on 'wasm'
 * like on 'cpu': packed variable-length sequences, forward and backward, a few Adam steps.
 */
import '@kindling/backend-cpu';
import '@kindling/backend-wasm';
import * as k from '@kindling/core';
import { nn, optim } from '@kindling/nn';
import { expect, it } from 'vitest';

await k.initBackend('wasm');

class DynamicRNN extends nn.Module {
  rnn: nn.RNN;
  fc: nn.Linear;
  constructor(inputSize: number, hiddenSize: number, outputSize: number) {
    super();
    this.rnn = new nn.RNN(inputSize, hiddenSize, { batchFirst: true });
    this.fc = new nn.Linear(hiddenSize, outputSize);
  }
  override forward(x: k.Tensor, seqLengths: k.Tensor): k.Tensor {
    const [sortedLengths, indices] = k.sort(seqLengths, { descending: true });
    const [, unsortedIndices] = indices.sort();
    const packed = nn.utils.rnn.packPaddedSequence(x.index(indices), sortedLengths, { batchFirst: true });
    const [packedOutput] = this.rnn.call(packed);
    const [unpacked] = nn.utils.rnn.padPackedSequence(packedOutput, { batchFirst: true });
    const output = unpacked.index(unsortedIndices);
    const last = (seqLengths.tolist() as number[]).map((len, i) => output.index(i, len - 1));
    return this.fc.call(k.stack(last));
  }
}

/** Losses of `steps` Adam steps from seed-0 weights; lengths live on `lengthsDevice`. */
function train(device: string, steps: number, lengthsDevice: string): number[] {
  k.manualSeed(0);
  const model = new DynamicRNN(6, 12, 3);
  if (device !== 'cpu') model.to(device);
  const g = new k.Generator(7);
  const x = k.tensor(
    Array.from({ length: 5 * 7 * 6 }, () => g.normal()),
    { shape: [5, 7, 6], device },
  );
  const lengths = k.tensor([4, 7, 2, 7, 5], { dtype: 'int32', device: lengthsDevice });
  const y = k.tensor([0, 2, 1, 1, 0], { dtype: 'int32', device });
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.02 });
  const lossFn = new nn.CrossEntropyLoss();
  const losses: number[] = [];
  for (let s = 0; s < steps; s++)
    losses.push(
      k.tidy(() => {
        optimizer.zeroGrad();
        const l = lossFn.call(model.call(x, lengths), y);
        l.backward();
        optimizer.step();
        return l.item();
      }),
    );
  return losses;
}

it('trains the DynamicRNN model on packed sequences like on cpu (lengths on wasm or cpu)', () => {
  const cpu = train('cpu', 6, 'cpu');
  for (const lengthsDevice of ['wasm', 'cpu']) {
    const wasm = train('wasm', 6, lengthsDevice);
    expect(wasm[5]).toBeLessThan(wasm[0] * 0.8);
    wasm.forEach((l, i) => expect(l).toBeCloseTo(cpu[i], 4));
  }
});

it('packed LSTM (bidirectional, unsorted) gives cpu outputs and gradients', () => {
  const res: Record<string, { out: number[]; grad: number[] }> = {};
  for (const device of ['cpu', 'wasm']) {
    k.manualSeed(2);
    const lstm = new nn.LSTM(3, 4, { bidirectional: true, numLayers: 2 });
    const g = new k.Generator(3);
    const x = k
      .tensor(
        Array.from({ length: 5 * 3 * 3 }, () => g.normal()),
        { shape: [5, 3, 3] },
      )
      .to(device)
      .requiresGrad_(true);
    if (device !== 'cpu') lstm.to(device);
    const packed = nn.utils.rnn.packPaddedSequence(x, [2, 5, 3], { enforceSorted: false });
    const [out, [h]] = lstm.call(packed);
    const [padded] = nn.utils.rnn.padPackedSequence(out);
    padded.pow(2).sum().add(h.sum()).backward();
    res[device] = {
      out: Array.from(padded.dataSync(), Number),
      grad: Array.from((x.grad as k.Tensor).dataSync(), Number),
    };
  }
  res.wasm.out.forEach((v, i) => expect(v).toBeCloseTo(res.cpu.out[i], 5));
  res.wasm.grad.forEach((v, i) => expect(v).toBeCloseTo(res.cpu.grad[i], 4));
});

it('packing metadata stays on cpu when the default device is wasm (as PyTorch keeps it on the CPU)', () => {
  const prev = k.getDefaultDevice();
  k.setDefaultDevice('wasm');
  try {
    const x = k.randn([3, 5, 2]);
    const packed = nn.utils.rnn.packPaddedSequence(x, [5, 3, 2], { batchFirst: true, enforceSorted: false });
    expect(packed.data.device).toBe('wasm');
    expect(packed.batchSizes.device).toBe('cpu');
    const [padded, lengths] = nn.utils.rnn.padPackedSequence(packed, { batchFirst: true });
    expect(padded.device).toBe('wasm');
    expect(lengths.device).toBe('cpu');
    expect(lengths.tolist()).toEqual([5, 3, 2]);
  } finally {
    k.setDefaultDevice(prev);
  }
});
