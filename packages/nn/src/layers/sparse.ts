/** Embedding. */
import type * as k from '@kindling/core';
import * as F from '../functional/layers.js';
import * as init from '../init.js';
import { Module, Parameter } from '../module.js';
import { emptyParameter, type FactoryOptions } from './util.js';

/** Options of `Embedding` (like `torch.nn.Embedding`'s keyword arguments). */
export interface EmbeddingOptions extends FactoryOptions {
  /** This row is initialised to zeros and receives no gradient. */
  paddingIdx?: number | null;
  /** Use this [numEmbeddings, embeddingDim] tensor as the weight. */
  weight?: k.Tensor;
}

/** A lookup table of `numEmbeddings` vectors of size `embeddingDim`, initialised N(0, 1). */
export class Embedding extends Module {
  /** Number of rows in the table. */
  readonly numEmbeddings: number;
  /** Size of each embedding vector. */
  readonly embeddingDim: number;
  /** Row that is zero-initialised and receives no gradient (non-negative), or `null`. */
  readonly paddingIdx: number | null;
  /** The table, [numEmbeddings, embeddingDim]. */
  weight: Parameter;
  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingOptions = {}) {
    super();
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    let pidx = opts.paddingIdx ?? null;
    if (pidx !== null) {
      if (pidx >= numEmbeddings || pidx < -numEmbeddings)
        throw new Error(
          `Padding_idx must be within num_embeddings (got ${pidx} for ${numEmbeddings} embeddings)`,
        );
      if (pidx < 0) pidx += numEmbeddings;
    }
    this.paddingIdx = pidx;
    if (opts.weight) {
      if (opts.weight.shape.join(',') !== `${numEmbeddings},${embeddingDim}`)
        throw new Error('Shape of weight does not match num_embeddings and embedding_dim');
      this.weight = new Parameter(opts.weight);
    } else {
      this.weight = emptyParameter([numEmbeddings, embeddingDim], opts);
      this.resetParameters();
    }
  }
  /** Re-initialises the table with N(0, 1), zeroing the `paddingIdx` row. */
  resetParameters(): void {
    init.normal_(this.weight);
    if (this.paddingIdx !== null) {
      const row = this.weight.detach().select(0, this.paddingIdx);
      init.zeros_(row);
    }
  }
  /** An Embedding whose weight is `embeddings` (frozen unless `freeze` is false). */
  static fromPretrained(
    embeddings: k.Tensor,
    opts: { freeze?: boolean; paddingIdx?: number | null } = {},
  ): Embedding {
    if (embeddings.ndim !== 2) throw new Error('Embeddings parameter is expected to be 2-dimensional');
    const e = new Embedding(embeddings.shape[0], embeddings.shape[1], {
      weight: embeddings,
      paddingIdx: opts.paddingIdx,
    });
    e.weight.requiresGrad = !(opts.freeze ?? true);
    return e;
  }
  override forward(input: k.Tensor): k.Tensor {
    return F.embedding(input, this.weight, this.paddingIdx);
  }
  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }
}
