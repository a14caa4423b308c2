/**
 * Which encoders the packed path runs, and how each numbers its positions. The path needs BERT's embeddings module
 * (it takes explicit position ids, so packed rows can restart them per input), a layer stack whose attention takes
 * PackedSequences (model/attention.ts) and BERT's pooler: BertModel, RobertaModel (BERT's layers under other
 * positions) and AlbertModel (BERT's embeddings at width E, its shared-layer AlbertTransformer). DistilBertModel's
 * embeddings take no position ids, so DistilBERT runs padded (run-encoder-padded.ts).
 */
import { AlbertModel } from '../model/albert/albert-model.js';
import { BertModel } from '../model/bert-model.js';
import type { EncoderModel } from '../model/encoder-model.js';
import { RobertaModel } from '../model/roberta/roberta-model.js';

/** An encoder the packed path runs. */
export type PackableModel = BertModel | RobertaModel | AlbertModel;

export function packableModel(model: EncoderModel): PackableModel | null {
  return model instanceof BertModel || model instanceof RobertaModel || model instanceof AlbertModel ? model : null;
}

/**
 * Writes the position ids of one input's tokens into `positions` from `start`: Hugging Face's defaults for BERT and
 * ALBERT (0, 1, 2, ...), and RoBERTa's create_position_ids_from_input_ids (padding_idx + its count among the
 * non-padding tokens so far; a padding token's own position is padding_idx) — the rule RobertaEmbeddings applies to a
 * padded batch, applied here to one input's rows.
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
