/**
 * PyTorch's `pytorch_model.bin` (what `torch.save(model.state_dict())` writes since torch 1.6), read without
 * executing anything. The file is a ZIP archive (zip-archive.ts) whose entries all sit under one folder `<root>/`
 * (torch names it after the file, or `archive`):
 *
 *   <root>/data.pkl      a pickle of the state dict, OrderedDict(name → tensor) (state-dict-unpickler.ts)
 *   <root>/data/<key>    the raw little-endian bytes of one storage (stored uncompressed by torch)
 *   <root>/version       the format version ("3" from torch 1.13); newer torch adds <root>/byteorder
 *
 * A tensor is a strided view on a storage: element i of the view is storage[offset + Σ index_d · stride_d]. Several
 * tensors may share a storage (tied weights, or slices of one packed matrix). On open, every tensor's extent is
 * checked against its storage's numel and its storage entry's size; `read` returns a contiguous copy. The reader has
 * the same shape as SafetensorsReader (`tensorInfos`, `read`, `close`) so checkpoint loading takes either.
 */
import { CheckpointError, shapeString } from '../errors.js';
import type { SafetensorsDType, SafetensorsTensor } from './safetensors.js';
import { unpickleStateDict, type TensorRef } from './state-dict-unpickler.js';
import { ZipArchive, type ZipEntry } from './zip-archive.js';

export const PYTORCH_WEIGHTS_NAME = 'pytorch_model.bin';

const ITEMSIZE: { readonly [D in SafetensorsDType]: number } = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
};
/** Elements one tensor may hold: typed arrays stop at 2³² bytes in Node 20, and bert-large's largest is 31M. */
const MAX_ELEMENTS = 2 ** 31;
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A tensor's name, dtype and shape, known without reading its data. */
export interface PytorchTensorInfo {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
}

interface Located {
  ref: TensorRef;
  entry: ZipEntry;
}

/** An open `pytorch_model.bin`: the pickle is read and checked on open, tensor data one tensor at a time. */
export class PytorchBinReader {
  private constructor(
    readonly file: string,
    private readonly zip: ZipArchive,
    private readonly tensors: Map<string, Located>,
  ) {}

  static open(path: string): PytorchBinReader {
    if (!HOST_IS_LITTLE_ENDIAN) throw new CheckpointError(`${path}: reading PyTorch checkpoints needs a little-endian host`);
    const zip = ZipArchive.open(path);
    try {
      return new PytorchBinReader(path, zip, locateTensors(zip, path));
    } catch (error) {
      zip.close();
      throw error;
    }
  }

  /** In the order the state dict lists them. */
  get tensorInfos(): PytorchTensorInfo[] {
    return [...this.tensors].map(([name, { ref }]) => ({ name, dtype: ref.storage.dtype, shape: [...ref.shape] }));
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  /** The tensor's elements, contiguous in row-major order (a copy: never aliases another tensor's storage). */
  read(name: string): SafetensorsTensor {
    const located = this.tensors.get(name);
    if (located === undefined) throw new CheckpointError(`${this.file}: no tensor "${name}"`);
    const { ref, entry } = located;
    const storage = this.zip.read(entry);
    return typedTensor(ref.storage.dtype, [...ref.shape], gather(ref, storage));
  }

  close(): void {
    this.zip.close();
  }
}

export function openPytorchBin(path: string): PytorchBinReader {
  return PytorchBinReader.open(path);
}

/** Finds `<root>/data.pkl`, runs it, and pairs every tensor with its storage entry after checking its extent. */
function locateTensors(zip: ZipArchive, file: string): Map<string, Located> {
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
  const refs = unpickleStateDict(zip.read(zip.entries.get(pickleName) as ZipEntry), `${file}: entry "${pickleName}"`);
  const located = new Map<string, Located>();
  for (const [name, ref] of refs) {
    const where = `${file}: tensor "${name}"`;
    const entryName = `${root}data/${ref.storage.key}`;
    const entry = zip.entries.get(entryName);
    if (entry === undefined) throw new CheckpointError(`${where}: storage entry "${entryName}" is missing from the archive`);
    checkExtent(ref, entry, where);
    located.set(name, { ref, entry });
  }
  return located;
}

/** The tensor must read only inside its storage, and the storage must fit in its entry. */
function checkExtent(ref: TensorRef, entry: ZipEntry, where: string): void {
  const { storage, offset, shape, stride } = ref;
  const itemsize = ITEMSIZE[storage.dtype];
  if (stride.length !== shape.length) {
    throw new CheckpointError(`${where}: stride ${shapeString(stride)} does not match size ${shapeString(shape)}`);
  }
  if (storage.numel * itemsize > entry.size) {
    throw new CheckpointError(`${where}: storage "${storage.key}" claims ${storage.numel} ${storage.dtype} elements, its entry "${entry.name}" holds ${entry.size} bytes`);
  }
  let elements = 1;
  let last = offset;
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d] as number;
    elements *= size;
    last += (size - 1) * (stride[d] as number);
  }
  if (elements > MAX_ELEMENTS) throw new CheckpointError(`${where}: size ${shapeString(shape)} is too large`);
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
    return storage.slice(offset * itemsize, (offset + elements) * itemsize).buffer;
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
