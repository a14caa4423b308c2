/**
 * Hugging Face model folders in and out: config.json + model.safetensors, or a legacy pytorch_model.bin when there is
 * no safetensors file (+ tokenizer files). Parameter paths
 * already are Hugging Face keys (see nn/module.ts); this file only bridges the variants checkpoints come in:
 * with or without the `bert.` prefix, legacy LayerNorm `gamma`/`beta`, and tied or buffer keys that are
 * expected to be absent or present.
 */
import { join } from 'node:path';
import { CheckpointError, ConfigError, shapeString } from '../errors.js';
import { bertConfigFromJson, bertConfigToJson, type BertConfig } from '../model/config.js';
import type { BertPreTrainedModel } from '../model/pretrained.js';
import { withoutRandomInit } from '../nn/init.js';
import { Rng } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import { writeFileAtomic } from './atomic-file.js';
import { checkInput, ensureDirectory, optionalInputFile, readInputText } from './checked-file.js';
import { openPytorchBin, PYTORCH_WEIGHTS_NAME } from './pytorch-bin.js';
import { openSafetensors, toFloat32, writeSafetensors, type SafetensorsDType, type SafetensorsTensor } from './safetensors.js';

export const CONFIG_NAME = 'config.json';
export const WEIGHTS_NAME = 'model.safetensors';

/** Hugging Face's report of a load: model parameters the checkpoint lacked, checkpoint tensors the model did not use. */
export interface LoadingInfo {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Keys a BERT checkpoint may hold that carry nothing to load: tied copies and buffers. */
const IGNORED_KEYS = [
  /(^|\.)embeddings\.position_ids$/,
  /^cls\.predictions\.decoder\.(weight|bias)$/,
];

/** Something that can write its files into a model folder (the BERT tokenizer does). */
export interface SavableTokenizer {
  savePretrained(dir: string): void;
}

/** Maps a checkpoint key to this model's naming; returns null for keys to ignore. */
export function normalizeKey(key: string, basePrefix: string): string | null {
  if (IGNORED_KEYS.some((pattern) => pattern.test(key))) return null;
  let name = key.replace(/\.gamma$/, '.weight').replace(/\.beta$/, '.bias');
  const bare = name.startsWith('bert.') ? name.slice('bert.'.length) : name;
  const isEncoderKey = /^(embeddings|encoder|pooler)\./.test(bare);
  if (basePrefix === '') name = bare;
  else if (isEncoderKey) name = basePrefix + bare;
  return name;
}

/** A model folder in errors of the folder itself (missing, a file). */
const MODEL_FOLDER = { label: 'model folder', error: CheckpointError } as const;
const WEIGHTS_FILE = { error: CheckpointError } as const;

/** config.json of a model folder; a missing folder is a CheckpointError, a missing or bad config a ConfigError. */
export function readConfig(dir: string): BertConfig {
  checkInput(dir, MODEL_FOLDER, 'directory');
  const path = join(dir, CONFIG_NAME);
  const text = readInputText(path, { label: 'model config', error: ConfigError });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`${path}: not valid JSON (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
  }
  return bertConfigFromJson(json, path);
}

/** A weights file as loadWeights reads it: names, dtypes and shapes up front, data one tensor at a time. */
interface TensorSource {
  readonly tensorInfos: readonly { name: string; dtype: SafetensorsDType; shape: readonly number[] }[];
  read(name: string): SafetensorsTensor;
  close(): void;
}

/**
 * Opens a weights file by its extension: `.bin` is PyTorch's torch.save archive (read without executing its pickle),
 * anything else safetensors. A missing model.safetensors falls back to pytorch_model.bin beside it, as Hugging Face's
 * from_pretrained does.
 */
function openTensorSource(path: string): { source: TensorSource; path: string } {
  if (!optionalInputFile(path, WEIGHTS_FILE)) {
    const bin = join(path, '..', PYTORCH_WEIGHTS_NAME);
    if (!path.endsWith(WEIGHTS_NAME)) throw new CheckpointError(`${path}: no such file`);
    if (!optionalInputFile(bin, WEIGHTS_FILE)) throw new CheckpointError(`${path}: no such file (nor ${PYTORCH_WEIGHTS_NAME} beside it)`);
    path = bin;
  }
  return { source: path.endsWith('.bin') ? openPytorchBin(path) : openSafetensors(path), path };
}

/**
 * Copies a checkpoint (safetensors, or pytorch_model.bin) into the model's parameters, tensor by tensor (peak memory:
 * the model plus one tensor). Shapes must match exactly; F32, F16, BF16 and F64 are accepted.
 */
export function loadWeights(model: BertPreTrainedModel, weightsPath: string): LoadingInfo {
  const params = new Map<string, Tensor>(model.namedParameters());
  const loaded = new Set<string>();
  const unexpectedKeys: string[] = [];
  const { source: reader, path } = openTensorSource(weightsPath);
  try {
    for (const info of reader.tensorInfos) {
      const name = normalizeKey(info.name, model.basePrefix);
      if (name === null) continue;
      const param = params.get(name);
      if (param === undefined) {
        unexpectedKeys.push(info.name);
        continue;
      }
      if (info.shape.length !== param.shape.length || info.shape.some((d, i) => d !== param.shape[i])) {
        throw new CheckpointError(`${path}: tensor "${info.name}" has shape ${shapeString(info.shape)}, the model expects ${shapeString(param.shape)}`);
      }
      if (!['F32', 'F16', 'BF16', 'F64'].includes(info.dtype)) {
        throw new CheckpointError(`${path}: tensor "${info.name}" has dtype ${info.dtype}, expected a float type`);
      }
      param.data.set(toFloat32(reader.read(info.name), `${path}: tensor "${info.name}"`));
      loaded.add(name);
    }
  } finally {
    reader.close();
  }
  const missingKeys = [...params.keys()].filter((name) => !loaded.has(name));
  return { missingKeys, unexpectedKeys };
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

/** Writes config.json, model.safetensors and, when given, the tokenizer files into dir (created if needed). */
export function savePretrained(model: BertPreTrainedModel, dir: string, tokenizer?: SavableTokenizer): void {
  ensureDirectory(dir, MODEL_FOLDER);
  writeJsonAtomic(join(dir, CONFIG_NAME), bertConfigToJson(model.config, model.architecture));
  writeSafetensors(join(dir, WEIGHTS_NAME), stateDict(model), { format: 'pt' });
  tokenizer?.savePretrained(dir);
}

/** A JSON file as Hugging Face writes them (two-space indent, final newline), atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, { error: CheckpointError });
}
