/**
 * BertTokenizer: Hugging Face's BertTokenizerFast in TypeScript — BasicTokenizer + WordPiece + `[CLS] A [SEP] B
 * [SEP]`, with truncation, overflowing windows, padding, offsets and word ids that match the Rust `tokenizers`
 * library token for token.
 */
import { valuePreview } from '../error-text.js';
import { TokenizerError } from '../errors.js';
import { BasicTokenizer, type WordSink } from './basic-tokenizer.js';
import type { Encoding } from './encoding.js';
import { buildEncoding, sliceSequence as slice, type Sequence } from './encoding-builder.js';
import { readPretrained, writePretrained } from './pretrained-files.js';
import { decodeWordPieces } from './wordpiece-decoder.js';
import { TokenBuffer } from './token-buffer.js';
import { truncationTargets, windowRanges, type TruncationStrategy } from './truncation.js';
import { Vocab } from './vocab.js';
import { WordPieceTokenizer } from './wordpiece-tokenizer.js';

export interface SpecialTokens {
  unkToken: string;
  sepToken: string;
  padToken: string;
  clsToken: string;
  maskToken: string;
}

export const BERT_SPECIAL_TOKENS: SpecialTokens = {
  unkToken: '[UNK]',
  sepToken: '[SEP]',
  padToken: '[PAD]',
  clsToken: '[CLS]',
  maskToken: '[MASK]',
};

export interface BertTokenizerOptions extends Partial<SpecialTokens> {
  /** Lowercase the text (uncased models). Default true, as bert-base-uncased. */
  doLowerCase?: boolean;
  /** Strip accents; null/undefined: same as doLowerCase (Hugging Face's rule). */
  stripAccents?: boolean | null;
  /** Isolate CJK ideographs. Default true. */
  tokenizeChineseChars?: boolean;
  /** Drop control characters, map whitespace to spaces. Default true. */
  cleanText?: boolean;
  continuingSubwordPrefix?: string;
  maxInputCharsPerWord?: number;
  /** Longest input the model accepts (tokenizer_config.json's model_max_length); informative. */
  modelMaxLength?: number;
  /** More never-split tokens found verbatim in text, with their ids (tokenizer.json's added_tokens). */
  addedTokens?: ReadonlyArray<{ content: string; id: number; special: boolean }>;
}

export interface EncodeOptions {
  /** Add [CLS] and [SEP]. Default true. */
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
  /** Remove the space before punctuation and in contractions (WordPiece decoder's cleanup). Default true. */
  cleanUpTokenizationSpaces?: boolean;
}

export type EncodeInput = string | readonly [string, string];


/** Receives words from the BasicTokenizer and writes their WordPiece tokens. */
class SequenceWriter implements WordSink {
  buffer = new TokenBuffer();
  private wordIndex = 0;
  constructor(private readonly wordPiece: WordPieceTokenizer) {}

  reset(buffer: TokenBuffer): void {
    this.buffer = buffer;
    buffer.clear();
    this.wordIndex = 0;
  }

  word(units: Uint16Array, starts: Int32Array, ends: Int32Array, length: number, codePoints: number): void {
    this.wordPiece.tokenizeWord(units, starts, ends, length, codePoints, this.wordIndex++, this.buffer);
  }

  special(id: number, start: number, end: number): void {
    this.buffer.push(id, start, end, this.wordIndex++);
  }
}

export class BertTokenizer {
  readonly vocab: Vocab;
  readonly basic: BasicTokenizer;
  readonly wordPiece: WordPieceTokenizer;
  readonly specialTokens: SpecialTokens;
  readonly unkTokenId: number;
  readonly sepTokenId: number;
  readonly padTokenId: number;
  readonly clsTokenId: number;
  readonly maskTokenId: number;
  readonly doLowerCase: boolean;
  readonly stripAccents: boolean | null;
  readonly tokenizeChineseChars: boolean;
  readonly cleanText: boolean;
  readonly modelMaxLength: number | undefined;
  /** Never-split tokens (the five special tokens and any added ones) → id. */
  readonly addedTokens: ReadonlyMap<string, number>;
  private readonly specialIds: ReadonlySet<number>;
  private readonly addedById: ReadonlyMap<number, string>;
  private readonly writer: SequenceWriter;
  private readonly bufferA = new TokenBuffer();
  private readonly bufferB = new TokenBuffer();

  constructor(vocab: Vocab, options: BertTokenizerOptions = {}, source = 'vocabulary') {
    this.vocab = vocab;
    this.specialTokens = {
      unkToken: options.unkToken ?? BERT_SPECIAL_TOKENS.unkToken,
      sepToken: options.sepToken ?? BERT_SPECIAL_TOKENS.sepToken,
      padToken: options.padToken ?? BERT_SPECIAL_TOKENS.padToken,
      clsToken: options.clsToken ?? BERT_SPECIAL_TOKENS.clsToken,
      maskToken: options.maskToken ?? BERT_SPECIAL_TOKENS.maskToken,
    };
    const added = new Map<string, number>();
    const addedById = new Map<number, string>();
    const specialIds = new Set<number>();
    for (const token of options.addedTokens ?? []) {
      added.set(token.content, token.id);
      addedById.set(token.id, token.content);
      if (token.special) specialIds.add(token.id);
    }
    const idOf = (token: string, role: string): number => {
      const id = vocab.id(token) ?? added.get(token);
      if (id === undefined) throw new TokenizerError(`${source}: the ${role} token ${valuePreview(token)} is missing`);
      added.set(token, id);
      specialIds.add(id);
      return id;
    };
    this.unkTokenId = idOf(this.specialTokens.unkToken, 'unknown');
    this.sepTokenId = idOf(this.specialTokens.sepToken, 'separator');
    this.padTokenId = idOf(this.specialTokens.padToken, 'padding');
    this.clsTokenId = idOf(this.specialTokens.clsToken, 'classifier');
    this.maskTokenId = idOf(this.specialTokens.maskToken, 'mask');
    for (const [id, token] of addedById) {
      if (id < vocab.size && vocab.token(id) !== token) {
        throw new TokenizerError(`${source}: added token ${valuePreview(token)} has id ${id}, which the vocabulary gives to ${valuePreview(vocab.token(id))}`);
      }
    }
    this.addedTokens = added;
    this.addedById = addedById;
    this.specialIds = specialIds;
    this.doLowerCase = options.doLowerCase ?? true;
    this.stripAccents = options.stripAccents ?? null;
    this.tokenizeChineseChars = options.tokenizeChineseChars ?? true;
    this.cleanText = options.cleanText ?? true;
    this.modelMaxLength = options.modelMaxLength;
    this.wordPiece = new WordPieceTokenizer(vocab, {
      unkToken: this.specialTokens.unkToken,
      ...(options.continuingSubwordPrefix !== undefined ? { continuingSubwordPrefix: options.continuingSubwordPrefix } : {}),
      ...(options.maxInputCharsPerWord !== undefined ? { maxInputCharsPerWord: options.maxInputCharsPerWord } : {}),
    });
    this.basic = new BasicTokenizer({
      lowercase: this.doLowerCase,
      stripAccents: this.stripAccents,
      cleanText: this.cleanText,
      handleChineseChars: this.tokenizeChineseChars,
      neverSplit: added,
      maxWordUnits: 2 * this.wordPiece.maxInputCharsPerWord + 2,
    });
    this.writer = new SequenceWriter(this.wordPiece);
  }

  /** Reads a vocab.txt; `doLowerCase` false for cased models. */
  static fromVocabFile(path: string, options: BertTokenizerOptions = {}): BertTokenizer {
    return new BertTokenizer(Vocab.fromFile(path), options, `vocab file ${path}`);
  }

  /**
   * Loads a Hugging Face model folder: tokenizer.json (BERT subset) or vocab.txt, with tokenizer_config.json and
   * special_tokens_map.json; `options` override what the files say.
   */
  static fromPretrained(dir: string, options: BertTokenizerOptions = {}): BertTokenizer {
    const files = readPretrained(dir);
    return new BertTokenizer(files.vocab, { ...files.options, ...options }, files.source);
  }

  /** Writes vocab.txt, tokenizer.json, tokenizer_config.json and special_tokens_map.json; returns their paths. */
  savePretrained(dir: string): string[] {
    return writePretrained(
      {
        vocab: this.vocab,
        specialTokens: this.specialTokens,
        doLowerCase: this.doLowerCase,
        stripAccents: this.stripAccents,
        tokenizeChineseChars: this.tokenizeChineseChars,
        cleanText: this.cleanText,
        modelMaxLength: this.modelMaxLength,
        continuingSubwordPrefix: this.wordPiece.continuingSubwordPrefix,
        maxInputCharsPerWord: this.wordPiece.maxInputCharsPerWord,
        addedTokens: this.addedTokens,
        clsTokenId: this.clsTokenId,
        sepTokenId: this.sepTokenId,
      },
      dir,
    );
  }

  /** Vocabulary size, added tokens included. */
  get vocabSize(): number {
    let size = this.vocab.size;
    for (const id of this.addedById.keys()) if (id >= size) size = id + 1;
    return size;
  }

  /** WordPiece tokens of a text (no special tokens added). */
  tokenize(text: string): string[] {
    return this.convertIdsToTokens(this.encodeSequence(text, this.bufferA).ids);
  }

  convertTokensToIds(tokens: readonly string[]): number[] {
    return tokens.map((token) => this.addedTokens.get(token) ?? this.vocab.id(token) ?? this.unkTokenId);
  }

  convertIdsToTokens(ids: ArrayLike<number>): string[] {
    const tokens: string[] = new Array<string>(ids.length);
    for (let i = 0; i < ids.length; i++) tokens[i] = this.idToToken(ids[i] ?? -1);
    return tokens;
  }

  idToToken(id: number): string {
    const token = this.addedById.get(id) ?? this.vocab.token(id);
    if (token === undefined) throw new TokenizerError(`token id ${id} is outside the vocabulary (size ${this.vocabSize})`);
    return token;
  }

  /** Encodes one text or a pair: `[CLS] A [SEP]` or `[CLS] A [SEP] B [SEP]`. */
  encode(text: string, pair?: string, options: EncodeOptions = {}): Encoding {
    const encoding = this.encodeUnpadded(text, pair, options);
    const target = this.padTarget(options, encoding.length);
    return target === undefined ? encoding : encoding.pad(target, this.padTokenId);
  }

  /** Encodes texts or [text, pair] tuples; padding true/'longest' pads all to the longest. */
  encodeBatch(inputs: readonly EncodeInput[], options: EncodeOptions = {}): Encoding[] {
    const encodings = inputs.map((input) =>
      typeof input === 'string' ? this.encodeUnpadded(input, undefined, options) : this.encodeUnpadded(input[0], input[1], options),
    );
    let longest = 0;
    for (const e of encodings) longest = Math.max(longest, e.length);
    const target = this.padTarget(options, longest);
    return target === undefined ? encodings : encodings.map((e) => e.pad(target, this.padTokenId));
  }

  /** Text of ids: pieces joined, `##` continuations glued to the previous piece (Hugging Face's WordPiece decoder). */
  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    const skip = options.skipSpecialTokens ?? false;
    const tokens: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] ?? -1;
      if (!(skip && this.specialIds.has(id))) tokens.push(this.idToToken(id));
    }
    return decodeWordPieces(tokens, this.wordPiece.continuingSubwordPrefix, options.cleanUpTokenizationSpaces ?? true);
  }

  decodeBatch(batch: ReadonlyArray<ArrayLike<number>>, options: DecodeOptions = {}): string[] {
    return batch.map((ids) => this.decode(ids, options));
  }

  /** Words and their spans after normalization (for inspection). */
  preTokenize(text: string): Array<[string, [number, number]]> {
    return this.basic.preTokenize(text);
  }

  private padTarget(options: EncodeOptions, longest: number): number | undefined {
    const padding = options.padding ?? false;
    if (padding === false) return undefined;
    let target: number;
    if (padding === 'max_length') {
      if (options.maxLength === undefined) throw new TokenizerError("padding 'max_length' needs maxLength");
      target = options.maxLength;
    } else target = longest;
    const multiple = options.padToMultipleOf;
    if (multiple !== undefined && multiple > 0 && target % multiple !== 0) target += multiple - (target % multiple);
    return target;
  }

  private encodeSequence(text: string, buffer: TokenBuffer): Sequence {
    this.writer.reset(buffer);
    this.basic.scan(text, this.writer);
    const n = buffer.length;
    return {
      ids: buffer.ids.subarray(0, n),
      starts: buffer.starts.subarray(0, n),
      ends: buffer.ends.subarray(0, n),
      words: buffer.words.subarray(0, n),
    };
  }

  private encodeUnpadded(text: string, pair: string | undefined, options: EncodeOptions): Encoding {
    if (typeof text !== 'string' || (pair !== undefined && typeof pair !== 'string')) {
      throw new TokenizerError('encode: text (and pair) must be strings');
    }
    const addSpecial = options.addSpecialTokens ?? true;
    const a = this.encodeSequence(text, this.bufferA);
    const b = pair === undefined ? undefined : this.encodeSequence(pair, this.bufferB);
    const truncation = options.truncation ?? (options.maxLength !== undefined);
    if (truncation === false || options.maxLength === undefined) {
      if (truncation !== false && options.maxLength === undefined && options.truncation !== undefined) {
        throw new TokenizerError('encode: truncation needs maxLength');
      }
      return this.build(a, b, addSpecial);
    }
    const strategy: TruncationStrategy = truncation === true ? 'longest_first' : truncation;
    const stride = options.stride ?? 0;
    const added = addSpecial ? (b === undefined ? 2 : 3) : 0;
    const budget = options.maxLength - added;
    if (!Number.isInteger(options.maxLength) || budget < 0) {
      throw new TokenizerError(`encode: maxLength ${options.maxLength} leaves no room for the ${added} special tokens`);
    }
    if (stride > 0 && stride >= budget) {
      throw new TokenizerError(`encode: stride ${stride} must be less than maxLength ${options.maxLength} minus ${added} special tokens`);
    }
    const [n1, n2] = truncationTargets(a.ids.length, b?.ids.length, budget, strategy);
    const windowsA = windowRanges(a.ids.length, n1, stride).map(([s, e]) => slice(a, s, e));
    const windowsB = b === undefined || n2 === undefined ? [undefined] : windowRanges(b.ids.length, n2, stride).map(([s, e]) => slice(b, s, e));
    const mainA = windowsA[0] ?? a;
    const mainB = windowsB[0];
    if (!(options.returnOverflowing ?? false)) return this.build(mainA, mainB, addSpecial);
    // Hugging Face's Encoding::merge_with order: each overflow of A with B, then with B's overflows; then A with B's.
    const overflowing: Encoding[] = [];
    for (const wa of windowsA.slice(1)) {
      overflowing.push(this.build(wa, mainB, addSpecial));
      for (const wb of windowsB.slice(1)) overflowing.push(this.build(wa, wb, addSpecial));
    }
    for (const wb of windowsB.slice(1)) overflowing.push(this.build(mainA, wb, addSpecial));
    return this.build(mainA, mainB, addSpecial).withOverflowing(overflowing);
  }

  private build(a: Sequence, b: Sequence | undefined, addSpecial: boolean): Encoding {
    return buildEncoding(a, b, addSpecial, this);
  }
}
