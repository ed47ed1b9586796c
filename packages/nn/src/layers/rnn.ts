/**
 * Recurrent layers with PyTorch's parameter names, shapes, gate order and initialisation:
 * RNN (tanh/relu), LSTM (gates i, f, g, o), GRU (gates r, z, n with
 * n = tanh(W_in x + b_in + r * (W_hn h + b_hn))), and their cells. Multi-layer, bidirectional and
 * PackedSequence inputs are supported; with a PackedSequence each sequence stops at its own length.
 * The packing metadata (batch sizes) is host data and every index tensor is created on the data's
 * device, so forward and backward read nothing from the device (they run on WebGPU).
 */
import * as k from '@kindling/core';
import * as F from '../functional/layers.js';
import * as init from '../init.js';
import { Module, type Parameter } from '../module.js';
import { pyBool, pyFloat } from '../repr.js';
import { PackedSequence } from '../utils/rnn.js';
import { emptyParameter, type FactoryOptions } from './util.js';

type Tensor = k.Tensor;
type Mode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

const GATES: Record<Mode, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

interface CellWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
}

/** An index tensor on `device` (a cpu permutation is copied there; the reverse needs no read either). */
function onDevice(t: Tensor, device: string): Tensor {
  return t.device === device ? t : t.to(device);
}

/** Splits [B, n*H] into n gate tensors [B, H] with one backward node (unbind, not n slices). */
function gates(x: Tensor, n: number): Tensor[] {
  return x.reshape(x.shape[0], n, -1).unbind(1);
}

/**
 * The per-step rows of packed `x` [sum(batchSizes), G]: step t gets [batchSizes[t], G]. Built as
 * one gather into a padded [T, B, G] and one unbind, so backward is linear in the sequence length
 * (T separate slices would each carry a full-size gradient).
 */
function perStep(x: Tensor, batchSizes: readonly number[]): Tensor[] {
  const steps = batchSizes.length;
  const b = steps ? batchSizes[0] : 0;
  const g = x.shape[1];
  if (batchSizes.every((bs) => bs === b)) return x.reshape(steps, b, g).unbind(0);
  const n = x.shape[0];
  const idx = new Int32Array(steps * b).fill(n);
  let off = 0;
  batchSizes.forEach((bs, t) => {
    for (let i = 0; i < bs; i++) idx[t * b + i] = off + i;
    off += bs;
  });
  const src = k.cat([x, k.zeros([1, g], { dtype: x.dtype, device: x.device })], 0);
  const padded = src.indexSelect(0, k.tensor(idx, { dtype: 'int32', device: x.device })).reshape(steps, b, g);
  return padded.unbind(0).map((s, t) => (batchSizes[t] === b ? s : s.narrow(0, 0, batchSizes[t])));
}

/**
 * One recurrence step given the input projection `gi = x W_ihᵀ + b_ih` (computed for all steps
 * at once) and the previous state. Returns the new [h, c] (c only for LSTM).
 */
function step(mode: Mode, gi: Tensor, h: Tensor, c: Tensor | null, w: CellWeights): [Tensor, Tensor | null] {
  const gh = F.linear(h, w.wHh, w.bHh);
  switch (mode) {
    case 'RNN_TANH':
      return [gi.add(gh).tanh(), null];
    case 'RNN_RELU':
      return [gi.add(gh).relu(), null];
    case 'LSTM': {
      const [i, f, g, o] = gates(gi.add(gh), 4);
      const c2 = f
        .sigmoid()
        .mul(c as Tensor)
        .add(i.sigmoid().mul(g.tanh()));
      return [o.sigmoid().mul(c2.tanh()), c2];
    }
    case 'GRU': {
      const [ir, iz, inn] = gates(gi, 3);
      const [hr, hz, hn] = gates(gh, 3);
      const r = ir.add(hr).sigmoid();
      const z = iz.add(hz).sigmoid();
      const n = inn.add(r.mul(hn)).tanh();
      // (1 - z) * n + z * h
      return [n.add(z.mul(h.sub(n))), null];
    }
  }
}

interface DirectionResult {
  /** [sum(batchSizes), H], rows in the packed order. */
  out: Tensor;
  h: Tensor;
  c: Tensor | null;
}

/**
 * Runs one direction of one layer over packed rows: `data` [sum(batchSizes), I] holds the rows of
 * the sequences still running at each step. Forward direction: rows that stop are set aside as
 * their final state. Reverse direction: sequences join (from h0) at their last step.
 */
function runDirection(
  mode: Mode,
  data: Tensor,
  batchSizes: readonly number[],
  w: CellWeights,
  h0: Tensor,
  c0: Tensor | null,
  reverse: boolean,
): DirectionResult {
  const steps = batchSizes.length;
  const gi = F.linear(data, w.wIh, w.bIh);
  const gis = perStep(gi, batchSizes);
  const outs: Tensor[] = new Array(steps);
  if (!reverse) {
    let h = h0;
    let c = c0;
    const doneH: Tensor[] = [];
    const doneC: Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      const bs = batchSizes[t];
      if (bs < h.shape[0]) {
        // Sequences bs.. ended at the previous step: their state is final.
        doneH.push(h.narrow(0, bs, h.shape[0] - bs));
        h = h.narrow(0, 0, bs);
        if (c) {
          doneC.push(c.narrow(0, bs, c.shape[0] - bs));
          c = c.narrow(0, 0, bs);
        }
      }
      [h, c] = step(mode, gis[t], h, c, w);
      outs[t] = h;
    }
    doneH.push(h);
    if (c) doneC.push(c);
    const hN = doneH.length === 1 ? h : k.cat(doneH.reverse(), 0);
    const cN = c === null ? null : doneC.length === 1 ? c : k.cat(doneC.reverse(), 0);
    return { out: steps === 1 ? outs[0] : k.cat(outs, 0), h: hN, c: cN };
  }
  let h = h0.narrow(0, 0, steps ? batchSizes[steps - 1] : 0);
  let c = c0 ? c0.narrow(0, 0, h.shape[0]) : null;
  for (let t = steps - 1; t >= 0; t--) {
    const bs = batchSizes[t];
    const have = h.shape[0];
    if (bs > have) {
      // Sequences have..bs start here (their last step), from their initial state.
      h = k.cat([h, h0.narrow(0, have, bs - have)], 0);
      if (c && c0) c = k.cat([c, c0.narrow(0, have, bs - have)], 0);
    }
    [h, c] = step(mode, gis[t], h, c, w);
    outs[t] = h;
  }
  return { out: steps === 1 ? outs[0] : k.cat(outs, 0), h, c };
}

/** Options of `RNN`, `LSTM` and `GRU` (like `torch.nn.LSTM`'s keyword arguments). */
export interface RNNOptions extends FactoryOptions {
  /** Number of stacked recurrent layers (default 1). */
  numLayers?: number;
  /** Learn the `bias_ih`/`bias_hh` parameters (default `true`). */
  bias?: boolean;
  /** Input and output are [B, T, *] instead of [T, B, *] (hidden states stay [L*D, B, H]). */
  batchFirst?: boolean;
  /** Dropout on the outputs of each layer except the last (training only). */
  dropout?: number;
  /** Also run each layer backwards and concatenate both directions' outputs (default `false`). */
  bidirectional?: boolean;
}

/** The shared multi-layer, (bi)directional recurrent machinery. */
export abstract class RNNBase extends Module {
  /** Cell type, PyTorch's names: `'RNN_TANH'`, `'RNN_RELU'`, `'LSTM'` or `'GRU'`. */
  readonly mode: Mode;
  /** Features of each input step. */
  readonly inputSize: number;
  /** Features of the hidden state. */
  readonly hiddenSize: number;
  /** Number of stacked layers. */
  readonly numLayers: number;
  /** Whether the layers have biases. */
  readonly bias: boolean;
  /** Whether input and output are [B, T, *]. */
  readonly batchFirst: boolean;
  /** Dropout probability between layers (training only). */
  readonly dropout: number;
  /** Whether each layer also runs backwards. */
  readonly bidirectional: boolean;

  constructor(mode: Mode, inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super();
    const name = this.constructor.name;
    this.mode = mode;
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.numLayers = opts.numLayers ?? 1;
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    this.bidirectional = opts.bidirectional ?? false;
    if (!(this.dropout >= 0 && this.dropout <= 1))
      throw new Error(
        'dropout should be a number in range [0, 1] representing the probability of an element being zeroed',
      );
    if (!Number.isInteger(hiddenSize) || hiddenSize <= 0)
      throw new Error(`${name}: hidden_size must be greater than zero (got ${hiddenSize})`);
    if (!Number.isInteger(this.numLayers) || this.numLayers <= 0)
      throw new Error(`${name}: num_layers must be greater than zero (got ${this.numLayers})`);
    if (this.dropout > 0 && this.numLayers === 1)
      console.warn(
        `dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${this.dropout} and num_layers=1`,
      );
    const gate = GATES[mode] * hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    for (let layer = 0; layer < this.numLayers; layer++)
      for (let d = 0; d < dirs; d++) {
        const sfx = `_l${layer}${d === 1 ? '_reverse' : ''}`;
        const inSize = layer === 0 ? inputSize : hiddenSize * dirs;
        this.registerParameter(`weight_ih${sfx}`, emptyParameter([gate, inSize], opts));
        this.registerParameter(`weight_hh${sfx}`, emptyParameter([gate, hiddenSize], opts));
        if (this.bias) {
          this.registerParameter(`bias_ih${sfx}`, emptyParameter([gate], opts));
          this.registerParameter(`bias_hh${sfx}`, emptyParameter([gate], opts));
        }
      }
    this.resetParameters();
  }

  /** Re-initialises every weight and bias with U(-1/√hiddenSize, 1/√hiddenSize), like PyTorch. */
  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const p of this.parameters()) init.uniform_(p, -stdv, stdv);
  }

  /** The parameters of one layer and direction, by PyTorch name. */
  private weights(layer: number, reverse: boolean): CellWeights {
    const sfx = `_l${layer}${reverse ? '_reverse' : ''}`;
    const get = (n: string) => this._getEntry(n) as Parameter | null | undefined;
    return {
      wIh: get(`weight_ih${sfx}`) as Parameter,
      wHh: get(`weight_hh${sfx}`) as Parameter,
      bIh: get(`bias_ih${sfx}`) ?? null,
      bHh: get(`bias_hh${sfx}`) ?? null,
    };
  }

  /** All weights, in PyTorch's `_flat_weights` order. */
  get allWeights(): Parameter[][] {
    const dirs = this.bidirectional ? 2 : 1;
    const out: Parameter[][] = [];
    for (let l = 0; l < this.numLayers; l++)
      for (let d = 0; d < dirs; d++) {
        const w = this.weights(l, d === 1);
        out.push([w.wIh, w.wHh, ...(w.bIh ? [w.bIh, w.bHh] : [])] as Parameter[]);
      }
    return out;
  }

  private checkHidden(name: string, h: Tensor, expected: number[]): void {
    if (h.shape.join(',') !== expected.join(','))
      throw new Error(`Expected ${name} size (${expected.join(', ')}), got [${h.shape.join(', ')}]`);
  }

  /**
   * Runs all layers. `input` is a Tensor [T, B, I] / [B, T, I] / unbatched [T, I], or a
   * PackedSequence. `hx` ([L*D, B, H], LSTM: [h0, c0]) is in the caller's batch order.
   */
  protected run(
    input: Tensor | PackedSequence,
    hx: Tensor | readonly [Tensor, Tensor] | null | undefined,
  ): [Tensor | PackedSequence, Tensor, Tensor | null] {
    const name = this.constructor.name;
    const isLstm = this.mode === 'LSTM';
    const dirs = this.bidirectional ? 2 : 1;
    const hsz = this.hiddenSize;
    let data: Tensor;
    let batchSizes: number[];
    let batch: number;
    let unbatched = false;
    let steps = 0;
    const packed = input instanceof PackedSequence ? input : null;
    if (packed) {
      data = packed.data;
      batchSizes = packed.batchSizesList();
      batch = batchSizes.length ? batchSizes[0] : 0;
      if (data.ndim !== 2 || data.shape[1] !== this.inputSize)
        throw new Error(
          `${name}: input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${data.shape[data.ndim - 1]}`,
        );
    } else {
      const x0 = input as Tensor;
      if (x0.ndim !== 2 && x0.ndim !== 3)
        throw new Error(`${name}: Expected input to be 2D or 3D, got ${x0.ndim}D instead`);
      if (x0.shape[x0.ndim - 1] !== this.inputSize)
        throw new Error(
          `${name}: input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${x0.shape[x0.ndim - 1]}`,
        );
      unbatched = x0.ndim === 2;
      let x = unbatched ? x0.unsqueeze(1) : this.batchFirst ? x0.transpose(0, 1) : x0;
      steps = x.shape[0];
      batch = x.shape[1];
      if (steps === 0)
        throw new Error(
          `${name}: expected a non-empty sequence (got input of shape [${x0.shape.join(', ')}])`,
        );
      x = x.reshape(steps * batch, this.inputSize);
      data = x;
      batchSizes = new Array<number>(steps).fill(batch);
    }
    const stateShape = [this.numLayers * dirs, batch, hsz];
    let h0: Tensor;
    let c0: Tensor | null = null;
    if (hx) {
      let hh: Tensor;
      let cc: Tensor | null = null;
      if (isLstm) {
        if (!Array.isArray(hx)) throw new Error(`${name}: hx must be a pair [h0, c0]`);
        [hh, cc] = hx as readonly [Tensor, Tensor];
      } else {
        if (!(hx instanceof k.Tensor)) throw new Error(`${name}: hx must be a Tensor`);
        hh = hx;
      }
      if (unbatched) {
        if (hh.ndim !== 2)
          throw new Error(`For unbatched 2-D input, hx should also be 2-D but got ${hh.ndim}-D tensor`);
        hh = hh.unsqueeze(1);
        cc = cc ? cc.unsqueeze(1) : null;
      }
      this.checkHidden(isLstm ? 'hx[0]' : 'hidden', hh, stateShape);
      if (cc) this.checkHidden('hx[1]', cc, stateShape);
      // The caller's batch order → sorted order of the packed rows.
      if (packed?.sortedIndices) {
        const order = onDevice(packed.sortedIndices, hh.device);
        hh = hh.indexSelect(1, order);
        cc = cc ? cc.indexSelect(1, order) : null;
      }
      h0 = hh;
      c0 = cc;
    } else {
      h0 = k.zeros(stateShape, { dtype: data.dtype, device: data.device });
      if (isLstm) c0 = k.zeros(stateShape, { dtype: data.dtype, device: data.device });
    }
    const hN: Tensor[] = [];
    const cN: Tensor[] = [];
    let layerIn = data;
    for (let l = 0; l < this.numLayers; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < dirs; d++) {
        const idx = l * dirs + d;
        const r = runDirection(
          this.mode,
          layerIn,
          batchSizes,
          this.weights(l, d === 1),
          h0.select(0, idx),
          c0 ? c0.select(0, idx) : null,
          d === 1,
        );
        outs.push(r.out);
        hN.push(r.h);
        if (r.c) cN.push(r.c);
      }
      layerIn = dirs === 1 ? outs[0] : k.cat(outs, 1);
      if (this.dropout > 0 && this.training && l < this.numLayers - 1)
        layerIn = F.dropout(layerIn, this.dropout, true);
    }
    let h = k.stack(hN, 0);
    let c = isLstm ? k.stack(cN, 0) : null;
    if (packed) {
      if (packed.unsortedIndices) {
        const order = onDevice(packed.unsortedIndices, h.device);
        h = h.indexSelect(1, order);
        c = c ? c.indexSelect(1, order) : null;
      }
      return [packed.withData(layerIn), h, c];
    }
    let out = layerIn.reshape(steps, batch, hsz * dirs);
    if (unbatched) {
      out = out.squeeze(1);
      h = h.squeeze(1);
      c = c ? c.squeeze(1) : null;
    } else if (this.batchFirst) out = out.transpose(0, 1);
    return [out, h, c];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += ', bias=False';
    if (this.batchFirst) s += ', batch_first=True';
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional) s += ', bidirectional=True';
    return s;
  }
}

/** Options of `RNN`: those of `RNNOptions` plus the nonlinearity. */
export interface ElmanRNNOptions extends RNNOptions {
  /** `'tanh'` (default) or `'relu'`. */
  nonlinearity?: 'tanh' | 'relu';
}

/** Elman RNN: h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh) (or relu). */
export class RNN extends RNNBase {
  /** `'tanh'` or `'relu'`. */
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, opts: ElmanRNNOptions = {}) {
    const nl = opts.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu')
      throw new Error(`Unknown nonlinearity '${String(nl)}'. Select from 'tanh' or 'relu'.`);
    super(nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, opts);
    this.nonlinearity = nl;
  }
  /** `[output, hN]`; output is a PackedSequence when the input is one. */
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: Tensor | PackedSequence, hx?: Tensor | null): [Tensor | PackedSequence, Tensor];
  override forward(input: Tensor | PackedSequence, hx?: Tensor | null): [Tensor | PackedSequence, Tensor] {
    const [out, h] = this.run(input, hx);
    return [out, h];
  }
  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity !== 'tanh' ? `, nonlinearity='${this.nonlinearity}'` : '');
  }
}

/** Long short-term memory; gates i, f, g, o; `call(input, [h0, c0]?)` → `[output, [hN, cN]]`. */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super('LSTM', inputSize, hiddenSize, opts);
  }
  override forward(
    input: PackedSequence,
    hx?: readonly [Tensor, Tensor] | null,
  ): [PackedSequence, [Tensor, Tensor]];
  override forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]];
  override forward(
    input: Tensor | PackedSequence,
    hx?: readonly [Tensor, Tensor] | null,
  ): [Tensor | PackedSequence, [Tensor, Tensor]];
  override forward(
    input: Tensor | PackedSequence,
    hx?: readonly [Tensor, Tensor] | null,
  ): [Tensor | PackedSequence, [Tensor, Tensor]] {
    const [out, h, c] = this.run(input, hx);
    return [out, [h, c as Tensor]];
  }
}

/** Gated recurrent unit; gates r, z, n. */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super('GRU', inputSize, hiddenSize, opts);
  }
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: Tensor | PackedSequence, hx?: Tensor | null): [Tensor | PackedSequence, Tensor];
  override forward(input: Tensor | PackedSequence, hx?: Tensor | null): [Tensor | PackedSequence, Tensor] {
    const [out, h] = this.run(input, hx);
    return [out, h];
  }
}

// ------------------------------------------------------------------ cells

/** Options of `RNNCell`, `LSTMCell` and `GRUCell`. */
export interface RNNCellOptions extends FactoryOptions {
  /** Learn `bias_ih` and `bias_hh` (default `true`). */
  bias?: boolean;
}

/** Shared by the cells: weight_ih [G, I], weight_hh [G, H], bias_ih, bias_hh; U(-1/√H, 1/√H). */
abstract class RNNCellBase extends Module {
  /** Features of the input. */
  readonly inputSize: number;
  /** Features of the hidden state. */
  readonly hiddenSize: number;
  /** Whether the cell has biases. */
  readonly bias: boolean;
  /** Input-hidden weights [gates * hiddenSize, inputSize]. */
  weight_ih: Parameter;
  /** Hidden-hidden weights [gates * hiddenSize, hiddenSize]. */
  weight_hh: Parameter;
  /** Input-hidden bias [gates * hiddenSize], or `null` without `bias`. */
  bias_ih: Parameter | null;
  /** Hidden-hidden bias [gates * hiddenSize], or `null` without `bias`. */
  bias_hh: Parameter | null;
  constructor(inputSize: number, hiddenSize: number, gates: number, opts: RNNCellOptions) {
    super();
    this.inputSize = inputSize;
    this.hiddenSize = hiddenSize;
    this.bias = opts.bias ?? true;
    this.weight_ih = emptyParameter([gates * hiddenSize, inputSize], opts);
    this.weight_hh = emptyParameter([gates * hiddenSize, hiddenSize], opts);
    this.bias_ih = this.bias ? emptyParameter([gates * hiddenSize], opts) : null;
    this.bias_hh = this.bias ? emptyParameter([gates * hiddenSize], opts) : null;
    this.resetParameters();
  }
  /** Re-initialises every weight and bias with U(-1/√hiddenSize, 1/√hiddenSize), like PyTorch. */
  resetParameters(): void {
    const stdv = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const p of this.parameters()) init.uniform_(p, -stdv, stdv);
  }
  protected cellWeights(): CellWeights {
    return { wIh: this.weight_ih, wHh: this.weight_hh, bIh: this.bias_ih, bHh: this.bias_hh };
  }
  /** Validates input [B, I] or [I] and returns it batched, plus whether it was unbatched. */
  protected prepare(input: Tensor): [Tensor, boolean] {
    const name = this.constructor.name;
    if (input.ndim !== 1 && input.ndim !== 2)
      throw new Error(`${name}: Expected input to be 1D or 2D, got ${input.ndim}D instead`);
    if (input.shape[input.ndim - 1] !== this.inputSize)
      throw new Error(
        `${name}: input has inconsistent input_size: got ${input.shape[input.ndim - 1]} expected ${this.inputSize}`,
      );
    return input.ndim === 1 ? [input.unsqueeze(0), true] : [input, false];
  }
  protected state(h: Tensor | null | undefined, x: Tensor, unbatched: boolean): Tensor {
    if (!h) return k.zeros([x.shape[0], this.hiddenSize], { dtype: x.dtype, device: x.device });
    const hb = unbatched ? h.unsqueeze(0) : h;
    if (hb.shape.join(',') !== `${x.shape[0]},${this.hiddenSize}`)
      throw new Error(
        `${this.constructor.name}: Expected hidden size (${x.shape[0]}, ${this.hiddenSize}), got [${h.shape.join(', ')}]`,
      );
    return hb;
  }
  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : `, bias=${pyBool(false)}`}`;
  }
}

/** One Elman RNN step: `call(x [B, I], h?)` → h'. */
export class RNNCell extends RNNCellBase {
  /** `'tanh'` (default) or `'relu'`. */
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(
    inputSize: number,
    hiddenSize: number,
    opts: RNNCellOptions & { nonlinearity?: 'tanh' | 'relu' } = {},
  ) {
    super(inputSize, hiddenSize, 1, opts);
    this.nonlinearity = opts.nonlinearity ?? 'tanh';
    if (this.nonlinearity !== 'tanh' && this.nonlinearity !== 'relu')
      throw new Error(`Unknown nonlinearity: ${String(this.nonlinearity)}`);
  }
  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    const [x, unbatched] = this.prepare(input);
    const h = this.state(hx, x, unbatched);
    const w = this.cellWeights();
    const [h2] = step(
      this.nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU',
      F.linear(x, w.wIh, w.bIh),
      h,
      null,
      w,
    );
    return unbatched ? h2.squeeze(0) : h2;
  }
  override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity !== 'tanh' ? `, nonlinearity=${this.nonlinearity}` : '');
  }
}

/** One LSTM step: `call(x, [h, c]?)` → [h', c']. */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions = {}) {
    super(inputSize, hiddenSize, 4, opts);
  }
  override forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, Tensor] {
    const [x, unbatched] = this.prepare(input);
    const h = this.state(hx?.[0], x, unbatched);
    const c = this.state(hx?.[1], x, unbatched);
    const w = this.cellWeights();
    const [h2, c2] = step('LSTM', F.linear(x, w.wIh, w.bIh), h, c, w);
    return unbatched ? [h2.squeeze(0), (c2 as Tensor).squeeze(0)] : [h2, c2 as Tensor];
  }
}

/** One GRU step: `call(x, h?)` → h'. */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions = {}) {
    super(inputSize, hiddenSize, 3, opts);
  }
  override forward(input: Tensor, hx?: Tensor | null): Tensor {
    const [x, unbatched] = this.prepare(input);
    const h = this.state(hx, x, unbatched);
    const w = this.cellWeights();
    const [h2] = step('GRU', F.linear(x, w.wIh, w.bIh), h, null, w);
    return unbatched ? h2.squeeze(0) : h2;
  }
}
