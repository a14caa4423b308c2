/**
 * Hugging Face folders in and out for any model family: the family (model-family.ts) says how its config.json
 * reads and where its checkpoint keeps each parameter; building, strict loading, newly initialised heads, the
 * loading report and saving are written once, here.
 */
import { CheckpointError } from '../errors.js';
import { fileAccess } from '../io/file-access.js';
import {
  QUANT_SCALE_SUFFIX, readConfigJson, WEIGHTS_NAME, WeightsFile, writeModelFolder, type LoadingInfo, type SavableTokenizer,
} from '../io/model-folder.js';
import type { SafetensorsTensor } from '../io/safetensors-format.js';
import { ParamSource } from '../nn/param-source.js';
import { Rng } from '../tensor/rng.js';
import { emitWarning } from '../warnings.js';
import { CheckpointParams } from './checkpoint-params.js';
import type { ModelFamily } from './model-family.js';
import type { PretrainedConfig } from './pretrained-config.js';
import type { PreTrainedModel } from './pretrained-model.js';
import { isQuantized, quantizationConfigOf } from './quantization.js';

/** How a checkpoint is loaded, from a folder or from bytes. */
export interface LoadOptions {
  /** No warning about newly initialised weights. */
  quiet?: boolean;
  /**
   * Changes the checkpoint's config before the model is built, as Hugging Face's `from_pretrained(dir, num_labels=…,
   * id2label=…)` does when fine-tuning gives a head new labels.
   */
  configure?: <C extends PretrainedConfig>(config: C) => C;
  /** Seed of the initialisation of newly initialised (head) weights; default 0. */
  seed?: number;
}

/** The config of a model folder, read by `family`. */
export function readModelConfig<C extends PretrainedConfig>(family: ModelFamily<C>, dir: string): C {
  const { json, path } = readConfigJson(dir);
  return family.configFromJson(json, path);
}

const MODEL_WEIGHTS = { error: CheckpointError } as const;

/**
 * Builds a model from a Hugging Face folder of `family`: its modules take their weights from the checkpoint as they
 * are created, so nothing is drawn for weights the file has.
 */
export function loadPretrained<C extends PretrainedConfig, M extends PreTrainedModel<C>>(
  build: (config: C, params: ParamSource) => M,
  family: ModelFamily<C>,
  dir: string,
  options: LoadOptions = {},
): { model: M; loadingInfo: LoadingInfo } {
  const config = readModelConfig(family, dir);
  const weights = WeightsFile.open(fileAccess(dir, MODEL_WEIGHTS).join(dir, WEIGHTS_NAME));
  try {
    return loadCheckpoint(build, family, config, weights, dir, options);
  } finally {
    weights.close();
  }
}

/**
 * Builds a model from its config and an open checkpoint (a folder's file, or bytes in memory): strict as Hugging
 * Face's from_pretrained — only what the family lets be new (a head, a pooler) may be missing, and is then drawn
 * from a fixed seed and reported. `source` names the checkpoint in the error and the warning. The caller closes
 * `weights`.
 */
export function loadCheckpoint<C extends PretrainedConfig, M extends PreTrainedModel<C>>(
  build: (config: C, params: ParamSource) => M,
  family: ModelFamily<C>,
  config: C,
  weights: WeightsFile,
  source: string,
  options: LoadOptions = {},
): { model: M; loadingInfo: LoadingInfo } {
  const checkpoint = new CheckpointParams(weights, family.checkpointKeys);
  const model = build(options.configure === undefined ? config : options.configure(config), ParamSource.of(checkpoint));
  const loadingInfo = checkpoint.loadingInfo();
  // Strict: only a head (or a pooler) may be new; an encoder weight missing means the checkpoint is not this model's.
  const required = loadingInfo.missingKeys.filter((name) => !model.mayBeNewlyInitialized(name));
  if (required.length > 0) {
    throw new CheckpointError(`${source}: the checkpoint lacks ${required.length === 1 ? 'the encoder weight' : `${required.length} encoder weights:`} `
      + `${required.slice(0, 3).join(', ')}${required.length > 3 ? ', …' : ''} — it is not a ${model.architecture} checkpoint`);
  }
  // A new head gets the family's initialisation, as Hugging Face's _init_weights gives it, from a fixed seed.
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

/** Copies a checkpoint file (safetensors or pytorch_model.bin) into a built model; reports missing and unexpected keys. */
export function loadWeights(model: PreTrainedModel, weightsPath: string): LoadingInfo {
  const file = WeightsFile.open(weightsPath);
  try {
    const checkpoint = new CheckpointParams(file, model.family.checkpointKeys);
    for (const [name, param] of model.namedParameters()) checkpoint.copyInto(name, param);
    return checkpoint.loadingInfo();
  } finally {
    file.close();
  }
}

/** The tensors a model saves under Hugging Face's names (tied decoder weight excluded, as HF does). */
export function stateDict(model: PreTrainedModel): Record<string, SafetensorsTensor> {
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
export function savePretrained(model: PreTrainedModel, dir: string, tokenizer?: SavableTokenizer): void {
  const json = model.family.configToJson(model.config, model.architecture);
  // The folder's config says what its weights are: int8 ones need the int8 path to load back.
  if (isQuantized(model)) json['quantization_config'] = quantizationConfigOf(model);
  else delete json['quantization_config'];
  writeModelFolder(dir, json, stateDict(model), tokenizer);
}
