/**
 * The seed DynamicRNN program (packages/nn/test/fixtures/dynamic-rnn.ts) trains on 'wasm'
 * like on 'cpu': packed variable-length sequences, forward and backward, a few Adam steps.
 */
import '@kindling/backend-cpu';
import '@kindling/backend-wasm';
import * as k from '@kindling/core';
import { nn } from '@kindling/nn';
import { expect, it } from 'vitest';
import { trainDynamicRNN } from '../../nn/test/fixtures/dynamic-rnn.js';

await k.initBackend('wasm');

it('trains the DynamicRNN model on packed sequences like on cpu (lengths on wasm or cpu)', async () => {
  const cpu = await trainDynamicRNN('cpu', 6, 'cpu');
  for (const lengthsDevice of ['wasm', 'cpu']) {
    const wasm = await trainDynamicRNN('wasm', 6, lengthsDevice);
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
