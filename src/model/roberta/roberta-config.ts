/**
 * RoBERTa's hyper-parameters (Liu et al. 2019) under Hugging Face's config.json names: BERT's fields plus the
 * special-token ids, read and checked by the shared config reader (pretrained-config.ts). RoBERTa is BERT's
 * architecture; what differs is its embeddings' position ids (roberta-embeddings.ts) and its heads.
 */
import { valuePreview } from '../../error-text.js';
import { ConfigError } from '../../errors.js';
import { BERT_ONLY_DEFAULTS } from '../config-support.js';
import { BERT_BASE_DEFAULTS, BERT_CONFIG_SPEC, validateBertConfig, type BertConfig } from '../config.js';
import {
  assertModelType, assertOnlyDefaults, configFromJson, configToJson, type ConfigSpec,
} from '../pretrained-config.js';

export const ROBERTA_MODEL_TYPE = 'roberta';

export interface RobertaConfig extends BertConfig {
  /** `<s>`: the first token of every input, whose final state the classification head reads. */
  bosTokenId: number;
  /** `</s>`: ends each segment (`<s> A </s></s> B </s>`). */
  eosTokenId: number;
}

/**
 * Hugging Face's RobertaConfig defaults (configuration_roberta.py), what a config.json without a field gets:
 * BERT-base's sizes with RoBERTa's vocabulary and special tokens (pad 1, bos 0, eos 2). Published RoBERTa folders
 * set max_position_embeddings 514, type_vocab_size 1 and layer_norm_eps 1e-5 explicitly (ROBERTA_BASE).
 */
export const ROBERTA_DEFAULTS: Omit<RobertaConfig, 'extra'> = {
  ...BERT_BASE_DEFAULTS,
  modelType: ROBERTA_MODEL_TYPE,
  vocabSize: 50265,
  padTokenId: 1,
  bosTokenId: 0,
  eosTokenId: 2,
};

/** roberta-base's config.json: 512 positions after the padding_idx + 1 offset, one token type, LayerNorm eps 1e-5. */
export const ROBERTA_BASE: Omit<RobertaConfig, 'extra'> = {
  ...ROBERTA_DEFAULTS,
  maxPositionEmbeddings: 514,
  typeVocabSize: 1,
  layerNormEps: 1e-5,
};

/** A RoBERTa config: roberta-base's with `overrides`, validated. */
export function robertaConfig(overrides: Partial<RobertaConfig> = {}): RobertaConfig {
  return validateRobertaConfig({ ...ROBERTA_BASE, extra: {}, ...overrides }, 'RobertaConfig');
}

/** Rejects configs that cannot describe a working RoBERTa, naming the field: BERT's checks, then RoBERTa's. */
export function validateRobertaConfig(config: RobertaConfig, source: string): RobertaConfig {
  validateBertConfig(config, source);
  for (const [field, key] of [['bosTokenId', 'bos_token_id'], ['eosTokenId', 'eos_token_id']] as const) {
    const value = config[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= config.vocabSize) {
      throw new ConfigError(`${source}: ${key} must be an id below vocab_size ${config.vocabSize}, got ${valuePreview(value)}`);
    }
  }
  // Positions start after padding_idx (create_position_ids_from_input_ids): at least one must remain.
  if (config.maxPositionEmbeddings <= config.padTokenId + 1) {
    throw new ConfigError(`${source}: max_position_embeddings ${config.maxPositionEmbeddings} leaves no position after pad_token_id ${config.padTokenId} + 1`);
  }
  return config;
}

/** Throws a ConfigError naming the first field of a raw config.json that tsbert's RoBERTa cannot honour. */
function assertRobertaConfigSupported(raw: Record<string, unknown>, source: string): void {
  assertModelType(raw, ROBERTA_MODEL_TYPE, 'RoBERTa', source);
  // modeling_roberta.py is modeling_bert.py's layers: the same settings are implemented.
  assertOnlyDefaults(raw, BERT_ONLY_DEFAULTS, source);
}

export const ROBERTA_CONFIG_SPEC: ConfigSpec<RobertaConfig> = {
  modelType: ROBERTA_MODEL_TYPE,
  defaults: ROBERTA_DEFAULTS,
  fields: [...BERT_CONFIG_SPEC.fields, ['bosTokenId', 'bos_token_id'], ['eosTokenId', 'eos_token_id']],
  assertSupported: assertRobertaConfigSupported,
  validate: validateRobertaConfig,
};

/** Reads a parsed config.json (Hugging Face's keys); missing fields take RobertaConfig's defaults, as HF does. */
export function robertaConfigFromJson(json: unknown, source = 'config.json'): RobertaConfig {
  return configFromJson(ROBERTA_CONFIG_SPEC, json, source);
}

/** Hugging Face's config.json for this config (architectures and model_type included). */
export function robertaConfigToJson(config: RobertaConfig, architecture?: string): Record<string, unknown> {
  return configToJson(ROBERTA_CONFIG_SPEC, config, architecture);
}
