import '@kindling/backend-cpu';
import * as k from '@kindling/core';
import { nn } from '@kindling/nn';
import { beforeEach, describe, expect, it } from 'vitest';
import { gradcheckModule, input64, maxAbsDiff } from './helpers.js';

const F = nn.functional;

beforeEach(() => {
  k.manualSeed(0);
});

/** Direct (loop) 2-d convolution for reference. */
function naiveConv2d(
  x: k.Tensor,
  w: k.Tensor,
  b: k.Tensor | null,
  stride: [number, number],
  pad: [number, number],
  dil: [number, number],
  groups: number,
): number[][][][] {
  const xs = x.tolist() as number[][][][];
  const ws = w.tolist() as number[][][][];
  const bs = b ? (b.tolist() as number[]) : null;
  const [n, c, h, wd] = x.shape;
  const [o, cg, kh, kw] = w.shape;
  const oh = Math.floor((h + 2 * pad[0] - dil[0] * (kh - 1) - 1) / stride[0]) + 1;
  const ow = Math.floor((wd + 2 * pad[1] - dil[1] * (kw - 1) - 1) / stride[1]) + 1;
  const og = o / groups;
  const out: number[][][][] = [];
  for (let bi = 0; bi < n; bi++) {
    const ob: number[][][] = [];
    for (let oc = 0; oc < o; oc++) {
      const g = Math.floor(oc / og);
      const plane: number[][] = [];
      for (let y = 0; y < oh; y++) {
        const row: number[] = [];
        for (let xx = 0; xx < ow; xx++) {
          let s = bs ? bs[oc] : 0;
          for (let ic = 0; ic < cg; ic++)
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const iy = y * stride[0] - pad[0] + i * dil[0];
                const ix = xx * stride[1] - pad[1] + j * dil[1];
                if (iy >= 0 && iy < h && ix >= 0 && ix < wd)
                  s += xs[bi][g * cg + ic][iy][ix] * ws[oc][ic][i][j];
              }
          row.push(s);
        }
        plane.push(row);
      }
      ob.push(plane);
    }
    out.push(ob);
  }
  void c;
  return out;
}

describe('default initialisation matches PyTorch', () => {
  it('Linear / Conv: kaiming_uniform(a=√5) weight and U(±1/√fan_in) bias', () => {
    const lin = new nn.Linear(50, 40);
    const bound = 1 / Math.sqrt(50);
    expect(lin.weight.abs().amax().item()).toBeLessThanOrEqual(bound);
    expect(lin.weight.abs().amax().item()).toBeGreaterThan(bound * 0.95);
    expect(lin.bias?.abs().amax().item()).toBeLessThanOrEqual(bound);
    const conv = new nn.Conv2d(4, 6, 3);
    const cb = 1 / Math.sqrt(4 * 9);
    expect(conv.weight.abs().amax().item()).toBeLessThanOrEqual(cb);
    expect(conv.weight.abs().amax().item()).toBeGreaterThan(cb * 0.9);
    expect(conv.bias?.abs().amax().item()).toBeLessThanOrEqual(cb);
    const ct = new nn.ConvTranspose2d(4, 6, 3);
    expect(ct.weight.shape).toEqual([4, 6, 3, 3]);
    expect(ct.weight.abs().amax().item()).toBeLessThanOrEqual(1 / Math.sqrt(6 * 9));
  });
  it('Embedding N(0,1) with a zero padding row; norms ones/zeros; RNN U(±1/√H)', () => {
    const emb = new nn.Embedding(200, 50, { paddingIdx: 3 });
    const w = emb.weight;
    const mean = w.mean().item();
    const std = w.std().item();
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(std - 1)).toBeLessThan(0.05);
    expect(w.select(0, 3).abs().sum().item()).toBe(0);
    const bn = new nn.BatchNorm2d(3);
    expect(bn.weight?.tolist()).toEqual([1, 1, 1]);
    expect(bn.bias?.tolist()).toEqual([0, 0, 0]);
    expect(bn.runningVar?.tolist()).toEqual([1, 1, 1]);
    expect(bn.numBatchesTracked?.item()).toBe(0);
    const lstm = new nn.LSTM(3, 16);
    for (const p of lstm.parameters()) expect(p.abs().amax().item()).toBeLessThanOrEqual(0.25);
    expect(lstm.parameters().map((p) => p.shape)).toEqual([[64, 3], [64, 16], [64], [64]]);
    const mha = new nn.MultiheadAttention(8, 2);
    expect(mha.inProjBias?.abs().sum().item()).toBe(0);
    expect(mha.outProj.bias?.abs().sum().item()).toBe(0);
    expect(mha.inProjWeight?.abs().amax().item()).toBeLessThanOrEqual(Math.sqrt(6 / (8 + 24)));
  });
  it('init functions follow PyTorch formulas', () => {
    expect(nn.init.calculateGain('relu')).toBeCloseTo(Math.SQRT2);
    expect(nn.init.calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3));
    expect(nn.init.calculateGain('tanh')).toBeCloseTo(5 / 3);
    const w = k.empty(300, 200);
    nn.init.kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'relu' });
    expect(w.std().item()).toBeCloseTo(Math.sqrt(2 / 300), 2);
    nn.init.xavierNormal_(w);
    expect(w.std().item()).toBeCloseTo(Math.sqrt(2 / 500), 2);
    const q = k.empty(4, 6);
    nn.init.orthogonal_(q);
    const qqt = q.matmul(q.t());
    expect(maxAbsDiff(qqt, k.eye(4))).toBeLessThan(1e-5);
    const p = new nn.Parameter(k.empty(3));
    nn.init.constant_(p, 0.5);
    expect(p.tolist()).toEqual([0.5, 0.5, 0.5]);
    expect(p.requiresGrad && p.isLeaf).toBe(true);
  });
});

describe('convolution and pooling values', () => {
  it('conv2d matches a direct convolution (stride, padding, dilation, groups)', () => {
    const x = k.randn(2, 4, 7, 6, { dtype: 'float64' });
    const w = k.randn(6, 2, 3, 2, { dtype: 'float64' });
    const b = k.randn([6], { dtype: 'float64' });
    const y = F.conv2d(x, w, b, { stride: [2, 1], padding: [1, 2], dilation: [2, 1], groups: 2 });
    const ref = k.tensor(naiveConv2d(x, w, b, [2, 1], [1, 2], [2, 1], 2), { dtype: 'float64' });
    expect(y.shape).toEqual(ref.shape);
    expect(maxAbsDiff(y, ref)).toBeLessThan(1e-10);
  });
  it("padding 'same' keeps the size, even kernels pad more on the far side", () => {
    const x = k.randn(1, 1, 5, 5, { dtype: 'float64' });
    const w = k.randn(1, 1, 2, 4, { dtype: 'float64' });
    const y = F.conv2d(x, w, null, { padding: 'same' });
    expect(y.shape).toEqual([1, 1, 5, 5]);
    // total padding (1, 3): left/top get (0, 1), right/bottom get (1, 2).
    const ref = k.tensor(naiveConv2d(k.pad(x, [1, 2, 0, 1]), w, null, [1, 1], [0, 0], [1, 1], 1), {
      dtype: 'float64',
    });
    expect(maxAbsDiff(y, ref)).toBeLessThan(1e-10);
  });
  it('conv_transpose2d is the adjoint of conv2d', () => {
    const x = k.randn(2, 3, 5, 4, { dtype: 'float64' });
    const w = k.randn(3, 4, 3, 3, { dtype: 'float64' }); // conv: 3 -> ... ; transpose maps 3 -> 4
    const opts = { stride: 2, padding: 1 } as const;
    const y = k.randn(2, 4, 9, 7, { dtype: 'float64' });
    // <convT(x), y> = <x, conv(y)> with the same weight viewed as [out=3, in=4].
    const lhs = F.convTranspose2d(x, w, null, opts).mul(y).sum().item();
    const rhs = x
      .mul(F.conv2d(y, w, null, opts))
      .sum()
      .item();
    expect(lhs).toBeCloseTo(rhs, 8);
  });
  it('Conv2d with reflect padding mode pads explicitly', () => {
    const conv = new nn.Conv2d(1, 1, 3, { padding: 1, paddingMode: 'reflect', bias: false });
    const x = k.randn(1, 1, 4, 4);
    const ref = F.conv2d(k.pad(x, [1, 1, 1, 1], { mode: 'reflect' }), conv.weight);
    expect(maxAbsDiff(conv.call(x), ref)).toBe(0);
    expect(conv.toString()).toBe(
      'Conv2d(1, 1, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False, padding_mode=reflect)',
    );
  });
  it('pooling and interpolation layers give PyTorch shapes', () => {
    const x = k.randn(2, 3, 7, 9);
    expect(new nn.MaxPool2d(2).call(x).shape).toEqual([2, 3, 3, 4]);
    expect(new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }).call(x).shape).toEqual([
      2, 3, 4, 5,
    ]);
    expect(new nn.AvgPool2d(2, { ceilMode: true }).call(x).shape).toEqual([2, 3, 4, 5]);
    expect(new nn.AdaptiveAvgPool2d([3, 4]).call(x).shape).toEqual([2, 3, 3, 4]);
    expect(new nn.AdaptiveAvgPool2d(1).call(x).shape).toEqual([2, 3, 1, 1]);
    expect(new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' }).call(x).shape).toEqual([2, 3, 14, 18]);
    expect(new nn.MaxPool1d(2).call(k.randn(2, 3, 9)).shape).toEqual([2, 3, 4]);
    expect(new nn.AvgPool1d(3, { stride: 2 }).call(k.randn(2, 3, 9)).shape).toEqual([2, 3, 4]);
    const [v, idx] = new nn.MaxPool2d(2, { returnIndices: true }).forwardWithIndices(x);
    expect(v.shape).toEqual(idx.shape);
    expect(idx.dtype).toBe('int32');
  });
});

describe('normalisation, dropout, embedding', () => {
  it('BatchNorm updates running stats in training (unbiased var) and uses them in eval', () => {
    const bn = new nn.BatchNorm1d(2, { momentum: 0.5 });
    const x = k.tensor([
      [1, 10],
      [3, 20],
      [5, 60],
    ]);
    const y = bn.call(x);
    // Batch mean [3, 30]; biased var [8/3, 1400/3]; unbiased [4, 700].
    expect((y.tolist() as number[][]).map((r) => r[0])).toEqual(
      [-2, 0, 2].map((d) => expect.closeTo(d / Math.sqrt(8 / 3 + 1e-5), 5)),
    );
    expect(bn.runningMean?.tolist()).toEqual([1.5, 15]);
    expect(bn.runningVar?.tolist()).toEqual([2.5, 350.5]);
    expect(bn.numBatchesTracked?.item()).toBe(1);
    bn.eval();
    const ye = bn.call(k.tensor([[1.5, 15]]));
    expect(ye.abs().amax().item()).toBeLessThan(1e-6);
    expect(bn.numBatchesTracked?.item()).toBe(1);
    // momentum null: cumulative average over batches.
    const cum = new nn.BatchNorm1d(1, { momentum: null });
    cum.call(k.tensor([[0], [2]]));
    cum.call(k.tensor([[4], [6]]));
    expect(cum.runningMean?.tolist()).toEqual([3]);
    expect(() => new nn.BatchNorm1d(2).call(k.randn(1, 2))).toThrow(/Expected more than 1 value per channel/);
    expect(() => new nn.BatchNorm2d(2).call(k.randn(3, 2))).toThrow(/expected 4D input/);
  });
  it('LayerNorm and GroupNorm normalise to zero mean, unit variance', () => {
    const x = k.randn(4, 6, 5);
    const ln = new nn.LayerNorm([6, 5]).call(x);
    expect(ln.mean([1, 2]).abs().amax().item()).toBeLessThan(1e-5);
    expect(ln.var([1, 2], { correction: 0 }).sub(1).abs().amax().item()).toBeLessThan(1e-3);
    const gn = new nn.GroupNorm(3, 6).call(x);
    const g = gn.reshape(4, 3, 10);
    expect(g.mean(2).abs().amax().item()).toBeLessThan(1e-5);
    expect(() => new nn.LayerNorm(4).call(x)).toThrow(/normalized_shape/);
  });
  it('Dropout: seeded masks scaled by 1/(1-p) in training, identity in eval', () => {
    const d = new nn.Dropout(0.25);
    const x = k.ones(100, 100);
    const y = d.call(x);
    const vals = new Set(Array.from(y.dataSync()));
    expect([...vals].sort()).toEqual([0, 4 / 3].map((v) => Math.fround(v)).sort());
    const kept = y.ne(0).sum().item() / 10000;
    expect(Math.abs(kept - 0.75)).toBeLessThan(0.02);
    k.manualSeed(5);
    const a = d.call(x);
    k.manualSeed(5);
    expect(d.call(x).tolist()).toEqual(a.tolist());
    d.eval();
    expect(d.call(x)).toBe(x);
    expect(() => new nn.Dropout(1.5)).toThrow(/between 0 and 1/);
  });
  it('Embedding looks up rows; the padding row gets no gradient', () => {
    const emb = new nn.Embedding(4, 2, { paddingIdx: 0 });
    const idx = k.tensor(
      [
        [0, 2],
        [1, 0],
      ],
      { dtype: 'int32' },
    );
    const y = emb.call(idx);
    expect(y.shape).toEqual([2, 2, 2]);
    expect(maxAbsDiff(y.select(0, 0).select(0, 1), emb.weight.select(0, 2))).toBe(0);
    y.sum().backward();
    expect(emb.weight.grad?.tolist()).toEqual([
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ]);
    expect(() => emb.call(k.tensor([0, 1]))).toThrow(/int32/);
    const pre = nn.Embedding.fromPretrained(k.eye(3));
    expect(pre.weight.requiresGrad).toBe(false);
  });
});

describe('attention', () => {
  it('single-head MultiheadAttention equals softmax(QKᵀ/√d)V through the projections', () => {
    const mha = new nn.MultiheadAttention(4, 1, { batchFirst: true });
    const q = k.randn(2, 3, 4);
    const kv = k.randn(2, 5, 4);
    const [out, w] = mha.call(q, kv, kv);
    const [wq, wk, wv] = (mha.inProjWeight as k.Tensor).chunk(3, 0);
    const [bq, bk, bv] = (mha.inProjBias as k.Tensor).chunk(3, 0);
    const ref = F.scaledDotProductAttention(F.linear(q, wq, bq), F.linear(kv, wk, bk), F.linear(kv, wv, bv));
    const refOut = mha.outProj.call(ref);
    expect(maxAbsDiff(out, refOut)).toBeLessThan(1e-5);
    expect(w?.shape).toEqual([2, 3, 5]);
    expect(maxAbsDiff((w as k.Tensor).sum(-1), k.ones(2, 3))).toBeLessThan(1e-5);
  });
  it('masks: key padding and bool attn masks block attention; needWeights false', () => {
    const mha = new nn.MultiheadAttention(6, 2);
    const x = k.randn(4, 2, 6); // [L, N, E]
    const kpm = k.tensor(
      [
        [false, false, true, true],
        [false, false, false, false],
      ],
      { dtype: 'bool' },
    );
    const [, w] = mha.call(x, x, x, { keyPaddingMask: kpm });
    const w0 = (w as k.Tensor).select(0, 0);
    expect(w0.index(k.slice(), k.slice(2)).abs().amax().item()).toBe(0);
    const causal = k.ones([4, 4], { dtype: 'bool' }).triu(1);
    const [o2, w2] = mha.call(x, x, x, { attnMask: causal, averageAttnWeights: false });
    expect(w2?.shape).toEqual([2, 2, 4, 4]);
    expect(w2?.index('...', 0, k.slice(1)).abs().amax().item()).toBe(0);
    const [o3, w3] = mha.call(x, x, x, { isCausal: true, needWeights: false });
    expect(w3).toBeNull();
    expect(maxAbsDiff(o2, o3)).toBeLessThan(1e-6);
    // Unbatched input.
    const [o4] = mha.call(x.select(1, 0), x.select(1, 0), x.select(1, 0));
    expect(maxAbsDiff(o4, mha.call(x, x, x)[0].select(1, 0))).toBeLessThan(1e-6);
  });
  it('TransformerEncoderLayer keeps the shape and has PyTorch state-dict keys', () => {
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true });
    expect(layer.call(k.randn(3, 5, 8)).shape).toEqual([3, 5, 8]);
    expect(Object.keys(layer.stateDict())).toEqual([
      'self_attn.in_proj_weight',
      'self_attn.in_proj_bias',
      'self_attn.out_proj.weight',
      'self_attn.out_proj.bias',
      'linear1.weight',
      'linear1.bias',
      'linear2.weight',
      'linear2.bias',
      'norm1.weight',
      'norm1.bias',
      'norm2.weight',
      'norm2.bias',
    ]);
    const enc = new nn.TransformerEncoder(layer, 2);
    expect(Object.keys(enc.stateDict())[0]).toBe('layers.0.self_attn.in_proj_weight');
    expect(enc.layers.get(0).linear1.weight).not.toBe(enc.layers.get(1).linear1.weight);
    enc.eval();
    expect(enc.call(k.randn(3, 5, 8)).shape).toEqual([3, 5, 8]);
  });
});

describe('gradcheck of every layer forward (float64)', () => {
  it('Linear, Bilinear, Identity, Flatten, Unflatten', () => {
    const lin = new nn.Linear(3, 2);
    gradcheckModule(lin, [input64(4, 3)], (x) => lin.call(x));
    const bil = new nn.Bilinear(2, 3, 2);
    gradcheckModule(bil, [input64(3, 2), input64(3, 3)], (a, b) => bil.call(a, b));
    const seq = new nn.Sequential(new nn.Identity(), new nn.Flatten(), new nn.Unflatten(1, [3, 2]));
    gradcheckModule(seq, [input64(2, 2, 3)], (x) => seq.call(x));
  });
  it('Embedding (with padding) and Dropout (seeded)', () => {
    // The padding row's gradient is zero by design, so it is left out of the indices here.
    const emb = new nn.Embedding(5, 3, { paddingIdx: 1 });
    const idx = k.tensor(
      [
        [0, 3, 4],
        [4, 2, 0],
      ],
      { dtype: 'int32' },
    );
    gradcheckModule(emb, [], () => emb.call(idx));
    const g = new k.Generator(3);
    const drop = new nn.Dropout(0.4, { generator: g });
    gradcheckModule(drop, [input64(4, 5)], (x) => {
      g.manualSeed(3);
      return drop.call(x);
    });
  });
  it('Conv1d, Conv2d (stride, same padding, dilation, groups), ConvTranspose2d', () => {
    const c1 = new nn.Conv1d(2, 3, 3, { stride: 2, padding: 1 });
    gradcheckModule(c1, [input64(2, 2, 6)], (x) => c1.call(x));
    const c2 = new nn.Conv2d(4, 2, [3, 2], { padding: 'same', dilation: [1, 2], groups: 2 });
    gradcheckModule(c2, [input64(1, 4, 4, 4)], (x) => c2.call(x));
    const c3 = new nn.Conv2d(2, 2, 3, { stride: 2, padding: 1 });
    gradcheckModule(c3, [input64(2, 2, 5, 5)], (x) => c3.call(x));
    const ct = new nn.ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1, outputPadding: 1 });
    gradcheckModule(ct, [input64(1, 2, 3, 3)], (x) => ct.call(x));
  });
  it('MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, interpolate', () => {
    const mp = new nn.MaxPool2d(2, { stride: 1 });
    gradcheckModule(mp, [input64(1, 2, 4, 4)], (x) => mp.call(x));
    const ap = new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false });
    gradcheckModule(ap, [input64(1, 2, 5, 5)], (x) => ap.call(x));
    const aap = new nn.AdaptiveAvgPool2d([2, 3]);
    gradcheckModule(aap, [input64(2, 1, 5, 7)], (x) => aap.call(x));
    const up = new nn.Upsample({ size: [4, 5], mode: 'bilinear', alignCorners: true });
    gradcheckModule(up, [input64(1, 1, 3, 2)], (x) => up.call(x));
  });
  it('BatchNorm1d/2d (train and eval), LayerNorm, GroupNorm', () => {
    const bn = new nn.BatchNorm2d(3);
    gradcheckModule(bn, [input64(2, 3, 2, 2)], (x) => bn.call(x));
    bn.eval();
    gradcheckModule(bn, [input64(2, 3, 2, 2)], (x) => bn.call(x));
    const bn1 = new nn.BatchNorm1d(2);
    gradcheckModule(bn1, [input64(4, 2, 3)], (x) => bn1.call(x));
    const ln = new nn.LayerNorm([2, 3]);
    gradcheckModule(ln, [input64(3, 2, 3)], (x) => ln.call(x));
    const gn = new nn.GroupNorm(2, 4);
    gradcheckModule(gn, [input64(2, 4, 3)], (x) => gn.call(x));
  });
  it('activations', () => {
    const acts = new nn.Sequential(
      new nn.Linear(4, 4),
      new nn.LeakyReLU(0.1),
      new nn.GELU(),
      new nn.SiLU(),
      new nn.Tanh(),
      new nn.Sigmoid(),
      new nn.ReLU(),
      new nn.Softmax(1),
    );
    gradcheckModule(acts, [input64(3, 4)], (x) => acts.call(x));
    const ls = new nn.LogSoftmax(-1);
    gradcheckModule(ls, [input64(2, 5)], (x) => ls.call(x));
  });
  it('MultiheadAttention (masks, batch first) and TransformerEncoderLayer', () => {
    const mha = new nn.MultiheadAttention(4, 2, { batchFirst: true });
    const kpm = k.tensor([[false, false, true]], { dtype: 'bool' });
    gradcheckModule(mha, [input64(1, 2, 4), input64(1, 3, 4)], (q, kv) => {
      const [out, weights] = mha.call(q, kv, kv, { keyPaddingMask: kpm });
      return [out, weights as k.Tensor];
    });
    const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, normFirst: true });
    gradcheckModule(layer, [input64(3, 1, 4)], (x) => layer.call(x, { isCausal: true }));
  });
});
