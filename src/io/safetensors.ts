/**
 * safetensors files on disk: a whole file parsed at once, a file opened lazily (header on open, one tensor per read),
 * and atomic writing. The format itself — header validation, parsing and serializing bytes — is safetensors-format.ts.
 */
import { closeSync, fstatSync, readFileSync, readSync } from 'node:fs';
import { CheckpointError } from '../errors.js';
import { writeFileAtomic } from './atomic-file.js';
import { openInputFile, readInputFile } from './checked-file.js';
import {
  checkHost, headerLength, parseSafetensors, parseSafetensorsHeader, serializeSafetensors, typedData,
  type SafetensorsFile, type SafetensorsTensor, type SafetensorsTensorInfo,
} from './safetensors-format.js';

export {
  MAX_HEADER_BYTES, parseSafetensors, parseSafetensorsHeader, SafetensorsFile, serializeSafetensors,
  type SafetensorsArrays, type SafetensorsDType, type SafetensorsHeader, type SafetensorsTensor, type SafetensorsTensorInfo,
} from './safetensors-format.js';
export { float32ToBFloat16Bits, float32ToFloat16Bits, toFloat32, toInt32 } from './tensor-conversions.js';

/** How safetensors files are named in open, read and write errors. */
const SAFETENSORS_FILE = { label: 'safetensors file', error: CheckpointError } as const;

function fsError(action: string, path: string, cause: unknown): CheckpointError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new CheckpointError(`${path}: cannot ${action}: ${detail}`, { cause });
}

/** Reads and parses a whole file (fine up to a few hundred MB; use `openSafetensors` to load tensor by tensor). */
export function readSafetensors(path: string): SafetensorsFile {
  return parseSafetensors(readInputFile(path, SAFETENSORS_FILE), path);
}

/**
 * A file opened lazily: the header is read and fully validated on open; each `read` pulls one tensor from disk into
 * its own (aligned) buffer. Call `close` when done.
 */
export class SafetensorsReader {
  private fd: number | undefined;
  /** Every read is a fresh buffer. */
  readonly keepable = true;

  private constructor(
    readonly file: string,
    fd: number,
    readonly metadata: Record<string, string>,
    private readonly infos: Map<string, SafetensorsTensorInfo>,
    private readonly dataStart: number,
  ) {
    this.fd = fd;
  }

  static open(path: string): SafetensorsReader {
    checkHost(path);
    const fd = openInputFile(path, SAFETENSORS_FILE);
    try {
      const fileBytes = fstatSync(fd).size;
      // Check the size before reading the prefix so a tiny file gets the "too short" message, not "ended early".
      const prefix = new Uint8Array(8);
      if (fileBytes >= 8) readFully(fd, prefix, 0, path);
      const headerBytes = headerLength(prefix, fileBytes, path);
      const headerBuffer = new Uint8Array(headerBytes);
      readFully(fd, headerBuffer, 8, path);
      const header = parseSafetensorsHeader(headerBuffer, fileBytes - 8 - headerBytes, path);
      const infos = new Map(header.tensors.map((info) => [info.name, info]));
      return new SafetensorsReader(path, fd, header.metadata, infos, 8 + headerBytes);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Tensor names, dtypes, shapes and offsets, without reading any data. */
  get tensorInfos(): SafetensorsTensorInfo[] {
    return [...this.infos.values()];
  }

  has(name: string): boolean {
    return this.infos.has(name);
  }

  read(name: string): SafetensorsTensor {
    const info = this.infos.get(name);
    if (info === undefined) throw new CheckpointError(`${this.file}: no tensor "${name}"`);
    if (this.fd === undefined) throw new CheckpointError(`${this.file}: read of tensor "${name}" after close`);
    const bytes = new Uint8Array(info.end - info.begin);
    readFully(this.fd, bytes, this.dataStart + info.begin, `${this.file}: tensor "${name}"`);
    return typedData(info, bytes, 0);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export function openSafetensors(path: string): SafetensorsReader {
  return SafetensorsReader.open(path);
}

/** Checkpoints up to this size are read whole; readFileSync stops at 2 GiB, and bigger ones load tensor by tensor. */
const WHOLE_READ_LIMIT = 2 ** 30;

/**
 * A checkpoint opened to load a model from: one read of the whole file, whose aligned tensors a loader keeps as
 * the parameters themselves (no copy per tensor: a warm BERT-base load is one pass over its 440 MB); a file over
 * 1 GiB is read tensor by tensor (SafetensorsReader), each into its own buffer.
 */
export function openSafetensorsForLoading(path: string): SafetensorsFile | SafetensorsReader {
  checkHost(path);
  const fd = openInputFile(path, SAFETENSORS_FILE);
  let bytes: Buffer;
  try {
    if (fstatSync(fd).size > WHOLE_READ_LIMIT) return SafetensorsReader.open(path);
    bytes = readFileSync(fd);
  } catch (cause) {
    throw cause instanceof CheckpointError ? cause : fsError('read', path, cause);
  } finally {
    closeSync(fd);
  }
  return parseSafetensors(bytes, path, true);
}

function readFully(fd: number, into: Uint8Array, position: number, where: string): void {
  let done = 0;
  while (done < into.length) {
    let n: number;
    try {
      n = readSync(fd, into, done, into.length - done, position + done);
    } catch (cause) {
      throw fsError('read', where, cause);
    }
    // The file shrank under us: report it rather than loop forever.
    if (n === 0) throw new CheckpointError(`${where}: file ended early (truncated while reading?)`);
    done += n;
  }
}

/** Writes a safetensors file atomically (io/atomic-file.ts): a crash leaves the old file or the new one, never half. */
export function writeSafetensors(
  path: string,
  tensors: Record<string, SafetensorsTensor>,
  metadata?: Record<string, string>,
): void {
  writeFileAtomic(path, serializeSafetensors(tensors, metadata, path), SAFETENSORS_FILE);
}
