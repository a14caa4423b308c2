/**
 * The config of a randomly initialised model for `finetune --config NAME|FILE --model-type TYPE` (comparisons with a
 * pre-trained start): model/new-model-config.ts with the tokenizer's vocabulary and special ids.
 */
import { newModelConfig as familyConfig, type NewModelType } from '../model/new-model-config.js';
import type { PretrainedConfig } from '../model/pretrained-config.js';
import type { PresetTokenizer } from '../tokenizer/auto-tokenizer.js';

export { isNewModelType, NEW_MODEL_TYPES, type NewModelType } from '../model/new-model-config.js';

export function newModelConfig(modelType: NewModelType, spec: string, tokenizer: PresetTokenizer): PretrainedConfig {
  return familyConfig(modelType, spec, {
    vocabSize: tokenizer.vocabSize, padId: tokenizer.padTokenId, clsId: tokenizer.clsTokenId, sepId: tokenizer.sepTokenId, purpose: 'fine-tuning',
  });
}
