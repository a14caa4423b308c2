import { ShapeError, ValueError, shapeString } from '../errors.js';
import { add } from '../ops/add.js';
import { Dropout } from '../nn/dropout.js';
import { Embedding } from '../nn/embedding.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Module } from '../nn/module.js';
import type { ParamSource } from '../nn/param-source.js';
import type { Rng } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';
import type { BertConfig } from './config.js';

/**
 * BERT §3, Figure 2: input = token + segment + learned position embeddings, then LayerNorm and dropout.
 * ids, tokenTypeIds: int32 [batch, seq]; returns [batch, seq, hidden].
 */
export class BertEmbeddings extends Module {
  readonly word_embeddings: Embedding;
  readonly position_embeddings: Embedding;
  readonly token_type_embeddings: Embedding;
  readonly LayerNorm: LayerNorm;
  readonly dropout: Dropout;

  constructor(readonly config: BertConfig, params: ParamSource, dropoutRng: Rng) {
    super(params);
    const { hiddenSize, initializerRange } = config;
    this.word_embeddings = new Embedding(params.at('word_embeddings'), config.vocabSize, hiddenSize, initializerRange, config.padTokenId);
    this.position_embeddings = new Embedding(params.at('position_embeddings'), config.maxPositionEmbeddings, hiddenSize, initializerRange);
    this.token_type_embeddings = new Embedding(params.at('token_type_embeddings'), config.typeVocabSize, hiddenSize, initializerRange);
    this.LayerNorm = new LayerNorm(params.at('LayerNorm'), hiddenSize, config.layerNormEps);
    this.dropout = new Dropout(params.at('dropout'), config.hiddenDropoutProb, dropoutRng);
  }

  forward(inputIds: Tensor, tokenTypeIds: Tensor): Tensor {
    const [batch, seq] = inputIds.shape as [number, number];
    if (seq > this.config.maxPositionEmbeddings) {
      throw new ValueError(`BertEmbeddings: sequence length ${seq} exceeds max_position_embeddings ${this.config.maxPositionEmbeddings}`);
    }
    if (tokenTypeIds.shape[0] !== batch || tokenTypeIds.shape[1] !== seq) {
      throw new ShapeError(`BertEmbeddings: token_type_ids ${shapeString(tokenTypeIds.shape)} differ from input_ids ${shapeString(inputIds.shape)}`);
    }
    const positions = new Int32Array(batch * seq);
    for (let b = 0; b < batch; b++) for (let s = 0; s < seq; s++) positions[b * seq + s] = s;
    const words = this.word_embeddings.forward(inputIds);
    const segments = this.token_type_embeddings.forward(tokenTypeIds);
    const places = this.position_embeddings.forward(new Tensor(positions, [batch, seq]));
    // LayerNorm(words + segments + positions): the last add is fused into the LayerNorm as its residual.
    return this.dropout.forward(this.LayerNorm.forward(add(words, segments), places));
  }
}
