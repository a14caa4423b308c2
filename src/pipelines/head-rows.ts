/**
 * A token-level head (a Linear on the final hidden states) over many encoded inputs: the encoder runs through
 * inference/run-encoder.ts in chunks of at most TOKENS_PER_RUN tokens, so a long QA context's hundreds of windows
 * never hold all their hidden states at once.
 */
import type { EncodedInput } from '../inference/run-encoder.js';
import { runEncoder } from '../inference/run-encoder.js';
import type { BertModel } from '../model/bert-model.js';
import type { Linear } from '../nn/linear.js';
import { noGrad, Tensor } from '../tensor/tensor.js';

/** Tokens per encoder run: 64 windows of 384; BERT-base's hidden states for them take 75 MB. */
const TOKENS_PER_RUN = 64 * 384;

export interface HeadRows {
  /** [totalTokens, width]: the rows of input i are offsets[i] .. offsets[i+1]-1. */
  values: Float32Array;
  /** n + 1 entries. */
  offsets: Int32Array;
  width: number;
}

export function headRows(encoder: BertModel, head: Linear, inputs: readonly EncodedInput[]): HeadRows {
  const width = head.weight.shape[0]!;
  const offsets = new Int32Array(inputs.length + 1);
  for (let i = 0; i < inputs.length; i++) offsets[i + 1] = offsets[i]! + inputs[i]!.ids.length;
  const values = new Float32Array(offsets[inputs.length]! * width);
  let first = 0;
  while (first < inputs.length) {
    let last = first + 1;
    while (last < inputs.length && offsets[last + 1]! - offsets[first]! <= TOKENS_PER_RUN) last++;
    const run = runEncoder(encoder, inputs.slice(first, last));
    const rows = run.offsets[last - first]!;
    const out = noGrad(() => head.forward(new Tensor(run.hidden, [rows, run.hiddenSize]))).data; // [rows, width]
    values.set(out, offsets[first]! * width);
    first = last;
  }
  return { values, offsets, width };
}

/** Softmax of values[from .. from + length) in float64 (max subtracted first, as numpy code does). */
export function softmax(values: ArrayLike<number>, from: number, length: number): Float64Array {
  const out = new Float64Array(length);
  let max = -Infinity;
  for (let i = 0; i < length; i++) max = Math.max(max, values[from + i]!);
  let sum = 0;
  for (let i = 0; i < length; i++) sum += (out[i] = Math.exp(values[from + i]! - max));
  for (let i = 0; i < length; i++) out[i]! /= sum;
  return out;
}
