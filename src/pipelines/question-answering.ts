/**
 * Hugging Face's question-answering pipeline, with transformers.js's call shape: `qa(question, context, options)`.
 * Contexts of any length go in windows of `max_seq_len` tokens overlapping by `doc_stride` (the fine-tuning code's
 * windows: finetune/squad/squad-features.ts), the question first and cut to `max_question_len` tokens; answers come
 * from qa-spans.ts by HF's rules, as spans of the context in UTF-16 units.
 */
import { valuePreview } from '../error-text.js';
import { ValueError } from '../errors.js';
import { qaWindowEncodings, type QaFeatureOptions } from '../finetune/squad/squad-features.js';
import type { PreTrainedModel } from '../model/pretrained-model.js';
import { AutoTokenizer } from '../tokenizer/auto-tokenizer.js';
import type { Encoding } from '../tokenizer/encoding.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { headLogits } from './head-logits.js';
import { spanScorerOf, type RowsHead } from './head-readers.js';
import { Pipeline } from './pipeline-base.js';
import { expectHead, loadPipelineModel } from './pipeline-model.js';
import { OptionReader, optionsArgument } from './pipeline-options.js';
import { qaAnswers, type QaAnswer, type QaWindow } from './qa-spans.js';
import { tokenizerRoles } from './tokenizer-roles.js';
import { maxInputTokens } from './truncated-encoding.js';
import { inputObject, textField } from './text-input.js';

export type { QaAnswer } from './qa-spans.js';

export interface QaInput {
  question: string;
  context: string;
}

export interface QuestionAnsweringOptions {
  /** Answers returned (default 1: one answer, not a list). */
  top_k: number;
  /** Context tokens shared by consecutive windows (default min(max_seq_len / 2, 128)). */
  doc_stride: number;
  /** Tokens per window, special tokens included (default min(384, the model's positions)). */
  max_seq_len: number;
  /** Question tokens kept (default 64). */
  max_question_len: number;
  /** Longest answer in tokens (default 15). */
  max_answer_len: number;
  /** Let "" (no answer) compete with the spans (default false). */
  handle_impossible_answer: boolean;
  /** Widen answers to whole words (default true). */
  align_to_words: boolean;
}

/** The call's options as Hugging Face names them: any subset. */
export type QuestionAnsweringCallOptions = Partial<QuestionAnsweringOptions>;

/** One answer with top_k 1, else a list of answers, best first. */
export type QuestionAnsweringOutput = QaAnswer | QaAnswer[];

const OPTION_NAMES = ['top_k', 'doc_stride', 'max_seq_len', 'max_question_len', 'max_answer_len', 'handle_impossible_answer', 'align_to_words'];

export interface QuestionAnsweringPipeline {
  /** transformers.js's call: a question and its context → its answer (a list with top_k > 1). */
  (question: string, context: string, options?: QuestionAnsweringCallOptions): Promise<QuestionAnsweringOutput>;
  /** Questions and contexts of the same length → one output per pair. */
  (questions: readonly string[], contexts: readonly string[], options?: QuestionAnsweringCallOptions): Promise<QuestionAnsweringOutput[]>;
  /** Hugging Face Python's `{question, context}`. */
  (input: QaInput, options?: QuestionAnsweringCallOptions): Promise<QuestionAnsweringOutput>;
  (inputs: readonly QaInput[], options?: QuestionAnsweringCallOptions): Promise<QuestionAnsweringOutput[]>;
}

export class QuestionAnsweringPipeline extends Pipeline<QaInput, QuestionAnsweringOptions, QuestionAnsweringOutput> {
  readonly task = 'question-answering' as const;
  private readonly head: RowsHead;
  /** The classifier token ([CLS], `<s>`), whose span scores are the no-answer score. */
  private readonly clsTokenId: number | undefined;
  /** The longest input the model and tokenizer take: max_seq_len's bound. */
  private readonly positions: number;

  /** `model`: a span scorer of any family (head-readers.ts). */
  constructor(readonly model: PreTrainedModel, readonly tokenizer: Tokenizer) {
    super();
    this.head = spanScorerOf(model);
    this.clsTokenId = tokenizerRoles(tokenizer).clsTokenId;
    this.positions = maxInputTokens(this.head.encoder, tokenizer);
    model.eval();
  }

  /** Model and tokenizer from one Hugging Face folder, as pipeline('question-answering', dir) loads them. */
  static fromPretrained(dir: string): QuestionAnsweringPipeline {
    const model = loadPipelineModel(dir, 'question-answering', ['question-answering']);
    return new QuestionAnsweringPipeline(expectHead(model, ['question-answering'], 'question-answering', dir), AutoTokenizer.fromPretrained(dir));
  }

  /** What calling the pipeline resolves to, synchronously. */
  run(question: string, context: string, options?: QuestionAnsweringCallOptions): QuestionAnsweringOutput;
  run(questions: readonly string[], contexts: readonly string[], options?: QuestionAnsweringCallOptions): QuestionAnsweringOutput[];
  run(input: QaInput, options?: QuestionAnsweringCallOptions): QuestionAnsweringOutput;
  run(inputs: readonly QaInput[], options?: QuestionAnsweringCallOptions): QuestionAnsweringOutput[];
  run(first: unknown, second?: unknown, third?: unknown): QuestionAnsweringOutput | QuestionAnsweringOutput[] {
    return this.callWith([first, second, third]);
  }

  /**
   * transformers.js's `(question, context, options)` (strings, or arrays of the same length), or HF Python's
   * `({question, context}, options)` and arrays of such objects. One input → its output; an array → one per input.
   */
  protected override callWith([first, second, third]: readonly unknown[]): QuestionAnsweringOutput | QuestionAnsweringOutput[] {
    const pairCall = typeof first === 'string' || (Array.isArray(first) && typeof first[0] === 'string');
    const options = this.checkOptions(optionsArgument(pairCall ? third : second, this.task));
    if (typeof first === 'string') return this.runBatch([this.inputFromJson({ question: first, context: second })], options)[0]!;
    if (!Array.isArray(first)) return this.runBatch([this.inputFromJson(first)], options)[0]!;
    if (!pairCall) return this.runAll(first.map((item: unknown) => this.inputFromJson(item)), options);
    if (!Array.isArray(second) || second.length !== first.length) {
      throw new ValueError(`${this.task}: ${first.length} questions need as many contexts, got ${valuePreview(second)}`);
    }
    return this.runAll(first.map((question: unknown, i) => this.inputFromJson({ question, context: second[i] })), options);
  }

  /** A JSON line `{"question": ..., "context": ...}`; an empty question or context is a ValueError (as HF). */
  inputFromJson(value: unknown): QaInput {
    const input = inputObject(value, this.task, '{question, context}');
    return { question: textField(input, 'question', this.task, false), context: textField(input, 'context', this.task, false) };
  }

  checkOptions(options: Record<string, unknown>): QuestionAnsweringOptions {
    const reader = new OptionReader(this.task, options, OPTION_NAMES);
    const maxSeqLen = reader.integer('max_seq_len', Math.min(this.positions, 384), 1);
    if (maxSeqLen > this.positions) throw new ValueError(`${this.task}: option max_seq_len ${maxSeqLen} exceeds the model's ${this.positions} positions`);
    const docStride = reader.integer('doc_stride', Math.min(Math.floor(maxSeqLen / 2), 128), 0);
    if (docStride >= maxSeqLen) throw new ValueError(`${this.task}: option doc_stride ${docStride} must be less than max_seq_len ${maxSeqLen}`);
    return {
      top_k: reader.integer('top_k', 1, 1),
      doc_stride: docStride,
      max_seq_len: maxSeqLen,
      max_question_len: reader.integer('max_question_len', 64, 1),
      max_answer_len: reader.integer('max_answer_len', 15, 1),
      handle_impossible_answer: reader.boolean('handle_impossible_answer', false),
      align_to_words: reader.boolean('align_to_words', true),
    };
  }

  /** Question and context tokens (the windows repeat doc_stride tokens each: an estimate, not a bound). */
  lengthOf(input: QaInput, options: QuestionAnsweringOptions): number {
    const asIs = { addSpecialTokens: false, truncation: false, padding: false } as const;
    const question = Math.min(this.tokenizer.encode(input.question, undefined, asIs).length, options.max_question_len);
    return question + this.tokenizer.encode(input.context, undefined, asIs).length + 3;
  }

  runBatch(inputs: readonly QaInput[], options: QuestionAnsweringOptions): QuestionAnsweringOutput[] {
    const windowOptions: QaFeatureOptions = { maxSeqLength: options.max_seq_len, docStride: options.doc_stride, maxQueryLength: options.max_question_len };
    const windowsOf = inputs.map((input) => qaWindowEncodings(this.tokenizer, { ...input, source: `${this.task}: question ${valuePreview(input.question)}` }, windowOptions));
    const logits = headLogits(this.head, windowsOf.flat()); // [tokens, 2]: start, end
    let row = 0;
    return inputs.map((input, i) => {
      const windows = windowsOf[i]!.map((encoding) => this.qaWindow(encoding, logits.values, logits.offsets[row++]!));
      const answers = qaAnswers(input.context, windows, options);
      return options.top_k === 1 && answers.length === 1 ? answers[0]! : answers;
    });
  }

  /** One window's start and end logits (columns 0 and 1 of its rows from `row`) with what qa-spans.ts reads. */
  private qaWindow(encoding: Encoding, logits: Float32Array, row: number): QaWindow {
    const n = encoding.length;
    const startLogits = new Float32Array(n);
    const endLogits = new Float32Array(n);
    const isCls = new Uint8Array(n);
    for (let t = 0; t < n; t++) {
      startLogits[t] = logits[2 * (row + t)]!;
      endLogits[t] = logits[2 * (row + t) + 1]!;
      isCls[t] = encoding.ids[t] === this.clsTokenId ? 1 : 0;
    }
    return { startLogits, endLogits, sequenceIds: encoding.sequenceIds, isCls, offsets: encoding.offsets, wordIds: encoding.wordIds };
  }
}
