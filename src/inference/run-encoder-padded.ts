/**
 * The padded way to run the encoder over inputs of different lengths — the baseline `tsbert predict --padding max`
 * measures packing against (issue 12), and the way of any encoder packed-layers.ts does not list: every input padded
 * to the batch's longest, one forward of the encoder under noGrad with the attention mask (Hugging Face's additive
 * mask: padded keys get zero weight), padding rows dropped. Padding takes the config's pad_token_id, which RoBERTa's positions skip.
 * Inputs and result are run-encoder.ts's (`EncodedInput[]` → `EncoderRun`), so `runEncoder` can hand a batch here
 * when `encoderPadding()` is `max` and both ways give the same rows.
 */
import { ValueError } from '../errors.js';
import type { EncoderInputs, EncoderModel } from '../model/encoder-model.js';
import type { PretrainedConfig } from '../model/pretrained-config.js';
import { noGrad, Tensor } from '../tensor/tensor.js';
import type { EncodedInput } from './run-encoder.js';

export interface PaddedRun {
  /** [totalTokens, hidden]: input i's rows are offsets[i] .. offsets[i+1]-1. */
  hidden: Float32Array;
  /** n + 1 entries, from 0. */
  offsets: Int32Array;
  /** [n, hidden], or null when the model has no pooler. */
  pooled: Float32Array | null;
  hiddenSize: number;
}

/** A batch padded to its longest input, as a model's forward takes it, and where each input's rows are. */
export interface PaddedBatch {
  /** input_ids, attention_mask (and token_type_ids for a model with token types) [count, seq]. */
  inputs: EncoderInputs;
  /** count + 1 entries: input i's tokens are offsets[i] .. offsets[i+1]-1 of the unpadded rows. */
  offsets: Int32Array;
  seq: number;
}

/** Pads `inputs` to the longest with the config's pad id (segment 0, mask 0); an empty input is a ValueError. */
export function padInputs(model: EncoderModel, inputs: readonly EncodedInput[]): PaddedBatch {
  const count = inputs.length;
  const offsets = new Int32Array(count + 1);
  inputs.forEach(({ ids, typeIds }, i) => {
    if (ids.length === 0 || typeIds.length !== ids.length) {
      throw new ValueError(`runEncoderPadded: input ${i} has ${ids.length} ids and ${typeIds.length} type ids (needs ≥ 1, equal)`);
    }
    offsets[i + 1] = offsets[i]! + ids.length;
  });
  const seq = Math.max(0, ...inputs.map(({ ids }) => ids.length));
  // [count, seq]: each input's tokens, then padding (the pad id, segment 0, mask 0).
  const config: PretrainedConfig & { padTokenId?: number } = model.config;
  const ids = new Int32Array(count * seq).fill(config.padTokenId ?? 0);
  const typeIds = new Int32Array(count * seq);
  const mask = new Int32Array(count * seq);
  inputs.forEach((input, i) => {
    ids.set(Int32Array.from(input.ids), i * seq);
    typeIds.set(Int32Array.from(input.typeIds), i * seq);
    mask.fill(1, i * seq, i * seq + input.ids.length);
  });
  const padded: EncoderInputs = {
    inputIds: new Tensor(ids, [count, seq]),
    // A model without token types (DistilBERT) takes none.
    ...(model.typeVocabSize > 0 ? { tokenTypeIds: new Tensor(typeIds, [count, seq]) } : {}),
    attentionMask: new Tensor(mask, [count, seq]),
  };
  return { inputs: padded, offsets, seq };
}

export function runEncoderPadded(model: EncoderModel, inputs: readonly EncodedInput[]): PaddedRun {
  const count = inputs.length;
  const hiddenSize = model.hiddenSize;
  const { inputs: padded, offsets, seq } = padInputs(model, inputs);
  if (count === 0) return { hidden: new Float32Array(0), offsets, pooled: model.hasPooler ? new Float32Array(0) : null, hiddenSize };
  const output = noGrad(() => model.forward(padded));
  const states = output.lastHiddenState.floats('runEncoderPadded'); // [count, seq, hidden]
  const hidden = new Float32Array(offsets[count]! * hiddenSize); // [totalTokens, hidden]
  for (let i = 0; i < count; i++) {
    const start = i * seq * hiddenSize;
    hidden.set(states.subarray(start, start + (offsets[i + 1]! - offsets[i]!) * hiddenSize), offsets[i]! * hiddenSize);
  }
  const pooled = output.poolerOutput === null ? null : Float32Array.from(output.poolerOutput.floats('runEncoderPadded')); // [count, hidden]
  return { hidden, offsets, pooled, hiddenSize };
}
