/**
 * BertTokenizer: Hugging Face's BertTokenizerFast as a preset of the generic Tokenizer — BertNormalizer and
 * BertPreTokenizer (run fused, as BasicTokenizer), WordPiece, `[CLS] $A [SEP] $B [SEP]` (BertProcessing, or the
 * TemplateProcessing a tokenizer.json gives), the WordPiece decoder, and the five special tokens as added tokens —
 * with transformers' options and fields (doLowerCase, clsTokenId, ...), and model folders in and out.
 */
import { TokenizerError } from '../errors.js';
import type { AddedToken } from './added-vocabulary.js';
import { BasicTokenizer } from './basic-tokenizer.js';
import type { Decoder } from './decoders/decoder.js';
import { cleanUpSpaces } from './decoders/clean-up-spaces.js';
import { WordPieceDecoder } from './decoders/wordpiece-decoder.js';
import { WordPieceTokenizer } from './models/wordpiece.js';
import { BertNormalizer } from './normalizers/bert-normalizer.js';
import { BertPreTokenizer } from './pre-tokenizers/bert-pre-tokenizer.js';
import { readBertTokenizerJson, readPretrained, writePretrained } from './pretrained-files.js';
import { resolveSpecialTokens } from './special-tokens.js';
import { BertProcessing } from './processors/bert-processing.js';
import type { PostProcessor } from './processors/post-processor.js';
import { Tokenizer, type TokenizerStages } from './tokenizer.js';
import { Vocab } from './vocab.js';

export type { DecodeOptions, EncodeInput, EncodeOptions } from './tokenizer.js';

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
  /** tokenizer_config.json's clean_up_tokenization_spaces: decodeText's whole-text clean-up. Default true, as bert-base-uncased. */
  cleanUpTokenizationSpaces?: boolean;
  /** More never-split tokens found verbatim in text, with their ids (tokenizer.json's added_tokens). */
  addedTokens?: readonly AddedToken[];
  /** Replaces BertProcessing(clsToken, sepToken), e.g. a tokenizer.json's TemplateProcessing. */
  postProcessor?: PostProcessor;
  /** Replaces the WordPiece decoder (null: tokens joined by spaces). */
  decoder?: Decoder | null;
}

/** The special tokens in the order they are added, with their roles in error messages. */
const BERT_ROLES: ReadonlyArray<readonly [keyof SpecialTokens, string]> = [
  ['unkToken', 'unknown'],
  ['sepToken', 'separator'],
  ['padToken', 'padding'],
  ['clsToken', 'classifier'],
  ['maskToken', 'mask'],
];

/** The stages and the resolved BERT settings of a preset (computed before the Tokenizer exists). */
interface BertPreset {
  stages: TokenizerStages;
  specialTokens: SpecialTokens;
  ids: Record<keyof SpecialTokens, number>;
}

function bertPreset(vocab: Vocab, options: BertTokenizerOptions, source: string): BertPreset {
  const specialTokens: SpecialTokens = {
    unkToken: options.unkToken ?? BERT_SPECIAL_TOKENS.unkToken,
    sepToken: options.sepToken ?? BERT_SPECIAL_TOKENS.sepToken,
    padToken: options.padToken ?? BERT_SPECIAL_TOKENS.padToken,
    clsToken: options.clsToken ?? BERT_SPECIAL_TOKENS.clsToken,
    maskToken: options.maskToken ?? BERT_SPECIAL_TOKENS.maskToken,
  };
  const added = options.addedTokens ?? [];
  const { ids, specials } = resolveSpecialTokens(BERT_ROLES, specialTokens, (token) => vocab.id(token), added, source);
  const wordPiece = new WordPieceTokenizer(vocab, {
    unkToken: specialTokens.unkToken,
    ...(options.continuingSubwordPrefix !== undefined ? { continuingSubwordPrefix: options.continuingSubwordPrefix } : {}),
    ...(options.maxInputCharsPerWord !== undefined ? { maxInputCharsPerWord: options.maxInputCharsPerWord } : {}),
  });
  const stages: TokenizerStages = {
    normalizer: new BertNormalizer({
      lowercase: options.doLowerCase ?? true,
      stripAccents: options.stripAccents ?? null,
      cleanText: options.cleanText ?? true,
      handleChineseChars: options.tokenizeChineseChars ?? true,
    }),
    preTokenizer: new BertPreTokenizer(),
    model: wordPiece,
    postProcessor: options.postProcessor ?? new BertProcessing([specialTokens.sepToken, ids.sepToken], [specialTokens.clsToken, ids.clsToken]),
    decoder: options.decoder === undefined ? new WordPieceDecoder(wordPiece.continuingSubwordPrefix, true) : options.decoder,
    addedTokens: [...added, ...specials],
    padToken: specialTokens.padToken,
  };
  return { stages, specialTokens, ids };
}

export class BertTokenizer extends Tokenizer {
  readonly vocab: Vocab;
  /** The fused BertNormalizer + BertPreTokenizer pass this tokenizer runs. */
  readonly basic: BasicTokenizer;
  readonly wordPiece: WordPieceTokenizer;
  readonly specialTokens: SpecialTokens;
  readonly unkTokenId: number;
  readonly sepTokenId: number;
  declare readonly padTokenId: number;
  readonly clsTokenId: number;
  readonly maskTokenId: number;
  readonly doLowerCase: boolean;
  readonly stripAccents: boolean | null;
  readonly tokenizeChineseChars: boolean;
  readonly cleanText: boolean;
  readonly modelMaxLength: number | undefined;
  readonly cleanUpTokenizationSpaces: boolean;

  constructor(vocab: Vocab, options: BertTokenizerOptions = {}, source = 'vocabulary') {
    const preset = bertPreset(vocab, options, source);
    super(preset.stages, source);
    if (!(this.wordScanner instanceof BasicTokenizer) || !(this.model instanceof WordPieceTokenizer)) {
      throw new TokenizerError(`${source}: BertTokenizer's stages did not assemble`);
    }
    this.basic = this.wordScanner;
    this.wordPiece = this.model;
    this.vocab = vocab;
    this.specialTokens = preset.specialTokens;
    this.unkTokenId = preset.ids.unkToken;
    this.sepTokenId = preset.ids.sepToken;
    this.clsTokenId = preset.ids.clsToken;
    this.maskTokenId = preset.ids.maskToken;
    this.doLowerCase = this.basic.lowercase;
    this.stripAccents = this.basic.normalizer.stripAccents;
    this.tokenizeChineseChars = this.basic.handleChineseChars;
    this.cleanText = this.basic.cleanText;
    this.modelMaxLength = options.modelMaxLength;
    this.cleanUpTokenizationSpaces = options.cleanUpTokenizationSpaces ?? true;
  }

  /**
   * Text of ids as transformers' `tokenizer.decode` gives it (what its pipelines and transformers.js show, e.g.
   * fill-mask's `sequence`): the decoder's text, then — with clean_up_tokenization_spaces — transformers' clean-up
   * over the whole text (decoders/clean-up-spaces.ts). `decode` is Hugging Face tokenizers' decode.
   */
  decodeText(ids: ArrayLike<number>, options: { skipSpecialTokens?: boolean } = {}): string {
    const text = this.decode(ids, options);
    return this.cleanUpTokenizationSpaces ? cleanUpSpaces(text, 'transformers') : text;
  }

  /** Reads a vocab.txt; `doLowerCase` false for cased models. */
  static fromVocabFile(path: string, options: BertTokenizerOptions = {}): BertTokenizer {
    return new BertTokenizer(Vocab.fromFile(path), options, `vocab file ${path}`);
  }

  /**
   * Builds the tokenizer of a tokenizer.json text (BERT's stages: WordPiece, BertNormalizer, BertPreTokenizer), as
   * fromPretrained reads a folder's tokenizer.json; `options` override what the text says.
   */
  static fromTokenizerJson(text: string, options: BertTokenizerOptions = {}, source = 'tokenizer.json'): BertTokenizer {
    const parsed = readBertTokenizerJson(text, source);
    return new BertTokenizer(parsed.vocab, { ...parsed.options, ...options }, parsed.source);
  }

  /**
   * Loads a Hugging Face model folder: tokenizer.json (BERT's stages) or vocab.txt, with tokenizer_config.json and
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
        modelMaxLength: this.modelMaxLength,
        cleanUpTokenizationSpaces: this.cleanUpTokenizationSpaces,
        tokenizerJson: this.toJSONString(),
      },
      dir,
    );
  }

  /** Never-split tokens (the five special tokens and any added ones) → id. */
  get addedTokens(): ReadonlyMap<string, number> {
    return this.addedVocabulary.ids;
  }
}
