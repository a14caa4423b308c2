/**
 * Hugging Face's token-classification ("ner") pipeline, with transformers.js's call shape: per token (or word, or
 * entity group) its label, probability, text and character offsets. Post-processing: token-aggregation.ts.
 *
 * A text longer than `max_seq_len` tokens (default: the model's max_position_embeddings, capped by the tokenizer's
 * model_max_length) is truncated there with a warning, as transformers truncates at model_max_length.
 */
import { ConfigError, ValueError } from '../errors.js';
import { valuePreview } from '../error-text.js';
import { AutoModelForTokenClassification } from '../model/auto.js';
import { BertForTokenClassification } from '../model/heads/token-classification.js';
import { BertTokenizer } from '../tokenizer/bert-tokenizer.js';
import type { Encoding } from '../tokenizer/encoding.js';
import { emitWarning } from '../warnings.js';
import { headRows, softmax } from './head-rows.js';
import type { BatchPipeline } from './pipeline-base.js';
import {
  choiceOption, inputObject, intOption, rejectUnknownOptions, stringListOption, textField, type OptionBag,
} from './pipeline-options.js';
import {
  AGGREGATION_STRATEGIES, aggregateEntities, preEntity, type AggregationStrategy, type EntityGroup, type PreEntity, type TokenEntity,
} from './token-aggregation.js';

export type { AggregationStrategy, EntityGroup, TokenEntity } from './token-aggregation.js';

const TASK = 'token-classification';

export interface TokenClassificationOptions {
  /** Labels left out of the output (after grouping). Default ['O']. */
  ignore_labels: string[];
  /** Default 'none': one entity per token. */
  aggregation_strategy: AggregationStrategy;
  /** Tokens kept, special tokens included. */
  max_seq_len: number;
}

/** Options as a call takes them: any subset, values or their CLI strings. */
export type TokenClassificationCallOptions = Partial<TokenClassificationOptions> | OptionBag;

/** Entities of one text: TokenEntity per token with 'none', EntityGroup otherwise. */
export type TokenClassificationOutput = TokenEntity[] | EntityGroup[];

export class TokenClassificationPipeline implements BatchPipeline<string, TokenClassificationOptions, TokenClassificationOutput> {
  readonly task = TASK;
  /** Label names in id order (config.json's id2label). */
  readonly labels: readonly string[];

  constructor(readonly model: BertForTokenClassification, readonly tokenizer: BertTokenizer) {
    model.eval();
    const id2label = model.config.id2label;
    this.labels = Object.keys(id2label).map((_, i) => id2label[String(i)] ?? `LABEL_${i}`);
  }

  /** Model (AutoModelForTokenClassification) and tokenizer from one Hugging Face folder. */
  static fromPretrained(dir: string): TokenClassificationPipeline {
    const model = AutoModelForTokenClassification.fromPretrained(dir);
    if (!(model instanceof BertForTokenClassification)) throw new ConfigError(`${TASK}: ${dir} did not load as a token-classification model`);
    return new TokenClassificationPipeline(model, BertTokenizer.fromPretrained(dir));
  }

  /** transformers.js's call: one text → its entities; an array of texts → one list per text. */
  async call(texts: string, options?: TokenClassificationCallOptions): Promise<TokenClassificationOutput>;
  async call(texts: readonly string[], options?: TokenClassificationCallOptions): Promise<TokenClassificationOutput[]>;
  async call(texts: string | readonly string[], options: TokenClassificationCallOptions = {}): Promise<TokenClassificationOutput | TokenClassificationOutput[]> {
    const checked = this.checkOptions({ ...options });
    if (typeof texts === 'string') return this.runBatch([texts], checked)[0]!;
    if (!Array.isArray(texts)) throw new ValueError(`${TASK}: expected a text or an array of texts, got ${valuePreview(texts)}`);
    return this.runBatch(texts.map((t: unknown, i) => this.textOf(t, `input ${i}`)), checked);
  }

  /** A JSON line `{"text": ...}`; an empty text is allowed (no entities). */
  inputFromJson(value: unknown): string {
    return textField(TASK, inputObject(TASK, value, '{"text": ...}'), 'text', true);
  }

  checkOptions(options: OptionBag): TokenClassificationOptions {
    rejectUnknownOptions(TASK, options, ['ignore_labels', 'aggregation_strategy', 'max_seq_len']);
    const limit = Math.min(this.model.config.maxPositionEmbeddings, this.tokenizer.modelMaxLength ?? Infinity);
    const special = this.tokenizer.postProcessor?.addedTokens(false) ?? 0;
    const maxSeqLen = intOption(TASK, options, 'max_seq_len', limit, special + 1);
    if (maxSeqLen > limit) throw new ValueError(`${TASK}: option max_seq_len ${maxSeqLen} exceeds the model's ${limit} positions`);
    return {
      ignore_labels: stringListOption(TASK, options, 'ignore_labels', ['O']),
      aggregation_strategy: choiceOption(TASK, options, 'aggregation_strategy', AGGREGATION_STRATEGIES, 'none'),
      max_seq_len: maxSeqLen,
    };
  }

  lengthOf(text: string, options: TokenClassificationOptions): number {
    return Math.min(this.tokenizer.encode(text, undefined, { truncation: false, padding: false }).length, options.max_seq_len);
  }

  runBatch(texts: readonly string[], options: TokenClassificationOptions): TokenClassificationOutput[] {
    const encodings = texts.map((text) => this.encode(text, options.max_seq_len));
    const logits = headRows(this.model.bert, this.model.classifier, encodings);
    return encodings.map((encoding, i) => {
      const pre = this.preEntities(texts[i]!, encoding, logits.values, logits.offsets[i]!, logits.width);
      return aggregateEntities(pre, options.aggregation_strategy, this.labels, options.ignore_labels, this.tokenizer.decoder);
    });
  }

  private textOf(value: unknown, where: string): string {
    if (typeof value !== 'string') throw new ValueError(`${TASK}: ${where} must be a string, got ${valuePreview(value)}`);
    return value;
  }

  private encode(text: string, maxSeqLen: number): Encoding {
    const encoding = this.tokenizer.encode(text, undefined, { maxLength: maxSeqLen, truncation: true, returnOverflowing: true, padding: false });
    if (encoding.overflowing.length > 0) {
      const [, end] = encoding.offset(encoding.length - 2);
      emitWarning(`${TASK}: a text of ${text.length} characters was truncated to ${maxSeqLen} tokens (at character ${end}); the rest has no entities`, 'TSBERT_PIPELINE_TRUNCATED');
    }
    return encoding;
  }

  /** HF's gather_pre_entities: every non-special token with its probabilities; logits rows from `row`. */
  private preEntities(text: string, encoding: Encoding, logits: Float32Array, row: number, width: number): PreEntity[] {
    const pre: PreEntity[] = [];
    const unk = this.tokenizer.unkTokenId;
    for (let t = 0; t < encoding.length; t++) {
      if (encoding.specialTokensMask[t] === 1) continue;
      const id = encoding.ids[t]!;
      const [start, end] = encoding.offset(t);
      const scores = softmax(logits, (row + t) * width, width);
      pre.push(preEntity(this.tokenizer.idToToken(id), text, start, end, id === unk, t, scores));
    }
    return pre;
  }
}
