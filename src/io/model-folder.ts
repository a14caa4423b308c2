/**
 * Hugging Face model folders as files: config.json (raw JSON), model.safetensors or, when there is none, a legacy
 * pytorch_model.bin (read without executing its pickle), and writing them back. Model-agnostic: which keys a
 * checkpoint holds and what they mean is each architecture's business (model/bert-checkpoint.ts for BERT), so this
 * layer imports nothing of model/.
 */
import { join } from 'node:path';
import { CheckpointError, ConfigError, shapeString } from '../errors.js';
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

/** Something that can write its files into a model folder (the BERT tokenizer does). */
export interface SavableTokenizer {
  savePretrained(dir: string): void;
}

/** A model folder in errors of the folder itself (missing, a file). */
const MODEL_FOLDER = { label: 'model folder', error: CheckpointError } as const;
const WEIGHTS_FILE = { error: CheckpointError } as const;

/** config.json of a model folder as parsed JSON; a missing folder is a CheckpointError, a missing or bad config a ConfigError. */
export function readConfigJson(dir: string): { json: unknown; path: string } {
  checkInput(dir, MODEL_FOLDER, 'directory');
  const path = join(dir, CONFIG_NAME);
  const text = readInputText(path, { label: 'model config', error: ConfigError });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`${path}: not valid JSON (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
  }
  return { json, path };
}

/** A weights file as its reader gives it: names, dtypes and shapes up front, data one tensor at a time. */
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

/** The float types a checkpoint tensor may hold; each is converted to float32 on reading. */
const FLOAT_DTYPES: readonly SafetensorsDType[] = ['F32', 'F16', 'BF16', 'F64'];

/**
 * A checkpoint (safetensors, or pytorch_model.bin) open for reading parameters one by one: peak memory is the model
 * plus one tensor. Which key feeds which parameter is the architecture's business; this checks what any parameter
 * needs: the exact shape and a float dtype.
 */
export class WeightsFile {
  /** The checkpoint's keys, in file order. */
  readonly keys: readonly string[];
  private readonly infos: ReadonlyMap<string, { dtype: SafetensorsDType; shape: readonly number[] }>;

  private constructor(private readonly source: TensorSource, readonly path: string) {
    this.keys = source.tensorInfos.map((info) => info.name);
    this.infos = new Map(source.tensorInfos.map((info) => [info.name, info]));
  }

  static open(weightsPath: string): WeightsFile {
    const { source, path } = openTensorSource(weightsPath);
    return new WeightsFile(source, path);
  }

  has(key: string): boolean {
    return this.infos.has(key);
  }

  /** The tensor under `key` as float32, which must have the shape the model expects. */
  read(key: string, shape: readonly number[]): Float32Array {
    const info = this.infos.get(key);
    if (info === undefined) throw new CheckpointError(`${this.path}: no tensor "${key}"`);
    if (info.shape.length !== shape.length || info.shape.some((d, i) => d !== shape[i])) {
      throw new CheckpointError(`${this.path}: tensor "${key}" has shape ${shapeString(info.shape)}, the model expects ${shapeString(shape)}`);
    }
    if (!FLOAT_DTYPES.includes(info.dtype)) {
      throw new CheckpointError(`${this.path}: tensor "${key}" has dtype ${info.dtype}, expected a float type`);
    }
    return toFloat32(this.source.read(key), `${this.path}: tensor "${key}"`);
  }

  close(): void {
    this.source.close();
  }
}

/** Writes config.json, model.safetensors (F32) and, when given, the tokenizer files into dir (created if needed). */
export function writeModelFolder(dir: string, config: unknown, tensors: Record<string, SafetensorsTensor>, tokenizer?: SavableTokenizer): void {
  ensureDirectory(dir, MODEL_FOLDER);
  writeJsonAtomic(join(dir, CONFIG_NAME), config);
  writeSafetensors(join(dir, WEIGHTS_NAME), tensors, { format: 'pt' });
  tokenizer?.savePretrained(dir);
}

/** A JSON file as Hugging Face writes them (two-space indent, final newline), atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, { error: CheckpointError });
}
