/**
 * Model configs for pre-training a family from scratch (model/new-model-config.ts: the size presets in each family's
 * conventions, or a config.json of that family), sized for the tokenizer and the instance file's sequences.
 */
import { ConfigError } from '../errors.js';
import { isPresetName, type BertPresetName } from '../model/config.js';
import { newModelConfig, type NewModelContext } from '../model/new-model-config.js';
import type { PretrainConfig, PretrainModelType } from './pretraining-model.js';

/** What a config takes from the tokenizer and the data (maxSeqLength: the instance file's longest sequence). */
export type PretrainConfigContext = Omit<NewModelContext, 'purpose'>;

/** A preset of the family, sized for the tokenizer and the data. */
export function familyPreset(modelType: PretrainModelType, preset: BertPresetName, context: PretrainConfigContext): PretrainConfig {
  return newModelConfig(modelType, preset, { ...context, purpose: 'pre-training' }) as PretrainConfig;
}

/**
 * `--config`: a preset name, or a config.json whose model_type is `modelType`'s, whose vocab_size is the tokenizer's
 * and whose positions hold the data's sequences.
 */
export function pretrainingConfig(modelType: PretrainModelType, spec: string, context: PretrainConfigContext): PretrainConfig {
  if (isPresetName(spec)) return familyPreset(modelType, spec, context);
  const config = newModelConfig(modelType, spec, { ...context, purpose: 'pre-training' }) as PretrainConfig;
  // RoBERTa's positions start after padding_idx: n tokens use positions up to n + pad_token_id.
  const positions = (context.maxSeqLength ?? 0) + (modelType === 'roberta' ? config.padTokenId + 1 : 0);
  if (context.maxSeqLength !== undefined && config.maxPositionEmbeddings < positions) {
    throw new ConfigError(`${spec}: max_position_embeddings ${config.maxPositionEmbeddings} is under the ${positions} the data's ${context.maxSeqLength}-token sequences need`);
  }
  return config;
}
