/** MultiheadAttention, TransformerEncoderLayer, TransformerEncoder. */
import * as k from '@kindling/core';
import * as F from '../functional/layers.js';
import * as init from '../init.js';
import { deepCopy, Module, type Parameter } from '../module.js';
import { ModuleList } from './container.js';
import { Dropout } from './dropout.js';
import { Linear, NonDynamicallyQuantizableLinear } from './linear.js';
import { LayerNorm } from './normalization.js';
import { emptyParameter, type FactoryOptions } from './util.js';

type Tensor = k.Tensor;

/** Options of `MultiheadAttention` (like `torch.nn.MultiheadAttention`'s keyword arguments). */
export interface MultiheadAttentionOptions extends FactoryOptions {
  /** Dropout on the attention weights (training only). */
  dropout?: number;
  /** Learn `in_proj_bias` and the output projection's bias (default `true`). */
  bias?: boolean;
  /** Key/value feature sizes when they differ from embedDim (separate projection weights). */
  kdim?: number;
  /** Value feature size when it differs from embedDim (default: embedDim). */
  vdim?: number;
  /** Inputs and output are [N, L, E] instead of [L, N, E]. */
  batchFirst?: boolean;
}

/** Options of `MultiheadAttention.forward` (PyTorch's forward keyword arguments). */
export interface MultiheadAttentionForwardOptions {
  /** [N, S]; true (or -inf) marks padding keys to ignore. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** [L, S] or [N*numHeads, L, S]; true (bool) marks positions that may NOT attend, floats are added. */
  attnMask?: Tensor | null;
  /** Average the returned weights over heads (default true). */
  averageAttnWeights?: boolean;
  /** Apply a causal mask when no attnMask is given. */
  isCausal?: boolean;
}

/** Turns a bool "masked" tensor into an additive float mask (-inf where true). */
function additiveMask(mask: Tensor, dtype: k.DType): Tensor {
  if (mask.dtype === 'bool')
    return k.zeros(mask.shape, { dtype, device: mask.device }).maskedFill(mask, Number.NEGATIVE_INFINITY);
  return mask.dtype === dtype ? mask : mask.to(dtype);
}

/**
 * Multi-head attention with PyTorch's parameters (`in_proj_weight` [3E, E], `in_proj_bias`,
 * `out_proj`) and semantics; `call(query, key, value, opts)` → `[output, weights | null]`.
 */
export class MultiheadAttention extends Module {
  /** Model dimension E (query and output features). */
  readonly embedDim: number;
  /** Key feature size. */
  readonly kdim: number;
  /** Value feature size. */
  readonly vdim: number;
  /** Number of attention heads. */
  readonly numHeads: number;
  /** Features per head, `embedDim / numHeads`. */
  readonly headDim: number;
  /** Dropout probability on the attention weights (training only). */
  readonly dropout: number;
  /** Whether inputs and output are [N, L, E]. */
  readonly batchFirst: boolean;
  /** Packed query/key/value projection [3E, E] (`null` when kdim or vdim differ from E). */
  declare in_proj_weight: Parameter | null;
  /** Query projection [E, E] when kdim or vdim differ from E (else `null`). */
  declare q_proj_weight: Parameter | null;
  /** Key projection [E, kdim] when kdim or vdim differ from E (else `null`). */
  declare k_proj_weight: Parameter | null;
  /** Value projection [E, vdim] when kdim or vdim differ from E (else `null`). */
  declare v_proj_weight: Parameter | null;
  /** Packed query/key/value bias [3E], or `null` without `bias`. */
  declare in_proj_bias: Parameter | null;
  /** The output projection (PyTorch's name `out_proj`). */
  declare out_proj: NonDynamicallyQuantizableLinear;
  constructor(embedDim: number, numHeads: number, opts: MultiheadAttentionOptions = {}) {
    super();
    if (!Number.isInteger(embedDim) || embedDim <= 0)
      throw new Error(
        `embed_dim and num_heads must be greater than 0, got embed_dim=${embedDim} and num_heads=${numHeads} instead`,
      );
    this.embedDim = embedDim;
    this.kdim = opts.kdim ?? embedDim;
    this.vdim = opts.vdim ?? embedDim;
    this.numHeads = numHeads;
    this.dropout = opts.dropout ?? 0;
    this.batchFirst = opts.batchFirst ?? false;
    this.headDim = Math.floor(embedDim / numHeads);
    if (this.headDim * numHeads !== embedDim) throw new Error('embed_dim must be divisible by num_heads');
    // Registration order matches PyTorch's, so state-dict keys come out in its order.
    if (this.kdim === embedDim && this.vdim === embedDim) {
      this.registerParameter('in_proj_weight', emptyParameter([3 * embedDim, embedDim], opts));
    } else {
      this.registerParameter('q_proj_weight', emptyParameter([embedDim, embedDim], opts));
      this.registerParameter('k_proj_weight', emptyParameter([embedDim, this.kdim], opts));
      this.registerParameter('v_proj_weight', emptyParameter([embedDim, this.vdim], opts));
    }
    this.registerParameter('in_proj_bias', opts.bias === false ? null : emptyParameter([3 * embedDim], opts));
    this.registerModule('out_proj', new NonDynamicallyQuantizableLinear(embedDim, embedDim, opts));
    this.resetParameters();
  }
  /** Alias of `in_proj_weight`. */
  get inProjWeight(): Parameter | null {
    return this.in_proj_weight ?? null;
  }
  /** Alias of `in_proj_bias`. */
  get inProjBias(): Parameter | null {
    return this.in_proj_bias ?? null;
  }
  /** Alias of `out_proj`. */
  get outProj(): Linear {
    return this.out_proj;
  }
  /** Re-initialises like PyTorch: Xavier-uniform projections, zero biases. */
  resetParameters(): void {
    if (this.in_proj_weight) init.xavierUniform_(this.in_proj_weight);
    else {
      init.xavierUniform_(this.q_proj_weight as Parameter);
      init.xavierUniform_(this.k_proj_weight as Parameter);
      init.xavierUniform_(this.v_proj_weight as Parameter);
    }
    if (this.in_proj_bias) {
      init.constant_(this.in_proj_bias, 0);
      if (this.out_proj.bias) init.constant_(this.out_proj.bias, 0);
    }
  }

  override forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    opts: MultiheadAttentionForwardOptions = {},
  ): [Tensor, Tensor | null] {
    const needWeights = opts.needWeights ?? true;
    const batched = query.ndim === 3;
    if (!batched && query.ndim !== 2)
      throw new Error(
        `MultiheadAttention: query should be unbatched 2D or batched 3D tensor but received ${query.ndim}-D query tensor`,
      );
    let q = query;
    let kk = key;
    let v = value;
    let kpm = opts.keyPaddingMask ?? null;
    if (!batched) {
      q = q.unsqueeze(1);
      kk = kk.unsqueeze(1);
      v = v.unsqueeze(1);
      if (kpm) kpm = kpm.unsqueeze(0);
    } else if (this.batchFirst) {
      q = q.transpose(0, 1);
      kk = kk.transpose(0, 1);
      v = v.transpose(0, 1);
    }
    const [l, n, e] = q.shape;
    const s = kk.shape[0];
    if (e !== this.embedDim)
      throw new Error(`was expecting embedding dimension of ${this.embedDim}, but got ${e}`);
    if (kk.shape[0] !== v.shape[0] || kk.shape[1] !== v.shape[1])
      throw new Error(
        `key shape [${kk.shape.join(', ')}] does not match value shape [${v.shape.join(', ')}]`,
      );
    const h = this.numHeads;
    const hd = this.headDim;
    let wq: Tensor;
    let wk: Tensor;
    let wv: Tensor;
    if (this.in_proj_weight) [wq, wk, wv] = this.in_proj_weight.chunk(3, 0);
    else [wq, wk, wv] = [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight] as Tensor[];
    const [bq, bk, bv] = this.in_proj_bias ? this.in_proj_bias.chunk(3, 0) : [null, null, null];
    // [L, N, E] → [N*H, L, hd]
    const heads = (x: Tensor, len: number) => x.reshape(len, n * h, hd).transpose(0, 1);
    const qh = heads(F.linear(q, wq, bq), l);
    const kh = heads(F.linear(kk, wk, bk), s);
    const vh = heads(F.linear(v, wv, bv), s);
    let mask: Tensor | null = null;
    if (opts.attnMask) {
      const am = opts.attnMask;
      if (am.ndim === 2) {
        if (am.shape[0] !== l || am.shape[1] !== s)
          throw new Error(
            `The shape of the 2D attn_mask is [${am.shape.join(', ')}], but should be (${l}, ${s}).`,
          );
        mask = additiveMask(am, q.dtype).unsqueeze(0);
      } else if (am.ndim === 3) {
        if (am.shape[0] !== n * h || am.shape[1] !== l || am.shape[2] !== s)
          throw new Error(
            `The shape of the 3D attn_mask is [${am.shape.join(', ')}], but should be (${n * h}, ${l}, ${s}).`,
          );
        mask = additiveMask(am, q.dtype);
      } else throw new Error(`attn_mask's dimension ${am.ndim} is not supported`);
    } else if (opts.isCausal) {
      const causal = k.ones([l, s], { dtype: 'bool', device: q.device }).triu(1);
      mask = additiveMask(causal, q.dtype).unsqueeze(0);
    }
    if (kpm) {
      if (kpm.shape[0] !== n || kpm.shape[1] !== s)
        throw new Error(
          `expecting key_padding_mask shape of (${n}, ${s}), but got [${kpm.shape.join(', ')}]`,
        );
      const pm = additiveMask(kpm, q.dtype)
        .reshape(n, 1, 1, s)
        .expand(n, h, 1, s)
        .reshape(n * h, 1, s);
      mask = mask ? mask.add(pm) : pm;
    }
    let scores = qh.mul(1 / Math.sqrt(hd)).matmul(kh.transpose(1, 2));
    if (mask) scores = scores.add(mask);
    let attn = scores.softmax(-1);
    if (this.dropout > 0 && this.training) attn = F.dropout(attn, this.dropout, true);
    let out = attn
      .matmul(vh)
      .transpose(0, 1)
      .reshape(l * n, e);
    out = this.out_proj.call(out).reshape(l, n, e);
    let weights: Tensor | null = null;
    if (needWeights) {
      weights = attn.reshape(n, h, l, s);
      if (opts.averageAttnWeights ?? true) weights = weights.mean(1);
      if (!batched) weights = weights.squeeze(0);
    }
    if (!batched) out = out.squeeze(1);
    else if (this.batchFirst) out = out.transpose(0, 1);
    return [out, weights];
  }
}

/** The feed-forward activation of `TransformerEncoderLayer`: `'relu'`, `'gelu'` or a function. */
export type Activation = 'relu' | 'gelu' | ((x: Tensor) => Tensor);

/** Options of `TransformerEncoderLayer` (like `torch.nn.TransformerEncoderLayer`'s keyword arguments). */
export interface TransformerEncoderLayerOptions extends FactoryOptions {
  /** Hidden size of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout probability everywhere in the layer (default 0.1). */
  dropout?: number;
  /** Feed-forward activation (default `'relu'`). */
  activation?: Activation;
  /** `eps` of the LayerNorms (default 1e-5). */
  layerNormEps?: number;
  /** Input and output are [N, L, E] instead of [L, N, E] (default `false`). */
  batchFirst?: boolean;
  /** Pre-norm (LayerNorm before attention/feed-forward) instead of post-norm. */
  normFirst?: boolean;
  /** Learn biases in the linear layers and LayerNorms (default `true`). */
  bias?: boolean;
}

/** Options of `TransformerEncoderLayer.forward` and `TransformerEncoder.forward`. */
export interface TransformerEncoderForwardOptions {
  /** Attention mask [L, L] or [N*nhead, L, L]: `true` (bool) blocks attention, floats are added. */
  srcMask?: Tensor | null;
  /** [N, L]; `true` (or -inf) marks padding positions to ignore. */
  srcKeyPaddingMask?: Tensor | null;
  /** Apply a causal mask when no `srcMask` is given (default `false`). */
  isCausal?: boolean;
}

/** Self-attention then feed-forward, each with dropout, a residual and LayerNorm (PyTorch's layout). */
export class TransformerEncoderLayer extends Module {
  /** The self-attention block (PyTorch's name `self_attn`). */
  self_attn: MultiheadAttention;
  /** Feed-forward expansion, dModel → dimFeedforward. */
  linear1: Linear;
  /** Dropout inside the feed-forward block. */
  dropout: Dropout;
  /** Feed-forward projection, dimFeedforward → dModel. */
  linear2: Linear;
  /** Whether LayerNorm comes before each block (pre-norm) rather than after the residual. */
  readonly normFirst: boolean;
  /** LayerNorm of the attention block. */
  norm1: LayerNorm;
  /** LayerNorm of the feed-forward block. */
  norm2: LayerNorm;
  /** Dropout on the attention output. */
  dropout1: Dropout;
  /** Dropout on the feed-forward output. */
  dropout2: Dropout;
  /** The feed-forward activation. */
  readonly activation: (x: Tensor) => Tensor;
  constructor(dModel: number, nhead: number, opts: TransformerEncoderLayerOptions = {}) {
    super();
    const p = opts.dropout ?? 0.1;
    const ff = opts.dimFeedforward ?? 2048;
    const eps = opts.layerNormEps ?? 1e-5;
    const f = { dtype: opts.dtype, device: opts.device, bias: opts.bias };
    this.self_attn = new MultiheadAttention(dModel, nhead, { ...f, dropout: p, batchFirst: opts.batchFirst });
    this.linear1 = new Linear(dModel, ff, f);
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(ff, dModel, f);
    this.normFirst = opts.normFirst ?? false;
    this.norm1 = new LayerNorm(dModel, { ...f, eps });
    this.norm2 = new LayerNorm(dModel, { ...f, eps });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    const act = opts.activation ?? 'relu';
    if (act === 'relu') this.activation = F.relu;
    else if (act === 'gelu') this.activation = (x) => F.gelu(x);
    else if (typeof act === 'function') this.activation = act;
    else throw new Error(`activation should be relu/gelu, not ${String(act)}`);
  }
  /** Alias of `self_attn`. */
  get selfAttn(): MultiheadAttention {
    return this.self_attn;
  }
  private saBlock(x: Tensor, mask: Tensor | null, kpm: Tensor | null, isCausal: boolean): Tensor {
    const [y] = this.self_attn.call(x, x, x, {
      attnMask: mask,
      keyPaddingMask: kpm,
      needWeights: false,
      isCausal,
    });
    return this.dropout1.call(y);
  }
  private ffBlock(x: Tensor): Tensor {
    return this.dropout2.call(this.linear2.call(this.dropout.call(this.activation(this.linear1.call(x)))));
  }
  override forward(src: Tensor, opts: TransformerEncoderForwardOptions = {}): Tensor {
    const mask = opts.srcMask ?? null;
    const kpm = opts.srcKeyPaddingMask ?? null;
    const causal = opts.isCausal ?? false;
    let x = src;
    if (this.normFirst) {
      x = x.add(this.saBlock(this.norm1.call(x), mask, kpm, causal));
      x = x.add(this.ffBlock(this.norm2.call(x)));
    } else {
      x = this.norm1.call(x.add(this.saBlock(x, mask, kpm, causal)));
      x = this.norm2.call(x.add(this.ffBlock(x)));
    }
    return x;
  }
}

/** A stack of `numLayers` independent copies of `encoderLayer`, with an optional final norm. */
export class TransformerEncoder extends Module {
  /** The independent copies of the encoder layer. */
  layers: ModuleList<TransformerEncoderLayer>;
  /** Number of layers. */
  readonly numLayers: number;
  /** Final normalisation, or `null`. */
  norm: Module | null;
  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, opts: { norm?: Module | null } = {}) {
    super();
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => deepCopy(encoderLayer)));
    this.numLayers = numLayers;
    this.norm = opts.norm ?? null;
  }
  override forward(src: Tensor, opts: TransformerEncoderForwardOptions = {}): Tensor {
    let x = src;
    for (const layer of this.layers) x = layer.call(x, opts);
    if (this.norm) x = (this.norm.call as (t: Tensor) => Tensor)(x);
    return x;
  }
}
