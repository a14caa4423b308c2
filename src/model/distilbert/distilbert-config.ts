/**
 * DistilBERT's hyper-parameters under Hugging Face's config.json names (configuration_distilbert.py; camelCase here,
 * snake_case only in the spec's field table). Defaults are distilbert-base-uncased's (Sanh et al. 2019 §3: BERT-base
 * with half the layers). What tsbert does not compute is a ConfigError naming the field.
 */
import { valuePreview } from '../../error-text.js';
import { ConfigError } from '../../errors.js';
import { activationFromHiddenAct } from '../../nn/activation.js';
import {
  assertModelType, assertOnlyDefaults, configFromJson, configToJson, validatePretrainedFields, type ConfigSpec,
  type OnlyDefaults, type PretrainedConfig,
} from '../pretrained-config.js';

export const DISTILBERT_MODEL_TYPE = 'distilbert';

export interface DistilBertConfig extends PretrainedConfig {
  maxPositionEmbeddings: number;
  /** Fixed sine/cosine position table (create_sinusoidal_embeddings), not trained; default learned. */
  sinusoidalPosEmbds: boolean;
  nLayers: number;
  nHeads: number;
  /** Hidden size. */
  dim: number;
  /** Feed-forward inner size. */
  hiddenDim: number;
  /** Embeddings, feed-forward output and token-classification dropout. */
  dropout: number;
  /** Dropout on the attention probabilities. */
  attentionDropout: number;
  /** The feed-forward and MLM-transform activation, as Hugging Face's get_activation names it. */
  activation: string;
  initializerRange: number;
  /** Dropout before qa_outputs. */
  qaDropout: number;
  /** Dropout after pre_classifier (sequence classification, multiple choice). */
  seqClassifDropout: number;
  padTokenId: number;
}

export const DISTILBERT_BASE_DEFAULTS: Omit<DistilBertConfig, 'extra'> = {
  modelType: DISTILBERT_MODEL_TYPE,
  vocabSize: 30522,
  maxPositionEmbeddings: 512,
  sinusoidalPosEmbds: false,
  nLayers: 6,
  nHeads: 12,
  dim: 768,
  hiddenDim: 4 * 768,
  dropout: 0.1,
  attentionDropout: 0.1,
  activation: 'gelu',
  initializerRange: 0.02,
  qaDropout: 0.1,
  seqClassifDropout: 0.2,
  padTokenId: 0,
  id2label: { '0': 'LABEL_0', '1': 'LABEL_1' },
  label2id: { LABEL_0: 0, LABEL_1: 1 },
};

const FIELDS: readonly (readonly [keyof DistilBertConfig & string, string])[] = [
  ['vocabSize', 'vocab_size'],
  ['maxPositionEmbeddings', 'max_position_embeddings'],
  ['sinusoidalPosEmbds', 'sinusoidal_pos_embds'],
  ['nLayers', 'n_layers'],
  ['nHeads', 'n_heads'],
  ['dim', 'dim'],
  ['hiddenDim', 'hidden_dim'],
  ['dropout', 'dropout'],
  ['attentionDropout', 'attention_dropout'],
  ['activation', 'activation'],
  ['initializerRange', 'initializer_range'],
  ['qaDropout', 'qa_dropout'],
  ['seqClassifDropout', 'seq_classif_dropout'],
  ['padTokenId', 'pad_token_id'],
];

/**
 * Settings of PretrainedConfig that DistilBERT honours only at their default. `tie_weights_` (a key of the original
 * distilbert-base configs) is not among them: Hugging Face ignores it — tying follows tie_word_embeddings — and so
 * does tsbert, which keeps it in `extra` for the round trip.
 */
const DISTILBERT_ONLY_DEFAULTS: OnlyDefaults = {
  tie_word_embeddings: { value: true, why: 'vocab_projector is always tied to the word embeddings' },
  is_decoder: { value: false, why: 'DistilBERT as a decoder is not implemented' },
  add_cross_attention: { value: false, why: 'cross-attention layers are not implemented' },
};

/** Throws a ConfigError naming the first field of `raw` (a parsed config.json) that tsbert's DistilBERT cannot honour. */
export function assertDistilBertConfigSupported(raw: Record<string, unknown>, source: string): void {
  assertModelType(raw, DISTILBERT_MODEL_TYPE, 'DistilBERT', source);
  assertOnlyDefaults(raw, DISTILBERT_ONLY_DEFAULTS, source);
}

/** Rejects configs that cannot describe a working DistilBERT, naming the field. */
export function validateDistilBertConfig(config: DistilBertConfig, source: string): DistilBertConfig {
  for (const field of ['vocabSize', 'maxPositionEmbeddings', 'nLayers', 'nHeads', 'dim', 'hiddenDim'] as const) {
    const value = config[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > 1e7) {
      throw new ConfigError(`${source}: ${snakeName(field)} must be a positive integer, got ${valuePreview(value)}`);
    }
  }
  if (config.dim % config.nHeads !== 0) throw new ConfigError(`${source}: dim ${config.dim} is not divisible by n_heads ${config.nHeads}`);
  for (const field of ['dropout', 'attentionDropout', 'qaDropout', 'seqClassifDropout'] as const) {
    const value = config[field];
    if (typeof value !== 'number' || !(value >= 0 && value < 1)) throw new ConfigError(`${source}: ${snakeName(field)} must be in [0, 1), got ${valuePreview(value)}`);
  }
  if (typeof config.sinusoidalPosEmbds !== 'boolean') {
    throw new ConfigError(`${source}: sinusoidal_pos_embds must be true or false, got ${valuePreview(config.sinusoidalPosEmbds)}`);
  }
  if (typeof config.initializerRange !== 'number' || !(config.initializerRange >= 0)) {
    throw new ConfigError(`${source}: initializer_range must be ≥ 0, got ${valuePreview(config.initializerRange)}`);
  }
  if (typeof config.padTokenId !== 'number' || !Number.isInteger(config.padTokenId) || config.padTokenId < 0 || config.padTokenId >= config.vocabSize) {
    throw new ConfigError(`${source}: pad_token_id must be an id below vocab_size ${config.vocabSize}, got ${valuePreview(config.padTokenId)}`);
  }
  if (typeof config.activation !== 'string') throw new ConfigError(`${source}: activation must be a string, got ${valuePreview(config.activation)}`);
  activationFromHiddenAct(config.activation, source, 'activation');
  validatePretrainedFields(config, source);
  return config;
}

function snakeName(field: keyof DistilBertConfig): string {
  return FIELDS.find(([camel]) => camel === field)?.[1] ?? field;
}

/** DistilBERT's config.json: its fields, distilbert-base-uncased's defaults, what tsbert computes of it. */
export const DISTILBERT_CONFIG_SPEC: ConfigSpec<DistilBertConfig> = {
  modelType: DISTILBERT_MODEL_TYPE,
  defaults: DISTILBERT_BASE_DEFAULTS,
  fields: FIELDS,
  assertSupported: assertDistilBertConfigSupported,
  validate: validateDistilBertConfig,
};

/** Reads a parsed config.json (Hugging Face's keys). Missing fields take distilbert-base's defaults, as HF does. */
export function distilBertConfigFromJson(json: unknown, source = 'config.json'): DistilBertConfig {
  return configFromJson(DISTILBERT_CONFIG_SPEC, json, source);
}

/** Hugging Face's config.json for this config (architectures and model_type included). */
export function distilBertConfigToJson(config: DistilBertConfig, architecture?: string): Record<string, unknown> {
  return configToJson(DISTILBERT_CONFIG_SPEC, config, architecture);
}

/** A DistilBERT config from distilbert-base's defaults and `overrides`, validated (e.g. a student for distillation). */
export function distilBertConfig(overrides: Partial<DistilBertConfig> = {}, source = 'DistilBertConfig'): DistilBertConfig {
  return validateDistilBertConfig({ ...DISTILBERT_BASE_DEFAULTS, extra: {}, ...overrides }, source);
}
