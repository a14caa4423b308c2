/**
 * Which encoders the packed path runs, and how each numbers its positions and runs its layers over packed rows. The
 * path needs embeddings that take explicit position ids (so packed rows can restart them per input) and a layer stack
 * whose attention takes PackedSequences (model/attention.ts): BertModel, RobertaModel (BERT's layers under other
 * positions), AlbertModel (BERT's embeddings at width E, its shared-layer AlbertTransformer) and DistilBertModel (its
 * Embeddings with position ids, no token types; its TransformerBlocks over model/attention.ts; no pooler).
 */
import { AlbertModel } from '../model/albert/albert-model.js';
import { BertModel } from '../model/bert-model.js';
import { DistilBertModel } from '../model/distilbert/distilbert-model.js';
import type { EncoderModel } from '../model/encoder-model.js';
import type { BertPooler } from '../model/pooler.js';
import { RobertaModel } from '../model/roberta/roberta-model.js';
import type { PackedSequences } from '../ops/packed-attention.js';
import type { Tensor } from '../tensor/tensor.js';

/** An encoder the packed path runs. */
export type PackableModel = BertModel | RobertaModel | AlbertModel | DistilBertModel;

export function packableModel(model: EncoderModel): PackableModel | null {
  return model instanceof BertModel || model instanceof RobertaModel || model instanceof AlbertModel || model instanceof DistilBertModel ? model : null;
}

/** ids, typeIds, positions [totalTokens] → [totalTokens, embedding width]; DistilBERT's embeddings take no token types. */
export function embedPacked(model: PackableModel, ids: Tensor, typeIds: Tensor, positions: Tensor): Tensor {
  return model instanceof DistilBertModel ? model.embeddings.forward(ids, positions) : model.embeddings.forward(ids, typeIds, positions);
}

/**
 * The layer stack over packed rows: embedded [totalTokens, width] → [totalTokens, hidden], or with `lastLayerRows`
 * the last layer's output at those rows alone, [rows, hidden] (ForwardOptions.lastLayerRows).
 */
export function encodePacked(model: PackableModel, embedded: Tensor, sequences: PackedSequences, lastLayerRows: Int32Array | null = null): Tensor {
  const stack = model instanceof DistilBertModel ? model.transformer : model.encoder;
  return stack.forward(embedded, sequences, false, false, lastLayerRows).lastHiddenState;
}

/** The model's pooler (BERT's, over the first token), or null: DistilBERT has none. */
export function packedPooler(model: PackableModel): BertPooler | null {
  return model instanceof DistilBertModel ? null : model.pooler;
}

/**
 * Writes the position ids of one input's tokens into `positions` from `start`: Hugging Face's defaults for BERT,
 * ALBERT and DistilBERT (0, 1, 2, ...), and RoBERTa's create_position_ids_from_input_ids (padding_idx + its count
 * among the non-padding tokens so far; a padding token's own position is padding_idx) — the rule RobertaEmbeddings
 * applies to a padded batch, applied here to one input's rows.
 */
export function writePositions(model: PackableModel, ids: ArrayLike<number>, positions: Int32Array, start: number): void {
  if (!(model instanceof RobertaModel)) {
    for (let t = 0; t < ids.length; t++) positions[start + t] = t;
    return;
  }
  const pad = model.config.padTokenId;
  let real = 0;
  for (let t = 0; t < ids.length; t++) positions[start + t] = ids[t] === pad ? pad : pad + ++real;
}
