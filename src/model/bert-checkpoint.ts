/**
 * BERT's side of Hugging Face folders: its config.json, its key layout and its loading rules. Parameter paths
 * already are Hugging Face keys (nn/param-source.ts); this file states the variants BERT checkpoints come in — with
 * or without the `bert.` prefix (base model vs task model), legacy LayerNorm `gamma`/`beta`, and tied or buffer
 * keys that carry nothing to load — and what a checkpoint may lack (a head, a pooler; never the encoder). Loading
 * itself is the shared loader's (checkpoint-loading.ts).
 */
import { readModelConfig } from './checkpoint-loading.js';
import { checkpointKeysOf } from './checkpoint-layout.js';
import type { CheckpointKeys } from './checkpoint-params.js';
import { BERT_CONFIG_SPEC, type BertConfig } from './config.js';
import { modelFamily, type ModelFamily } from './model-family.js';

export { loadWeights, savePretrained, stateDict, type LoadOptions } from './checkpoint-loading.js';

/** BERT's key layout (Hugging Face's BertPreTrainedModel: base_model_prefix "bert"). */
export const BERT_CHECKPOINT_KEYS: CheckpointKeys = checkpointKeysOf({
  prefix: 'bert',
  basePaths: /^(embeddings|encoder|pooler)\./,
  ignoredKeys: [
    /(^|\.)embeddings\.position_ids$/,
    /^cls\.predictions\.decoder\.(weight|bias)$/,
  ],
  legacyLayerNormNames: true,
});

/** BERT as the shared loader and the registry see it. */
export const BERT_FAMILY: ModelFamily<BertConfig> = modelFamily(BERT_CONFIG_SPEC, {
  basePrefix: 'bert',
  checkpointKeys: BERT_CHECKPOINT_KEYS,
  isRequired: (path) => /^(embeddings|encoder)\./.test(path),
});

/** The BertConfig of a model folder. */
export function readConfig(dir: string): BertConfig {
  return readModelConfig(BERT_FAMILY, dir);
}
