/**
 * The safetensors format (https://huggingface.co/docs/safetensors), read and written by hand:
 *
 *   [u64 little-endian N] [N bytes of UTF-8 JSON header] [data section]
 *
 * The header maps each tensor name to `{ dtype, shape, data_offsets: [begin, end] }` (offsets relative to the data
 * section) and may hold `"__metadata__": { string: string }`. All data is little-endian.
 *
 * Reading is strict, like the reference Rust crate: every tensor's byte size must equal product(shape) · itemsize, and
 * the tensors must tile the data section exactly — no overlaps, no holes, no trailing bytes — so a file cannot hide a
 * second payload (the spec's "no polyglot files" rule). Every problem is a CheckpointError naming the file and tensor;
 * no input makes us read out of bounds.
 *
 * This file works on bytes only (the core bundles it for the browser); safetensors.ts reads and writes files.
 */
import { valuePreview } from '../error-text.js';
import { CheckpointError, shapeString } from '../errors.js';

export { float32ToBFloat16Bits, float32ToFloat16Bits, toFloat32, toInt32 } from './tensor-conversions.js';

/** Element type of each safetensors dtype. Half floats are kept as their raw bits; `toFloat32` widens them. */
export interface SafetensorsArrays {
  F64: Float64Array;
  F32: Float32Array;
  F16: Uint16Array;
  BF16: Uint16Array;
  I64: BigInt64Array;
  I32: Int32Array;
  I16: Int16Array;
  I8: Int8Array;
  U64: BigUint64Array;
  U32: Uint32Array;
  U16: Uint16Array;
  U8: Uint8Array;
  BOOL: Uint8Array;
}
export type SafetensorsDType = keyof SafetensorsArrays;

/** One tensor: a discriminated union on `dtype`, so `data` has the matching typed array. Shape `[]` is a scalar. */
export type SafetensorsTensor = {
  [D in SafetensorsDType]: { dtype: D; shape: number[]; data: SafetensorsArrays[D] };
}[SafetensorsDType];

type TypedArrayClass = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => SafetensorsTensor['data'];

interface DTypeInfo {
  itemsize: number;
  /** The typed array that holds this dtype's elements (its raw bits, for half floats). */
  array: TypedArrayClass;
}

const DTYPES: { readonly [D in SafetensorsDType]: DTypeInfo } = {
  F64: { itemsize: 8, array: Float64Array },
  F32: { itemsize: 4, array: Float32Array },
  F16: { itemsize: 2, array: Uint16Array },
  BF16: { itemsize: 2, array: Uint16Array },
  I64: { itemsize: 8, array: BigInt64Array },
  I32: { itemsize: 4, array: Int32Array },
  I16: { itemsize: 2, array: Int16Array },
  I8: { itemsize: 1, array: Int8Array },
  U64: { itemsize: 8, array: BigUint64Array },
  U32: { itemsize: 4, array: Uint32Array },
  U16: { itemsize: 2, array: Uint16Array },
  U8: { itemsize: 1, array: Uint8Array },
  BOOL: { itemsize: 1, array: Uint8Array },
};

/** The Rust crate refuses headers over 100 MB; a bigger length field means a corrupt or hostile file. */
export const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';

// Typed-array views use host byte order and the format is little-endian; every machine Node ships for is LE, but a
// wrong answer would be silent, so check once.
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function isDType(value: unknown): value is SafetensorsDType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DTYPES, value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function countElements(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

/** Where one tensor lives, as validated from the header. `begin`/`end` are relative to the data section. */
export interface SafetensorsTensorInfo {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  metadata: Record<string, string>;
  /** In header order. */
  tensors: SafetensorsTensorInfo[];
}

/**
 * Validates the JSON header against a data section of `dataBytes` bytes. `file` only names the source in errors.
 * Extra fields inside a tensor entry are ignored (the format may grow); everything we rely on is checked.
 */
export function parseSafetensorsHeader(headerBytes: Uint8Array, dataBytes: number, file: string): SafetensorsHeader {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (cause) {
    throw new CheckpointError(`${file}: safetensors header is not valid UTF-8 JSON`, { cause });
  }
  if (!isPlainObject(json)) throw new CheckpointError(`${file}: safetensors header is not a JSON object`);

  const metadata: Record<string, string> = {};
  const tensors: SafetensorsTensorInfo[] = [];
  for (const [name, entry] of Object.entries(json)) {
    if (name === METADATA_KEY) {
      if (!isPlainObject(entry)) throw new CheckpointError(`${file}: "${METADATA_KEY}" is not an object`);
      for (const [key, value] of Object.entries(entry)) {
        if (typeof value !== 'string') {
          throw new CheckpointError(`${file}: metadata "${key}" is not a string (the format allows only strings)`);
        }
        metadata[key] = value;
      }
      continue;
    }
    const where = `${file}: tensor "${name}"`;
    if (!isPlainObject(entry)) throw new CheckpointError(`${where}: header entry is not an object`);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (!isDType(dtype)) {
      throw new CheckpointError(`${where}: unknown or unsupported dtype ${valuePreview(dtype)}`);
    }
    if (!Array.isArray(shape) || !shape.every((d): d is number => Number.isSafeInteger(d) && d >= 0)) {
      throw new CheckpointError(`${where}: shape ${valuePreview(shape)} is not a list of non-negative integers`);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o): o is number => Number.isSafeInteger(o) && o >= 0)
    ) {
      throw new CheckpointError(`${where}: data_offsets ${valuePreview(offsets)} is not [begin, end]`);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > dataBytes) {
      throw new CheckpointError(
        `${where}: data_offsets [${begin}, ${end}] fall outside the data section of ${dataBytes} bytes`,
      );
    }
    // Compare in floating point: a product too large to be exact is far beyond any real byte range anyway.
    const expectedBytes = countElements(shape) * DTYPES[dtype].itemsize;
    if (expectedBytes !== end - begin) {
      throw new CheckpointError(
        `${where}: ${dtype} ${shapeString(shape)} needs ${expectedBytes} bytes but data_offsets span ${end - begin}`,
      );
    }
    tensors.push({ name, dtype, shape, begin, end });
  }

  // The tensors must tile [0, dataBytes) exactly. Sorting by (begin, end) puts empty tensors before a neighbour
  // starting at the same offset, so they never count as overlaps.
  const byOffset = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: SafetensorsTensorInfo | undefined;
  for (const info of byOffset) {
    if (info.begin < covered) {
      throw new CheckpointError(
        `${file}: tensor "${info.name}" [${info.begin}, ${info.end}] overlaps tensor "${previous?.name ?? ''}"`,
      );
    }
    if (info.begin > covered) {
      throw new CheckpointError(
        `${file}: tensor "${info.name}" starts at ${info.begin}, leaving unused bytes [${covered}, ${info.begin}) ` +
          '(safetensors forbids holes)',
      );
    }
    covered = info.end;
    previous = info;
  }
  if (covered !== dataBytes) {
    throw new CheckpointError(
      `${file}: data section has ${dataBytes - covered} bytes after the last tensor (safetensors forbids holes)`,
    );
  }
  return { metadata, tensors };
}

/**
 * A typed view on `length` elements at `byteOffset` of `bytes`: zero-copy when the absolute offset is aligned to the
 * element size (a Uint8Array or Buffer may start anywhere in its ArrayBuffer), otherwise an aligned copy.
 */
export function typedData(info: SafetensorsTensorInfo, bytes: Uint8Array, byteOffset: number): SafetensorsTensor {
  const { itemsize, array } = DTYPES[info.dtype];
  const length = (info.end - info.begin) / itemsize;
  const absolute = bytes.byteOffset + byteOffset;
  const data =
    absolute % itemsize === 0
      ? new array(bytes.buffer, absolute, length)
      : new array(bytes.slice(byteOffset, byteOffset + length * itemsize).buffer, 0, length);
  // The union cannot be rebuilt from separately typed parts without a cast; DTYPES pairs each dtype with its array class.
  return { dtype: info.dtype, shape: info.shape, data } as SafetensorsTensor;
}

export function checkHost(file: string): void {
  if (!HOST_IS_LITTLE_ENDIAN) throw new CheckpointError(`${file}: safetensors needs a little-endian host`);
}

/** Reads the u64 header length at the start of a file of `fileBytes` bytes and checks it against the file. */
export function headerLength(prefix: Uint8Array, fileBytes: number, file: string): number {
  if (fileBytes < 8) throw new CheckpointError(`${file}: ${fileBytes} bytes is too short for a safetensors file`);
  const length = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER_BYTES)) {
    throw new CheckpointError(`${file}: header length ${length} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  if (length > BigInt(fileBytes - 8)) {
    throw new CheckpointError(`${file}: header length ${length} runs past the end of the ${fileBytes}-byte file`);
  }
  return Number(length);
}

/**
 * A whole safetensors file in memory. Tensor data may alias the bytes it was parsed from. It is a TensorSource
 * (io/file-access.ts), so a checkpoint loads from bytes the way it loads from a file.
 */
export class SafetensorsFile {
  constructor(
    /** The path or label used in error messages. */
    readonly file: string,
    readonly metadata: Record<string, string>,
    readonly tensors: Map<string, SafetensorsTensor>,
    /** The bytes were read for this file alone (not the caller's): its tensors may be kept (TensorSource.keepable). */
    readonly keepable = false,
  ) {}

  /** The tensor called `name`, or a CheckpointError naming the file and the tensor. */
  get(name: string): SafetensorsTensor {
    const tensor = this.tensors.get(name);
    if (tensor === undefined) throw new CheckpointError(`${this.file}: no tensor "${name}"`);
    return tensor;
  }

  /** Tensor names, dtypes and shapes, in header order. */
  get tensorInfos(): { name: string; dtype: SafetensorsDType; shape: number[] }[] {
    return [...this.tensors].map(([name, { dtype, shape }]) => ({ name, dtype, shape }));
  }

  read(name: string): SafetensorsTensor {
    return this.get(name);
  }

  /** Nothing to release: the bytes belong to the caller. */
  close(): void {}
}

/**
 * Parses a safetensors image. Aligned tensors are views on `bytes` (no copy): mutate one and you mutate both.
 * `keepable`: nobody else holds `bytes` (a file just read), so the views may be kept as a model's parameters.
 */
export function parseSafetensors(bytes: Uint8Array, file: string, keepable = false): SafetensorsFile {
  checkHost(file);
  const headerBytes = headerLength(bytes, bytes.length, file);
  const dataStart = 8 + headerBytes;
  const header = parseSafetensorsHeader(bytes.subarray(8, dataStart), bytes.length - dataStart, file);
  const tensors = new Map<string, SafetensorsTensor>();
  for (const info of header.tensors) tensors.set(info.name, typedData(info, bytes, dataStart + info.begin));
  return new SafetensorsFile(file, header.metadata, tensors, keepable);
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

function checkTensorForWrite(name: string, tensor: SafetensorsTensor, file: string): void {
  const where = `${file}: tensor "${name}"`;
  if (name === METADATA_KEY || name.length === 0) throw new CheckpointError(`${where}: reserved or empty name`);
  if (!isDType(tensor.dtype)) throw new CheckpointError(`${where}: unknown dtype ${String(tensor.dtype)}`);
  if (!tensor.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new CheckpointError(`${where}: shape ${shapeString(tensor.shape)} has a negative or fractional size`);
  }
  const { itemsize, array } = DTYPES[tensor.dtype];
  // The data must be the typed array this dtype reads back as, or the bytes would mean something else.
  if (!(tensor.data instanceof array)) {
    throw new CheckpointError(`${where}: ${tensor.dtype} data given as ${tensor.data.constructor.name}`);
  }
  if (tensor.data.byteLength !== countElements(tensor.shape) * itemsize) {
    throw new CheckpointError(
      `${where}: shape ${shapeString(tensor.shape)} holds ${countElements(tensor.shape)} elements ` +
        `but data has ${tensor.data.length}`,
    );
  }
}

/**
 * Serializes tensors to a safetensors image. Layout: largest element size first, then by name — for a single dtype
 * that is plain sorted-name order; mixing dtypes this way keeps every tensor aligned to its element size (with the
 * header padded with spaces to a multiple of 8), so readers get zero-copy views. Hugging Face's writer does the same.
 */
export function serializeSafetensors(
  tensors: Record<string, SafetensorsTensor>,
  metadata?: Record<string, string>,
  file = '<memory>',
): Uint8Array {
  checkHost(file);
  const names = Object.keys(tensors).sort((a, b) => {
    const sizeA = DTYPES[(tensors[a] as SafetensorsTensor).dtype]?.itemsize ?? 0;
    const sizeB = DTYPES[(tensors[b] as SafetensorsTensor).dtype]?.itemsize ?? 0;
    return sizeB - sizeA || (a < b ? -1 : a > b ? 1 : 0);
  });
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') throw new CheckpointError(`${file}: metadata "${key}" is not a string`);
    }
    header[METADATA_KEY] = metadata;
  }
  let offset = 0;
  for (const name of names) {
    const tensor = tensors[name] as SafetensorsTensor;
    checkTensorForWrite(name, tensor, file);
    header[name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + tensor.data.byteLength] };
    offset += tensor.data.byteLength;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const withSpaces = new Uint8Array(padded).fill(0x20);
    withSpaces.set(json);
    json = withSpaces;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let position = 8 + json.length;
  for (const name of names) {
    const { data } = tensors[name] as SafetensorsTensor;
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
    position += data.byteLength;
  }
  return out;
}
