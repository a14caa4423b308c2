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
 * ids, tokenTypeIds: int32 [batch, seq]; returns [batch, seq, hidden]. With positionIds (Hugging Face's
 * position_ids) the ids may be of any shape, e.g. packed sequences [totalTokens] whose positions restart at 0.
 */
export class BertEmbeddings extends Module {
  readonly word_embeddings: Embedding;
  readonly position_embeddings: Embedding;
  readonly token_type_embeddings: Embedding;
  readonly LayerNorm: LayerNorm;
  readonly dropout: Dropout;

  /** positionPaddingIdx: the padding_idx of the position table (RoBERTa's; none in BERT). */
  constructor(readonly config: BertConfig, params: ParamSource, dropoutRng: Rng, positionPaddingIdx = -1) {
    super(params);
    const { hiddenSize, initializerRange } = config;
    this.word_embeddings = new Embedding(params.at('word_embeddings'), config.vocabSize, hiddenSize, initializerRange, config.padTokenId);
    this.position_embeddings = new Embedding(params.at('position_embeddings'), config.maxPositionEmbeddings, hiddenSize, initializerRange, positionPaddingIdx);
    this.token_type_embeddings = new Embedding(params.at('token_type_embeddings'), config.typeVocabSize, hiddenSize, initializerRange);
    this.LayerNorm = new LayerNorm(params.at('LayerNorm'), hiddenSize, config.layerNormEps);
    this.dropout = new Dropout(params.at('dropout'), config.hiddenDropoutProb, dropoutRng);
  }

  forward(inputIds: Tensor, tokenTypeIds: Tensor, positionIds?: Tensor): Tensor {
    const positions = positionIds ?? this.positionsOf(inputIds);
    for (const [name, ids] of [['token_type_ids', tokenTypeIds], ['position_ids', positions]] as const) {
      if (ids.shape.length !== inputIds.shape.length || ids.shape.some((d, i) => d !== inputIds.shape[i])) {
        throw new ShapeError(`BertEmbeddings: ${name} ${shapeString(ids.shape)} differ from input_ids ${shapeString(inputIds.shape)}`);
      }
    }
    const words = this.word_embeddings.forward(inputIds);
    const segments = this.token_type_embeddings.forward(tokenTypeIds);
    const places = this.position_embeddings.forward(positions);
    // LayerNorm(words + segments + positions): the last add is fused into the LayerNorm as its residual.
    return this.dropout.forward(this.LayerNorm.forward(add(words, segments), places));
  }

  /** Hugging Face's default position_ids for input_ids [batch, seq]: 0 .. seq-1 in every row. */
  protected positionsOf(inputIds: Tensor): Tensor {
    return sequentialPositions(inputIds, this.config.maxPositionEmbeddings, 'BertEmbeddings');
  }
}

/**
 * Hugging Face's default position_ids for input_ids [batch, seq]: 0 .. seq-1 in every row (BERT, DistilBERT); a
 * sequence longer than the position table is a ValueError naming `module`.
 */
export function sequentialPositions(inputIds: Tensor, maxPositionEmbeddings: number, module: string): Tensor {
  const [batch, seq] = inputIds.shape as [number, number];
  if (seq > maxPositionEmbeddings) {
    throw new ValueError(`${module}: sequence length ${seq} exceeds max_position_embeddings ${maxPositionEmbeddings}`);
  }
  const positions = new Int32Array(batch * seq);
  for (let b = 0; b < batch; b++) for (let s = 0; s < seq; s++) positions[b * seq + s] = s;
  return new Tensor(positions, [batch, seq]);
}
