/**
 * A head's Linear over the encoder's output for many encoded inputs: on every token's final hidden state (token
 * classification, question answering) or on the pooler's one row per input (sequence classification, zero-shot), as
 * the heads' own forward computes them (their dropout is the identity at inference). The encoder runs through
 * inference/run-encoder.ts in runs of at most TOKENS_PER_RUN tokens, so a long QA context's hundreds of windows, or
 * zero-shot's text × label pairs, never hold all their hidden states at once.
 */
import { ConfigError } from '../errors.js';
import { runEncoder, type EncodedInput, type EncoderRun } from '../inference/run-encoder.js';
import type { BertModel } from '../model/bert-model.js';
import type { Linear } from '../nn/linear.js';
import { noGrad, Tensor } from '../tensor/tensor.js';

/**
 * Tokens per encoder run: 64 windows of 384; BERT-base's hidden states for them take 75 MB. Each input counts at the
 * longest of its run, so a padded run ([inputs, longest]) stays within it too.
 */
const TOKENS_PER_RUN = 64 * 384;

/** The encoder rows a head reads: every token's final hidden state, or the pooler's output (one row per input). */
export type HeadSource = 'tokens' | 'pooled';

export interface HeadLogits {
  /** [rows, width]: the rows of input i are offsets[i] .. offsets[i+1]-1 (exactly row i when pooled). */
  values: Float32Array;
  /** n + 1 entries. */
  offsets: Int32Array;
  width: number;
}

/** The encoder's rows of one run that `source` names: [rows, hidden]. */
function sourceRows(run: EncoderRun, source: HeadSource, inputs: number): Tensor {
  if (source === 'tokens') return new Tensor(run.hidden, [run.offsets[inputs]!, run.hiddenSize]);
  if (run.pooled === null) throw new ConfigError('pipeline: the encoder has no pooler, which this head reads (a folder saved with add_pooling_layer=False?)');
  return new Tensor(run.pooled, [inputs, run.hiddenSize]);
}

export function headLogits(encoder: BertModel, head: Linear, inputs: readonly EncodedInput[], source: HeadSource): HeadLogits {
  const width = head.weight.shape[0]!;
  const offsets = new Int32Array(inputs.length + 1);
  for (let i = 0; i < inputs.length; i++) offsets[i + 1] = offsets[i]! + (source === 'tokens' ? inputs[i]!.ids.length : 1);
  const values = new Float32Array(offsets[inputs.length]! * width);
  let first = 0;
  while (first < inputs.length) {
    let longest = inputs[first]!.ids.length;
    let last = first + 1;
    while (last < inputs.length && (last + 1 - first) * Math.max(longest, inputs[last]!.ids.length) <= TOKENS_PER_RUN) {
      longest = Math.max(longest, inputs[last]!.ids.length);
      last++;
    }
    const run = runEncoder(encoder, inputs.slice(first, last), { pooledOnly: source === 'pooled' });
    const out = noGrad(() => head.forward(sourceRows(run, source, last - first))).floats('headLogits'); // [rows, width]
    values.set(out, offsets[first]! * width);
    first = last;
  }
  return { values, offsets, width };
}
