/**
 * ALBERT's side of Hugging Face folders: base_model_prefix "albert", and the keys its checkpoints carry that hold
 * nothing to load — the position_ids / token_type_ids buffers and the MLM decoder, whose weight is the word
 * embeddings and whose bias is predictions.bias (AlbertMLMHead ties both; _tied_weights_keys).
 */
import { checkpointKeysOf } from '../checkpoint-layout.js';
import type { ModelFamily } from '../model-family.js';
import { configFromJson, configOfSpec, configToJson } from '../pretrained-config.js';
import { ALBERT_CONFIG_SPEC, ALBERT_MODEL_TYPE, type AlbertConfig } from './albert-config.js';

export const ALBERT_FAMILY: ModelFamily<AlbertConfig> = {
  modelType: ALBERT_MODEL_TYPE,
  basePrefix: 'albert',
  // Missing fields take AlbertConfig's defaults, as Hugging Face reads config.json.
  configFromJson: (json, source) => configFromJson(ALBERT_CONFIG_SPEC, json, source),
  configOf: (config, source) => configOfSpec(ALBERT_CONFIG_SPEC, config, source),
  configToJson: (config, architecture) => configToJson(ALBERT_CONFIG_SPEC, config, architecture),
  checkpointKeys: checkpointKeysOf({
    prefix: 'albert',
    basePaths: /^(embeddings|encoder|pooler)\./,
    ignoredKeys: [
      /(^|\.)embeddings\.(position_ids|token_type_ids)$/,
      /^predictions\.decoder\.(weight|bias)$/,
    ],
    legacyLayerNormNames: false,
  }),
  // The pooler (a bare Linear in ALBERT: pooler.weight) may be new, as a head may; embeddings and layers may not.
  isRequired: (path) => /^(embeddings|encoder)\./.test(path),
};
