import { valuePreview } from '../error-text.js';
import { ConfigError } from '../errors.js';
import { activationFromHiddenAct } from '../nn/activation.js';
import { assertBertConfigSupported, BERT_MODEL_TYPE } from './config-support.js';
import {
  configFromJson, configToJson, validatePretrainedFields, type ConfigSpec, type PretrainedConfig,
} from './pretrained-config.js';

export { defaultLabels, numLabels, PROBLEM_TYPES, type ProblemType } from './pretrained-config.js';

/**
 * BERT's hyper-parameters under Hugging Face's config.json names (camelCase here; snake_case only in
 * fromJson/toJson). Defaults are bert-base-uncased's (Devlin et al. 2019, Table/§3; HF BertConfig defaults).
 */
export interface BertConfig extends PretrainedConfig {
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  hiddenAct: string;
  hiddenDropoutProb: number;
  attentionProbsDropoutProb: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  initializerRange: number;
  layerNormEps: number;
  padTokenId: number;
}

export const BERT_BASE_DEFAULTS: Omit<BertConfig, 'extra'> = {
  modelType: BERT_MODEL_TYPE,
  vocabSize: 30522,
  hiddenSize: 768,
  numHiddenLayers: 12,
  numAttentionHeads: 12,
  intermediateSize: 3072,
  hiddenAct: 'gelu',
  hiddenDropoutProb: 0.1,
  attentionProbsDropoutProb: 0.1,
  maxPositionEmbeddings: 512,
  typeVocabSize: 2,
  initializerRange: 0.02,
  layerNormEps: 1e-12,
  padTokenId: 0,
  id2label: { '0': 'LABEL_0', '1': 'LABEL_1' },
  label2id: { LABEL_0: 0, LABEL_1: 1 },
};

/** The sizes of the BERT family (Turc et al. 2019 "Well-Read Students" for tiny…medium; Devlin et al. base/large). */
export const BERT_PRESETS = {
  tiny: { numHiddenLayers: 2, hiddenSize: 128, numAttentionHeads: 2 },
  mini: { numHiddenLayers: 4, hiddenSize: 256, numAttentionHeads: 4 },
  small: { numHiddenLayers: 4, hiddenSize: 512, numAttentionHeads: 8 },
  medium: { numHiddenLayers: 8, hiddenSize: 512, numAttentionHeads: 8 },
  base: { numHiddenLayers: 12, hiddenSize: 768, numAttentionHeads: 12 },
  large: { numHiddenLayers: 24, hiddenSize: 1024, numAttentionHeads: 16 },
} as const;

export type BertPresetName = keyof typeof BERT_PRESETS;

export function isPresetName(name: string): name is BertPresetName {
  return Object.hasOwn(BERT_PRESETS, name);
}

/** A preset's config, intermediate = 4 × hidden, with overrides applied, validated. */
export function bertConfigPreset(name: BertPresetName, overrides: Partial<BertConfig> = {}): BertConfig {
  const preset = BERT_PRESETS[name];
  return validateBertConfig({
    ...BERT_BASE_DEFAULTS,
    ...preset,
    intermediateSize: 4 * preset.hiddenSize,
    extra: {},
    ...overrides,
  }, `preset "${name}"`);
}

const FIELDS: readonly (readonly [keyof BertConfig & string, string])[] = [
  ['vocabSize', 'vocab_size'],
  ['hiddenSize', 'hidden_size'],
  ['numHiddenLayers', 'num_hidden_layers'],
  ['numAttentionHeads', 'num_attention_heads'],
  ['intermediateSize', 'intermediate_size'],
  ['hiddenAct', 'hidden_act'],
  ['hiddenDropoutProb', 'hidden_dropout_prob'],
  ['attentionProbsDropoutProb', 'attention_probs_dropout_prob'],
  ['maxPositionEmbeddings', 'max_position_embeddings'],
  ['typeVocabSize', 'type_vocab_size'],
  ['initializerRange', 'initializer_range'],
  ['layerNormEps', 'layer_norm_eps'],
  ['padTokenId', 'pad_token_id'],
];

/** BERT's config.json: its fields, bert-base-uncased's defaults, what tsbert computes of it. */
export const BERT_CONFIG_SPEC: ConfigSpec<BertConfig> = {
  modelType: BERT_MODEL_TYPE,
  defaults: BERT_BASE_DEFAULTS,
  fields: FIELDS,
  assertSupported: assertBertConfigSupported,
  validate: validateBertConfig,
};

/** Reads a parsed config.json (Hugging Face's keys). Missing fields take BERT-base's defaults, as HF does. */
export function bertConfigFromJson(json: unknown, source = 'config.json'): BertConfig {
  return configFromJson(BERT_CONFIG_SPEC, json, source);
}

/** Hugging Face's config.json for this config (architectures and model_type included). */
export function bertConfigToJson(config: BertConfig, architecture?: string): Record<string, unknown> {
  return configToJson(BERT_CONFIG_SPEC, config, architecture);
}

/** Rejects configs that cannot describe a working BERT, naming the field. */
export function validateBertConfig(config: BertConfig, source: string): BertConfig {
  const positiveInts: (keyof BertConfig)[] = ['vocabSize', 'hiddenSize', 'numHiddenLayers', 'numAttentionHeads', 'intermediateSize', 'maxPositionEmbeddings', 'typeVocabSize'];
  for (const field of positiveInts) {
    const value = config[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > 1e7) {
      throw new ConfigError(`${source}: ${snakeName(field)} must be a positive integer, got ${valuePreview(value)}`);
    }
  }
  if (config.hiddenSize % config.numAttentionHeads !== 0) {
    throw new ConfigError(`${source}: hidden_size ${config.hiddenSize} is not divisible by num_attention_heads ${config.numAttentionHeads}`);
  }
  for (const field of ['hiddenDropoutProb', 'attentionProbsDropoutProb'] as const) {
    const value = config[field];
    if (typeof value !== 'number' || !(value >= 0 && value < 1)) throw new ConfigError(`${source}: ${snakeName(field)} must be in [0, 1), got ${valuePreview(value)}`);
  }
  if (typeof config.layerNormEps !== 'number' || !(config.layerNormEps > 0 && config.layerNormEps < 1)) {
    throw new ConfigError(`${source}: layer_norm_eps must be in (0, 1), got ${valuePreview(config.layerNormEps)}`);
  }
  if (typeof config.initializerRange !== 'number' || !(config.initializerRange >= 0)) {
    throw new ConfigError(`${source}: initializer_range must be ≥ 0, got ${valuePreview(config.initializerRange)}`);
  }
  if (typeof config.padTokenId !== 'number' || !Number.isInteger(config.padTokenId) || config.padTokenId < 0 || config.padTokenId >= config.vocabSize) {
    throw new ConfigError(`${source}: pad_token_id must be an id below vocab_size ${config.vocabSize}, got ${valuePreview(config.padTokenId)}`);
  }
  if (typeof config.hiddenAct !== 'string') throw new ConfigError(`${source}: hidden_act must be a string`);
  activationFromHiddenAct(config.hiddenAct, source);
  validatePretrainedFields(config, source);
  return config;
}

function snakeName(field: keyof BertConfig): string {
  return FIELDS.find(([camel]) => camel === field)?.[1] ?? field;
}
