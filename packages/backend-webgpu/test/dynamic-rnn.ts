/**
 * The seed DynamicRNN program (issue #5; @kindling/nn's programs test), verbatim, and a few steps
 * of training it on variable-length sequences. Used by the Node tests and the browser page.
 * Like PyTorch, `seqLengths` stays on the cpu (packing metadata is host data) while `x` and the
 * model live on the device: indexing a device tensor with a cpu index tensor moves the index.
 */
import * as k from '@kindling/core';
import { nn, optim } from '@kindling/nn';

export class DynamicRNN extends nn.Module {
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

/**
 * Trains DynamicRNN(6, 12, 3) for `steps` Adam steps on `device` from seed-0 weights (created on
 * the cpu, then moved) and returns the losses, read once per step with `await itemAsync()`.
 * `lengthsDevice` is where the lengths tensor lives (cpu like PyTorch; 'wasm' also works there).
 */
export async function trainDynamicRNN(
  device: string,
  steps: number,
  lengthsDevice = 'cpu',
): Promise<number[]> {
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
  for (let s = 0; s < steps; s++) {
    const loss = k.tidy(() => {
      optimizer.zeroGrad();
      const l = lossFn.call(model.call(x, lengths), y);
      l.backward();
      optimizer.step();
      return l.detach();
    });
    losses.push(await loss.itemAsync());
    loss.dispose();
  }
  return losses;
}
