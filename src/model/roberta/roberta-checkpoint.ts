/**
 * RoBERTa's side of Hugging Face folders: its config.json and its key layout — the `roberta.` prefix (base model vs
 * task model), the tied MLM decoder (`lm_head.decoder.weight` is the word-embedding table, `lm_head.decoder.bias`
 * is `lm_head.bias`) and the position_ids buffer carry nothing to load; no TF-era LayerNorm names.
 */
import { checkpointKeysOf } from '../checkpoint-layout.js';
import type { CheckpointKeys } from '../checkpoint-params.js';
import { modelFamily, type ModelFamily } from '../model-family.js';
import { ROBERTA_CONFIG_SPEC, type RobertaConfig } from './roberta-config.js';

/** Hugging Face's RobertaPreTrainedModel: base_model_prefix "roberta". */
export const ROBERTA_CHECKPOINT_KEYS: CheckpointKeys = checkpointKeysOf({
  prefix: 'roberta',
  basePaths: /^(embeddings|encoder|pooler)\./,
  ignoredKeys: [
    /(^|\.)embeddings\.(position_ids|token_type_ids)$/,
    /^lm_head\.decoder\.(weight|bias)$/,
  ],
  legacyLayerNormNames: false,
  // RobertaLMHead ties decoder.bias to bias: a checkpoint may hold the tied copy alone.
  aliases: { 'lm_head.bias': ['lm_head.decoder.bias'] },
});

/** RoBERTa as the shared loader and the registry see it. */
export const ROBERTA_FAMILY: ModelFamily<RobertaConfig> = modelFamily(ROBERTA_CONFIG_SPEC, {
  basePrefix: 'roberta',
  checkpointKeys: ROBERTA_CHECKPOINT_KEYS,
  isRequired: (path) => /^(embeddings|encoder)\./.test(path),
});
