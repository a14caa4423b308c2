import { ShapeError, shapeString } from '../../errors.js';
import { Dropout } from '../../nn/dropout.js';
import { Embedding } from '../../nn/embedding.js';
import { LayerNorm } from '../../nn/layer-norm.js';
import { Module } from '../../nn/module.js';
import type { ParamSource } from '../../nn/param-source.js';
import type { Rng } from '../../tensor/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import { sequentialPositions } from '../embeddings.js';
import type { DistilBertConfig } from './distilbert-config.js';
import { SinusoidalPositionEmbedding } from './sinusoidal-positions.js';

/** modeling_distilbert.py builds every LayerNorm with eps=1e-12; the config has no field for it. */
export const DISTILBERT_LAYER_NORM_EPS = 1e-12;

/**
 * DistilBERT's Embeddings (Sanh et al. 2019 §3: BERT's, without token types): word + position embeddings, LayerNorm,
 * dropout. ids: int32 [batch, seq] → [batch, seq, dim]; positions 0 .. seq-1 in every row. With positionIds (Hugging
 * Face's Embeddings.forward takes them too) the ids may be of any shape, e.g. packed sequences [totalTokens] whose
 * positions restart at 0 for each input.
 */
export class DistilBertEmbeddings extends Module {
  readonly word_embeddings: Embedding;
  readonly position_embeddings: Embedding | SinusoidalPositionEmbedding;
  readonly LayerNorm: LayerNorm;
  readonly dropout: Dropout;

  constructor(readonly config: DistilBertConfig, params: ParamSource, dropoutRng: Rng) {
    super(params);
    const { dim, initializerRange, maxPositionEmbeddings } = config;
    this.word_embeddings = new Embedding(params.at('word_embeddings'), config.vocabSize, dim, initializerRange, config.padTokenId);
    this.position_embeddings = config.sinusoidalPosEmbds
      ? new SinusoidalPositionEmbedding(params.at('position_embeddings'), maxPositionEmbeddings, dim)
      : new Embedding(params.at('position_embeddings'), maxPositionEmbeddings, dim, initializerRange);
    this.LayerNorm = new LayerNorm(params.at('LayerNorm'), dim, DISTILBERT_LAYER_NORM_EPS);
    this.dropout = new Dropout(params.at('dropout'), config.dropout, dropoutRng);
  }

  forward(inputIds: Tensor, positionIds?: Tensor): Tensor {
    if (positionIds === undefined && inputIds.shape.length !== 2) {
      throw new ShapeError(`DistilBertEmbeddings: input_ids must be [batch, seq], got ${shapeString(inputIds.shape)}`);
    }
    const positions = positionIds ?? sequentialPositions(inputIds, this.config.maxPositionEmbeddings, 'DistilBertEmbeddings');
    if (positions.shape.length !== inputIds.shape.length || positions.shape.some((d, i) => d !== inputIds.shape[i])) {
      throw new ShapeError(`DistilBertEmbeddings: position_ids ${shapeString(positions.shape)} differ from input_ids ${shapeString(inputIds.shape)}`);
    }
    const words = this.word_embeddings.forward(inputIds);
    const places = this.position_embeddings.forward(positions);
    // LayerNorm(words + positions): the add is fused into the LayerNorm as its residual.
    return this.dropout.forward(this.LayerNorm.forward(words, places));
  }
}
