/**
 * DistilBERT's side of Hugging Face folders (DistilBertPreTrainedModel: base_model_prefix "distilbert"): its
 * config.json, its key layout — a base model's keys bare, a head's under `distilbert.`; the position_ids buffer and
 * the tied `vocab_projector.weight` (older pytorch_model.bin files hold it) carry nothing to load — and what a
 * checkpoint may lack: a head, never the embeddings or the transformer layers.
 */
import { checkpointKeysOf } from '../checkpoint-layout.js';
import type { ModelFamily } from '../model-family.js';
import { configOfSpec } from '../pretrained-config.js';
import {
  DISTILBERT_CONFIG_SPEC, DISTILBERT_MODEL_TYPE, distilBertConfigFromJson, distilBertConfigToJson, type DistilBertConfig,
} from './distilbert-config.js';

export const DISTILBERT_FAMILY: ModelFamily<DistilBertConfig> = {
  modelType: DISTILBERT_MODEL_TYPE,
  basePrefix: 'distilbert',
  configFromJson: distilBertConfigFromJson,
  configOf: (config, source) => configOfSpec(DISTILBERT_CONFIG_SPEC, config, source),
  configToJson: distilBertConfigToJson,
  checkpointKeys: checkpointKeysOf({
    prefix: 'distilbert',
    basePaths: /^(embeddings|transformer)\./,
    ignoredKeys: [/(^|\.)embeddings\.position_ids$/, /^vocab_projector\.weight$/],
    // Hugging Face's loader renames gamma/beta for every family (modeling_utils.py _fix_key).
    legacyLayerNormNames: true,
  }),
  isRequired: (path) => /^(embeddings|transformer)\./.test(path),
};
