/**
 * AutoTokenizer: the tokenizer of a model folder, chosen as transformers' AutoTokenizer.from_pretrained chooses it
 * (models/auto/tokenization_auto.py): tokenizer_config.json's `tokenizer_class` when it names one, else
 * config.json's `model_type` through TOKENIZER_MAPPING_NAMES; then that preset's own fromPretrained reads the
 * folder's files. Files are reached through the FileAccess seam, so this works wherever the presets do.
 */
import { valuePreview } from '../error-text.js';
import { ConfigError, TokenizerError } from '../errors.js';
import { fileAccess } from '../io/file-access.js';
import { AlbertTokenizer } from './albert-tokenizer.js';
import { BertTokenizer } from './bert-tokenizer.js';
import { JsonPath, readJsonObject } from './json-fields.js';
import { RobertaTokenizer } from './roberta-tokenizer.js';

/** A tokenizer AutoTokenizer gives: one of the presets, each with its special tokens and decodeText. */
export type PresetTokenizer = BertTokenizer | RobertaTokenizer | AlbertTokenizer;

type PresetName = 'BertTokenizer' | 'RobertaTokenizer' | 'AlbertTokenizer';

const PRESETS: Readonly<Record<PresetName, (dir: string) => PresetTokenizer>> = {
  BertTokenizer: (dir) => BertTokenizer.fromPretrained(dir),
  RobertaTokenizer: (dir) => RobertaTokenizer.fromPretrained(dir),
  AlbertTokenizer: (dir) => AlbertTokenizer.fromPretrained(dir),
};

/**
 * tokenizer_config.json's class names (slow and Fast alike: the presets are the fast tokenizers). DistilBERT's
 * tokenizer class is BERT's under another name (tokenization_distilbert.py subclasses BertTokenizer).
 */
const TOKENIZER_CLASSES: Readonly<Record<string, PresetName>> = {
  BertTokenizer: 'BertTokenizer',
  BertTokenizerFast: 'BertTokenizer',
  DistilBertTokenizer: 'BertTokenizer',
  DistilBertTokenizerFast: 'BertTokenizer',
  RobertaTokenizer: 'RobertaTokenizer',
  RobertaTokenizerFast: 'RobertaTokenizer',
  AlbertTokenizer: 'AlbertTokenizer',
  AlbertTokenizerFast: 'AlbertTokenizer',
};

/** config.json's model_type → tokenizer (transformers' TOKENIZER_MAPPING_NAMES rows of the families here). */
const MODEL_TYPE_TOKENIZERS: Readonly<Record<string, PresetName>> = {
  bert: 'BertTokenizer',
  distilbert: 'BertTokenizer',
  roberta: 'RobertaTokenizer',
  albert: 'AlbertTokenizer',
};

/** The files some preset reads; a folder with none of them holds no tokenizer. */
const TOKENIZER_FILES = ['tokenizer.json', 'vocab.txt', 'vocab.json', 'spiece.model'] as const;

/**
 * transformers' generic fast tokenizer: the folder's tokenizer.json as it is. Which preset reads it (with its special
 * tokens and options) is then the model type's, as for a folder that names no class.
 */
const GENERIC_FAST = 'PreTrainedTokenizerFast';

const TOKENIZER_FILE = { error: TokenizerError } as const;
const TOKENIZER_FOLDER = { label: 'tokenizer folder', error: TokenizerError } as const;

const has = (table: Readonly<Record<string, PresetName>>, key: string): boolean => Object.hasOwn(table, key);

export class AutoTokenizer {
  private constructor() {}

  /** The tokenizer of model folder `dir` (see the file comment). */
  static fromPretrained(dir: string): PresetTokenizer {
    return PRESETS[AutoTokenizer.classOf(dir)](dir);
  }

  /**
   * Which preset reads `dir`: a ConfigError naming the file and field when `tokenizer_class` or `model_type` names
   * one this library lacks, or when neither is there; a TokenizerError naming the folder when it has no tokenizer file.
   */
  static classOf(dir: string): PresetName {
    const files = fileAccess(dir, TOKENIZER_FOLDER);
    files.checkFolder(dir, TOKENIZER_FOLDER);
    if (!TOKENIZER_FILES.some((name) => files.hasFile(files.join(dir, name), TOKENIZER_FILE))) {
      throw new TokenizerError(`${dir}: no tokenizer files in this folder (${TOKENIZER_FILES.join(', ')})`);
    }
    const configPath = files.join(dir, 'tokenizer_config.json');
    const config = readJsonObject(configPath, true);
    const tokenizerClass = config === undefined ? undefined : new JsonPath(configPath).string(config, 'tokenizer_class');
    if (tokenizerClass !== undefined && tokenizerClass !== GENERIC_FAST) {
      if (has(TOKENIZER_CLASSES, tokenizerClass)) return TOKENIZER_CLASSES[tokenizerClass]!;
      throw new ConfigError(`${configPath}: tokenizer_class ${valuePreview(tokenizerClass)} is not one tsbert has (${Object.keys(TOKENIZER_CLASSES).join(', ')})`);
    }
    const modelConfigPath = files.join(dir, 'config.json');
    const modelConfig = readJsonObject(modelConfigPath, true);
    const modelType = modelConfig === undefined ? undefined : new JsonPath(modelConfigPath).string(modelConfig, 'model_type');
    if (modelType === undefined) {
      throw new ConfigError(`${dir}: neither tokenizer_config.json's tokenizer_class nor config.json's model_type says which tokenizer this folder holds`);
    }
    if (has(MODEL_TYPE_TOKENIZERS, modelType)) return MODEL_TYPE_TOKENIZERS[modelType]!;
    throw new ConfigError(`${modelConfigPath}: model_type ${valuePreview(modelType)} has no tokenizer in tsbert (${Object.keys(MODEL_TYPE_TOKENIZERS).join(', ')})`);
  }
}
