/**
 * SQuAD examples as model inputs, as transformers' examples/pytorch/question-answering/run_qa.py prepares them
 * (`prepare_train_features`, `prepare_validation_features`): `[CLS] question [SEP] context [SEP]`, the question
 * left-stripped, only the context truncated, a context longer than the window split into windows that share
 * `docStride` tokens (the tokenizer's `stride` with overflowing windows — Hugging Face's meaning; google-research/bert
 * run_squad.py's `doc_stride` is instead the step between window starts).
 *
 * `maxQueryLength` cuts the question to its first tokens, as run_squad.py does (`query_tokens[0:max_query_length]`);
 * run_qa.py has no such limit (undefined here gives its behaviour). With BERT's 384/128/64 the window always keeps
 * room for context.
 */
import { ConfigError, DataError } from '../../errors.js';
import type { Encoding, Tokenizer } from '../../tokenizer/index.js';
import type { SquadExample } from '../examples.js';
import { encodedSequence, featureOf, type Feature } from '../features.js';

export interface QaFeatureOptions {
  /** --max-seq-length: tokens per window, special tokens included. */
  maxSeqLength: number;
  /** --doc-stride: context tokens shared by consecutive windows. */
  docStride: number;
  /** --max-query-length: question tokens kept; undefined keeps all (run_qa.py). */
  maxQueryLength?: number;
}

/** run_qa.py's max_seq_length and doc_stride, run_squad.py's max_query_length. */
export const QA_FEATURE_DEFAULTS: Readonly<Required<QaFeatureOptions>> = { maxSeqLength: 384, docStride: 128, maxQueryLength: 64 };

/** One window of one example: `[CLS] question [SEP] context window [SEP]`, unpadded. */
export interface QaFeature extends Feature {
  /** Index of the example in the list given, and its id (run_qa.py's `example_id`). */
  exampleIndex: number;
  exampleId: string;
  /**
   * [2 * length]: token i spans context.slice(contextOffsets[2i], contextOffsets[2i + 1]) (UTF-16); -1, -1 for tokens
   * outside the context (question, special tokens), where run_qa.py sets the offset mapping to None.
   */
  contextOffsets: Int32Array;
}

/** A window with the token positions of the answer's first and last token, or both at [CLS] (0) when not inside. */
export interface QaTrainFeature extends QaFeature {
  startPosition: number;
  endPosition: number;
}

// Python's str.lstrip() whitespace (str.isspace), which differs from JavaScript's \s in \x1c-\x1f, \x85 and \ufeff.
const PYTHON_LEADING_SPACE = /^[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** Tokens of a text alone, whatever truncation and padding the tokenizer's files set. */
const AS_IS = { addSpecialTokens: false, truncation: false, padding: false } as const;

function checkOptions(options: QaFeatureOptions): void {
  const { maxSeqLength, docStride, maxQueryLength } = options;
  const whole = (value: number, min: number): boolean => Number.isInteger(value) && value >= min;
  if (!whole(maxSeqLength, 1)) throw new ConfigError(`--max-seq-length must be a whole number ≥ 1, got ${maxSeqLength}`);
  if (!whole(docStride, 0)) throw new ConfigError(`--doc-stride must be a whole number ≥ 0, got ${docStride}`);
  if (maxQueryLength !== undefined && !whole(maxQueryLength, 1)) throw new ConfigError(`--max-query-length must be a whole number ≥ 1, got ${maxQueryLength}`);
  if (docStride >= maxSeqLength) throw new ConfigError(`--doc-stride ${docStride} must be less than --max-seq-length ${maxSeqLength}`);
}

/** The question left-stripped (run_qa.py) and cut to its first `maxQueryLength` tokens; also its token count. */
export function fitQuestion(tokenizer: Tokenizer, question: string, maxQueryLength: number | undefined): [string, number] {
  const stripped = question.replace(PYTHON_LEADING_SPACE, '');
  const tokens = tokenizer.encode(stripped, undefined, AS_IS);
  if (maxQueryLength === undefined || tokens.length <= maxQueryLength) return [stripped, tokens.length];
  // Cut the text after the last token kept. A WordPiece prefix of a word tokenizes as it did inside the word; byte-level
  // BPE and Unigram may tokenize a cut word otherwise, so the count is the cut text's own.
  const cut = stripped.slice(0, tokens.offsets[2 * maxQueryLength - 1]);
  return [cut, tokenizer.encode(cut, undefined, AS_IS).length];
}

/** Throws when the question leaves the context too little of the window to make windows overlapping by docStride. */
function checkRoom(tokenizer: Tokenizer, example: QaText, questionTokens: number, options: QaFeatureOptions): void {
  const special = tokenizer.postProcessor?.addedTokens(true) ?? 0;
  const room = options.maxSeqLength - special - questionTokens;
  if (room > options.docStride) return;
  if (room >= 0 && tokenizer.encode(example.context, undefined, AS_IS).length <= room) return;
  const limit = options.maxQueryLength === undefined ? '' : ` (after --max-query-length ${options.maxQueryLength})`;
  throw new DataError(
    `${example.source}: the question has ${questionTokens} tokens${limit}, which leaves ${Math.max(room, 0)} of --max-seq-length ` +
      `${options.maxSeqLength} for the context (${special} special tokens), not more than --doc-stride ${options.docStride}; ` +
      'raise --max-seq-length or lower --max-query-length',
  );
}

/** A question and its context; `source` names them in errors. */
export type QaText = Pick<SquadExample, 'source' | 'question' | 'context'>;

/**
 * The windows of one question and context (run_qa.py's tokenizer call with return_overflowing_tokens and
 * only_second); also the question-answering pipeline's. Options are checked by the caller.
 */
export function qaWindowEncodings(tokenizer: Tokenizer, example: QaText, options: QaFeatureOptions): Encoding[] {
  const [question, questionTokens] = fitQuestion(tokenizer, example.question, options.maxQueryLength);
  checkRoom(tokenizer, example, questionTokens, options);
  const first = tokenizer.encode(question, example.context, {
    maxLength: options.maxSeqLength,
    truncation: 'only_second',
    stride: options.docStride,
    returnOverflowing: true,
    padding: false,
  });
  return [first, ...first.overflowing];
}

function qaFeature(encoding: Encoding, example: SquadExample, exampleIndex: number): QaFeature {
  const contextOffsets = encoding.offsets.slice();
  for (let i = 0; i < encoding.length; i++) {
    if (encoding.sequenceIds[i] !== 1) contextOffsets.fill(-1, 2 * i, 2 * i + 2);
  }
  return featureOf([encodedSequence(encoding)], { exampleIndex, exampleId: example.id, contextOffsets });
}

/** Where [CLS] is: the first special token (run_qa.py's input_ids.index(cls_token_id); 0 for BERT). */
function clsIndex(encoding: Encoding): number {
  return Math.max(encoding.specialTokensMask.indexOf(1), 0);
}

/**
 * run_qa.py's start/end positions: the first answer's first and last token when the whole answer lies in this
 * window's context, else [CLS] for both (also for questions without answers). One difference: run_qa.py's search for
 * the start token runs past the context into [SEP] (offsets (0, 0)) when the answer starts in the window's last
 * context token, labelling [SEP]; the search here stops at the context's end, as the transformers course's version.
 */
function answerPositions(offsets: Int32Array, cls: number, example: SquadExample): [number, number] {
  const answer = example.answers[0];
  const length = offsets.length / 2;
  let first = 0;
  while (first < length && offsets[2 * first]! < 0) first++;
  let last = length - 1;
  while (last >= 0 && offsets[2 * last]! < 0) last--;
  if (answer === undefined || first > last) return [cls, cls];
  const startChar = answer.answerStart;
  const endChar = startChar + answer.text.length;
  if (!(offsets[2 * first]! <= startChar && offsets[2 * last + 1]! >= endChar)) return [cls, cls];
  let start = first;
  while (start <= last && offsets[2 * start]! <= startChar) start++;
  let end = last;
  while (end >= first && offsets[2 * end + 1]! >= endChar) end--;
  return [start - 1, end + 1];
}

/** Evaluation and prediction features: every window of every example, with its example id and context offsets. */
export function prepareQaFeatures(tokenizer: Tokenizer, examples: readonly SquadExample[], options: QaFeatureOptions): QaFeature[] {
  checkOptions(options);
  return examples.flatMap((example, i) => qaWindowEncodings(tokenizer, example, options).map((encoding) => qaFeature(encoding, example, i)));
}

/** Training features: every window labelled with the answer's token positions (or [CLS]). */
export function prepareQaTrainFeatures(tokenizer: Tokenizer, examples: readonly SquadExample[], options: QaFeatureOptions): QaTrainFeature[] {
  checkOptions(options);
  return examples.flatMap((example, i) =>
    qaWindowEncodings(tokenizer, example, options).map((encoding) => {
      const feature = qaFeature(encoding, example, i);
      const [startPosition, endPosition] = answerPositions(feature.contextOffsets, clsIndex(encoding), example);
      return { ...feature, startPosition, endPosition };
    }),
  );
}
