/**
 * The one place pipelines run the encoder, so that how a batch is laid out (padded today, packed rows later) is one
 * change. Inputs of any lengths go in; their hidden rows come out back to back with no padding rows.
 *
 * This body is the padded stand-in: inputs padded to the longest, one BertModel.forward under noGrad with the
 * attention mask (Hugging Face's additive mask, so padded keys get exactly zero weight), padding rows dropped.
 */
import { ValueError } from '../errors.js';
import type { BertModel } from '../model/bert-model.js';
import { noGrad, Tensor } from '../tensor/tensor.js';

/** One tokenized input: token ids and token type ids of equal length, special tokens included. */
export interface EncodedInput {
  ids: ArrayLike<number>;
  typeIds: ArrayLike<number>;
}

export interface EncoderRun {
  /** [totalTokens, hidden]: the rows of input i are offsets[i] .. offsets[i+1]-1, no padding rows. */
  hidden: Float32Array;
  /** n + 1 entries. */
  offsets: Int32Array;
  /** [n, hidden]: the pooler's output per input, or null when the model has no pooler. */
  pooled: Float32Array | null;
  hiddenSize: number;
}

/**
 * Runs the encoder (no graph) over inputs of any lengths; the caller applies its head's Linear layers to `hidden`
 * or `pooled` as one [rows, hidden] tensor (e.g. model.classifier.forward(new Tensor(pooled, [n, hidden]))).
 */
export function runEncoder(model: BertModel, inputs: readonly EncodedInput[]): EncoderRun {
  const n = inputs.length;
  const hiddenSize = model.config.hiddenSize;
  const offsets = new Int32Array(n + 1);
  let longest = 0;
  for (let i = 0; i < n; i++) {
    const { ids, typeIds } = inputs[i]!;
    if (ids.length === 0) throw new ValueError(`runEncoder: input ${i} has no tokens`);
    if (typeIds.length !== ids.length) throw new ValueError(`runEncoder: input ${i} has ${ids.length} ids but ${typeIds.length} type ids`);
    offsets[i + 1] = offsets[i]! + ids.length;
    longest = Math.max(longest, ids.length);
  }
  if (n === 0) return { hidden: new Float32Array(0), offsets, pooled: model.pooler === null ? null : new Float32Array(0), hiddenSize };

  // [n, longest]: real tokens first, then padding (pad id, type 0, mask 0).
  const inputIds = new Int32Array(n * longest).fill(model.config.padTokenId);
  const tokenTypeIds = new Int32Array(n * longest);
  const attentionMask = new Int32Array(n * longest);
  for (let i = 0; i < n; i++) {
    const { ids, typeIds } = inputs[i]!;
    const row = i * longest;
    for (let t = 0; t < ids.length; t++) {
      inputIds[row + t] = ids[t]!;
      tokenTypeIds[row + t] = typeIds[t]!;
      attentionMask[row + t] = 1;
    }
  }
  const output = noGrad(() => model.forward({
    inputIds: new Tensor(inputIds, [n, longest]),
    tokenTypeIds: new Tensor(tokenTypeIds, [n, longest]),
    attentionMask: new Tensor(attentionMask, [n, longest]),
  }));
  const padded = output.lastHiddenState.floats('runEncoder'); // [n, longest, hidden]
  const hidden = new Float32Array(offsets[n]! * hiddenSize); // [totalTokens, hidden]
  for (let i = 0; i < n; i++) {
    const length = offsets[i + 1]! - offsets[i]!;
    hidden.set(padded.subarray(i * longest * hiddenSize, (i * longest + length) * hiddenSize), offsets[i]! * hiddenSize);
  }
  const pooled = output.poolerOutput === null ? null : Float32Array.from(output.poolerOutput.floats('runEncoder')); // [n, hidden]
  return { hidden, offsets, pooled, hiddenSize };
}
