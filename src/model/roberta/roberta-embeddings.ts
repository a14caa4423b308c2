import { ValueError } from '../../errors.js';
import type { ParamSource } from '../../nn/param-source.js';
import type { Rng } from '../../tensor/rng.js';
import { Tensor } from '../../tensor/tensor.js';
import { BertEmbeddings } from '../embeddings.js';
import type { RobertaConfig } from './roberta-config.js';

/**
 * BERT's embeddings with RoBERTa's position ids (Hugging Face's create_position_ids_from_input_ids): a real token's
 * position is padding_idx + its count among the real tokens so far (padding_idx + 1, + 2, ...), a padding token's
 * is padding_idx itself — whose row of the position table starts at zero and gets no gradient.
 */
export class RobertaEmbeddings extends BertEmbeddings {
  constructor(config: RobertaConfig, params: ParamSource, dropoutRng: Rng) {
    super(config, params, dropoutRng, config.padTokenId);
  }

  protected override positionsOf(inputIds: Tensor): Tensor {
    const [, seq] = inputIds.shape as [number, number];
    const pad = this.config.padTokenId;
    // The last position a sequence can reach is pad + seq; the table must hold it.
    if (pad + seq >= this.config.maxPositionEmbeddings) {
      throw new ValueError(`RobertaEmbeddings: sequence length ${seq} exceeds max_position_embeddings ${this.config.maxPositionEmbeddings} - pad_token_id ${pad} - 1`);
    }
    return positionIdsFromInputIds(inputIds, pad);
  }
}

/** Hugging Face's create_position_ids_from_input_ids: input_ids [batch, seq] → cumsum(ids ≠ pad) · (ids ≠ pad) + pad. */
export function positionIdsFromInputIds(inputIds: Tensor, paddingIdx: number): Tensor {
  const [batch, seq] = inputIds.shape as [number, number];
  const ids = inputIds.ints('RobertaEmbeddings input_ids');
  const positions = new Int32Array(batch * seq);
  for (let b = 0; b < batch; b++) {
    let real = 0;
    for (let s = 0; s < seq; s++) {
      const i = b * seq + s;
      positions[i] = ids[i] === paddingIdx ? paddingIdx : paddingIdx + ++real;
    }
  }
  return new Tensor(positions, [batch, seq]);
}
