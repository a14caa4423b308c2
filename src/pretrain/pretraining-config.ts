/**
 * Model configs for pre-training a family from scratch: the size presets (tiny … large, BERT_PRESETS: Turc et al.
 * 2019, Devlin et al. 2019) dressed in each family's conventions, or a config.json of that family.
 * - RoBERTa (roberta-base's config.json): one token type, LayerNorm eps 1e-5, the tokenizer's `<s>`/`</s>`/`<pad>`
 *   ids, and `max_position_embeddings = maxSeqLength + pad_token_id + 1`, since positions start after padding_idx
 *   (514 = 512 + 2 with pad id 1).
 * - ALBERT (AlbertConfig's defaults: gelu_new, no dropout but 0.1 before the SOP classifier, E = 128 as every
 *   published ALBERT, one shared layer group): the preset's layers, width and heads.
 */
import { existsSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { readInputText } from '../io/checked-file.js';
import { ALBERT_CONFIG_SPEC, ALBERT_DEFAULTS, validateAlbertConfig } from '../model/albert/albert-config.js';
import { BERT_BASE_DEFAULTS, BERT_CONFIG_SPEC, BERT_PRESETS, isPresetName, validateBertConfig } from '../model/config.js';
import { configFromJson } from '../model/pretrained-config.js';
import { isQuantizedConfigJson } from '../model/quantization.js';
import { ROBERTA_BASE, ROBERTA_CONFIG_SPEC, validateRobertaConfig } from '../model/roberta/roberta-config.js';
import type { PretrainConfig, PretrainModelType } from './pretraining-model.js';

/** What a config takes from the tokenizer and the data; an id left out keeps the family's default. */
export interface PretrainConfigContext {
  vocabSize: number;
  padId?: number;
  clsId?: number;
  sepId?: number;
  /** The instance file's longest sequence (left out: the family's 512 positions, and no check). */
  maxSeqLength?: number;
}

/** A preset of the family, sized for the tokenizer and the data. */
export function familyPreset(modelType: PretrainModelType, preset: keyof typeof BERT_PRESETS, context: PretrainConfigContext): PretrainConfig {
  const sizes = { ...BERT_PRESETS[preset], intermediateSize: 4 * BERT_PRESETS[preset].hiddenSize, vocabSize: context.vocabSize, extra: {} };
  const source = `${modelType} preset "${preset}"`;
  if (modelType === 'roberta') {
    const padTokenId = context.padId ?? ROBERTA_BASE.padTokenId;
    return validateRobertaConfig({
      ...ROBERTA_BASE, ...sizes, padTokenId, bosTokenId: context.clsId ?? ROBERTA_BASE.bosTokenId, eosTokenId: context.sepId ?? ROBERTA_BASE.eosTokenId,
      maxPositionEmbeddings: (context.maxSeqLength ?? 512) + padTokenId + 1,
    }, source);
  }
  if (modelType === 'albert') {
    return validateAlbertConfig({
      ...ALBERT_DEFAULTS, ...sizes, padTokenId: context.padId ?? ALBERT_DEFAULTS.padTokenId,
      bosTokenId: context.clsId ?? ALBERT_DEFAULTS.bosTokenId, eosTokenId: context.sepId ?? ALBERT_DEFAULTS.eosTokenId,
    }, source);
  }
  return validateBertConfig({ ...BERT_BASE_DEFAULTS, ...sizes }, source);
}

/** `--config`: a preset name, or a config.json whose model_type is `modelType`'s and whose vocab_size is the tokenizer's. */
export function pretrainingConfig(modelType: PretrainModelType, spec: string, context: PretrainConfigContext): PretrainConfig {
  if (isPresetName(spec)) return familyPreset(modelType, spec, context);
  if (!existsSync(spec)) throw new ConfigError(`--config "${spec}" is neither a preset (${Object.keys(BERT_PRESETS).join(', ')}) nor a file`);
  const text = readInputText(spec, { label: '--config', error: ConfigError });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`${spec}: not valid JSON`, { cause });
  }
  if (isQuantizedConfigJson(json)) throw new ConfigError(`pretrain: --config ${spec} is an int8-quantized model's config (quantization_config); pre-training builds float32 models`);
  const config: PretrainConfig = modelType === 'roberta' ? configFromJson(ROBERTA_CONFIG_SPEC, json, spec)
    : modelType === 'albert' ? configFromJson(ALBERT_CONFIG_SPEC, json, spec) : configFromJson(BERT_CONFIG_SPEC, json, spec);
  if (config.vocabSize !== context.vocabSize) throw new ConfigError(`${spec}: vocab_size ${config.vocabSize} differs from the vocabulary's ${context.vocabSize} tokens`);
  const positions = (context.maxSeqLength ?? 0) + (modelType === 'roberta' ? config.padTokenId + 1 : 0);
  if (context.maxSeqLength !== undefined && config.maxPositionEmbeddings < positions) {
    throw new ConfigError(`${spec}: max_position_embeddings ${config.maxPositionEmbeddings} is under the ${positions} the data's ${context.maxSeqLength}-token sequences need`);
  }
  return config;
}
