/**
 * A head's logits for many encoded inputs: on every token's final hidden state (token classification, question
 * answering), or one row per input — the first token's or the pooler's (sequence classification, zero-shot) — as the
 * heads' own forward computes them (head-readers.ts; dropout is the identity at inference). The encoder runs through
 * inference/run-encoder.ts in runs of at most TOKENS_PER_RUN tokens, so a long QA context's hundreds of windows, or
 * zero-shot's text × label pairs, never hold all their hidden states at once.
 */
import { ConfigError } from '../errors.js';
import { padInputs } from '../inference/run-encoder-padded.js';
import { runEncoder, type EncodedInput, type EncoderRun } from '../inference/run-encoder.js';
import { noGrad, Tensor } from '../tensor/tensor.js';
import type { HeadReader, HeadSource } from './head-readers.js';

/**
 * Tokens per encoder run: 64 windows of 384; BERT-base's hidden states for them take 75 MB. Each input counts at the
 * longest of its run, so a padded run ([inputs, longest]) stays within it too.
 */
const TOKENS_PER_RUN = 64 * 384;

export interface HeadLogits {
  /** [rows, width]: the rows of input i are offsets[i] .. offsets[i+1]-1 (exactly row i with one row per input). */
  values: Float32Array;
  /** n + 1 entries. */
  offsets: Int32Array;
  width: number;
}

/** The encoder's rows of one run that `source` names: [rows, hidden]. */
function sourceRows(run: EncoderRun, source: HeadSource, inputs: number): Tensor {
  if (source !== 'pooled') return new Tensor(run.hidden, [run.offsets[inputs]!, run.hiddenSize]);
  if (run.pooled === null) throw new ConfigError('pipeline: the encoder has no pooler, which this head reads (a folder saved with add_pooling_layer=False?)');
  return new Tensor(run.pooled, [inputs, run.hiddenSize]);
}

/** One run's logits [rows, width], as float32 (a float64 model's are converted). */
function runLogits(head: HeadReader, inputs: readonly EncodedInput[]): Float32Array {
  const logits = noGrad(() => {
    if (head.kind === 'model') return head.forward(padInputs(head.encoder, inputs).inputs); // [n, width]
    const run = runEncoder(head.encoder, inputs, { firstTokensOnly: head.source !== 'tokens' });
    return head.forward(sourceRows(run, head.source, inputs.length)); // [rows, width]
  }).floats('headLogits');
  return logits instanceof Float32Array ? logits : Float32Array.from(logits);
}

export function headLogits(head: HeadReader, inputs: readonly EncodedInput[]): HeadLogits {
  const perToken = head.kind === 'rows' && head.source === 'tokens';
  const offsets = new Int32Array(inputs.length + 1);
  for (let i = 0; i < inputs.length; i++) offsets[i + 1] = offsets[i]! + (perToken ? inputs[i]!.ids.length : 1);
  let values = new Float32Array(0);
  let width = 0;
  let first = 0;
  while (first < inputs.length) {
    let longest = inputs[first]!.ids.length;
    let last = first + 1;
    while (last < inputs.length && (last + 1 - first) * Math.max(longest, inputs[last]!.ids.length) <= TOKENS_PER_RUN) {
      longest = Math.max(longest, inputs[last]!.ids.length);
      last++;
    }
    const out = runLogits(head, inputs.slice(first, last));
    if (first === 0) {
      width = out.length / (offsets[last]! - offsets[first]!);
      values = new Float32Array(offsets[inputs.length]! * width);
    }
    values.set(out, offsets[first]! * width);
    first = last;
  }
  return { values, offsets, width };
}
