/**
 * Hugging Face model-folder files for BERT tokenizers: vocab.txt, tokenizer.json (read by tokenizer-json.ts; BERT
 * needs its WordPiece model, BertNormalizer and BertPreTokenizer), tokenizer_config.json and
 * special_tokens_map.json. Reading follows transformers' BertTokenizerFast: tokenizer.json if present, else
 * vocab.txt, and tokenizer_config.json's do_lower_case / strip_accents / tokenize_chinese_chars win.
 */
import { valuePreview } from '../error-text.js';
import { TokenizerError } from '../errors.js';
import { fileAccess } from '../io/file-access.js';
import type { BertTokenizerOptions, SpecialTokens } from './bert-tokenizer.js';
import { isObj, JsonPath, parseJsonObject, readJsonObject, type JsonObject } from './json-fields.js';
import { WordPieceTokenizer } from './models/wordpiece.js';
import { BertNormalizer } from './normalizers/bert-normalizer.js';
import { BertPreTokenizer } from './pre-tokenizers/bert-pre-tokenizer.js';
import { BertProcessing } from './processors/bert-processing.js';
import { TemplateProcessing } from './processors/template-processing.js';
import { parseTokenizerJson } from './tokenizer-json.js';
import { Vocab } from './vocab.js';

const TOKENIZER_FILE = { error: TokenizerError } as const;
const TOKENIZER_FOLDER = { label: 'tokenizer folder', error: TokenizerError } as const;

/** A special token in tokenizer_config.json / special_tokens_map.json: a string or an AddedToken object. */
export function tokenField(obj: JsonObject, key: string, file: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (isObj(value) && typeof value['content'] === 'string') return value['content'];
  throw new TokenizerError(`${file}: field ${key} should be a token string, found ${valuePreview(value)}`);
}

const SPECIAL_KEYS: ReadonlyArray<[keyof SpecialTokens, string]> = [
  ['unkToken', 'unk_token'],
  ['sepToken', 'sep_token'],
  ['padToken', 'pad_token'],
  ['clsToken', 'cls_token'],
  ['maskToken', 'mask_token'],
];

export interface PretrainedFiles {
  vocab: Vocab;
  options: BertTokenizerOptions;
  source: string;
}

export function readPretrained(dir: string): PretrainedFiles {
  const files = fileAccess(dir, TOKENIZER_FOLDER);
  files.checkFolder(dir, TOKENIZER_FOLDER);
  const options: BertTokenizerOptions = {};
  let vocab: Vocab | undefined;
  let source = dir;
  const tokenizerJsonPath = files.join(dir, 'tokenizer.json');
  const tokenizerJson = readJsonObject(tokenizerJsonPath, true);
  if (tokenizerJson !== undefined) {
    source = tokenizerJsonPath;
    vocab = bertOptionsFromTokenizerJson(tokenizerJson, tokenizerJsonPath, options);
  } else {
    const vocabPath = files.join(dir, 'vocab.txt');
    if (!files.hasFile(vocabPath, TOKENIZER_FILE)) throw new TokenizerError(`${dir}: no tokenizer.json or vocab.txt in this folder`);
    vocab = Vocab.fromFile(vocabPath);
    source = `vocab file ${vocabPath}`;
  }
  const configs = readFolderConfigs(dir, SPECIAL_KEYS, options);
  const { config, at } = configs;
  if (config !== undefined) {
    const lower = at.bool(config, 'do_lower_case');
    if (lower !== undefined) options.doLowerCase = lower;
    if ('strip_accents' in config) options.stripAccents = at.bool(config, 'strip_accents') ?? null;
    const chinese = at.bool(config, 'tokenize_chinese_chars');
    if (chinese !== undefined) options.tokenizeChineseChars = chinese;
    Object.assign(options, configs.common);
  }
  return { vocab, options, source };
}

/** What tokenizer_config.json of a folder says, beyond the special tokens. */
export interface FolderConfigs {
  /** tokenizer_config.json, if the folder has one, and its path for errors. */
  config: JsonObject | undefined;
  at: JsonPath;
  /** The settings every preset reads from tokenizer_config.json. */
  common: { modelMaxLength?: number; cleanUpTokenizationSpaces?: boolean };
}

/**
 * Reads special_tokens_map.json then tokenizer_config.json of `dir` (those present): the special tokens of
 * `tokenKeys` ([option, json key]) go into `tokens` (the later file wins); the rest is returned.
 */
export function readFolderConfigs<K extends string>(
  dir: string,
  tokenKeys: ReadonlyArray<readonly [K, string]>,
  tokens: Partial<Record<K, string>>,
): FolderConfigs {
  const files = fileAccess(dir, TOKENIZER_FOLDER);
  let config: JsonObject | undefined;
  const configPath = files.join(dir, 'tokenizer_config.json');
  for (const name of ['special_tokens_map.json', 'tokenizer_config.json']) {
    const path = files.join(dir, name);
    const json = readJsonObject(path, true);
    if (json === undefined) continue;
    for (const [key, jsonKey] of tokenKeys) {
      const token = tokenField(json, jsonKey, path);
      if (token !== undefined) tokens[key] = token;
    }
    if (name === 'tokenizer_config.json') config = json;
  }
  const at = new JsonPath(configPath);
  const common: FolderConfigs['common'] = {};
  if (config !== undefined) {
    const maxLength = at.field(config, 'model_max_length', 'a number', (v): v is number => typeof v === 'number');
    if (maxLength !== undefined && maxLength < 1e9) common.modelMaxLength = maxLength;
    const cleanUp = at.bool(config, 'clean_up_tokenization_spaces');
    if (cleanUp !== undefined) common.cleanUpTokenizationSpaces = cleanUp;
  }
  return { config, at, common };
}

/** Writes `texts` ([file name, text]) into `dir` (created if missing), atomically each; returns their paths. */
export function writeFolderTexts(dir: string, texts: ReadonlyArray<readonly [string, string | Uint8Array]>): string[] {
  const files = fileAccess(dir, TOKENIZER_FOLDER);
  files.ensureFolder(dir, TOKENIZER_FOLDER);
  return texts.map(([name, text]) => {
    const path = files.join(dir, name);
    files.writeFile(path, text, TOKENIZER_FILE);
    return path;
  });
}

/** BERT's vocabulary and settings from tokenizer.json text (a fetched file); `source` names it in errors. */
export function readBertTokenizerJson(text: string, source: string): PretrainedFiles {
  const options: BertTokenizerOptions = {};
  const vocab = bertOptionsFromTokenizerJson(parseJsonObject(text, source), source, options);
  return { vocab, options, source };
}

/** BERT's settings from a tokenizer.json's stages (into `options`); returns the WordPiece vocabulary. */
function bertOptionsFromTokenizerJson(json: JsonObject, file: string, options: BertTokenizerOptions): Vocab {
  const model = json['model'];
  if (!isObj(model) || model['type'] !== 'WordPiece' || !isObj(model['vocab'])) {
    throw new TokenizerError(`${file}: model is not a WordPiece model with a vocab (found type ${valuePreview(isObj(model) ? model['type'] : model)})`);
  }
  const stages = parseTokenizerJson(json, file);
  if (!(stages.model instanceof WordPieceTokenizer)) throw new TokenizerError(`${file}: model is not a WordPiece model`);
  const wordPiece = stages.model;
  options.unkToken = wordPiece.unkToken;
  options.continuingSubwordPrefix = wordPiece.continuingSubwordPrefix;
  options.maxInputCharsPerWord = wordPiece.maxInputCharsPerWord;
  const { normalizer, preTokenizer, postProcessor } = stages;
  if (normalizer instanceof BertNormalizer) {
    options.cleanText = normalizer.cleanText;
    options.tokenizeChineseChars = normalizer.handleChineseChars;
    options.stripAccents = normalizer.stripAccents;
    options.doLowerCase = normalizer.lowercase;
  } else if (normalizer !== null && normalizer !== undefined) {
    throw new TokenizerError(`${file}: BertTokenizer needs normalizer BertNormalizer, found ${valuePreview(normalizer.toJSON()['type'])} (Tokenizer.fromFile reads it)`);
  }
  if (preTokenizer !== null && preTokenizer !== undefined && !(preTokenizer instanceof BertPreTokenizer)) {
    throw new TokenizerError(`${file}: BertTokenizer needs pre_tokenizer BertPreTokenizer, found ${valuePreview(preTokenizer.toJSON()['type'])} (Tokenizer.fromFile reads it)`);
  }
  if (postProcessor instanceof BertProcessing) {
    options.sepToken = postProcessor.sep[0];
    options.clsToken = postProcessor.cls[0];
    options.postProcessor = postProcessor;
  } else if (postProcessor instanceof TemplateProcessing) {
    const first = postProcessor.single[0];
    const last = postProcessor.single[postProcessor.single.length - 1];
    if (first === undefined || last === undefined || !('special' in first) || !('special' in last)) {
      throw new TokenizerError(`${file}: post_processor template is not [CLS] $A [SEP]`);
    }
    options.clsToken = first.special;
    options.sepToken = last.special;
    // A template without a pair part (hand-written files have them) takes pairs as BERT does rather than not at all.
    options.postProcessor =
      postProcessor.pair.length > 0
        ? postProcessor
        : new TemplateProcessing({
            single: postProcessor.single,
            pair: new BertProcessing([last.special, 0], [first.special, 0]).pair,
            specialTokens: [...postProcessor.specialTokens.values()],
          });
  } else if (postProcessor !== null && postProcessor !== undefined) {
    throw new TokenizerError(`${file}: BertTokenizer needs post_processor BertProcessing or TemplateProcessing`);
  }
  if (stages.decoder !== null && stages.decoder !== undefined) options.decoder = stages.decoder;
  options.addedTokens = stages.addedTokens ?? [];
  return wordPiece.vocabulary;
}

export interface SaveablePretrained {
  vocab: Vocab;
  specialTokens: SpecialTokens;
  doLowerCase: boolean;
  stripAccents: boolean | null;
  tokenizeChineseChars: boolean;
  modelMaxLength: number | undefined;
  cleanUpTokenizationSpaces: boolean;
  /** The tokenizer's tokenizer.json text. */
  tokenizerJson: string;
}

/** Writes vocab.txt, tokenizer.json, tokenizer_config.json and special_tokens_map.json into `dir`. */
export function writePretrained(t: SaveablePretrained, dir: string): string[] {
  const s = t.specialTokens;
  const specialMap = { unk_token: s.unkToken, sep_token: s.sepToken, pad_token: s.padToken, cls_token: s.clsToken, mask_token: s.maskToken };
  const config = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: t.doLowerCase,
    strip_accents: t.stripAccents,
    tokenize_chinese_chars: t.tokenizeChineseChars,
    clean_up_tokenization_spaces: t.cleanUpTokenizationSpaces,
    ...(t.modelMaxLength !== undefined ? { model_max_length: t.modelMaxLength } : {}),
    ...specialMap,
  };
  return writeFolderTexts(dir, [
    ['vocab.txt', t.vocab.toText()],
    ['tokenizer.json', t.tokenizerJson],
    ['tokenizer_config.json', JSON.stringify(config, null, 2) + '\n'],
    ['special_tokens_map.json', JSON.stringify(specialMap, null, 2) + '\n'],
  ]);
}
