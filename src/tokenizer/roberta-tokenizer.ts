/**
 * RobertaTokenizer: Hugging Face's RobertaTokenizerFast as a preset of the generic Tokenizer — no normalizer, the
 * ByteLevel pre-tokenizer (GPT-2's regex and byte alphabet, `add_prefix_space` false by default), the BPE model
 * (transformers' RobertaConverter: no unknown token, empty prefix and suffix), `<s> A </s></s> B </s>` with all type
 * ids 0 and offsets trimmed at spaces (RobertaProcessing), the ByteLevel decoder, and the special tokens
 * `<s> <pad> </s> <unk> <mask>` as added tokens, `<mask>` with lstrip (RobertaTokenizerFast's
 * `AddedToken(mask_token, lstrip=True)`: "the <mask>" folds the space into the mask, so a filled-in `Ġword` reads
 * "the word") — with model folders in and out (tokenizer.json, or vocab.json + merges.txt, with
 * tokenizer_config.json and special_tokens_map.json). A tokenizer.json's own added_tokens entry wins over the preset.
 */
import type { AddedToken } from './added-vocabulary.js';
import { ByteLevelDecoder } from './decoders/byte-level-decoder.js';
import type { Decoder } from './decoders/decoder.js';
import { cleanUpSpaces } from './decoders/clean-up-spaces.js';
import { BPE } from './models/bpe.js';
import { ByteLevel } from './pre-tokenizers/byte-level.js';
import type { PostProcessor } from './processors/post-processor.js';
import { RobertaProcessing } from './processors/roberta-processing.js';
import { readRobertaFiles, readRobertaPretrained, readRobertaTokenizerJson, writeRobertaPretrained } from './roberta-pretrained-files.js';
import { resolveSpecialTokens } from './special-tokens.js';
import { Tokenizer, type TokenizerStages } from './tokenizer.js';

export interface RobertaSpecialTokens {
  bosToken: string;
  eosToken: string;
  unkToken: string;
  sepToken: string;
  padToken: string;
  clsToken: string;
  maskToken: string;
}

/** roberta-base's special tokens (transformers RobertaTokenizer defaults). */
export const ROBERTA_SPECIAL_TOKENS: RobertaSpecialTokens = {
  bosToken: '<s>',
  eosToken: '</s>',
  unkToken: '<unk>',
  sepToken: '</s>',
  padToken: '<pad>',
  clsToken: '<s>',
  maskToken: '<mask>',
};

/** The roles in error messages and the order of the special tokens' keys in the files. */
const ROLES: ReadonlyArray<[keyof RobertaSpecialTokens, string]> = [
  ['bosToken', 'beginning-of-sequence'],
  ['eosToken', 'end-of-sequence'],
  ['unkToken', 'unknown'],
  ['sepToken', 'separator'],
  ['padToken', 'padding'],
  ['clsToken', 'classifier'],
  ['maskToken', 'mask'],
];

export interface RobertaTokenizerOptions extends Partial<RobertaSpecialTokens> {
  /** A space before each text, so its first word is tokenized as any other. Default false (roberta-base). */
  addPrefixSpace?: boolean;
  /** Offsets leave out the spaces a token starts or ends with. Default true. */
  trimOffsets?: boolean;
  /** Longest input the model accepts (tokenizer_config.json's model_max_length); informative. */
  modelMaxLength?: number;
  /** decodeText's clean-up of spaces before punctuation (tokenizer_config.json). Default false. */
  cleanUpTokenizationSpaces?: boolean;
  /** More tokens found verbatim in text, with their ids (tokenizer.json's added_tokens). */
  addedTokens?: readonly AddedToken[];
  /** Replaces RobertaProcessing (a tokenizer.json's own post-processor). */
  postProcessor?: PostProcessor;
  /** Replaces the ByteLevel decoder (null: tokens joined by spaces). */
  decoder?: Decoder | null;
}

interface RobertaPreset {
  stages: TokenizerStages;
  specialTokens: RobertaSpecialTokens;
  ids: Record<keyof RobertaSpecialTokens, number>;
}

function robertaPreset(bpe: BPE, options: RobertaTokenizerOptions, source: string): RobertaPreset {
  const specialTokens: RobertaSpecialTokens = { ...ROBERTA_SPECIAL_TOKENS };
  for (const [key] of ROLES) specialTokens[key] = options[key] ?? ROBERTA_SPECIAL_TOKENS[key];
  const added = options.addedTokens ?? [];
  const { ids, specials } = resolveSpecialTokens(ROLES, specialTokens, (token) => bpe.tokenToId(token), added, source);
  const addPrefixSpace = options.addPrefixSpace ?? false;
  const trimOffsets = options.trimOffsets ?? true;
  const stages: TokenizerStages = {
    normalizer: null,
    preTokenizer: new ByteLevel({ addPrefixSpace, trimOffsets, useRegex: true }),
    model: bpe,
    postProcessor:
      options.postProcessor ?? new RobertaProcessing([specialTokens.sepToken, ids.sepToken], [specialTokens.clsToken, ids.clsToken], { trimOffsets, addPrefixSpace }),
    decoder: options.decoder === undefined ? new ByteLevelDecoder() : options.decoder,
    addedTokens: [...added, ...specials.map((t) => (t.id === ids.maskToken ? { ...t, lstrip: true } : t))],
    padToken: specialTokens.padToken,
  };
  return { stages, specialTokens, ids };
}

export class RobertaTokenizer extends Tokenizer {
  readonly bpe: BPE;
  readonly specialTokens: RobertaSpecialTokens;
  readonly bosTokenId: number;
  readonly eosTokenId: number;
  readonly unkTokenId: number;
  readonly sepTokenId: number;
  declare readonly padTokenId: number;
  readonly clsTokenId: number;
  readonly maskTokenId: number;
  readonly addPrefixSpace: boolean;
  readonly trimOffsets: boolean;
  readonly modelMaxLength: number | undefined;
  readonly cleanUpTokenizationSpaces: boolean;

  constructor(bpe: BPE, options: RobertaTokenizerOptions = {}, source = 'BPE vocabulary') {
    const preset = robertaPreset(bpe, options, source);
    super(preset.stages, source);
    this.bpe = bpe;
    this.specialTokens = preset.specialTokens;
    this.bosTokenId = preset.ids.bosToken;
    this.eosTokenId = preset.ids.eosToken;
    this.unkTokenId = preset.ids.unkToken;
    this.sepTokenId = preset.ids.sepToken;
    this.clsTokenId = preset.ids.clsToken;
    this.maskTokenId = preset.ids.maskToken;
    this.addPrefixSpace = options.addPrefixSpace ?? false;
    this.trimOffsets = options.trimOffsets ?? true;
    this.modelMaxLength = options.modelMaxLength;
    this.cleanUpTokenizationSpaces = options.cleanUpTokenizationSpaces ?? false;
  }

  /** Text of ids as transformers' `tokenizer.decode` gives it (see BertTokenizer.decodeText). */
  decodeText(ids: ArrayLike<number>, options: { skipSpecialTokens?: boolean } = {}): string {
    const text = this.decode(ids, options);
    return this.cleanUpTokenizationSpaces ? cleanUpSpaces(text, 'transformers') : text;
  }

  /** Reads vocab.json and merges.txt. */
  static fromFiles(vocabJsonPath: string, mergesTxtPath: string, options: RobertaTokenizerOptions = {}): RobertaTokenizer {
    return new RobertaTokenizer(readRobertaFiles(vocabJsonPath, mergesTxtPath), options, `${vocabJsonPath} + ${mergesTxtPath}`);
  }

  /** The tokenizer of a tokenizer.json text (a BPE model with the ByteLevel pre-tokenizer); `options` override it. */
  static fromTokenizerJson(text: string, options: RobertaTokenizerOptions = {}, source = 'tokenizer.json'): RobertaTokenizer {
    const parsed = readRobertaTokenizerJson(text, source);
    return new RobertaTokenizer(parsed.bpe, { ...parsed.options, ...options }, source);
  }

  /**
   * Loads a Hugging Face model folder: tokenizer.json, or vocab.json + merges.txt, with tokenizer_config.json and
   * special_tokens_map.json; `options` override what the files say.
   */
  static fromPretrained(dir: string, options: RobertaTokenizerOptions = {}): RobertaTokenizer {
    const files = readRobertaPretrained(dir);
    return new RobertaTokenizer(files.bpe, { ...files.options, ...options }, files.source);
  }

  /** Writes tokenizer.json, vocab.json, merges.txt, tokenizer_config.json and special_tokens_map.json; returns their paths. */
  savePretrained(dir: string): string[] {
    return writeRobertaPretrained(this, dir);
  }

  /** Added tokens (the special tokens and any others) → id. */
  get addedTokens(): ReadonlyMap<string, number> {
    return this.addedVocabulary.ids;
  }
}
