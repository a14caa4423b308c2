/**
 * The padded way to run the encoder over inputs of different lengths — the baseline `tsbert predict --padding max`
 * measures packing against (issue 12): every input padded to the batch's longest, one BertModel.forward under
 * noGrad with the attention mask (Hugging Face's additive mask: padded keys get zero weight), padding rows dropped.
 * Inputs and result are run-encoder.ts's (`EncodedInput[]` → `EncoderRun`), so `runEncoder` can hand a batch here
 * when `encoderPadding()` is `max` and both ways give the same rows.
 */
import { ValueError } from '../errors.js';
import type { BertModel } from '../model/bert-model.js';
import { noGrad, Tensor } from '../tensor/tensor.js';

export interface PaddedRun {
  /** [totalTokens, hidden]: input i's rows are offsets[i] .. offsets[i+1]-1. */
  hidden: Float32Array;
  /** n + 1 entries, from 0. */
  offsets: Int32Array;
  /** [n, hidden], or null when the model has no pooler. */
  pooled: Float32Array | null;
  hiddenSize: number;
}

export function runEncoderPadded(model: BertModel, inputs: readonly { ids: ArrayLike<number>; typeIds: ArrayLike<number> }[]): PaddedRun {
  const count = inputs.length;
  const hiddenSize = model.config.hiddenSize;
  const offsets = new Int32Array(count + 1);
  inputs.forEach(({ ids, typeIds }, i) => {
    if (ids.length === 0 || typeIds.length !== ids.length) {
      throw new ValueError(`runEncoderPadded: input ${i} has ${ids.length} ids and ${typeIds.length} type ids (needs ≥ 1, equal)`);
    }
    offsets[i + 1] = offsets[i]! + ids.length;
  });
  if (count === 0) return { hidden: new Float32Array(0), offsets, pooled: model.pooler === null ? null : new Float32Array(0), hiddenSize };
  const seq = Math.max(...inputs.map(({ ids }) => ids.length));
  // [count, seq]: each input's tokens, then padding (the pad id, segment 0, mask 0).
  const ids = new Int32Array(count * seq).fill(model.config.padTokenId);
  const typeIds = new Int32Array(count * seq);
  const mask = new Int32Array(count * seq);
  inputs.forEach((input, i) => {
    ids.set(Int32Array.from(input.ids), i * seq);
    typeIds.set(Int32Array.from(input.typeIds), i * seq);
    mask.fill(1, i * seq, i * seq + input.ids.length);
  });
  const output = noGrad(() => model.forward({
    inputIds: new Tensor(ids, [count, seq]),
    tokenTypeIds: new Tensor(typeIds, [count, seq]),
    attentionMask: new Tensor(mask, [count, seq]),
  }));
  const padded = output.lastHiddenState.floats('runEncoderPadded'); // [count, seq, hidden]
  const hidden = new Float32Array(offsets[count]! * hiddenSize); // [totalTokens, hidden]
  for (let i = 0; i < count; i++) {
    const start = i * seq * hiddenSize;
    hidden.set(padded.subarray(start, start + (offsets[i + 1]! - offsets[i]!) * hiddenSize), offsets[i]! * hiddenSize);
  }
  const pooled = output.poolerOutput === null ? null : Float32Array.from(output.poolerOutput.floats('runEncoderPadded')); // [count, hidden]
  return { hidden, offsets, pooled, hiddenSize };
}
