/**
 * The one place pipelines run the encoder (issue 12's contract). This is the padded stand-in: inputs padded to the
 * longest, BertModel.forward under noGrad with the attention mask, padding rows dropped. The packed encoder replaces
 * the body, not the signature.
 */
import type { BertModel } from '../model/bert-model.js';
import { noGrad, Tensor } from '../tensor/tensor.js';

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

/** Runs the encoder (no graph) over inputs of any lengths. */
export function runEncoder(model: BertModel, inputs: readonly EncodedInput[]): EncoderRun {
  const n = inputs.length;
  const hiddenSize = model.config.hiddenSize;
  const offsets = new Int32Array(n + 1);
  let seq = 0;
  for (let i = 0; i < n; i++) {
    const length = inputs[i]!.ids.length;
    offsets[i + 1] = offsets[i]! + length;
    seq = Math.max(seq, length);
  }
  const hidden = new Float32Array(offsets[n]! * hiddenSize);
  if (n === 0 || seq === 0) return { hidden, offsets, pooled: model.pooler === null ? null : new Float32Array(0), hiddenSize };
  const ids = new Int32Array(n * seq);
  const typeIds = new Int32Array(n * seq);
  const mask = new Int32Array(n * seq);
  for (let i = 0; i < n; i++) {
    const input = inputs[i]!;
    for (let t = 0; t < input.ids.length; t++) {
      ids[i * seq + t] = input.ids[t]!;
      typeIds[i * seq + t] = input.typeIds[t]!;
      mask[i * seq + t] = 1;
    }
  }
  const output = noGrad(() => model.forward({
    inputIds: new Tensor(ids, [n, seq]),
    tokenTypeIds: new Tensor(typeIds, [n, seq]),
    attentionMask: new Tensor(mask, [n, seq]),
  }));
  const states = output.lastHiddenState.data; // [n, seq, hidden]
  for (let i = 0; i < n; i++) {
    const rows = offsets[i + 1]! - offsets[i]!;
    hidden.set(states.subarray(i * seq * hiddenSize, (i * seq + rows) * hiddenSize), offsets[i]! * hiddenSize);
  }
  const pooled = output.poolerOutput === null ? null : Float32Array.from(output.poolerOutput.data);
  return { hidden, offsets, pooled, hiddenSize };
}
