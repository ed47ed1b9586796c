import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { nn } from '@kindling/nn';
import { beforeEach, describe, expect, it } from 'vitest';
import { gradcheckModule, input64, maxAbsDiff } from './helpers.js';

const R = nn.utils.rnn;
type Packed = nn.utils.rnn.PackedSequence;

/** Calls any recurrent layer; LSTM's [h, c] state is reduced to h. */
function runAny<T extends k.Tensor | Packed>(rnn: nn.RNN | nn.LSTM | nn.GRU, input: T): [T, k.Tensor] {
  const [out, state] = (rnn.call as unknown as (x: T) => [T, k.Tensor | [k.Tensor, k.Tensor]])(input);
  return [out, Array.isArray(state) ? state[0] : state];
}

beforeEach(() => {
  k.manualSeed(1);
});

// ---------------------------------------------------------------- independent reference (plain JS)

type Mat = number[][];
const sig = (v: number) => 1 / (1 + Math.exp(-v));
function affine(w: Mat, b: number[] | null, x: number[]): number[] {
  return w.map((row, i) => row.reduce((s, wij, j) => s + wij * x[j], b ? b[i] : 0));
}

/** PyTorch's documented LSTM (gates i, f, g, o) or GRU (r, z, n) over one unbatched sequence. */
function referenceRun(
  mode: 'LSTM' | 'GRU',
  p: Record<string, k.Tensor>,
  xs: number[][],
  hsz: number,
): number[][] {
  const wih = p.weight_ih_l0.tolist() as Mat;
  const whh = p.weight_hh_l0.tolist() as Mat;
  const bih = p.bias_ih_l0.tolist() as number[];
  const bhh = p.bias_hh_l0.tolist() as number[];
  let h = new Array<number>(hsz).fill(0);
  let c = new Array<number>(hsz).fill(0);
  const outs: number[][] = [];
  for (const x of xs) {
    const gi = affine(wih, bih, x);
    const gh = affine(whh, bhh, h);
    const part = (v: number[], j: number) => v.slice(j * hsz, (j + 1) * hsz);
    if (mode === 'LSTM') {
      const g = gi.map((v, i) => v + gh[i]);
      const [ig, fg, gg, og] = [0, 1, 2, 3].map((j) => part(g, j));
      c = c.map((cv, i) => sig(fg[i]) * cv + sig(ig[i]) * Math.tanh(gg[i]));
      h = c.map((cv, i) => sig(og[i]) * Math.tanh(cv));
    } else {
      const r = part(gi, 0).map((v, i) => sig(v + part(gh, 0)[i]));
      const z = part(gi, 1).map((v, i) => sig(v + part(gh, 1)[i]));
      const n = part(gi, 2).map((v, i) => Math.tanh(v + r[i] * part(gh, 2)[i]));
      h = n.map((nv, i) => (1 - z[i]) * nv + z[i] * h[i]);
    }
    outs.push(h);
  }
  return outs;
}

describe('recurrent layers follow PyTorch formulas', () => {
  for (const mode of ['LSTM', 'GRU'] as const) {
    it(`${mode} matches the documented gate equations`, () => {
      const rnn = mode === 'LSTM' ? new nn.LSTM(3, 4) : new nn.GRU(3, 4);
      const x = k.randn(5, 3);
      const [out] = runAny(rnn, x);
      const ref = referenceRun(mode, rnn.stateDict(), x.tolist() as number[][], 4);
      expect(maxAbsDiff(out, k.tensor(ref))).toBeLessThan(1e-5);
    });
  }
  it('RNN tanh/relu: h = act(W_ih x + b_ih + W_hh h + b_hh); cells agree with layers', () => {
    for (const nl of ['tanh', 'relu'] as const) {
      const rnn = new nn.RNN(3, 4, { nonlinearity: nl });
      const cell = new nn.RNNCell(3, 4, { nonlinearity: nl });
      cell.loadStateDict({
        weight_ih: rnn.stateDict().weight_ih_l0,
        weight_hh: rnn.stateDict().weight_hh_l0,
        bias_ih: rnn.stateDict().bias_ih_l0,
        bias_hh: rnn.stateDict().bias_hh_l0,
      });
      const x = k.randn(4, 2, 3);
      const [out, hN] = rnn.call(x);
      let h: k.Tensor | null = null;
      for (let t = 0; t < 4; t++) {
        h = cell.call(x.select(0, t), h);
        expect(maxAbsDiff(out.select(0, t), h)).toBeLessThan(1e-6);
      }
      expect(maxAbsDiff(hN.select(0, 0), h as k.Tensor)).toBeLessThan(1e-6);
    }
    const lstm = new nn.LSTM(3, 2);
    const lcell = new nn.LSTMCell(3, 2);
    const sd = lstm.stateDict();
    lcell.loadStateDict({
      weight_ih: sd.weight_ih_l0,
      weight_hh: sd.weight_hh_l0,
      bias_ih: sd.bias_ih_l0,
      bias_hh: sd.bias_hh_l0,
    });
    const x = k.randn(3, 3);
    const [, [hN, cN]] = lstm.call(x);
    let hc: [k.Tensor, k.Tensor] | null = null;
    for (let t = 0; t < 3; t++) hc = lcell.call(x.select(0, t), hc);
    expect(maxAbsDiff(hN.squeeze(0), (hc as [k.Tensor, k.Tensor])[0])).toBeLessThan(1e-6);
    expect(maxAbsDiff(cN.squeeze(0), (hc as [k.Tensor, k.Tensor])[1])).toBeLessThan(1e-6);
  });
  it('output and state shapes: batchFirst, bidirectional, multi-layer, unbatched', () => {
    const gru = new nn.GRU(3, 5, { numLayers: 2, bidirectional: true, batchFirst: true });
    const [out, h] = gru.call(k.randn(2, 7, 3));
    expect(out.shape).toEqual([2, 7, 10]);
    expect(h.shape).toEqual([4, 2, 5]);
    const lstm = new nn.LSTM(3, 5, { numLayers: 3 });
    const [o2, [h2, c2]] = lstm.call(k.randn(7, 3));
    expect(o2.shape).toEqual([7, 5]);
    expect(h2.shape).toEqual([3, 5]);
    expect(c2.shape).toEqual([3, 5]);
    // The last layer's final state equals the last output step (forward direction).
    expect(maxAbsDiff(h2.select(0, 2), o2.select(0, 6))).toBe(0);
    // Reverse direction's final state is its output at t = 0.
    expect(maxAbsDiff(h.select(0, 3), out.select(1, 0).narrow(1, 5, 5))).toBe(0);
    expect(() => gru.call(k.randn(2, 7, 4))).toThrow(/input_size. Expected 3, got 4/);
    expect(() => gru.call(k.randn(2, 7, 3), k.zeros(2, 2, 5))).toThrow(/Expected hidden size \(4, 2, 5\)/);
  });
});

describe('packed sequences', () => {
  it('pack → pad round-trips, with PyTorch batch sizes and gradients to the padded input', () => {
    const x = k.randn([4, 3, 2], { requiresGrad: true }); // [T, B, *]
    const packed = R.packPaddedSequence(x, [4, 2, 1]);
    expect(packed.batchSizes.tolist()).toEqual([3, 2, 1, 1]);
    expect(packed.data.shape).toEqual([7, 2]);
    expect(maxAbsDiff(packed.data.narrow(0, 3, 2), x.select(0, 1).narrow(0, 0, 2))).toBe(0);
    const [padded, lens] = R.padPackedSequence(packed, { paddingValue: -1, totalLength: 5 });
    expect(lens.tolist()).toEqual([4, 2, 1]);
    expect(padded.shape).toEqual([5, 3, 2]);
    expect(padded.index(3, 1).tolist()).toEqual([-1, -1]);
    expect(maxAbsDiff(padded.index(k.slice(0, 2), 1), x.index(k.slice(0, 2), 1))).toBe(0);
    padded.mul(2).sum().backward();
    const g = x.grad as k.Tensor;
    expect(g.index(k.slice(), 0).tolist()).toEqual([
      [2, 2],
      [2, 2],
      [2, 2],
      [2, 2],
    ]);
    expect(g.index(k.slice(2), 1).abs().sum().item()).toBe(0);
    expect(() => R.packPaddedSequence(x, [2, 4, 1])).toThrow(/sorted in decreasing order/);
    expect(() => R.padPackedSequence(packed, { totalLength: 2 })).toThrow(/total_length/);
  });

  it('unsorted lengths: sortedIndices/unsortedIndices restore the original order', () => {
    const seqs = [k.randn(2, 3), k.randn(5, 3), k.randn(3, 3)];
    const packed = R.packSequence(seqs, { enforceSorted: false });
    expect(packed.sortedIndices?.tolist()).toEqual([1, 2, 0]);
    expect(packed.unsortedIndices?.tolist()).toEqual([2, 0, 1]);
    const [padded, lens] = R.padPackedSequence(packed, { batchFirst: true });
    expect(lens.tolist()).toEqual([2, 5, 3]);
    seqs.forEach((s, i) => expect(maxAbsDiff(padded.select(0, i).narrow(0, 0, s.shape[0]), s)).toBe(0));
    const back = R.unpackSequence(packed);
    back.forEach((s, i) => expect(maxAbsDiff(s, seqs[i])).toBe(0));
    expect(R.padSequence(seqs, { batchFirst: true, paddingValue: 9 }).index(0, 4).tolist()).toEqual([
      9, 9, 9,
    ]);
  });

  const configs: [string, () => nn.RNN | nn.LSTM | nn.GRU][] = [
    ['RNN', () => new nn.RNN(3, 4, { batchFirst: true })],
    [
      'LSTM 2-layer bidirectional',
      () => new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true }),
    ],
    ['GRU bidirectional', () => new nn.GRU(3, 4, { bidirectional: true, batchFirst: true })],
  ];
  for (const [name, make] of configs)
    it(`${name}: each packed sequence equals running it alone, unpadded`, () => {
      const rnn = make();
      const lengths = [3, 6, 1, 4];
      const x = k.randn(4, 6, 3);
      const packed = R.packPaddedSequence(x, lengths, { batchFirst: true, enforceSorted: false });
      const [res, hN] = runAny(rnn, packed);
      const [out] = R.padPackedSequence(res, { batchFirst: true });
      lengths.forEach((len, i) => {
        const [o, h] = runAny(rnn, x.select(0, i).narrow(0, 0, len));
        expect(maxAbsDiff(out.select(0, i).narrow(0, 0, len), o)).toBeLessThan(1e-6);
        if (len < 6)
          expect(
            out
              .select(0, i)
              .narrow(0, len, 6 - len)
              .abs()
              .sum()
              .item(),
          ).toBe(0);
        expect(maxAbsDiff(hN.select(1, i), h)).toBeLessThan(1e-6);
      });
    });

  it('an initial state is taken in the caller batch order with packed input', () => {
    const gru = new nn.GRU(2, 3);
    const lengths = [2, 4, 3];
    const x = k.randn(4, 3, 2);
    const h0 = k.randn(1, 3, 3);
    const [, hN] = gru.call(R.packPaddedSequence(x, lengths, { enforceSorted: false }), h0);
    lengths.forEach((len, i) => {
      const [, h] = gru.call(x.select(1, i).narrow(0, 0, len), h0.select(1, i));
      expect(maxAbsDiff(hN.select(1, i), h)).toBeLessThan(1e-6);
    });
  });
});

describe('gradcheck of recurrent layers (float64)', () => {
  it('LSTM 2-layer bidirectional on a packed batch, with h0/c0', () => {
    const lstm = new nn.LSTM(2, 2, { numLayers: 2, bidirectional: true });
    const x = input64(3, 3, 2);
    const h0 = input64(4, 3, 2);
    const c0 = input64(4, 3, 2);
    gradcheckModule(lstm, [x, h0, c0], (xx, h, c) => {
      const packed = R.packPaddedSequence(xx, [2, 3, 1], { enforceSorted: false });
      const [out, [hN, cN]] = lstm.call(packed, [h, c]);
      return [out.data, hN, cN];
    });
  });
  it('GRU bidirectional packed (batch first) and multi-layer padded', () => {
    const gru = new nn.GRU(2, 3, { bidirectional: true, batchFirst: true });
    gradcheckModule(gru, [input64(2, 3, 2)], (x) => {
      const [out, hN] = gru.call(R.packPaddedSequence(x, [3, 2], { batchFirst: true }));
      return [R.padPackedSequence(out, { batchFirst: true })[0], hN];
    });
    const gru2 = new nn.GRU(2, 2, { numLayers: 2 });
    gradcheckModule(gru2, [input64(3, 2, 2)], (x) => gru2.call(x)[0]);
  });
  it('RNN relu with dropout between layers (seeded) and the cells', () => {
    const rnn = new nn.RNN(2, 3, { nonlinearity: 'relu', numLayers: 2, dropout: 0.3 });
    gradcheckModule(rnn, [input64(3, 2, 2)], (x) => {
      k.manualSeed(7);
      return rnn.call(x);
    });
    const lc = new nn.LSTMCell(2, 3);
    gradcheckModule(lc, [input64(2, 2), input64(2, 3), input64(2, 3)], (x, h, c) => lc.call(x, [h, c]));
    const gc = new nn.GRUCell(2, 3);
    gradcheckModule(gc, [input64(2, 2), input64(2, 3)], (x, h) => gc.call(x, h));
    const rc = new nn.RNNCell(2, 3, { bias: false });
    gradcheckModule(rc, [input64(2)], (x) => rc.call(x));
  });
});
