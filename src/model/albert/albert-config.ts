/**
 * ALBERT's hyper-parameters (Lan et al. 2020) under Hugging Face's AlbertConfig names: BERT's fields plus the
 * factorised embedding size E and the cross-layer sharing (num_hidden_groups groups of inner_group_num layers).
 * Defaults are AlbertConfig's (configuration_albert.py: albert-xxlarge's sizes, gelu_new, no dropout).
 */
import { valuePreview } from '../../error-text.js';
import { ConfigError } from '../../errors.js';
import { BERT_CONFIG_SPEC, validateBertConfig, type BertConfig } from '../config.js';
import { BERT_ONLY_DEFAULTS } from '../config-support.js';
import {
  assertModelType, assertOnlyDefaults, type ConfigSpec,
} from '../pretrained-config.js';

export const ALBERT_MODEL_TYPE = 'albert';

export interface AlbertConfig extends BertConfig {
  /** E: the width of the embeddings, mapped to hiddenSize by encoder.embedding_hidden_mapping_in (§3.1). */
  embeddingSize: number;
  /** How many distinct layer groups the numHiddenLayers layers share (1: all-shared, ALBERT's default, §3.1). */
  numHiddenGroups: number;
  /** Layers per group, run in turn each time the group is used. */
  innerGroupNum: number;
  /** Dropout before the classifiers and the SOP head; null falls back to hidden_dropout_prob. */
  classifierDropoutProb: number | null;
  bosTokenId: number | null;
  eosTokenId: number | null;
}

export const ALBERT_DEFAULTS: Omit<AlbertConfig, 'extra'> = {
  modelType: ALBERT_MODEL_TYPE,
  vocabSize: 30000,
  embeddingSize: 128,
  hiddenSize: 4096,
  numHiddenLayers: 12,
  numHiddenGroups: 1,
  numAttentionHeads: 64,
  intermediateSize: 16384,
  innerGroupNum: 1,
  hiddenAct: 'gelu_new',
  hiddenDropoutProb: 0,
  attentionProbsDropoutProb: 0,
  maxPositionEmbeddings: 512,
  typeVocabSize: 2,
  initializerRange: 0.02,
  layerNormEps: 1e-12,
  classifierDropoutProb: 0.1,
  padTokenId: 0,
  bosTokenId: 2,
  eosTokenId: 3,
  id2label: { '0': 'LABEL_0', '1': 'LABEL_1' },
  label2id: { LABEL_0: 0, LABEL_1: 1 },
};

/** BERT's config.json fields, then ALBERT's own. */
const FIELDS: readonly (readonly [keyof AlbertConfig & string, string])[] = [
  ...BERT_CONFIG_SPEC.fields,
  ['embeddingSize', 'embedding_size'],
  ['numHiddenGroups', 'num_hidden_groups'],
  ['innerGroupNum', 'inner_group_num'],
  ['classifierDropoutProb', 'classifier_dropout_prob'],
  ['bosTokenId', 'bos_token_id'],
  ['eosTokenId', 'eos_token_id'],
];

/** The settings of modeling_albert.py tsbert does not compute: BERT's (relative positions, decoder use, untied MLM). */
function assertAlbertConfigSupported(raw: Record<string, unknown>, source: string): void {
  assertModelType(raw, ALBERT_MODEL_TYPE, 'ALBERT', source);
  assertOnlyDefaults(raw, BERT_ONLY_DEFAULTS, source);
}

/** Rejects configs that cannot describe a working ALBERT, naming the field; the fields BERT has by BERT's rules. */
export function validateAlbertConfig(config: AlbertConfig, source: string): AlbertConfig {
  validateBertConfig(config, source);
  for (const [field, key] of [['embeddingSize', 'embedding_size'], ['numHiddenGroups', 'num_hidden_groups'], ['innerGroupNum', 'inner_group_num']] as const) {
    const value = config[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > 1e7) {
      throw new ConfigError(`${source}: ${key} must be a positive integer, got ${valuePreview(value)}`);
    }
  }
  // Layer i runs group floor(i / (layers / groups)): with more groups than layers some would never run.
  if (config.numHiddenGroups > config.numHiddenLayers) {
    throw new ConfigError(`${source}: num_hidden_groups ${config.numHiddenGroups} exceeds num_hidden_layers ${config.numHiddenLayers}`);
  }
  const dropout = config.classifierDropoutProb;
  if (dropout !== null && !(typeof dropout === 'number' && dropout >= 0 && dropout < 1)) {
    throw new ConfigError(`${source}: classifier_dropout_prob must be null or in [0, 1), got ${valuePreview(dropout)}`);
  }
  for (const [field, key] of [['bosTokenId', 'bos_token_id'], ['eosTokenId', 'eos_token_id']] as const) {
    const id = config[field];
    if (id !== null && !(typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < config.vocabSize)) {
      throw new ConfigError(`${source}: ${key} must be null or an id below vocab_size ${config.vocabSize}, got ${valuePreview(id)}`);
    }
  }
  return config;
}

/** ALBERT's config.json: its fields, AlbertConfig's defaults, what tsbert computes of it (read and written by ALBERT_FAMILY). */
export const ALBERT_CONFIG_SPEC: ConfigSpec<AlbertConfig> = {
  modelType: ALBERT_MODEL_TYPE,
  defaults: ALBERT_DEFAULTS,
  fields: FIELDS,
  assertSupported: assertAlbertConfigSupported,
  validate: validateAlbertConfig,
};

/** Hugging Face's classifier dropout of ALBERT's heads: classifier_dropout_prob, else hidden_dropout_prob. */
export function albertClassifierDropoutProb(config: AlbertConfig): number {
  return config.classifierDropoutProb ?? config.hiddenDropoutProb;
}
