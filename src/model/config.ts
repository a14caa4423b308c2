import { valuePreview } from '../error-text.js';
import { ConfigError } from '../errors.js';
import { activationFromHiddenAct } from '../nn/activation.js';
import { assertBertConfigSupported } from './config-support.js';

/**
 * BERT's hyper-parameters under Hugging Face's config.json names (camelCase here; snake_case only in
 * fromJson/toJson). Defaults are bert-base-uncased's (Devlin et al. 2019, Table/§3; HF BertConfig defaults).
 */
export interface BertConfig {
  vocabSize: number;
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
  /** Task heads: label names by id; numLabels = its size (1 → regression for sequence classification). */
  id2label: Record<string, string>;
  label2id: Record<string, number>;
  /** Keys of config.json that tsbert does not interpret, kept so a round trip loses nothing. */
  extra: Record<string, unknown>;
}

export const BERT_BASE_DEFAULTS: Omit<BertConfig, 'extra'> = {
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

export function numLabels(config: BertConfig): number {
  return Object.keys(config.id2label).length;
}

/** Far above any classification head (the largest GLUE/SuperGLUE task has 3 labels; extreme multi-label sets ~10^5). */
const MAX_LABELS = 100_000;

const FIELDS: [keyof BertConfig, string][] = [
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

/** Reads a parsed config.json (Hugging Face's keys). Missing fields take BERT-base's defaults, as HF does. */
export function bertConfigFromJson(json: unknown, source = 'config.json'): BertConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(`${source}: expected a JSON object`);
  }
  const raw = json as Record<string, unknown>;
  assertBertConfigSupported(raw, source);
  const config: BertConfig = { ...BERT_BASE_DEFAULTS, extra: {} };
  const known = new Set<string>(['id2label', 'label2id', 'num_labels']);
  for (const [camel, snake] of FIELDS) {
    known.add(snake);
    // Types are checked by validateBertConfig below.
    if (raw[snake] !== undefined) Object.assign(config, { [camel]: raw[snake] });
  }
  if (raw['id2label'] !== undefined) {
    if (typeof raw['id2label'] !== 'object' || raw['id2label'] === null) throw new ConfigError(`${source}: id2label must be an object`);
    const entries = Object.entries(raw['id2label']);
    if (entries.length > MAX_LABELS) throw new ConfigError(`${source}: id2label has ${entries.length} labels, more than ${MAX_LABELS}`);
    // Row i of a classifier is label i: ids must be exactly 0..n-1 (transformers reads the keys as ints), or a gap
    // would shift every later label onto the wrong row.
    const ids = new Set(entries.map(([k]) => k));
    for (let i = 0; i < entries.length; i++) {
      if (!ids.has(String(i))) {
        const bad = entries.map(([k]) => k).find((k) => !/^(0|[1-9]\d*)$/.test(k) || Number(k) >= entries.length);
        throw new ConfigError(`${source}: id2label's keys must be the ids 0..${entries.length - 1}; ${bad === undefined ? `${i} is missing` : `it has ${valuePreview(bad)}`}`);
      }
    }
    config.id2label = Object.fromEntries(entries.map(([k, v]) => [k, labelName(v, k, source)]));
    config.label2id = Object.fromEntries(Object.entries(config.id2label).map(([k, v]) => [v, Number(k)]));
  } else if (raw['num_labels'] !== undefined && raw['num_labels'] !== null) {
    const count = raw['num_labels'];
    // defaultLabels builds `count` entries: a count from the file must be bounded before it sizes anything.
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_LABELS) {
      throw new ConfigError(`${source}: num_labels must be an integer from 1 to ${MAX_LABELS}, got ${valuePreview(count)}`);
    }
    config.id2label = defaultLabels(count);
    config.label2id = Object.fromEntries(Object.entries(config.id2label).map(([k, v]) => [v, Number(k)]));
  }
  for (const [key, value] of Object.entries(raw)) if (!known.has(key)) config.extra[key] = value;
  return validateBertConfig(config, source);
}

/** A label name from id2label: Hugging Face's are strings; numbers and booleans are taken as their text. */
function labelName(value: unknown, id: string, source: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ConfigError(`${source}: id2label[${valuePreview(id)}] must be a label name, got ${valuePreview(value)}`);
}

export function defaultLabels(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [String(i), `LABEL_${i}`]));
}

/** Hugging Face's config.json for this config (architectures and model_type included). */
export function bertConfigToJson(config: BertConfig, architecture?: string): Record<string, unknown> {
  const json: Record<string, unknown> = { ...config.extra };
  if (architecture !== undefined) json['architectures'] = [architecture];
  json['model_type'] = 'bert';
  for (const [camel, snake] of FIELDS) json[snake] = config[camel];
  json['id2label'] = config.id2label;
  json['label2id'] = config.label2id;
  return json;
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
  validateHeadFields(config.extra, source);
  if (Object.keys(config.id2label).length === 0) throw new ConfigError(`${source}: id2label must name at least one label`);
  return config;
}

/** Hugging Face's sequence-classification losses, by PretrainedConfig.problem_type. */
export const PROBLEM_TYPES = ['regression', 'single_label_classification', 'multi_label_classification'] as const;
export type ProblemType = (typeof PROBLEM_TYPES)[number];

/** The head fields tsbert keeps in `extra` (Hugging Face's classifier_dropout and problem_type), checked at load. */
function validateHeadFields(extra: Record<string, unknown>, source: string): void {
  const dropout = extra['classifier_dropout'];
  if (dropout !== undefined && dropout !== null && !(typeof dropout === 'number' && dropout >= 0 && dropout < 1)) {
    throw new ConfigError(`${source}: classifier_dropout must be null or in [0, 1), got ${JSON.stringify(dropout)}`);
  }
  const problemType = extra['problem_type'];
  if (problemType !== undefined && problemType !== null && !PROBLEM_TYPES.includes(problemType as ProblemType)) {
    throw new ConfigError(`${source}: problem_type must be null or one of ${PROBLEM_TYPES.join(', ')}, got ${JSON.stringify(problemType)}`);
  }
}

function snakeName(field: keyof BertConfig): string {
  return FIELDS.find(([camel]) => camel === field)?.[1] ?? field;
}
