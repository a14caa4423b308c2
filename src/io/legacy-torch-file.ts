/**
 * The legacy torch.save format (torch < 1.6, or `_use_new_zipfile_serialization=False`; many older Hugging Face
 * checkpoints), as torch/serialization.py's `_legacy_save` writes it: five pickles back to back, then the storages.
 *
 *   pickle 1   the magic number 0x1950a86a20f9469cfc6c
 *   pickle 2   the protocol version, 1001
 *   pickle 3   sys_info: {'protocol_version': 1001, 'little_endian': True, 'type_sizes': {...}}
 *   pickle 4   the state dict; storages are persistent ids ('storage', torch.FloatStorage, key, location, numel, None)
 *   pickle 5   the storage keys, in the order their data follows
 *   then, per key in that order: numel as an int64 (little-endian), then numel · itemsize bytes
 *
 * The pickles go through the same state-dict-only machine as the ZIP format's data.pkl. Storage records are located
 * by walking their size fields (each checked against the file) and read on demand.
 */
import { closeSync, fstatSync } from 'node:fs';
import { CheckpointError } from '../errors.js';
import { openCheckpointFile, readCheckpointBytes } from './checkpoint-file.js';
import type { StorageStore } from './pytorch-bin.js';
import type { SafetensorsDType } from './safetensors.js';
import { describe, isKind, ITEMSIZE, MAX_TENSOR_BYTES, PickleEndedError, stateDictFrom, unpickle, type TensorRef } from './state-dict-unpickler.js';

const MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;
/** The pickles are read from this much of the file first (BERT-large's are ~100 KB); the whole file if they run past it. */
const PICKLE_PREFIX_BYTES = 16 * 2 ** 20;

interface StorageRecord {
  start: number;
  bytes: number;
}

/** Opens a legacy torch.save file: its state dict, and a store reading each storage's record from disk. */
export function openLegacyTorchFile(file: string): { tensors: Map<string, TensorRef>; store: StorageStore } {
  const fd = openCheckpointFile(file);
  try {
    const fileBytes = fstatSync(fd).size;
    const readAt = (position: number, length: number, what: string): Uint8Array => readCheckpointBytes(fd, file, fileBytes, position, length, what);
    let parsed: { tensors: Map<string, TensorRef>; keys: string[]; dataStart: number };
    const prefixBytes = Math.min(fileBytes, PICKLE_PREFIX_BYTES);
    try {
      parsed = parsePickles(readAt(0, prefixBytes, 'the pickles'), file);
    } catch (error) {
      if (prefixBytes === fileBytes || !(error instanceof PickleEndedError)) throw error;
      parsed = parsePickles(readAt(0, fileBytes, 'the pickles'), file);
    }
    const records = locateStorages(parsed, file, fileBytes, readAt);
    let open = true;
    const store: StorageStore = {
      byteLength: (key) => records.get(key)?.bytes,
      describe: (key) => `storage record "${key}"`,
      read: (key) => {
        const record = records.get(key);
        if (record === undefined) throw new CheckpointError(`${file}: storage record "${key}" is missing from the file`);
        if (!open) throw new CheckpointError(`${file}: read of storage "${key}" after close`);
        return readAt(record.start, record.bytes, `storage record "${key}"`);
      },
      close: () => {
        if (open) closeSync(fd);
        open = false;
      },
    };
    return { tensors: parsed.tensors, store };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function parsePickles(bytes: Uint8Array, file: string): { tensors: Map<string, TensorRef>; keys: string[]; dataStart: number } {
  if (bytes[0] !== 0x80) throw new CheckpointError(`${file}: not a PyTorch checkpoint (neither a zip archive nor a legacy torch.save file)`);
  const magic = unpickle(bytes, `${file}: legacy magic number`);
  if (magic.value !== MAGIC_NUMBER) throw new CheckpointError(`${file}: not a legacy torch.save file (bad magic number)`);
  const protocol = unpickle(bytes, `${file}: legacy protocol version`, magic.end);
  if (protocol.value !== PROTOCOL_VERSION) throw new CheckpointError(`${file}: legacy protocol version ${String(protocol.value)}, expected ${PROTOCOL_VERSION}`);
  const sysInfo = unpickle(bytes, `${file}: legacy sys_info`, protocol.end);
  if (!isKind(sysInfo.value, 'dict')) throw new CheckpointError(`${file}: legacy sys_info is ${describe(sysInfo.value)}, not a dict`);
  if (sysInfo.value.entries.get('little_endian') === false) throw new CheckpointError(`${file}: written on a big-endian machine; only little-endian is supported`);
  const where = `${file}: legacy state dict pickle`;
  const object = unpickle(bytes, where, sysInfo.end);
  const tensors = stateDictFrom(object.value, where);
  const keyList = unpickle(bytes, `${file}: legacy storage key list`, object.end);
  if (!isKind(keyList.value, 'list')) throw new CheckpointError(`${file}: legacy storage key list is ${describe(keyList.value)}`);
  const keys: string[] = [];
  for (const key of keyList.value.items) {
    if (typeof key !== 'string') throw new CheckpointError(`${file}: legacy storage key ${describe(key)} is not a string`);
    keys.push(key);
  }
  return { tensors, keys, dataStart: keyList.end };
}

/** Walks the records after the pickles: per key, an int64 element count then the elements. */
function locateStorages(
  parsed: { tensors: Map<string, TensorRef>; keys: string[]; dataStart: number },
  file: string,
  fileBytes: number,
  readAt: (position: number, length: number, what: string) => Uint8Array,
): Map<string, StorageRecord> {
  const dtypes = new Map<string, SafetensorsDType>();
  for (const ref of parsed.tensors.values()) dtypes.set(ref.storage.key, ref.storage.dtype);
  const records = new Map<string, StorageRecord>();
  let position = parsed.dataStart;
  for (const key of parsed.keys) {
    const what = `storage record "${key}"`;
    const dtype = dtypes.get(key);
    if (dtype === undefined) throw new CheckpointError(`${file}: ${what} is used by no tensor, so its element size is unknown`);
    if (records.has(key)) throw new CheckpointError(`${file}: ${what} appears twice`);
    const header = readAt(position, 8, `${what} size`);
    const numel = new DataView(header.buffer).getBigInt64(0, true);
    const bytes = numel * BigInt(ITEMSIZE[dtype]);
    if (numel < 0n || bytes > BigInt(fileBytes - position - 8)) {
      throw new CheckpointError(`${file}: ${what} of ${numel} ${dtype} elements runs past the end of the ${fileBytes}-byte file`);
    }
    if (bytes > BigInt(MAX_TENSOR_BYTES)) throw new CheckpointError(`${file}: ${what} of ${bytes} bytes is too large`);
    records.set(key, { start: position + 8, bytes: Number(bytes) });
    position += 8 + Number(bytes);
  }
  return records;
}
