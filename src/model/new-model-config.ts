/**
 * The config of a model built from scratch (`pretrain --config`, `finetune --config --model-type`): a size preset
 * (BERT_PRESETS: Turc et al. 2019, Devlin et al. 2019; intermediate = 4 × hidden) written in the family's config.json
 * keys, or a config.json of that family; either is read by the family's own config reader, so its defaults fill the
 * rest. The vocabulary size and the special ids are the tokenizer's.
 * - RoBERTa (roberta-base's config.json): one token type, LayerNorm eps 1e-5, and max_position_embeddings =
 *   tokens + pad_token_id + 1, since positions start after padding_idx (514 = 512 + 2 with pad id 1).
 * - DistilBERT: DistilBertConfig's names (dim, n_layers, n_heads, hidden_dim).
 * - ALBERT (§3.1): embeddings of E = 128 (every published ALBERT), no wider than the hidden size; AlbertConfig's
 *   defaults for the rest (gelu_new, no dropout, one layer group).
 */
import { existsSync } from 'node:fs';
import { valuePreview } from '../error-text.js';
import { ConfigError } from '../errors.js';
import { readInputText } from '../io/checked-file.js';
import { parseConfigJson } from '../io/model-folder.js';
import { BERT_PRESETS, isPresetName, type BertPresetName } from './config.js';
import type { PretrainedConfig } from './pretrained-config.js';
import { isQuantizedConfigJson } from './quantization.js';
import { modelClassFor } from './registry.js';

/** The model types a new model may have (--model-type). */
export const NEW_MODEL_TYPES = ['bert', 'roberta', 'distilbert', 'albert'] as const;
export type NewModelType = (typeof NEW_MODEL_TYPES)[number];

export function isNewModelType(name: string): name is NewModelType {
  return (NEW_MODEL_TYPES as readonly string[]).includes(name);
}

/** What a new model takes from its tokenizer and data; an id left out keeps the family's default. */
export interface NewModelContext {
  vocabSize: number;
  /** [PAD], [CLS] and [SEP] (RoBERTa's `<pad>`, `<s>`, `</s>`). */
  padId?: number;
  clsId?: number;
  sepId?: number;
  /** The longest sequence a RoBERTa preset must take (pre-training's data); left out: 512 tokens. */
  maxSeqLength?: number;
  /** What builds the model, for the refusal of a quantized config ("fine-tuning", "pre-training"). */
  purpose: string;
}

/** Hugging Face's config classes name the special ids so; RoBERTa's and ALBERT's bos/eos are [CLS] and [SEP]. */
function specialIdsJson(modelType: NewModelType, context: NewModelContext): Record<string, number> {
  const ids: Record<string, number | undefined> = { pad_token_id: context.padId };
  if (modelType === 'roberta' || modelType === 'albert') Object.assign(ids, { bos_token_id: context.clsId, eos_token_id: context.sepId });
  return Object.fromEntries(Object.entries(ids).filter((entry): entry is [string, number] => entry[1] !== undefined));
}

/** A preset's sizes under the family's config.json keys. */
function presetJson(modelType: NewModelType, name: BertPresetName, context: NewModelContext): Record<string, unknown> {
  const preset = BERT_PRESETS[name];
  // BERT's 512 positions whatever the data (§A.2: most steps at 128 tokens, the rest at 512); RoBERTa's as many as
  // the data needs after padding_idx.
  const sizes = {
    model_type: modelType, vocab_size: context.vocabSize, hidden_size: preset.hiddenSize, num_hidden_layers: preset.numHiddenLayers,
    num_attention_heads: preset.numAttentionHeads, intermediate_size: 4 * preset.hiddenSize, max_position_embeddings: 512,
  };
  switch (modelType) {
    case 'roberta': return {
      ...sizes, max_position_embeddings: (context.maxSeqLength ?? 512) + (context.padId ?? 1) + 1, type_vocab_size: 1, layer_norm_eps: 1e-5,
    };
    case 'distilbert': return {
      model_type: modelType, vocab_size: context.vocabSize, dim: preset.hiddenSize, n_layers: preset.numHiddenLayers,
      n_heads: preset.numAttentionHeads, hidden_dim: 4 * preset.hiddenSize, max_position_embeddings: 512,
    };
    case 'albert': return { ...sizes, embedding_size: Math.min(128, preset.hiddenSize) };
    default: return sizes;
  }
}

/** A config.json file of the family: not quantized, its model_type (when given) the family's. */
function fileJson(modelType: NewModelType, path: string, purpose: string): Record<string, unknown> {
  if (!existsSync(path)) throw new ConfigError(`--config "${path}" is neither a preset (${Object.keys(BERT_PRESETS).join(', ')}) nor a file`);
  const json = parseConfigJson(readInputText(path, { label: '--config', error: ConfigError }), path);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigError(`${path}: expected a JSON object`);
  if (isQuantizedConfigJson(json)) throw new ConfigError(`--config ${path} is an int8-quantized model's config (quantization_config); ${purpose} builds float32 models`);
  const raw = json as Record<string, unknown>;
  const declared = raw['model_type'];
  if (declared !== undefined && declared !== modelType) throw new ConfigError(`${path}: model_type ${valuePreview(declared)} differs from --model-type ${modelType}`);
  return { ...raw, model_type: modelType };
}

/** `--config SPEC`: a preset name or a config.json path (see the file comment), sized for the tokenizer and the data. */
export function newModelConfig(modelType: NewModelType, spec: string, context: NewModelContext): PretrainedConfig {
  const fromPreset = isPresetName(spec);
  const json = fromPreset ? presetJson(modelType, spec, context) : fileJson(modelType, spec, context.purpose);
  if (json['vocab_size'] !== undefined && json['vocab_size'] !== context.vocabSize) {
    throw new ConfigError(`${spec}: vocab_size ${valuePreview(json['vocab_size'])} differs from the tokenizer's ${context.vocabSize} tokens`);
  }
  const family = modelClassFor(modelType, 'base', '--model-type').family;
  return family.configFromJson({ ...specialIdsJson(modelType, context), ...json, vocab_size: context.vocabSize },
    fromPreset ? `preset "${spec}" (${modelType})` : spec);
}
