/**
 * Hugging Face's token-classification ("ner") pipeline, with transformers.js's call shape: per token (or word, or
 * entity group) its label, probability, text and character offsets. Post-processing: token-aggregation.ts.
 *
 * A text longer than `max_seq_len` tokens (default: the model's max_position_embeddings, capped by the tokenizer's
 * model_max_length) is truncated there with one warning per batch, as transformers truncates at model_max_length;
 * the cut-off rest has no entities.
 */
import { ValueError } from '../errors.js';
import { BertForTokenClassification } from '../model/heads/token-classification.js';
import { BertTokenizer } from '../tokenizer/bert-tokenizer.js';
import type { Encoding } from '../tokenizer/encoding.js';
import { headLogits } from './head-logits.js';
import { expectModel, loadPipelineModel } from './pipeline-model.js';
import { OptionReader } from './pipeline-options.js';
import { softmax } from './scores.js';
import { TextPipeline } from './text-pipeline.js';
import {
  AGGREGATION_STRATEGIES, aggregateEntities, preEntity, type AggregationStrategy, type EntityGroup, type PreEntity, type TokenEntity,
} from './token-aggregation.js';
import { maxInputTokens, TruncatedEncoder } from './truncated-encoding.js';

export type { AggregationStrategy, EntityGroup, TokenEntity } from './token-aggregation.js';

export interface TokenClassificationOptions {
  /** Labels left out of the output (after grouping). Default ['O']. */
  ignore_labels: string[];
  /** Default 'none': one entity per token. */
  aggregation_strategy: AggregationStrategy;
  /** Tokens kept, special tokens included. */
  max_seq_len: number;
}

/** The call's options as Hugging Face names them; `ignore_labels` may also be one comma-separated string. */
export interface TokenClassificationCallOptions {
  ignore_labels?: string | readonly string[];
  aggregation_strategy?: AggregationStrategy;
  max_seq_len?: number;
}

/** Entities of one text: TokenEntity per token with 'none', EntityGroup otherwise. */
export type TokenClassificationOutput = TokenEntity[] | EntityGroup[];

export interface TokenClassificationPipeline {
  /** One text: its entities. */
  (texts: string, options?: TokenClassificationCallOptions): Promise<TokenClassificationOutput>;
  /** Many: one list of entities per text. */
  (texts: readonly string[], options?: TokenClassificationCallOptions): Promise<TokenClassificationOutput[]>;
}

export class TokenClassificationPipeline extends TextPipeline<TokenClassificationCallOptions, TokenClassificationOptions, TokenClassificationOutput> {
  readonly task = 'token-classification' as const;
  /** Label names in id order (config.json's id2label). */
  readonly labels: readonly string[];
  /** The most tokens the model takes: max_seq_len's default and bound. */
  private readonly positions: number;
  /** One encoder per max_seq_len asked for (each keeps its measured encodings and its truncation count). */
  private readonly encoders = new Map<number, TruncatedEncoder>();

  constructor(readonly model: BertForTokenClassification, readonly tokenizer: BertTokenizer) {
    super();
    model.eval();
    const id2label = model.config.id2label;
    this.labels = Object.keys(id2label).map((_, i) => id2label[String(i)] ?? `LABEL_${i}`);
    this.positions = maxInputTokens(model.config, tokenizer);
  }

  /** Model and tokenizer from one Hugging Face folder, as pipeline('token-classification', dir) loads them. */
  static fromPretrained(dir: string): TokenClassificationPipeline {
    const model = loadPipelineModel(dir, 'token-classification', ['token-classification']);
    return new TokenClassificationPipeline(expectModel(model, [BertForTokenClassification], 'token-classification', dir), BertTokenizer.fromPretrained(dir));
  }

  checkOptions(options: Record<string, unknown>): TokenClassificationOptions {
    const reader = new OptionReader(this.task, options, ['ignore_labels', 'aggregation_strategy', 'max_seq_len']);
    const special = this.tokenizer.postProcessor?.addedTokens(false) ?? 0;
    const maxSeqLen = reader.integer('max_seq_len', this.positions, special + 1);
    if (maxSeqLen > this.positions) throw new ValueError(`${this.task}: option max_seq_len ${maxSeqLen} exceeds the model's ${this.positions} positions`);
    return {
      ignore_labels: reader.stringList('ignore_labels', ['O']),
      aggregation_strategy: reader.choice('aggregation_strategy', AGGREGATION_STRATEGIES, 'none'),
      max_seq_len: maxSeqLen,
    };
  }

  lengthOf(text: string, options: TokenClassificationOptions): number {
    return this.encoder(options.max_seq_len).length(text);
  }

  runBatch(texts: readonly string[], options: TokenClassificationOptions): TokenClassificationOutput[] {
    const encoder = this.encoder(options.max_seq_len);
    const encodings = texts.map((text) => encoder.encode(text));
    encoder.warn(this.task);
    const logits = headLogits(this.model.bert, this.model.classifier, encodings, 'tokens'); // [tokens, labels]
    return encodings.map((encoding, i) => {
      const rows = logits.values.subarray(logits.offsets[i]! * logits.width, logits.offsets[i + 1]! * logits.width);
      const pre = this.preEntities(texts[i]!, encoding, rows, logits.width);
      return aggregateEntities(pre, options.aggregation_strategy, this.labels, options.ignore_labels, this.tokenizer.decoder);
    });
  }

  private encoder(maxSeqLen: number): TruncatedEncoder {
    let encoder = this.encoders.get(maxSeqLen);
    if (encoder === undefined) {
      const limit = maxSeqLen === this.positions ? undefined : `max_seq_len (${maxSeqLen} tokens)`;
      encoder = new TruncatedEncoder(this.tokenizer, maxSeqLen, 'longest_first', limit);
      this.encoders.set(maxSeqLen, encoder);
    }
    return encoder;
  }

  /** HF's gather_pre_entities: every non-special token with its label probabilities; `logits` [tokens, labels]. */
  private preEntities(text: string, encoding: Encoding, logits: Float32Array, width: number): PreEntity[] {
    const pre: PreEntity[] = [];
    const unk = this.tokenizer.unkTokenId;
    for (let t = 0; t < encoding.length; t++) {
      if (encoding.specialTokensMask[t] === 1) continue;
      const id = encoding.ids[t]!;
      const [start, end] = encoding.offset(t);
      const scores = softmax(logits.subarray(t * width, (t + 1) * width));
      pre.push(preEntity(this.tokenizer.idToToken(id), text, start, end, id === unk, t, scores));
    }
    return pre;
  }
}
