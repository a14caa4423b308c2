/**
 * The config of a randomly initialised model for `finetune --config NAME|FILE --model-type TYPE` (comparisons with a
 * pre-trained start): a BERT preset's sizes (tiny … large) written in the family's config.json keys, or a
 * config.json file, read by the family's own config reader. The vocabulary size and the special ids the model
 * embeds (RoBERTa's padding_idx, which its position ids count from) are the tokenizer's.
 */
import { existsSync } from 'node:fs';
import { valuePreview } from '../error-text.js';
import { ConfigError } from '../errors.js';
import { readInputText } from '../io/checked-file.js';
import { parseConfigJson } from '../io/model-folder.js';
import { bertConfigPreset, BERT_PRESETS, isPresetName, type BertPresetName } from '../model/config.js';
import type { PretrainedConfig } from '../model/pretrained-config.js';
import { isQuantizedConfigJson } from '../model/quantization.js';
import { modelClassFor } from '../model/registry.js';
import type { PresetTokenizer } from '../tokenizer/auto-tokenizer.js';
import { AlbertTokenizer } from '../tokenizer/albert-tokenizer.js';
import { RobertaTokenizer } from '../tokenizer/roberta-tokenizer.js';

/** The model types a new model may have (--model-type). */
export const NEW_MODEL_TYPES = ['bert', 'roberta', 'distilbert', 'albert'] as const;
export type NewModelType = (typeof NEW_MODEL_TYPES)[number];

export function isNewModelType(name: string): name is NewModelType {
  return (NEW_MODEL_TYPES as readonly string[]).includes(name);
}

/** The special ids a family's config carries, from the tokenizer (Hugging Face's config classes name them so). */
function specialIds(tokenizer: PresetTokenizer): Record<string, number> {
  const ids: Record<string, number> = { pad_token_id: tokenizer.padTokenId };
  if (tokenizer instanceof RobertaTokenizer) Object.assign(ids, { bos_token_id: tokenizer.bosTokenId, eos_token_id: tokenizer.eosTokenId });
  // AlbertConfig's bos/eos defaults (2, 3) are [CLS] and [SEP] of albert-base-v2's spiece.model.
  if (tokenizer instanceof AlbertTokenizer) Object.assign(ids, { bos_token_id: tokenizer.clsTokenId, eos_token_id: tokenizer.sepTokenId });
  return ids;
}

/** A preset's sizes under the family's config.json keys. */
function presetJson(modelType: NewModelType, name: BertPresetName, vocabSize: number): Record<string, unknown> {
  const preset = bertConfigPreset(name, { vocabSize });
  const sizes = {
    model_type: modelType, vocab_size: vocabSize, hidden_size: preset.hiddenSize, num_hidden_layers: preset.numHiddenLayers,
    num_attention_heads: preset.numAttentionHeads, intermediate_size: preset.intermediateSize, max_position_embeddings: preset.maxPositionEmbeddings,
  };
  switch (modelType) {
    // RoBERTa's positions start after padding_idx (roberta-base: 512 tokens, max_position_embeddings 514); one token type.
    case 'roberta': return { ...sizes, max_position_embeddings: preset.maxPositionEmbeddings + 2, type_vocab_size: 1 };
    // DistilBertConfig's names: dim, n_layers, n_heads, hidden_dim.
    case 'distilbert': return {
      model_type: modelType, vocab_size: vocabSize, dim: preset.hiddenSize, n_layers: preset.numHiddenLayers, n_heads: preset.numAttentionHeads,
      hidden_dim: preset.intermediateSize, max_position_embeddings: preset.maxPositionEmbeddings,
    };
    // ALBERT §3.1: embeddings of E = 128 (albert-base-v2), no wider than the hidden size.
    case 'albert': return { ...sizes, embedding_size: Math.min(128, preset.hiddenSize) };
    default: return sizes;
  }
}

/** The config file's JSON: a preset name or a config.json path (`--config`). */
function configJson(modelType: NewModelType, spec: string, vocabSize: number): Record<string, unknown> {
  if (isPresetName(spec)) return presetJson(modelType, spec, vocabSize);
  if (!existsSync(spec)) throw new ConfigError(`--config "${spec}" is neither a preset (${Object.keys(BERT_PRESETS).join(', ')}) nor a file`);
  const json = parseConfigJson(readInputText(spec, { label: '--config', error: ConfigError }), spec);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigError(`${spec}: expected a JSON object`);
  if (isQuantizedConfigJson(json)) throw new ConfigError(`--config ${spec} is an int8-quantized model's config (quantization_config); fine-tuning trains float32 models`);
  const raw = json as Record<string, unknown>;
  const declared = raw['model_type'];
  if (declared !== undefined && declared !== modelType) {
    throw new ConfigError(`${spec}: model_type ${valuePreview(declared)} differs from --model-type ${modelType}`);
  }
  return { ...raw, model_type: modelType };
}

/** The new model's config (see the file comment); a file's vocab_size must be the tokenizer's. */
export function newModelConfig(modelType: NewModelType, spec: string, tokenizer: PresetTokenizer): PretrainedConfig {
  const vocabSize = tokenizer.vocabSize;
  const json = configJson(modelType, spec, vocabSize);
  const source = isPresetName(spec) ? `preset "${spec}" (${modelType})` : spec;
  if (json['vocab_size'] !== undefined && json['vocab_size'] !== vocabSize) {
    throw new ConfigError(`${spec}: vocab_size ${valuePreview(json['vocab_size'])} differs from the tokenizer's ${vocabSize} tokens`);
  }
  const family = modelClassFor(modelType, 'base', '--model-type').family;
  return family.configFromJson({ ...specialIds(tokenizer), ...json, vocab_size: vocabSize }, source);
}
