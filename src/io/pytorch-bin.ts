/**
 * PyTorch's `pytorch_model.bin`, what `torch.save(model.state_dict())` writes, read without executing anything. Two
 * containers hold the same pickle (state-dict-unpickler.ts) and differ in where the storages' bytes live:
 *
 *   - the ZIP archive of torch ≥ 1.6 (zip-archive.ts), all entries under one folder `<root>/` (torch names it after
 *     the file, or `archive`): `<root>/data.pkl` the state dict, `<root>/data/<key>` the raw little-endian bytes of
 *     one storage, `<root>/version` ("3" from torch 1.13); newer torch adds `<root>/byteorder`;
 *   - the legacy format of older torch (`_use_new_zipfile_serialization=False`), in legacy-torch-file.ts.
 *
 * A tensor is a strided view on a storage: element i of the view is storage[offset + Σ index_d · stride_d]. Several
 * tensors may share a storage (tied weights, or slices of one packed matrix). On open, every tensor's extent is
 * checked against its storage's numel and the bytes the file holds for it; `read` returns a contiguous copy. The
 * reader is a TensorSource (io/file-access.ts), as SafetensorsReader is, so checkpoint loading takes either.
 */
import { closeSync, readSync } from 'node:fs';
import { CheckpointError, shapeString } from '../errors.js';
import { openCheckpointFile } from './checkpoint-file.js';
import type { SafetensorsDType, SafetensorsTensor } from './safetensors.js';
import { openLegacyTorchFile } from './legacy-torch-file.js';
import { ITEMSIZE, MAX_TENSOR_BYTES, unpickleStateDict, type TensorRef } from './state-dict-unpickler.js';
import { ZipArchive, type ZipEntry } from './zip-archive.js';

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A tensor's name, dtype and shape, known without reading its data. */
export interface PytorchTensorInfo {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
}

/** Where a checkpoint keeps its storages' bytes, by storage key. */
export interface StorageStore {
  /** The bytes the file holds for the storage, or undefined when it has none under that key. */
  byteLength(key: string): number | undefined;
  /** How errors name the storage's place, e.g. `storage entry "archive/data/3"`. */
  describe(key: string): string;
  read(key: string): Uint8Array;
  close(): void;
}

/** An open `pytorch_model.bin`: the pickle is read and checked on open, tensor data one tensor at a time. */
export class PytorchBinReader {
  private constructor(
    readonly file: string,
    private readonly store: StorageStore,
    private readonly tensors: Map<string, TensorRef>,
  ) {}

  static open(path: string): PytorchBinReader {
    if (!HOST_IS_LITTLE_ENDIAN) throw new CheckpointError(`${path}: reading PyTorch checkpoints needs a little-endian host`);
    const { tensors, store } = isZip(path) ? openZipCheckpoint(path) : openLegacyTorchFile(path);
    try {
      for (const [name, ref] of tensors) checkExtent(ref, store, `${path}: tensor "${name}"`);
    } catch (error) {
      store.close();
      throw error;
    }
    return new PytorchBinReader(path, store, tensors);
  }

  /** In the order the state dict lists them. */
  get tensorInfos(): PytorchTensorInfo[] {
    return [...this.tensors].map(([name, ref]) => ({ name, dtype: ref.storage.dtype, shape: [...ref.shape] }));
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  /** The tensor's elements, contiguous in row-major order (a copy: never aliases another tensor's storage). */
  read(name: string): SafetensorsTensor {
    const ref = this.tensors.get(name);
    if (ref === undefined) throw new CheckpointError(`${this.file}: no tensor "${name}"`);
    return typedTensor(ref.storage.dtype, [...ref.shape], gather(ref, this.store.read(ref.storage.key)));
  }

  close(): void {
    this.store.close();
  }
}

export function openPytorchBin(path: string): PytorchBinReader {
  return PytorchBinReader.open(path);
}

/** ZIP archives start with a local file header, "PK\x03\x04"; legacy files with a pickle's PROTO opcode. */
function isZip(path: string): boolean {
  const fd = openCheckpointFile(path);
  try {
    const magic = new Uint8Array(4);
    const n = readSync(fd, magic, 0, 4, 0);
    return n === 4 && magic[0] === 0x50 && magic[1] === 0x4b && magic[2] === 0x03 && magic[3] === 0x04;
  } finally {
    closeSync(fd);
  }
}

/** Finds `<root>/data.pkl` and runs it; storages are the entries `<root>/data/<key>`. */
function openZipCheckpoint(file: string): { tensors: Map<string, TensorRef>; store: StorageStore } {
  const zip = ZipArchive.open(file);
  try {
    const pickles = [...zip.entries.keys()].filter((name) => /^[^/]+\/data\.pkl$/.test(name));
    if (pickles.length !== 1) {
      throw new CheckpointError(`${file}: expected one <root>/data.pkl entry (a torch.save zip archive), found ${pickles.length}`);
    }
    const pickleName = pickles[0] as string;
    const root = pickleName.slice(0, -'data.pkl'.length);
    const byteorder = zip.entries.get(`${root}byteorder`);
    if (byteorder !== undefined) {
      const order = new TextDecoder().decode(zip.read(byteorder)).trim();
      if (order !== 'little') throw new CheckpointError(`${file}: storages are ${order}-endian; only little-endian is supported`);
    }
    const tensors = unpickleStateDict(zip.read(zip.entries.get(pickleName) as ZipEntry), `${file}: entry "${pickleName}"`);
    const entryName = (key: string): string => `${root}data/${key}`;
    const entry = (key: string): ZipEntry => {
      const found = zip.entries.get(entryName(key));
      if (found === undefined) throw new CheckpointError(`${file}: storage entry "${entryName(key)}" is missing from the archive`);
      return found;
    };
    const store: StorageStore = {
      byteLength: (key) => zip.entries.get(entryName(key))?.size,
      describe: (key) => `storage entry "${entryName(key)}"`,
      read: (key) => zip.read(entry(key)),
      close: () => zip.close(),
    };
    return { tensors, store };
  } catch (error) {
    zip.close();
    throw error;
  }
}

/** The tensor must read only inside its storage, and the storage must fit in the bytes the file holds for it. */
function checkExtent(ref: TensorRef, store: StorageStore, where: string): void {
  const { storage, offset, shape, stride } = ref;
  const itemsize = ITEMSIZE[storage.dtype];
  if (stride.length !== shape.length) {
    throw new CheckpointError(`${where}: stride ${shapeString(stride)} does not match size ${shapeString(shape)}`);
  }
  const bytes = store.byteLength(storage.key);
  if (bytes === undefined) throw new CheckpointError(`${where}: ${store.describe(storage.key)} is missing from the file`);
  if (storage.numel * itemsize > bytes) {
    throw new CheckpointError(`${where}: storage "${storage.key}" claims ${storage.numel} ${storage.dtype} elements, its ${store.describe(storage.key)} holds ${bytes} bytes`);
  }
  let elements = 1;
  let last = offset;
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d] as number;
    elements *= size;
    last += (size - 1) * (stride[d] as number);
  }
  if (elements * itemsize > MAX_TENSOR_BYTES) throw new CheckpointError(`${where}: size ${shapeString(shape)} is too large`);
  // A view with more elements than its storage repeats some (stride 0, or overlapping strides): a few bytes of pickle
  // could then describe gigabytes. State dicts never hold such views, so the copy is bounded by the file's bytes.
  if (elements > storage.numel) {
    throw new CheckpointError(`${where}: size ${shapeString(shape)}, stride ${shapeString(stride)} has ${elements} elements, more than its ${storage.numel}-element storage "${storage.key}" (broadcast or overlapping views are not supported)`);
  }
  if (elements > 0 && last >= storage.numel) {
    throw new CheckpointError(
      `${where}: size ${shapeString(shape)}, stride ${shapeString(stride)} at offset ${offset} reaches element ${last}, past the end of its ${storage.numel}-element storage "${storage.key}"`,
    );
  }
}

/** Copies the view's elements out of the storage bytes, row-major. Contiguous views are one slice. */
function gather(ref: TensorRef, storage: Uint8Array): ArrayBuffer {
  const { offset, shape, stride } = ref;
  const itemsize = ITEMSIZE[ref.storage.dtype];
  const rank = shape.length;
  let elements = 1;
  let contiguous = true;
  for (let d = rank - 1; d >= 0; d--) {
    const size = shape[d] as number;
    if (size !== 1 && stride[d] !== elements) contiguous = false;
    elements *= size;
  }
  if (contiguous || elements === 0) {
    // A copy into a buffer of exactly the view's bytes. Not storage.slice(): an inflated ZIP entry is a Buffer, whose
    // slice() is a view, and whose ArrayBuffer is zlib's (16 KiB for small entries), not the view's bytes.
    return new Uint8Array(storage.subarray(offset * itemsize, (offset + elements) * itemsize)).buffer;
  }
  const out = new Uint8Array(elements * itemsize);
  const index = new Array<number>(rank).fill(0);
  let source = offset; // in elements
  for (let i = 0; i < elements; i++) {
    const from = source * itemsize;
    for (let b = 0; b < itemsize; b++) out[i * itemsize + b] = storage[from + b] as number;
    // Advance the multi-index like an odometer, keeping `source` = offset + Σ index_d · stride_d.
    for (let d = rank - 1; d >= 0; d--) {
      const next = (index[d] as number) + 1;
      source += stride[d] as number;
      if (next < (shape[d] as number)) {
        index[d] = next;
        break;
      }
      source -= next * (stride[d] as number);
      index[d] = 0;
    }
  }
  return out.buffer;
}

/** Wraps an aligned buffer in the dtype's typed array. */
function typedTensor(dtype: SafetensorsDType, shape: number[], buffer: ArrayBuffer): SafetensorsTensor {
  switch (dtype) {
    case 'F64': return { dtype, shape, data: new Float64Array(buffer) };
    case 'F32': return { dtype, shape, data: new Float32Array(buffer) };
    case 'F16': return { dtype, shape, data: new Uint16Array(buffer) };
    case 'BF16': return { dtype, shape, data: new Uint16Array(buffer) };
    case 'I64': return { dtype, shape, data: new BigInt64Array(buffer) };
    case 'I32': return { dtype, shape, data: new Int32Array(buffer) };
    case 'I16': return { dtype, shape, data: new Int16Array(buffer) };
    case 'I8': return { dtype, shape, data: new Int8Array(buffer) };
    case 'U64': return { dtype, shape, data: new BigUint64Array(buffer) };
    case 'U32': return { dtype, shape, data: new Uint32Array(buffer) };
    case 'U16': return { dtype, shape, data: new Uint16Array(buffer) };
    case 'U8': return { dtype, shape, data: new Uint8Array(buffer) };
    case 'BOOL': return { dtype, shape, data: new Uint8Array(buffer) };
  }
}
