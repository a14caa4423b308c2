/**
 * Hugging Face model-folder files for BERT tokenizers: vocab.txt, tokenizer.json (the BERT subset: WordPiece model,
 * BertNormalizer, BertPreTokenizer, BertProcessing/TemplateProcessing, added tokens), tokenizer_config.json and
 * special_tokens_map.json. Reading follows transformers' BertTokenizerFast: tokenizer.json if present, else
 * vocab.txt, and tokenizer_config.json's do_lower_case / strip_accents / tokenize_chinese_chars win.
 */
import { join } from 'node:path';
import { valuePreview } from '../error-text.js';
import { TokenizerError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import { checkInput, ensureDirectory, optionalInputFile, readInputText } from '../io/checked-file.js';
import type { BertTokenizerOptions, SpecialTokens } from './bert-tokenizer.js';
import { Vocab } from './vocab.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const TOKENIZER_FILE = { error: TokenizerError } as const;
const TOKENIZER_FOLDER = { label: 'tokenizer folder', error: TokenizerError } as const;

function readJson(path: string): JsonObject | undefined {
  if (!optionalInputFile(path, TOKENIZER_FILE)) return undefined;
  const text = readInputText(path, TOKENIZER_FILE);
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch (error) {
    throw new TokenizerError(`${path}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TokenizerError(`${path}: expected a JSON object`);
  return value;
}

function field<T extends Json>(obj: JsonObject, key: string, kind: string, file: string, check: (v: Json) => v is T): T | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (!check(value)) throw new TokenizerError(`${file}: field ${key} should be ${kind}, found ${valuePreview(value)}`);
  return value;
}
const isBool = (v: Json): v is boolean => typeof v === 'boolean';
const isNum = (v: Json): v is number => typeof v === 'number';
const isStr = (v: Json): v is string => typeof v === 'string';
const isObj = (v: Json | undefined): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
/** The tokenizer allocates buffers of ~2 units per character of the longest word it keeps, so the file's value is bounded. */
const MAX_INPUT_CHARS_PER_WORD = 1_000_000;
const isWordLimit = (v: Json): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_INPUT_CHARS_PER_WORD;
/** Ids live in Int32Arrays. */
const MAX_ID = 2 ** 31 - 1;
const isId = (v: Json | undefined): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_ID;

/** A special token in tokenizer_config.json / special_tokens_map.json: a string or an AddedToken object. */
function tokenField(obj: JsonObject, key: string, file: string): string | undefined {
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
  checkInput(dir, TOKENIZER_FOLDER, 'directory');
  const options: BertTokenizerOptions = {};
  let vocab: Vocab | undefined;
  let source = dir;
  const tokenizerJsonPath = join(dir, 'tokenizer.json');
  const tokenizerJson = readJson(tokenizerJsonPath);
  if (tokenizerJson !== undefined) {
    source = tokenizerJsonPath;
    vocab = readTokenizerJson(tokenizerJson, tokenizerJsonPath, options);
  } else {
    const vocabPath = join(dir, 'vocab.txt');
    if (!optionalInputFile(vocabPath, TOKENIZER_FILE)) throw new TokenizerError(`${dir}: no tokenizer.json or vocab.txt in this folder`);
    vocab = Vocab.fromFile(vocabPath);
    source = `vocab file ${vocabPath}`;
  }
  for (const name of ['special_tokens_map.json', 'tokenizer_config.json']) {
    const path = join(dir, name);
    const json = readJson(path);
    if (json === undefined) continue;
    for (const [key, jsonKey] of SPECIAL_KEYS) {
      const token = tokenField(json, jsonKey, path);
      if (token !== undefined) options[key] = token;
    }
    if (name !== 'tokenizer_config.json') continue;
    const lower = field(json, 'do_lower_case', 'a boolean', path, isBool);
    if (lower !== undefined) options.doLowerCase = lower;
    if ('strip_accents' in json) options.stripAccents = field(json, 'strip_accents', 'a boolean or null', path, isBool) ?? null;
    const chinese = field(json, 'tokenize_chinese_chars', 'a boolean', path, isBool);
    if (chinese !== undefined) options.tokenizeChineseChars = chinese;
    const maxLength = field(json, 'model_max_length', 'a number', path, isNum);
    if (maxLength !== undefined && maxLength < 1e9) options.modelMaxLength = maxLength;
  }
  return { vocab, options, source };
}

function readTokenizerJson(json: JsonObject, file: string, options: BertTokenizerOptions): Vocab {
  const model = json['model'];
  if (!isObj(model) || model['type'] !== 'WordPiece' || !isObj(model['vocab'])) {
    throw new TokenizerError(`${file}: model is not a WordPiece model with a vocab (found type ${valuePreview(isObj(model) ? model['type'] : model)})`);
  }
  const vocabMap: Record<string, number> = {};
  for (const [token, id] of Object.entries(model['vocab'])) {
    if (typeof id !== 'number') throw new TokenizerError(`${file}: model.vocab[${valuePreview(token)}] is not a number`);
    Object.defineProperty(vocabMap, token, { value: id, enumerable: true });
  }
  const vocab = Vocab.fromIdMap(vocabMap, `${file} model.vocab`);
  const unk = field(model, 'unk_token', 'a string', file, isStr);
  if (unk !== undefined) options.unkToken = unk;
  const prefix = field(model, 'continuing_subword_prefix', 'a string', file, isStr);
  if (prefix !== undefined) options.continuingSubwordPrefix = prefix;
  const maxChars = field(model, 'max_input_chars_per_word', `a whole number from 0 to ${MAX_INPUT_CHARS_PER_WORD}`, file, isWordLimit);
  if (maxChars !== undefined) options.maxInputCharsPerWord = maxChars;

  const normalizer = json['normalizer'];
  if (normalizer !== undefined && normalizer !== null) {
    if (!isObj(normalizer) || normalizer['type'] !== 'BertNormalizer') {
      throw new TokenizerError(`${file}: normalizer must be a BertNormalizer (found ${valuePreview(isObj(normalizer) ? normalizer['type'] : normalizer)})`);
    }
    options.cleanText = field(normalizer, 'clean_text', 'a boolean', file, isBool) ?? true;
    options.tokenizeChineseChars = field(normalizer, 'handle_chinese_chars', 'a boolean', file, isBool) ?? true;
    options.stripAccents = field(normalizer, 'strip_accents', 'a boolean or null', file, isBool) ?? null;
    options.doLowerCase = field(normalizer, 'lowercase', 'a boolean', file, isBool) ?? true;
  }
  const pre = json['pre_tokenizer'];
  if (pre !== undefined && pre !== null && (!isObj(pre) || pre['type'] !== 'BertPreTokenizer')) {
    throw new TokenizerError(`${file}: pre_tokenizer must be a BertPreTokenizer`);
  }
  const post = json['post_processor'];
  if (isObj(post) && post['type'] === 'BertProcessing') {
    const sep = post['sep'];
    const cls = post['cls'];
    if (Array.isArray(sep) && typeof sep[0] === 'string') options.sepToken = sep[0];
    if (Array.isArray(cls) && typeof cls[0] === 'string') options.clsToken = cls[0];
  } else if (isObj(post) && post['type'] === 'TemplateProcessing') {
    const single = post['single'];
    const first = Array.isArray(single) ? single[0] : undefined;
    const last = Array.isArray(single) ? single[single.length - 1] : undefined;
    const tokenOf = (item: Json | undefined): string | undefined => {
      const special = isObj(item) ? item['SpecialToken'] : undefined;
      return isObj(special) && typeof special['id'] === 'string' ? special['id'] : undefined;
    };
    const cls = tokenOf(first);
    const sep = tokenOf(last);
    if (cls === undefined || sep === undefined) throw new TokenizerError(`${file}: post_processor template is not [CLS] $A [SEP]`);
    options.clsToken = cls;
    options.sepToken = sep;
  } else if (post !== undefined && post !== null) {
    throw new TokenizerError(`${file}: post_processor must be BertProcessing or TemplateProcessing`);
  }
  const added = json['added_tokens'];
  if (Array.isArray(added)) {
    options.addedTokens = added.map((token, i) => {
      if (!isObj(token) || typeof token['content'] !== 'string' || !isId(token['id'])) {
        throw new TokenizerError(`${file}: added_tokens[${i}] needs a string content and an id from 0 to ${MAX_ID}`);
      }
      return { content: token['content'], id: token['id'], special: token['special'] === true };
    });
  }
  return vocab;
}

export interface SaveablePretrained {
  vocab: Vocab;
  specialTokens: SpecialTokens;
  doLowerCase: boolean;
  stripAccents: boolean | null;
  tokenizeChineseChars: boolean;
  cleanText: boolean;
  modelMaxLength: number | undefined;
  continuingSubwordPrefix: string;
  maxInputCharsPerWord: number;
  addedTokens: ReadonlyMap<string, number>;
  clsTokenId: number;
  sepTokenId: number;
}

/** Writes vocab.txt, tokenizer.json, tokenizer_config.json and special_tokens_map.json into `dir`. */
export function writePretrained(t: SaveablePretrained, dir: string): string[] {
  ensureDirectory(dir, TOKENIZER_FOLDER);
  const s = t.specialTokens;
  const specialMap = { unk_token: s.unkToken, sep_token: s.sepToken, pad_token: s.padToken, cls_token: s.clsToken, mask_token: s.maskToken };
  const config = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: t.doLowerCase,
    strip_accents: t.stripAccents,
    tokenize_chinese_chars: t.tokenizeChineseChars,
    clean_up_tokenization_spaces: true,
    ...(t.modelMaxLength !== undefined ? { model_max_length: t.modelMaxLength } : {}),
    ...specialMap,
  };
  const addedTokens = [...t.addedTokens]
    .sort((a, b) => a[1] - b[1])
    .map(([content, id]) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: {
      type: 'BertNormalizer',
      clean_text: t.cleanText,
      handle_chinese_chars: t.tokenizeChineseChars,
      strip_accents: t.stripAccents,
      lowercase: t.doLowerCase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', sep: [s.sepToken, t.sepTokenId], cls: [s.clsToken, t.clsTokenId] },
    decoder: { type: 'WordPiece', prefix: t.continuingSubwordPrefix, cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: s.unkToken,
      continuing_subword_prefix: t.continuingSubwordPrefix,
      max_input_chars_per_word: t.maxInputCharsPerWord,
      vocab: t.vocab.toIdMap(),
    },
  };
  const files: Array<[string, string]> = [
    ['vocab.txt', t.vocab.toText()],
    ['tokenizer.json', JSON.stringify(tokenizerJson)],
    ['tokenizer_config.json', JSON.stringify(config, null, 2) + '\n'],
    ['special_tokens_map.json', JSON.stringify(specialMap, null, 2) + '\n'],
  ];
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeFileAtomic(path, text, TOKENIZER_FILE);
    return path;
  });
}
