/**
 * BERT's side of Hugging Face folders: its config.json, its key layout and its loading rules. Parameter paths
 * already are Hugging Face keys (nn/param-source.ts); this file bridges the variants BERT checkpoints come in — with
 * or without the `bert.` prefix (base model vs task model), legacy LayerNorm `gamma`/`beta`, and tied or buffer
 * keys that carry nothing to load — and decides what a checkpoint may lack (a head, a pooler; never the encoder).
 */
import { CheckpointError } from '../errors.js';
import { fileAccess } from '../io/file-access.js';
import {
  QUANT_SCALE_SUFFIX, readConfigJson, WEIGHTS_NAME, WeightsFile, writeModelFolder, type LoadingInfo, type SavableTokenizer,
} from '../io/model-folder.js';
import type { SafetensorsTensor } from '../io/safetensors-format.js';
import { ParamSource } from '../nn/param-source.js';
import { Rng } from '../tensor/rng.js';
import { CheckpointParams, type CheckpointKeys } from './checkpoint-params.js';
import { bertConfigFromJson, bertConfigToJson, type BertConfig } from './config.js';
import type { BertPreTrainedModel } from './pretrained.js';
import { isQuantized, QUANTIZATION_CONFIG } from './quantization.js';
import { emitWarning } from '../warnings.js';

/** Keys a BERT checkpoint may hold that carry nothing to load: tied copies and buffers. */
const IGNORED_KEYS = [
  /(^|\.)embeddings\.position_ids$/,
  /^cls\.predictions\.decoder\.(weight|bias)$/,
];

/** The encoder's own parameters: what a base model holds bare and a task model under `bert.`. */
const ENCODER_PATH = /^(embeddings|encoder|pooler)\./;

/**
 * Where a BERT checkpoint holds a parameter: under its own path first; an encoder parameter also with the `bert.`
 * prefix added (a task model's checkpoint read by BertModel) or removed (a BertModel checkpoint read by a task
 * model); and each of these with TF-era LayerNorm names, `gamma` for weight and `beta` for bias.
 */
export const BERT_CHECKPOINT_KEYS: CheckpointKeys = {
  keysOf(path) {
    const bare = path.startsWith('bert.') ? path.slice('bert.'.length) : path;
    const paths = [path];
    if (ENCODER_PATH.test(bare)) paths.push(path === bare ? `bert.${bare}` : bare);
    const legacy = paths.map((name) => name.replace(/\.weight$/, '.gamma').replace(/\.bias$/, '.beta'));
    return [...paths, ...legacy.filter((name) => !paths.includes(name))];
  },
  isIgnored: (key) => IGNORED_KEYS.some((pattern) => pattern.test(key)),
};

const MODEL_WEIGHTS = { error: CheckpointError } as const;

/** The BertConfig of a model folder. */
export function readConfig(dir: string): BertConfig {
  const { json, path } = readConfigJson(dir);
  return bertConfigFromJson(json, path);
}

/** Copies a checkpoint file (safetensors or pytorch_model.bin) into a built model; reports missing and unexpected keys. */
export function loadWeights(model: BertPreTrainedModel, weightsPath: string): LoadingInfo {
  const file = WeightsFile.open(weightsPath);
  try {
    const checkpoint = new CheckpointParams(file, BERT_CHECKPOINT_KEYS);
    for (const [name, param] of model.namedParameters()) checkpoint.copyInto(name, param);
    return checkpoint.loadingInfo();
  } finally {
    file.close();
  }
}

/** How a checkpoint is loaded, from a folder or from bytes. */
export interface LoadOptions {
  /** No warning about newly initialised weights. */
  quiet?: boolean;
  /**
   * Changes the checkpoint's config before the model is built, as Hugging Face's `from_pretrained(dir, num_labels=…,
   * id2label=…)` does when fine-tuning gives a head new labels.
   */
  configure?: (config: BertConfig) => BertConfig;
  /** Seed of the initialisation of newly initialised (head) weights; default 0. */
  seed?: number;
}

/**
 * Builds a model from a Hugging Face BERT folder: its modules take their weights from the checkpoint as they are
 * created, so nothing is drawn for weights the file has.
 */
export function loadPretrained<M extends BertPreTrainedModel>(
  build: (config: BertConfig, params: ParamSource) => M,
  dir: string,
  options: LoadOptions = {},
): { model: M; loadingInfo: LoadingInfo } {
  const config = readConfig(dir);
  const weights = WeightsFile.open(fileAccess(dir, MODEL_WEIGHTS).join(dir, WEIGHTS_NAME));
  try {
    return loadCheckpoint(build, config, weights, dir, options);
  } finally {
    weights.close();
  }
}

/**
 * Builds a model from its config and an open checkpoint (a folder's file, or bytes in memory): strict as Hugging
 * Face's from_pretrained — only a head or a pooler may be new, and is then drawn from a fixed seed and reported.
 * `source` names the checkpoint in the error and the warning. The caller closes `weights`.
 */
export function loadCheckpoint<M extends BertPreTrainedModel>(
  build: (config: BertConfig, params: ParamSource) => M,
  config: BertConfig,
  weights: WeightsFile,
  source: string,
  options: LoadOptions = {},
): { model: M; loadingInfo: LoadingInfo } {
  const checkpoint = new CheckpointParams(weights, BERT_CHECKPOINT_KEYS);
  const model = build(options.configure === undefined ? config : options.configure(config), ParamSource.of(checkpoint));
  const loadingInfo = checkpoint.loadingInfo();
  // Strict: only a head (or a pooler) may be new; an encoder weight missing means the checkpoint is not this model's.
  const required = loadingInfo.missingKeys.filter((name) => !model.mayBeNewlyInitialized(name));
  if (required.length > 0) {
    throw new CheckpointError(`${source}: the checkpoint lacks ${required.length === 1 ? 'the encoder weight' : `${required.length} encoder weights:`} `
      + `${required.slice(0, 3).join(', ')}${required.length > 3 ? ', …' : ''} — it is not a ${model.architecture} checkpoint`);
  }
  // A new head gets BERT's initialisation, as Hugging Face's _init_weights gives it, from a fixed seed.
  checkpoint.initializeMissing(new Rng(options.seed ?? 0));
  model.eval();
  if (!options.quiet && loadingInfo.missingKeys.length > 0) {
    // Hugging Face's words (modeling_utils.py), so users recognise what to do.
    emitWarning(`Some weights of ${model.architecture} were not initialized from the model checkpoint at ${source} and are newly `
      + `initialized: [${loadingInfo.missingKeys.join(', ')}]. You should probably TRAIN this model on a down-stream task to be able `
      + 'to use it for predictions and inference.', 'TSBERT_NEWLY_INITIALIZED');
  }
  return { model, loadingInfo };
}

/** The tensors a model saves under Hugging Face's names (tied decoder weight excluded, as HF does). */
export function stateDict(model: BertPreTrainedModel): Record<string, SafetensorsTensor> {
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const [name, param] of model.namedParameters()) {
    if (param.data instanceof Int8Array && param.scales !== null) {
      // An int8 weight and its per-output-channel scales (docs/quantization.md).
      tensors[name] = { dtype: 'I8', shape: [...param.shape], data: param.data };
      tensors[`${name}${QUANT_SCALE_SUFFIX}`] = { dtype: 'F32', shape: [param.scales.values.length], data: param.scales.values };
    } else {
      tensors[name] = { dtype: 'F32', shape: [...param.shape], data: param.data as Float32Array };
    }
  }
  return tensors;
}

/** Writes config.json (architectures and model_type included), model.safetensors and the tokenizer's files. */
export function savePretrained(model: BertPreTrainedModel, dir: string, tokenizer?: SavableTokenizer): void {
  const json = bertConfigToJson(model.config, model.architecture);
  // The folder's config says what its weights are: int8 ones need the int8 path to load back.
  if (isQuantized(model)) json['quantization_config'] = { ...QUANTIZATION_CONFIG };
  else delete json['quantization_config'];
  writeModelFolder(dir, json, stateDict(model), tokenizer);
}
