/**
 * BERT's side of Hugging Face folders: its config.json, its key layout and its loading rules. Parameter paths
 * already are Hugging Face keys (see nn/module.ts); this file bridges the variants BERT checkpoints come in — with
 * or without the `bert.` prefix (base model vs task model), legacy LayerNorm `gamma`/`beta`, and tied or buffer
 * keys that carry nothing to load — and decides what a checkpoint may lack (a head, a pooler; never the encoder).
 */
import { join } from 'node:path';
import { CheckpointError } from '../errors.js';
import {
  loadTensors, readConfigJson, WEIGHTS_NAME, writeModelFolder, type LoadingInfo, type SavableTokenizer,
} from '../io/model-folder.js';
import type { SafetensorsTensor } from '../io/safetensors.js';
import { withoutRandomInit } from '../nn/init.js';
import { Rng } from '../tensor/rng.js';
import { bertConfigFromJson, bertConfigToJson, type BertConfig } from './config.js';
import type { BertPreTrainedModel } from './pretrained.js';

/** Keys a BERT checkpoint may hold that carry nothing to load: tied copies and buffers. */
const IGNORED_KEYS = [
  /(^|\.)embeddings\.position_ids$/,
  /^cls\.predictions\.decoder\.(weight|bias)$/,
];

/** Maps a checkpoint key to the naming of a model whose encoder sits under `basePrefix`; null for keys to ignore. */
export function normalizeKey(key: string, basePrefix: string): string | null {
  if (IGNORED_KEYS.some((pattern) => pattern.test(key))) return null;
  let name = key.replace(/\.gamma$/, '.weight').replace(/\.beta$/, '.bias');
  const bare = name.startsWith('bert.') ? name.slice('bert.'.length) : name;
  const isEncoderKey = /^(embeddings|encoder|pooler)\./.test(bare);
  if (basePrefix === '') name = bare;
  else if (isEncoderKey) name = basePrefix + bare;
  return name;
}

/** The BertConfig of a model folder. */
export function readConfig(dir: string): BertConfig {
  const { json, path } = readConfigJson(dir);
  return bertConfigFromJson(json, path);
}

/** Copies a checkpoint file (safetensors or pytorch_model.bin) into the model; reports missing and unexpected keys. */
export function loadWeights(model: BertPreTrainedModel, weightsPath: string): LoadingInfo {
  return loadTensors(new Map(model.namedParameters()), weightsPath, (key) => normalizeKey(key, model.basePrefix));
}

/** Loads a Hugging Face BERT folder into a freshly built model of the given class. */
export function loadPretrained<M extends BertPreTrainedModel>(
  build: (config: BertConfig) => M,
  dir: string,
  options: { quiet?: boolean } = {},
): { model: M; loadingInfo: LoadingInfo } {
  const config = readConfig(dir);
  const model = withoutRandomInit(() => build(config));
  const loadingInfo = loadWeights(model, join(dir, WEIGHTS_NAME));
  // Strict: only a head (or a pooler) may be new; an encoder weight missing means the folder is not this model's.
  const required = loadingInfo.missingKeys.filter((name) => !model.mayBeNewlyInitialized(name));
  if (required.length > 0) {
    throw new CheckpointError(`${dir}: the checkpoint lacks ${required.length === 1 ? 'the encoder weight' : `${required.length} encoder weights:`} `
      + `${required.slice(0, 3).join(', ')}${required.length > 3 ? ', …' : ''} — it is not a ${model.architecture} checkpoint`);
  }
  initializeMissing(model, loadingInfo.missingKeys);
  model.eval();
  if (!options.quiet && loadingInfo.missingKeys.length > 0) {
    // Hugging Face's words (modeling_utils.py), so users recognise what to do.
    process.emitWarning(`Some weights of ${model.architecture} were not initialized from the model checkpoint at ${dir} and are newly `
      + `initialized: [${loadingInfo.missingKeys.join(', ')}]. You should probably TRAIN this model on a down-stream task to be able `
      + 'to use it for predictions and inference.', { code: 'TSBERT_NEWLY_INITIALIZED' });
  }
  return { model, loadingInfo };
}

/**
 * Weights a checkpoint lacked (a new task head) get BERT's initialisation, as Hugging Face's _init_weights gives
 * them: LayerNorm weight 1, biases 0, everything else N(0, initializer_range).
 */
function initializeMissing(model: BertPreTrainedModel, missingKeys: readonly string[]): void {
  if (missingKeys.length === 0) return;
  const rng = new Rng(0);
  const params = new Map(model.namedParameters());
  for (const name of missingKeys) {
    const param = params.get(name)!;
    if (name.endsWith('LayerNorm.weight')) param.data.fill(1);
    else if (name.endsWith('bias')) param.data.fill(0);
    else for (let i = 0; i < param.size; i++) param.data[i] = model.config.initializerRange * rng.normal();
  }
}

/** The tensors a model saves under Hugging Face's names (tied decoder weight excluded, as HF does). */
export function stateDict(model: BertPreTrainedModel): Record<string, SafetensorsTensor> {
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const [name, param] of model.namedParameters()) {
    tensors[name] = { dtype: 'F32', shape: [...param.shape], data: param.data as Float32Array };
  }
  return tensors;
}

/** Writes config.json (architectures and model_type included), model.safetensors and the tokenizer's files. */
export function savePretrained(model: BertPreTrainedModel, dir: string, tokenizer?: SavableTokenizer): void {
  writeModelFolder(dir, bertConfigToJson(model.config, model.architecture), stateDict(model), tokenizer);
}
