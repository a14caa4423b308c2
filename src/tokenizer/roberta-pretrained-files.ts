/**
 * Hugging Face model-folder files for RoBERTa tokenizers: vocab.json + merges.txt, tokenizer.json (read by
 * tokenizer-json.ts; RoBERTa needs a BPE model and the ByteLevel pre-tokenizer), tokenizer_config.json and
 * special_tokens_map.json. Reading follows transformers' RobertaTokenizerFast: tokenizer.json if present, else
 * vocab.json + merges.txt; tokenizer_config.json's special tokens, add_prefix_space and trim_offsets win.
 */
import { valuePreview } from '../error-text.js';
import { TokenizerError } from '../errors.js';
import { fileAccess } from '../io/file-access.js';
import { isObj, parseJsonObject, readJsonObject, type JsonObject } from './json-fields.js';
import { BPE } from './models/bpe.js';
import { ByteLevel } from './pre-tokenizers/byte-level.js';
import { readFolderConfigs, writeFolderTexts } from './pretrained-files.js';
import { RobertaProcessing } from './processors/roberta-processing.js';
import type { RobertaSpecialTokens, RobertaTokenizer, RobertaTokenizerOptions } from './roberta-tokenizer.js';
import { parseTokenizerJson } from './tokenizer-json.js';

const TOKENIZER_FILE = { error: TokenizerError } as const;
const TOKENIZER_FOLDER = { label: 'tokenizer folder', error: TokenizerError } as const;

const SPECIAL_KEYS: ReadonlyArray<[keyof RobertaSpecialTokens, string]> = [
  ['bosToken', 'bos_token'],
  ['eosToken', 'eos_token'],
  ['unkToken', 'unk_token'],
  ['sepToken', 'sep_token'],
  ['padToken', 'pad_token'],
  ['clsToken', 'cls_token'],
  ['maskToken', 'mask_token'],
];

export interface RobertaFiles {
  bpe: BPE;
  options: RobertaTokenizerOptions;
  source: string;
}

/** RoBERTa's BPE model from vocab.json and merges.txt (the settings of transformers' RobertaConverter). */
export function readRobertaFiles(vocabJsonPath: string, mergesTxtPath: string): BPE {
  const text = (path: string): string => fileAccess(path, TOKENIZER_FILE).readText(path, TOKENIZER_FILE);
  return BPE.fromFiles(text(vocabJsonPath), text(mergesTxtPath), { continuingSubwordPrefix: '', endOfWordSuffix: '' }, [vocabJsonPath, mergesTxtPath]);
}

export function readRobertaPretrained(dir: string): RobertaFiles {
  const files = fileAccess(dir, TOKENIZER_FOLDER);
  files.checkFolder(dir, TOKENIZER_FOLDER);
  const options: RobertaTokenizerOptions = {};
  let bpe: BPE;
  let source: string;
  const tokenizerJsonPath = files.join(dir, 'tokenizer.json');
  const tokenizerJson = readJsonObject(tokenizerJsonPath, true);
  if (tokenizerJson !== undefined) {
    bpe = robertaOptionsFromTokenizerJson(tokenizerJson, tokenizerJsonPath, options);
    source = tokenizerJsonPath;
  } else {
    const vocabPath = files.join(dir, 'vocab.json');
    const mergesPath = files.join(dir, 'merges.txt');
    if (!files.hasFile(vocabPath, TOKENIZER_FILE) || !files.hasFile(mergesPath, TOKENIZER_FILE)) {
      throw new TokenizerError(`${dir}: no tokenizer.json, or vocab.json and merges.txt, in this folder`);
    }
    bpe = readRobertaFiles(vocabPath, mergesPath);
    source = `${vocabPath} + ${mergesPath}`;
  }
  const configs = readFolderConfigs(dir, SPECIAL_KEYS, options);
  const { config, at } = configs;
  if (config !== undefined) {
    const prefix = at.bool(config, 'add_prefix_space');
    if (prefix !== undefined) options.addPrefixSpace = prefix;
    const trim = at.bool(config, 'trim_offsets');
    if (trim !== undefined) options.trimOffsets = trim;
    Object.assign(options, configs.common);
  }
  return { bpe, options, source };
}

/** RoBERTa's model and settings from tokenizer.json text; `source` names it in errors. */
export function readRobertaTokenizerJson(text: string, source: string): { bpe: BPE; options: RobertaTokenizerOptions } {
  const options: RobertaTokenizerOptions = {};
  const bpe = robertaOptionsFromTokenizerJson(parseJsonObject(text, source), source, options);
  return { bpe, options };
}

function robertaOptionsFromTokenizerJson(json: JsonObject, file: string, options: RobertaTokenizerOptions): BPE {
  const model = json['model'];
  if (!isObj(model) || model['type'] !== 'BPE') {
    throw new TokenizerError(`${file}: model is not a BPE model (found type ${valuePreview(isObj(model) ? model['type'] : model)})`);
  }
  const stages = parseTokenizerJson(json, file);
  if (!(stages.model instanceof BPE)) throw new TokenizerError(`${file}: model is not a BPE model`);
  const { normalizer, preTokenizer, postProcessor } = stages;
  if (normalizer !== null && normalizer !== undefined) {
    throw new TokenizerError(`${file}: RobertaTokenizer takes no normalizer, found ${valuePreview(normalizer.toJSON()['type'])} (Tokenizer.fromFile reads it)`);
  }
  if (!(preTokenizer instanceof ByteLevel)) {
    throw new TokenizerError(`${file}: RobertaTokenizer needs pre_tokenizer ByteLevel, found ${valuePreview(preTokenizer?.toJSON()['type'] ?? null)} (Tokenizer.fromFile reads it)`);
  }
  options.addPrefixSpace = preTokenizer.addPrefixSpace;
  options.trimOffsets = preTokenizer.trimOffsets;
  if (postProcessor instanceof RobertaProcessing) {
    options.sepToken = postProcessor.sep[0];
    options.clsToken = postProcessor.cls[0];
    options.trimOffsets = postProcessor.trimOffsets;
  }
  if (postProcessor !== null && postProcessor !== undefined) options.postProcessor = postProcessor;
  if (stages.decoder !== undefined) options.decoder = stages.decoder;
  options.addedTokens = stages.addedTokens ?? [];
  return stages.model;
}

/** Writes the five files of a RoBERTa tokenizer folder into `dir`. */
export function writeRobertaPretrained(t: RobertaTokenizer, dir: string): string[] {
  const specialMap: Record<string, string> = {};
  for (const [key, jsonKey] of SPECIAL_KEYS) specialMap[jsonKey] = t.specialTokens[key];
  const config = {
    tokenizer_class: 'RobertaTokenizer',
    add_prefix_space: t.addPrefixSpace,
    trim_offsets: t.trimOffsets,
    errors: 'replace',
    clean_up_tokenization_spaces: t.cleanUpTokenizationSpaces,
    ...(t.modelMaxLength !== undefined ? { model_max_length: t.modelMaxLength } : {}),
    ...specialMap,
  };
  return writeFolderTexts(dir, [
    ['tokenizer.json', t.toJSONString()],
    ['vocab.json', t.bpe.vocabJsonText()],
    ['merges.txt', t.bpe.mergesText()],
    ['tokenizer_config.json', JSON.stringify(config, null, 2) + '\n'],
    ['special_tokens_map.json', JSON.stringify(specialMap, null, 2) + '\n'],
  ]);
}
