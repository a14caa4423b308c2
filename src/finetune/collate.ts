/**
 * A batch of features as the head's forward() arguments under Hugging Face's names, padded to the batch's longest
 * sequence (dynamic padding, as DataCollatorWithPadding): input_ids, token_type_ids, attention_mask
 * [batch, seq] — or [batch, choices, seq] for multiple choice. token_type_ids only for a model that takes them
 * (HeadRunner.arguments: not DistilBERT's).
 */
import { DataError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import type { HeadRunner } from '../model/heads/task-heads.js';
import type { Feature } from './features.js';

export interface CollatedInputs {
  args: Map<string, Tensor>;
  /** The padded sequence length. */
  seqLength: number;
  /** Real (non-padding) tokens, for tokens/s. */
  tokens: number;
}

export function collateInputs(features: readonly Feature[], padId: number, runner: HeadRunner): CollatedInputs {
  const multipleChoice = runner.head.inputRank === 3;
  if (features.length === 0) throw new DataError('collate: an empty batch');
  const choices = features[0]!.sequences.length;
  if (features.some((f) => f.sequences.length !== choices)) throw new DataError('collate: the examples of a batch have different numbers of choices');
  const seqLength = Math.max(...features.map((f) => f.length));
  const rows = features.length * choices;
  const ids = new Int32Array(rows * seqLength).fill(padId);
  const typeIds = new Int32Array(rows * seqLength);
  const mask = new Int32Array(rows * seqLength);
  let tokens = 0;
  let row = 0;
  for (const feature of features) {
    for (const sequence of feature.sequences) {
      const at = row++ * seqLength;
      ids.set(sequence.ids, at);
      typeIds.set(sequence.typeIds, at);
      mask.fill(1, at, at + sequence.ids.length);
      tokens += sequence.ids.length;
    }
  }
  const shape = multipleChoice ? [features.length, choices, seqLength] : [features.length, seqLength];
  const args = new Map<string, Tensor>([['input_ids', new Tensor(ids, shape)], ['attention_mask', new Tensor(mask, shape)]]);
  if (runner.arguments.some((argument) => argument.name === 'token_type_ids')) args.set('token_type_ids', new Tensor(typeIds, shape));
  return { args, seqLength, tokens };
}
