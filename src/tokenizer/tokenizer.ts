/**
 * A tokenizer as Hugging Face `tokenizers` composes one (tokenizers/src/tokenizer/mod.rs): added tokens are cut out
 * of the raw text, the rest goes through the normalizer, the pre-tokenizer and the model, the post-processor lays
 * out the encoding (special tokens, type ids), truncation and padding shape it; the decoder turns ids back into
 * text. Each stage is an interface (normalizers/, pre-tokenizers/, models/, processors/, decoders/); a tokenizer is
 * the stages plus the call-level options of transformers' PreTrainedTokenizerFast (maxLength, truncation strategy,
 * stride with overflowing windows, padding).
 *
 * Speed: the normalizer and pre-tokenizer become one WordScanner when the pipeline is built (fused for BERT's pair
 * of stages), words stream into the model without becoming strings, and tokens land in reused typed arrays.
 */
import { valuePreview } from '../error-text.js';
import { TokenizerError } from '../errors.js';
import { fileAccess } from '../io/file-access.js';
import { AddedVocabulary, type AddedToken } from './added-vocabulary.js';
import type { Decoder } from './decoders/decoder.js';
import type { Encoding } from './encoding.js';
import type { Model } from './models/model.js';
import type { Normalizer } from './normalizers/normalizer.js';
import type { PreTokenizer } from './pre-tokenizers/pre-tokenizer.js';
import type { PostProcessor } from './processors/post-processor.js';
import { TemplateProcessing } from './processors/template-processing.js';
import { sliceSequenceTokens as slice, type SequenceTokens } from './sequence-tokens.js';
import { TokenBuffer } from './token-buffer.js';
import { parseTokenizerJsonText, readTokenizerJsonFile, tokenizerJsonText, type TokenizerJsonStages } from './tokenizer-json.js';
import { truncationTargets, windowRanges, type TruncationStrategy } from './truncation.js';
import { collectWords, type WordScanner, type WordSink } from './word-sink.js';
import { wordScannerFor } from './word-scanner.js';

export interface EncodeOptions {
  /** Add the post-processor's special tokens ([CLS] and [SEP] for BERT). Default true. */
  addSpecialTokens?: boolean;
  /** Length limit, special tokens included; also the padding length for padding 'max_length'. */
  maxLength?: number;
  /** How to cut to maxLength; true = 'longest_first'. Default: 'longest_first' when maxLength is given. */
  truncation?: boolean | TruncationStrategy;
  /** true/'longest': pad to the longest in the batch; 'max_length': to maxLength. Default false. */
  padding?: boolean | 'longest' | 'max_length';
  padToMultipleOf?: number;
  /** Tokens shared by consecutive overflowing windows. Default 0. */
  stride?: number;
  /** Keep the windows that truncation cuts off in `encoding.overflowing`. Default false. */
  returnOverflowing?: boolean;
}

export interface DecodeOptions {
  skipSpecialTokens?: boolean;
  /** Remove the space before punctuation and in contractions; default: the decoder's own setting (true for BERT). */
  cleanUpTokenizationSpaces?: boolean;
}

export type EncodeInput = string | readonly [string, string];

/** Truncation applied when a call sets none (tokenizer.json's `truncation`). */
export interface TruncationParams {
  maxLength: number;
  strategy: TruncationStrategy;
  stride: number;
}

/** Padding applied when a call sets none (tokenizer.json's `padding`): to the longest, or to a fixed length. */
export interface PaddingParams {
  length: number | 'longest';
  padToMultipleOf?: number;
  padId: number;
  padTypeId: number;
  padToken: string;
}

export interface TokenizerStages {
  normalizer?: Normalizer | null;
  preTokenizer?: PreTokenizer | null;
  model: Model;
  /** None: the sequences are concatenated, B with type id 1 (the reference's default, `$A:0 $B:1`). */
  postProcessor?: PostProcessor | null;
  /** None: tokens joined with spaces, as the reference does. */
  decoder?: Decoder | null;
  addedTokens?: readonly AddedToken[];
  truncation?: TruncationParams | null;
  padding?: PaddingParams | null;
  /** The token padding uses when `padding` does not name one. */
  padToken?: string;
}

/** Receives words from the scanner and writes their tokens into a TokenBuffer, counting words. */
class SequenceWriter implements WordSink {
  buffer = new TokenBuffer();
  private wordIndex = 0;
  constructor(private readonly model: Model) {}

  reset(buffer: TokenBuffer): void {
    this.buffer = buffer;
    buffer.clear();
    this.wordIndex = 0;
  }

  word(units: Uint16Array, starts: Int32Array, ends: Int32Array, length: number, codePoints: number): void {
    this.model.tokenizeWord(units, starts, ends, length, codePoints, this.wordIndex++, this.buffer);
  }

  special(id: number, start: number, end: number): void {
    this.buffer.push(id, start, end, this.wordIndex++);
  }
}

/** Call options resolved against the tokenizer's defaults. */
interface EncodePlan {
  addSpecial: boolean;
  truncation: TruncationParams | undefined;
  returnOverflowing: boolean;
  /** Pad to this length ('longest': the longest of the batch), rounded up to `multiple`. */
  padTo: number | 'longest' | undefined;
  multiple: number | undefined;
}

const DEFAULT_POST_PROCESSOR = TemplateProcessing.fromStrings('$A:0', '$A:0 $B:1', []);
const NO_OPTIONS: EncodeOptions = Object.freeze({});

export class Tokenizer {
  readonly normalizer: Normalizer | null;
  readonly preTokenizer: PreTokenizer | null;
  readonly model: Model;
  readonly postProcessor: PostProcessor | null;
  readonly decoder: Decoder | null;
  readonly addedVocabulary: AddedVocabulary;
  readonly truncation: TruncationParams | null;
  readonly padding: PaddingParams | null;
  readonly padTokenId: number | undefined;
  /** The normalizer and pre-tokenizer as one pass (BasicTokenizer for BERT's pair of stages). */
  readonly wordScanner: WordScanner;
  /** The post-processor, or the reference's default when there is none. */
  private readonly processor: PostProcessor;
  /** encode() without options: planned once (it is the per-line path of the CLI and of batch jobs). */
  private readonly defaultPlan: EncodePlan;
  private readonly writer: SequenceWriter;
  private readonly bufferA = new TokenBuffer();
  private readonly bufferB = new TokenBuffer();

  /** `source` names where the stages came from, for error messages. */
  constructor(stages: TokenizerStages, source = 'tokenizer') {
    this.normalizer = stages.normalizer ?? null;
    this.preTokenizer = stages.preTokenizer ?? null;
    this.model = stages.model;
    this.postProcessor = stages.postProcessor ?? null;
    this.decoder = stages.decoder ?? null;
    this.truncation = stages.truncation ?? null;
    this.padding = stages.padding ?? null;
    this.addedVocabulary = new AddedVocabulary(stages.addedTokens ?? [], source);
    const processor: PostProcessor = this.postProcessor ?? DEFAULT_POST_PROCESSOR;
    const added = this.addedVocabulary;
    this.processor = processor.forTokens?.((id) => added.content(id) ?? this.model.idToToken(id), (id) => added.content(id) !== undefined) ?? processor;
    const padToken = this.padding?.padToken ?? stages.padToken;
    this.padTokenId = this.padding?.padId ?? (padToken === undefined ? undefined : this.tokenToId(padToken));
    this.checkIds(source);
    this.defaultPlan = this.plan(NO_OPTIONS);
    this.wordScanner = wordScannerFor(this.normalizer, this.preTokenizer, this.model.maxWordUnits, this.addedVocabulary.ids);
    this.writer = new SequenceWriter(this.model);
  }

  /** Reads a Hugging Face tokenizer.json (the stages listed in docs/tokenizer.md; others are a TokenizerError). */
  static fromFile(path: string): Tokenizer {
    return new Tokenizer(readTokenizerJsonFile(path), path);
  }

  /** Parses tokenizer.json text (what toJSONString writes, or a fetched file); `source` names it in errors. */
  static fromJSONString(text: string, source = 'tokenizer.json'): Tokenizer {
    return new Tokenizer(parseTokenizerJsonText(text, source), source);
  }

  /** The tokenizer.json text of this tokenizer, which Hugging Face `tokenizers` loads as the same tokenizer. */
  toJSONString(): string {
    return tokenizerJsonText(this.stagesForJson());
  }

  /** Writes tokenizer.json (atomically). */
  save(path: string): void {
    const role = { error: TokenizerError };
    fileAccess(path, role).writeFile(path, this.toJSONString(), role);
  }

  /** Vocabulary size, added tokens included. */
  get vocabSize(): number {
    return Math.max(this.model.vocabSize, this.addedVocabulary.idEnd);
  }

  /** Tokens of a text (no special tokens added). */
  tokenize(text: string): string[] {
    return this.convertIdsToTokens(this.encodeSequence(text, this.bufferA).ids);
  }

  tokenToId(token: string): number | undefined {
    return this.addedVocabulary.id(token) ?? this.model.tokenToId(token);
  }

  /** Ids of tokens; a token outside the vocabulary gets the model's unknown-token id. */
  convertTokensToIds(tokens: readonly string[]): number[] {
    return tokens.map((token) => {
      const id = this.tokenToId(token) ?? this.model.unkTokenId;
      if (id === undefined) throw new TokenizerError(`token ${valuePreview(token)} is not in the vocabulary, and the model has no unknown token`);
      return id;
    });
  }

  convertIdsToTokens(ids: ArrayLike<number>): string[] {
    const tokens: string[] = new Array<string>(ids.length);
    for (let i = 0; i < ids.length; i++) tokens[i] = this.idToToken(ids[i] ?? -1);
    return tokens;
  }

  idToToken(id: number): string {
    const token = this.addedVocabulary.content(id) ?? this.model.idToToken(id);
    if (token === undefined) throw new TokenizerError(`token id ${id} is outside the vocabulary (size ${this.vocabSize})`);
    return token;
  }

  /** Encodes one text or a pair, laid out by the post-processor (`[CLS] A [SEP] B [SEP]` for BERT). */
  encode(text: string, pair?: string, options: EncodeOptions = NO_OPTIONS): Encoding {
    const plan = options === NO_OPTIONS ? this.defaultPlan : this.plan(options);
    return this.padded(this.encodeUnpadded(text, pair, plan), plan);
  }

  /**
   * Encodes words already split — transformers' `is_split_into_words=True`, tokenizers' InputSequence::PreTokenized
   * (tokenizer/mod.rs encode_single_sequence): each word goes through the added tokens, normalizer, pre-tokenizer and
   * model on its own, and every token it yields gets the word's index as word id, also when the pre-tokenizer splits
   * it further ("U.S." → u . s .). Offsets are within each word (the per-word encodings are merged without growing
   * offsets). A word that yields no token (only spaces) leaves its index unused, as there.
   */
  encodeWords(words: readonly string[], pair?: readonly string[], options: EncodeOptions = NO_OPTIONS): Encoding {
    const plan = options === NO_OPTIONS ? this.defaultPlan : this.plan(options);
    checkWords(words, 'words');
    if (pair !== undefined) checkWords(pair, 'pair');
    const a = this.encodeWordSequence(words, this.bufferA);
    const b = pair === undefined ? undefined : this.encodeWordSequence(pair, this.bufferB);
    return this.padded(this.layOut(a, b, plan), plan);
  }

  /** Encodes texts or [text, pair] tuples; padding true/'longest' pads all to the longest. */
  encodeBatch(inputs: readonly EncodeInput[], options: EncodeOptions = NO_OPTIONS): Encoding[] {
    const plan = this.plan(options);
    const encodings = inputs.map((input) =>
      typeof input === 'string' ? this.encodeUnpadded(input, undefined, plan) : this.encodeUnpadded(input[0], input[1], plan),
    );
    let longest = 0;
    for (const e of encodings) longest = Math.max(longest, e.length);
    const target = this.padTarget(plan, longest);
    if (target === undefined) return encodings;
    const padId = this.requirePadId();
    return encodings.map((e) => e.pad(target, padId, this.padding?.padTypeId ?? 0));
  }

  /** Text of ids through the decoder (without one: tokens joined by spaces, as the reference does). */
  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    const skip = options.skipSpecialTokens ?? false;
    const tokens: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] ?? -1;
      if (!(skip && this.addedVocabulary.isSpecial(id))) tokens.push(this.idToToken(id));
    }
    if (this.decoder === null) return tokens.join(' ');
    return this.decoder.decode(tokens, options.cleanUpTokenizationSpaces);
  }

  decodeBatch(batch: ReadonlyArray<ArrayLike<number>>, options: DecodeOptions = {}): string[] {
    return batch.map((ids) => this.decode(ids, options));
  }

  /** Words (and added tokens) with their spans, after normalization and pre-tokenization (for inspection). */
  preTokenize(text: string): Array<[string, [number, number]]> {
    return collectWords(text, (sink) => this.addedVocabulary.scan(text, this.wordScanner, sink));
  }

  /** The stages as tokenizer.json holds them. */
  protected stagesForJson(): TokenizerJsonStages {
    return {
      normalizer: this.normalizer,
      preTokenizer: this.preTokenizer,
      model: this.model,
      postProcessor: this.postProcessor,
      decoder: this.decoder,
      addedVocabulary: this.addedVocabulary,
      truncation: this.truncation,
      padding: this.padding,
    };
  }

  /**
   * Ids the stages name must be ones the vocabulary holds (the reference trusts them; a wrong one would only show as
   * garbage ids in every encoding), and truncation must fit its windows (the reference's with_truncation check).
   */
  private checkIds(source: string): void {
    const holds = (id: number): boolean => this.addedVocabulary.content(id) !== undefined || this.model.idToToken(id) !== undefined;
    for (const token of this.addedVocabulary.tokens) {
      const modelToken = this.model.idToToken(token.id);
      if (modelToken !== undefined && modelToken !== token.content) {
        throw new TokenizerError(`${source}: added token ${valuePreview(token.content)} has id ${token.id}, which the vocabulary gives to ${valuePreview(modelToken)}`);
      }
    }
    for (const [token, id] of this.postProcessor?.specialTokenIds() ?? []) {
      if (!holds(id)) throw new TokenizerError(`${source}: post-processor special token ${valuePreview(token)} has id ${id}, outside the vocabulary (size ${this.vocabSize})`);
      const known = this.tokenToId(token);
      if (known !== undefined && known !== id) {
        throw new TokenizerError(`${source}: post-processor special token ${valuePreview(token)} has id ${id}, but the vocabulary gives it id ${known}`);
      }
    }
    if (this.padding !== null && !holds(this.padding.padId)) {
      throw new TokenizerError(`${source}: padding's pad id ${this.padding.padId} is outside the vocabulary (size ${this.vocabSize})`);
    }
    if (this.truncation !== null) {
      const { maxLength, stride } = this.truncation;
      const added = this.processor.addedTokens(false);
      if (maxLength < added || (stride > 0 && stride >= maxLength - added)) {
        throw new TokenizerError(`${source}: truncation stride ${stride} must be less than max_length ${maxLength} minus ${added} special tokens`);
      }
    }
  }

  private requirePadId(): number {
    if (this.padTokenId === undefined) throw new TokenizerError('encode: padding needs a pad token, and this tokenizer has none');
    return this.padTokenId;
  }

  private plan(options: EncodeOptions): EncodePlan {
    const addSpecial = options.addSpecialTokens ?? true;
    let truncation: TruncationParams | undefined;
    const cut = options.truncation ?? (options.maxLength !== undefined);
    if (cut !== false && options.maxLength !== undefined) {
      truncation = { maxLength: options.maxLength, strategy: cut === true ? 'longest_first' : cut, stride: options.stride ?? 0 };
    } else if (cut !== false && options.truncation !== undefined) {
      throw new TokenizerError('encode: truncation needs maxLength');
    } else if (options.truncation === undefined && options.maxLength === undefined && this.truncation !== null) {
      truncation = { ...this.truncation, stride: options.stride ?? this.truncation.stride };
    }
    let padTo: EncodePlan['padTo'];
    let multiple = options.padToMultipleOf;
    const padding = options.padding ?? false;
    if (padding === 'max_length') {
      if (options.maxLength === undefined) throw new TokenizerError("padding 'max_length' needs maxLength");
      padTo = options.maxLength;
    } else if (padding !== false) padTo = 'longest';
    else if (options.padding === undefined && this.padding !== null) {
      padTo = this.padding.length;
      multiple ??= this.padding.padToMultipleOf;
    }
    return { addSpecial, truncation, returnOverflowing: options.returnOverflowing ?? false, padTo, multiple };
  }

  private padded(encoding: Encoding, plan: EncodePlan): Encoding {
    const target = this.padTarget(plan, encoding.length);
    return target === undefined ? encoding : encoding.pad(target, this.requirePadId(), this.padding?.padTypeId ?? 0);
  }

  private padTarget(plan: EncodePlan, longest: number): number | undefined {
    if (plan.padTo === undefined) return undefined;
    let target = plan.padTo === 'longest' ? longest : plan.padTo;
    const multiple = plan.multiple;
    if (multiple !== undefined && multiple > 0 && target % multiple !== 0) target += multiple - (target % multiple);
    return target;
  }

  private encodeSequence(text: string, buffer: TokenBuffer): SequenceTokens {
    this.writer.reset(buffer);
    this.addedVocabulary.scan(text, this.wordScanner, this.writer);
    return { ...bufferTokens(buffer), text };
  }

  /** The tokens of pre-split words, each word scanned on its own and its tokens given its index (see encodeWords). */
  private encodeWordSequence(words: readonly string[], buffer: TokenBuffer): SequenceTokens {
    this.writer.reset(buffer);
    for (let i = 0; i < words.length; i++) {
      const first = buffer.length;
      this.addedVocabulary.scan(words[i]!, this.wordScanner, this.writer);
      buffer.words.fill(i, first, buffer.length);
    }
    return bufferTokens(buffer);
  }

  private encodeUnpadded(text: string, pair: string | undefined, plan: EncodePlan): Encoding {
    if (typeof text !== 'string' || (pair !== undefined && typeof pair !== 'string')) {
      throw new TokenizerError('encode: text (and pair) must be strings');
    }
    const a = this.encodeSequence(text, this.bufferA);
    const b = pair === undefined ? undefined : this.encodeSequence(pair, this.bufferB);
    return this.layOut(a, b, plan);
  }

  /** Truncation (with its overflowing windows) and the post-processor's layout of one sequence or a pair. */
  private layOut(a: SequenceTokens, b: SequenceTokens | undefined, plan: EncodePlan): Encoding {
    const { addSpecial, truncation } = plan;
    if (truncation === undefined) return this.build(a, b, addSpecial);
    const { maxLength, strategy, stride } = truncation;
    const added = addSpecial ? this.processor.addedTokens(b !== undefined) : 0;
    const budget = maxLength - added;
    if (!Number.isInteger(maxLength) || budget < 0) {
      throw new TokenizerError(`encode: maxLength ${maxLength} leaves no room for the ${added} special tokens`);
    }
    if (stride > 0 && stride >= budget) {
      throw new TokenizerError(`encode: stride ${stride} must be less than maxLength ${maxLength} minus ${added} special tokens`);
    }
    const [n1, n2] = truncationTargets(a.ids.length, b?.ids.length, budget, strategy);
    const windowsA = windowRanges(a.ids.length, n1, stride).map(([s, e]) => slice(a, s, e));
    const windowsB = b === undefined || n2 === undefined ? [undefined] : windowRanges(b.ids.length, n2, stride).map(([s, e]) => slice(b, s, e));
    const mainA = windowsA[0] ?? a;
    const mainB = windowsB[0];
    if (!plan.returnOverflowing) return this.build(mainA, mainB, addSpecial);
    // Hugging Face's Encoding::merge_with order: each overflow of A with B, then with B's overflows; then A with B's.
    const overflowing: Encoding[] = [];
    for (const wa of windowsA.slice(1)) {
      overflowing.push(this.build(wa, mainB, addSpecial));
      for (const wb of windowsB.slice(1)) overflowing.push(this.build(wa, wb, addSpecial));
    }
    for (const wb of windowsB.slice(1)) overflowing.push(this.build(mainA, wb, addSpecial));
    return this.build(mainA, mainB, addSpecial).withOverflowing(overflowing);
  }

  private build(a: SequenceTokens, b: SequenceTokens | undefined, addSpecial: boolean): Encoding {
    return this.processor.process(a, b, addSpecial);
  }
}

/** The tokens written so far, as views into `buffer`. */
function bufferTokens(buffer: TokenBuffer): SequenceTokens {
  const n = buffer.length;
  return {
    ids: buffer.ids.subarray(0, n),
    starts: buffer.starts.subarray(0, n),
    ends: buffer.ends.subarray(0, n),
    words: buffer.words.subarray(0, n),
  };
}

function checkWords(words: readonly string[], name: string): void {
  if (!Array.isArray(words)) throw new TokenizerError(`encodeWords: ${name} must be an array of strings`);
  for (let i = 0; i < words.length; i++) {
    if (typeof words[i] !== 'string') throw new TokenizerError(`encodeWords: ${name}[${i}] must be a string, got ${valuePreview(words[i])}`);
  }
}
