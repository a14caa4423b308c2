/**
 * Hugging Face's token-classification ("ner") pipeline, with transformers.js's call shape: per token (or word, or
 * entity group) its label, probability, text and character offsets. Post-processing: token-aggregation.ts.
 *
 * A text longer than `max_seq_len` tokens (default: the model's max_position_embeddings, capped by the tokenizer's
 * model_max_length) is truncated there with one warning per batch, as transformers truncates at model_max_length;
 * the cut-off rest has no entities — unless `stride` is given: then, as Hugging Face Python's pipeline (transformers.js
 * has no stride), the text is read in windows of max_seq_len tokens overlapping by `stride` tokens, each window's
 * entities are found as if it were the text, and overlapping entities are resolved by aggregateOverlappingEntities.
 */
import { ValueError } from '../errors.js';
import type { PreTrainedModel } from '../model/pretrained-model.js';
import { AutoTokenizer } from '../tokenizer/auto-tokenizer.js';
import type { Encoding } from '../tokenizer/encoding.js';
import { BPE } from '../tokenizer/models/bpe.js';
import { WordPieceTokenizer } from '../tokenizer/models/wordpiece.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { headLogits } from './head-logits.js';
import { tokenClassifierOf, type RowsHead } from './head-readers.js';
import { expectHead, loadPipelineModel } from './pipeline-model.js';
import { OptionReader } from './pipeline-options.js';
import { softmax } from './scores.js';
import { TextPipeline } from './text-pipeline.js';
import {
  AGGREGATION_STRATEGIES, aggregateEntities, aggregateOverlappingEntities, preEntity, type AggregationStrategy, type EntityGroup, type PreEntity,
  type SubwordRule, type TokenEntity,
} from './token-aggregation.js';
import { tokenizerRoles } from './tokenizer-roles.js';
import { maxInputTokens, TruncatedEncoder } from './truncated-encoding.js';

export type { AggregationStrategy, EntityGroup, TokenEntity } from './token-aggregation.js';

export interface TokenClassificationOptions {
  /** Labels left out of the output (after grouping). Default ['O']. */
  ignore_labels: string[];
  /** Default 'none': one entity per token. */
  aggregation_strategy: AggregationStrategy;
  /** Tokens kept (per window with stride), special tokens included. */
  max_seq_len: number;
  /** Tokens shared by consecutive windows of a longer text; null: the text is truncated at max_seq_len. */
  stride: number | null;
}

/** The call's options as Hugging Face names them; `ignore_labels` may also be one comma-separated string. */
export interface TokenClassificationCallOptions {
  ignore_labels?: string | readonly string[];
  aggregation_strategy?: AggregationStrategy;
  max_seq_len?: number;
  stride?: number | null;
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
  private readonly head: RowsHead;
  private readonly unkTokenId: number | undefined;
  private readonly subwordRule: SubwordRule;

  /** `model`: a token classifier of any family (head-readers.ts). */
  constructor(readonly model: PreTrainedModel, readonly tokenizer: Tokenizer) {
    super();
    this.head = tokenClassifierOf(model);
    model.eval();
    const id2label = model.config.id2label;
    this.labels = Object.keys(id2label).map((_, i) => id2label[String(i)] ?? `LABEL_${i}`);
    this.positions = maxInputTokens(this.head.encoder, tokenizer);
    this.unkTokenId = tokenizerRoles(tokenizer).unkTokenId;
    this.subwordRule = subwordRuleOf(tokenizer);
  }

  /** Model and tokenizer from one Hugging Face folder, as pipeline('token-classification', dir) loads them. */
  static fromPretrained(dir: string): TokenClassificationPipeline {
    const model = loadPipelineModel(dir, 'token-classification', ['token-classification']);
    return new TokenClassificationPipeline(expectHead(model, ['token-classification'], 'token-classification', dir), AutoTokenizer.fromPretrained(dir));
  }

  checkOptions(options: Record<string, unknown>): TokenClassificationOptions {
    const reader = new OptionReader(this.task, options, ['ignore_labels', 'aggregation_strategy', 'max_seq_len', 'stride']);
    const special = this.tokenizer.postProcessor?.addedTokens(false) ?? 0;
    const maxSeqLen = reader.integer('max_seq_len', this.positions, special + 1);
    if (maxSeqLen > this.positions) throw new ValueError(`${this.task}: option max_seq_len ${maxSeqLen} exceeds the model's ${this.positions} positions`);
    const aggregation = reader.choice('aggregation_strategy', AGGREGATION_STRATEGIES, 'none');
    const stride = reader.integerOrNull('stride', null, 0);
    if (stride !== null) {
      // Each window must move on by at least one token: its text tokens are max_seq_len less the special tokens.
      if (stride >= maxSeqLen - special) throw new ValueError(`${this.task}: option stride ${stride} must be less than max_seq_len ${maxSeqLen} minus ${special} special tokens`);
      // Hugging Face refuses it too: per-token entities from overlapping windows would repeat tokens with other indices.
      if (aggregation === 'none') throw new ValueError(`${this.task}: option stride reads the whole text in windows, which needs an aggregation_strategy other than "none"`);
    }
    return { ignore_labels: reader.stringList('ignore_labels', ['O']), aggregation_strategy: aggregation, max_seq_len: maxSeqLen, stride };
  }

  lengthOf(text: string, options: TokenClassificationOptions): number {
    const encoder = this.encoder(options.max_seq_len);
    return options.stride === null ? encoder.length(text) : encoder.wholeLength(text);
  }

  runBatch(texts: readonly string[], options: TokenClassificationOptions): TokenClassificationOutput[] {
    const encoder = this.encoder(options.max_seq_len);
    const windowsOf = texts.map((text) => options.stride === null ? [encoder.encode(text)] : encoder.windows(text, options.stride));
    encoder.warn(this.task);
    const logits = headLogits(this.head, windowsOf.flat()); // [tokens, labels]
    let window = 0;
    return windowsOf.map((windows, i) => {
      const entities = windows.map((encoding) => {
        const rows = logits.values.subarray(logits.offsets[window]! * logits.width, logits.offsets[window + 1]! * logits.width);
        window++;
        const pre = this.preEntities(texts[i]!, encoding, rows, logits.width);
        return aggregateEntities(pre, options.aggregation_strategy, this.labels, options.ignore_labels, this.tokenizer.decoder);
      });
      // With stride the strategy is not 'none' (checkOptions), so every window's entities are groups.
      return entities.length === 1 ? entities[0]! : aggregateOverlappingEntities((entities as EntityGroup[][]).flat());
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
    const unk = this.unkTokenId;
    for (let t = 0; t < encoding.length; t++) {
      if (encoding.specialTokensMask[t] === 1) continue;
      const id = encoding.ids[t]!;
      const [start, end] = encoding.offset(t);
      const scores = softmax(logits.subarray(t * width, (t + 1) * width));
      pre.push(preEntity(this.tokenizer.idToToken(id), text, start, end, id === unk, t, scores, this.subwordRule));
    }
    return pre;
  }
}

/** HF's test: `tokenizer._tokenizer.model.continuing_subword_prefix` set and non-empty (WordPiece's `##`). */
function subwordRuleOf(tokenizer: Tokenizer): SubwordRule {
  const { model } = tokenizer;
  const prefix = model instanceof WordPieceTokenizer || model instanceof BPE ? model.continuingSubwordPrefix : null;
  return prefix !== null && prefix !== '' ? 'prefix' : 'spaces';
}
