/**
 * The issues' acceptance programs on 'webgpu' in Node (Dawn on SwiftShader): the seed DynamicRNN
 * model (packed variable-length sequences, forward and backward) trains a few steps like on cpu,
 * and packed RNN/LSTM/GRU variants give cpu's outputs and gradients. Every read is asynchronous
 * (a synchronous read of webgpu data throws), so passing shows the packed path reads nothing
 * from the device.
 */
import '@kindling/backend-cpu';
import '@kindling/backend-webgpu';
import * as k from '@kindling/core';
import { nn } from '@kindling/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainDynamicRNN } from '../../nn/test/fixtures/dynamic-rnn.js';
import { setupWebGPU } from './setup.js';

beforeAll(setupWebGPU);

async function maxDiff(a: k.Tensor, b: k.Tensor): Promise<number> {
  const [x, y] = [await a.data(), await b.data()];
  expect(x.length).toBe(y.length);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

it('trains the seed DynamicRNN model on packed sequences, matching cpu', async () => {
  const cpu = await trainDynamicRNN('cpu', 6);
  const gpu = await trainDynamicRNN('webgpu', 6);
  expect(gpu[5]).toBeLessThan(gpu[0] * 0.8);
  gpu.forEach((l, i) => expect(l).toBeCloseTo(cpu[i], 3));
});

describe('packed RNN layers on webgpu: outputs and gradients match cpu', () => {
  const variants: [string, () => nn.RNNBase][] = [
    ['RNN relu', () => new nn.RNN(5, 6, { nonlinearity: 'relu' })],
    ['LSTM 2 layers bidirectional', () => new nn.LSTM(5, 6, { numLayers: 2, bidirectional: true })],
    ['GRU bidirectional', () => new nn.GRU(5, 6, { bidirectional: true })],
  ];
  for (const [name, make] of variants)
    it(`${name} (unsorted lengths, initial state given)`, async () => {
      const lengths = [3, 6, 1, 4];
      const outs: Record<string, { out: k.Tensor; h: k.Tensor; x: k.Tensor; grads: k.Tensor[] }> = {};
      for (const device of ['cpu', 'webgpu']) {
        k.manualSeed(4);
        const rnn = make();
        const dirs = rnn.bidirectional ? 2 : 1;
        const g = new k.Generator(9);
        const rand = (shape: number[]) =>
          k.tensor(
            Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => g.normal()),
            { shape, device },
          );
        const x = rand([6, 4, 5]).requiresGrad_(true);
        const h0 = rand([rnn.numLayers * dirs, 4, 6]);
        if (device !== 'cpu') rnn.to(device);
        const packed = nn.utils.rnn.packPaddedSequence(x, lengths, { enforceSorted: false });
        expect(packed.batchSizes.device).toBe('cpu');
        expect(packed.sortedIndices?.device).toBe(device);
        const hx = rnn.mode === 'LSTM' ? ([h0, h0.mul(0.5)] as [k.Tensor, k.Tensor]) : h0;
        const [po, hn] = (rnn as nn.RNN).call(packed as nn.utils.rnn.PackedSequence, hx as k.Tensor) as [
          nn.utils.rnn.PackedSequence,
          k.Tensor | [k.Tensor, k.Tensor],
        ];
        const [padded, lens] = nn.utils.rnn.padPackedSequence(po, { totalLength: 7 });
        expect(lens.device).toBe('cpu');
        expect(await lens.tolistAsync()).toEqual(lengths);
        const h = Array.isArray(hn) ? hn[0].add(hn[1]) : hn;
        padded.pow(2).sum().add(h.sin().sum()).backward();
        outs[device] = { out: padded, h, x, grads: rnn.parameters().map((p) => p.grad as k.Tensor) };
      }
      const [c, w] = [outs.cpu, outs.webgpu];
      expect(await maxDiff(c.out, w.out)).toBeLessThan(1e-4);
      expect(await maxDiff(c.h, w.h)).toBeLessThan(1e-4);
      expect(await maxDiff(c.x.grad as k.Tensor, w.x.grad as k.Tensor)).toBeLessThan(1e-3);
      for (let i = 0; i < c.grads.length; i++)
        expect(await maxDiff(c.grads[i], w.grads[i])).toBeLessThan(1e-3);
    });

  it('packSequence / unpackSequence round-trip on webgpu', async () => {
    const seqs = [3, 5, 2].map((n, i) => k.full([n, 2], i + 1, { device: 'webgpu' }));
    const packed = nn.utils.rnn.packSequence(seqs, { enforceSorted: false });
    const back = nn.utils.rnn.unpackSequence(packed);
    expect(back.map((t) => t.shape)).toEqual([
      [3, 2],
      [5, 2],
      [2, 2],
    ]);
    for (let i = 0; i < 3; i++) expect(await maxDiff(back[i], seqs[i])).toBe(0);
    expect(packed.to('webgpu')).toBe(packed);
  });

  it('rejects lengths on the device with a clear error (they are host data, as in PyTorch)', () => {
    const x = k.zeros([3, 2, 1], { device: 'webgpu' });
    const lengths = k.tensor([3, 2], { dtype: 'int32', device: 'webgpu' });
    expect(() => nn.utils.rnn.packPaddedSequence(x, lengths)).toThrow(
      /'lengths' must be an array of numbers or a cpu tensor.*'webgpu'/,
    );
  });
});
