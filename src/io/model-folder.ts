/**
 * Hugging Face model folders as files: config.json (raw JSON), model.safetensors or, when there is none, a legacy
 * pytorch_model.bin (read without executing its pickle), and writing them back. Model-agnostic: which keys a
 * checkpoint holds and what they mean is each architecture's business (model/bert-checkpoint.ts for BERT), so this
 * layer imports nothing of model/. Files are reached through the installed FileAccess (io/file-access.ts), and a
 * checkpoint in memory (WeightsFile.fromBytes) is read by the same code as one on disk.
 */
import { CheckpointError, ConfigError, shapeString } from '../errors.js';
import { fileAccess, type TensorSource } from './file-access.js';
import { parseSafetensors, serializeSafetensors, type SafetensorsDType, type SafetensorsTensor } from './safetensors-format.js';
import { toFloat32 } from './tensor-conversions.js';

export const CONFIG_NAME = 'config.json';
export const WEIGHTS_NAME = 'model.safetensors';
/** Hugging Face's name for a torch.save checkpoint (transformers' WEIGHTS_NAME). */
export const PYTORCH_WEIGHTS_NAME = 'pytorch_model.bin';

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
const SAFETENSORS_FILE = { label: 'safetensors file', error: CheckpointError } as const;
const JSON_FILE = { error: CheckpointError } as const;

/** config.json of a model folder as parsed JSON; a missing folder is a CheckpointError, a missing or bad config a ConfigError. */
export function readConfigJson(dir: string): { json: unknown; path: string } {
  const files = fileAccess(dir, MODEL_FOLDER);
  files.checkFolder(dir, MODEL_FOLDER);
  const path = files.join(dir, CONFIG_NAME);
  return { json: parseConfigJson(files.readText(path, { label: 'model config', error: ConfigError }), path), path };
}

/** config.json text as parsed JSON; `path` names it in the ConfigError of text that is not JSON. */
export function parseConfigJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`${path}: not valid JSON (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
  }
}

/**
 * Opens a weights file by its extension: `.bin` is PyTorch's torch.save archive (read without executing its pickle),
 * anything else safetensors. A missing model.safetensors falls back to pytorch_model.bin beside it, as Hugging Face's
 * from_pretrained does.
 */
function openTensorSource(path: string): { source: TensorSource; path: string } {
  const files = fileAccess(path, WEIGHTS_FILE);
  if (!files.hasFile(path, WEIGHTS_FILE)) {
    const bin = files.join(path, '..', PYTORCH_WEIGHTS_NAME);
    if (!path.endsWith(WEIGHTS_NAME)) throw new CheckpointError(`${path}: no such file`);
    if (!files.hasFile(bin, WEIGHTS_FILE)) throw new CheckpointError(`${path}: no such file (nor ${PYTORCH_WEIGHTS_NAME} beside it)`);
    path = bin;
  }
  return { source: files.openTensors(path), path };
}

/** Suffix of the key holding an int8 tensor's float32 scales, one per channel of its first axis ("…weight_scale"). */
export const QUANT_SCALE_SUFFIX = '_scale';

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

  /** A safetensors image in memory; `label` names it in errors. Aligned F32 tensors are read without a copy. */
  static fromBytes(bytes: Uint8Array | ArrayBuffer, label: string): WeightsFile {
    return new WeightsFile(parseSafetensors(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), label), label);
  }

  has(key: string): boolean {
    return this.infos.has(key);
  }

  /** The tensor under `key` as float32, which must have the shape the model expects. */
  read(key: string, shape: readonly number[]): Float32Array {
    return toFloat32(this.readChecked(key, shape), `${this.path}: tensor "${key}"`);
  }

  /**
   * As read, as memory the caller may keep as its own (a parameter's storage): the source's array when it may be
   * kept (TensorSource.keepable) or was converted to float32 anyway, else a copy.
   */
  take(key: string, shape: readonly number[]): Float32Array {
    const tensor = this.readChecked(key, shape);
    const data = toFloat32(tensor, `${this.path}: tensor "${key}"`);
    return data !== tensor.data || this.source.keepable === true ? data : data.slice();
  }

  /** Whether the tensor under `key` is int8 (a quantized weight, its scales under key + QUANT_SCALE_SUFFIX). */
  isInt8(key: string): boolean {
    return this.infos.get(key)?.dtype === 'I8';
  }

  /**
   * The int8 tensor under `key` (the model's shape) and its float32 scales [shape[0]] under `scaleKey`, as memory the
   * caller may keep.
   */
  takeInt8(key: string, shape: readonly number[]): { data: Int8Array; scales: Float32Array; scaleKey: string } {
    const tensor = this.readChecked(key, shape, ['I8']);
    const scaleKey = `${key}${QUANT_SCALE_SUFFIX}`;
    if (!this.has(scaleKey)) throw new CheckpointError(`${this.path}: int8 tensor "${key}" has no scales "${scaleKey}"`);
    const scales = this.readChecked(scaleKey, [shape[0] ?? 0], ['F32']);
    if (!(tensor.data instanceof Int8Array) || !(scales.data instanceof Float32Array)) {
      throw new CheckpointError(`${this.path}: tensor "${key}" or "${scaleKey}" is not stored as its dtype says`);
    }
    const keep = this.source.keepable === true;
    return { data: keep ? tensor.data : tensor.data.slice(), scales: keep ? scales.data : scales.data.slice(), scaleKey };
  }

  private readChecked(key: string, shape: readonly number[], dtypes: readonly SafetensorsDType[] = FLOAT_DTYPES): SafetensorsTensor {
    const info = this.infos.get(key);
    if (info === undefined) throw new CheckpointError(`${this.path}: no tensor "${key}"`);
    if (info.shape.length !== shape.length || info.shape.some((d, i) => d !== shape[i])) {
      throw new CheckpointError(`${this.path}: tensor "${key}" has shape ${shapeString(info.shape)}, the model expects ${shapeString(shape)}`);
    }
    if (!dtypes.includes(info.dtype)) {
      throw new CheckpointError(`${this.path}: tensor "${key}" has dtype ${info.dtype}, expected ${dtypes === FLOAT_DTYPES ? 'a float type' : dtypes.join(' or ')}`);
    }
    return this.source.read(key);
  }

  close(): void {
    this.source.close();
  }
}

/** Writes config.json, model.safetensors (F32) and, when given, the tokenizer files into dir (created if needed). */
export function writeModelFolder(dir: string, config: unknown, tensors: Record<string, SafetensorsTensor>, tokenizer?: SavableTokenizer): void {
  const files = fileAccess(dir, MODEL_FOLDER);
  files.ensureFolder(dir, MODEL_FOLDER);
  writeJsonAtomic(files.join(dir, CONFIG_NAME), config);
  const weightsPath = files.join(dir, WEIGHTS_NAME);
  files.writeFile(weightsPath, serializeSafetensors(tensors, { format: 'pt' }, weightsPath), SAFETENSORS_FILE);
  tokenizer?.savePretrained(dir);
}

/** A JSON file as Hugging Face writes them (two-space indent, final newline), atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  fileAccess(path, JSON_FILE).writeFile(path, `${JSON.stringify(value, null, 2)}\n`, JSON_FILE);
}
