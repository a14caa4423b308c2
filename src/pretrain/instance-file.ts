/**
 * Reads pre-training instance files (`.tsbpt`) with random access: `InstanceFile` for one file, `InstanceDataset` for
 * shards read as one list. Both fit the trainer's InstanceSource (`length`, `get(i)`). Everything is validated on
 * open, so a truncated or foreign file is a DataError naming it, never an out-of-bounds read. This module also
 * re-exports the format types and the writer, so callers import one place.
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { DataError } from '../errors.js';
import { openInputFile } from '../io/checked-file.js';
import {
  decodeHeader,
  HEADER_BYTES,
  INDEX_ENTRY_BYTES,
  safeNumber,
  segmentLayoutProblem,
  type InstanceFileHeader,
  type PretrainingInstance,
} from './instance-file-format.js';

export {
  HEADER_BYTES,
  INDEX_ENTRY_BYTES,
  INSTANCE_FILE_MAGIC,
  INSTANCE_FILE_VERSION,
  vocabFingerprint,
  type InstanceFileHeader,
  type InstanceFileSettings,
  type PretrainingInstance,
  type StoredInstance,
} from './instance-file-format.js';
export { InstanceFileWriter } from './instance-file-writer.js';

/**
 * Random access to one instance file. `open` reads and checks the header and the whole index (16 bytes per
 * instance); `get(i)` reads one record with a positioned read.
 */
export class InstanceFile {
  private constructor(
    readonly path: string,
    readonly header: InstanceFileHeader,
    private fd: number | undefined,
    private readonly index: Buffer,
  ) {}

  static open(path: string): InstanceFile {
    const fd = openInputFile(path, { label: 'instance file' });
    try {
      const size = fstatSync(fd).size;
      const bad = (problem: string): DataError => new DataError(`instance file ${path}: ${problem}`);
      if (size < HEADER_BYTES) throw bad(`${size} bytes is shorter than the ${HEADER_BYTES}-byte header (truncated or not an instance file)`);
      const h = Buffer.alloc(HEADER_BYTES);
      readExactly(fd, h, 0, path);
      const { header, indexOffset } = decodeHeader(h, path);
      const count = header.instanceCount;
      if (indexOffset < HEADER_BYTES || indexOffset > size) throw bad(`index offset ${indexOffset} is outside the file (${size} bytes)`);
      const indexBytes = count * INDEX_ENTRY_BYTES;
      if (indexOffset + indexBytes !== size) {
        throw bad(`${count} instances need an index of ${indexBytes} bytes at ${indexOffset}, ending at ${indexOffset + indexBytes}, but the file has ${size} bytes (truncated or corrupt)`);
      }
      const index = Buffer.alloc(indexBytes);
      readExactly(fd, index, indexOffset, path);
      // Records must tile [HEADER_BYTES, indexOffset) exactly, in order: no holes, overlaps or overruns.
      let expected = HEADER_BYTES;
      let tokens = 0;
      for (let i = 0; i < count; i++) {
        const o = i * INDEX_ENTRY_BYTES;
        const offset = safeNumber(index.readBigUInt64LE(o), path);
        const seq = index.readUInt16LE(o + 8);
        const lengthA = index.readUInt16LE(o + 10);
        const predictions = index.readUInt16LE(o + 12);
        const label = index.readUInt8(o + 14);
        if (offset !== expected) throw bad(`instance ${i} starts at byte ${offset}, expected ${expected}`);
        if (seq > header.maxSeqLength) throw bad(`instance ${i} has ${seq} tokens (max ${header.maxSeqLength})`);
        const layout = segmentLayoutProblem(header.objective, seq, lengthA, label);
        if (layout !== undefined) throw bad(`instance ${i} (${header.objective}): ${layout}`);
        if (predictions > seq || (!header.staticMasks && predictions > 0)) throw bad(`instance ${i} has ${predictions} masked positions for ${seq} tokens`);
        expected = offset + seq * header.idBytes + predictions * (2 + header.idBytes);
        tokens += seq;
      }
      if (expected !== indexOffset) throw bad(`records end at byte ${expected} but the index starts at ${indexOffset}`);
      if (tokens !== header.totalTokens) throw bad(`index counts ${tokens} tokens, header says ${header.totalTokens}`);
      return new InstanceFile(path, header, fd, index);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  get length(): number {
    return this.header.instanceCount;
  }

  /** Instance `i` (0-based), decoded and checked. */
  get(i: number): PretrainingInstance {
    const h = this.header;
    if (!Number.isInteger(i) || i < 0 || i >= h.instanceCount) throw new DataError(`instance file ${this.path}: instance ${i} is outside 0..${h.instanceCount - 1}`);
    if (this.fd === undefined) throw new DataError(`instance file ${this.path}: already closed`);
    const o = i * INDEX_ENTRY_BYTES;
    const offset = safeNumber(this.index.readBigUInt64LE(o), this.path);
    const seq = this.index.readUInt16LE(o + 8);
    const lengthA = this.index.readUInt16LE(o + 10);
    const predictions = this.index.readUInt16LE(o + 12);
    const label = this.index.readUInt8(o + 14) === 1 ? 1 : 0;
    const record = Buffer.alloc(seq * h.idBytes + predictions * (2 + h.idBytes));
    readExactly(this.fd, record, offset, this.path);
    let at = 0;
    const readId = (): number => {
      const id = h.idBytes === 2 ? record.readUInt16LE(at) : record.readUInt32LE(at);
      at += h.idBytes;
      if (id >= h.vocabSize) throw new DataError(`instance file ${this.path}: instance ${i} has id ${id}, outside the vocabulary (size ${h.vocabSize})`);
      return id;
    };
    const originalIds = new Int32Array(seq);
    for (let k = 0; k < seq; k++) originalIds[k] = readId();
    const maskedPositions = new Int32Array(predictions);
    for (let k = 0; k < predictions; k++, at += 2) {
      const p = record.readUInt16LE(at);
      if (p >= seq || (k > 0 && p <= maskedPositions[k - 1]!)) throw new DataError(`instance file ${this.path}: instance ${i} has masked positions out of order or range`);
      maskedPositions[k] = p;
    }
    const maskedInputIds = new Int32Array(predictions);
    for (let k = 0; k < predictions; k++) maskedInputIds[k] = readId();
    const inputIds = Int32Array.from(originalIds);
    const maskedLmIds = new Int32Array(predictions);
    for (let k = 0; k < predictions; k++) {
      const p = maskedPositions[k]!;
      maskedLmIds[k] = originalIds[p]!;
      inputIds[p] = maskedInputIds[k]!;
    }
    const tokenTypeIds = new Int32Array(seq);
    // One segment (mlm): lengthA + 2 = seq, so nothing is filled.
    tokenTypeIds.fill(1, lengthA + 2);
    return { originalIds, lengthA, maskedPositions, maskedInputIds, nextSentenceLabel: label, inputIds, tokenTypeIds, maskedLmIds };
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Several instance files (shards) read as one list; they must agree on length limit and vocabulary. */
export class InstanceDataset {
  private readonly starts: number[];

  private constructor(readonly files: InstanceFile[]) {
    this.starts = [];
    let total = 0;
    for (const file of files) {
      this.starts.push(total);
      total += file.length;
    }
    this.length = total;
  }

  readonly length: number;

  static open(paths: readonly string[]): InstanceDataset {
    if (paths.length === 0) throw new DataError('instance files: none given');
    const files: InstanceFile[] = [];
    try {
      for (const path of paths) {
        const file = InstanceFile.open(path);
        files.push(file);
        const first = files[0]!.header;
        const h = file.header;
        if (h.objective !== first.objective) throw new DataError(`instance file ${path}: made for the ${h.objective} objective, ${files[0]!.path} for ${first.objective}`);
        if (h.maxSeqLength !== first.maxSeqLength || h.vocabSize !== first.vocabSize || h.vocabHash !== first.vocabHash || h.clsId !== first.clsId || h.sepId !== first.sepId || h.maskId !== first.maskId) {
          throw new DataError(`instance file ${path}: made with another vocabulary or max length than ${files[0]!.path}`);
        }
      }
    } catch (error) {
      for (const file of files) file.close();
      throw error;
    }
    return new InstanceDataset(files);
  }

  /** The first file's header (all share the fields that matter), with the total instance count. */
  get header(): InstanceFileHeader {
    const first = this.files[0]!.header;
    let tokens = 0;
    for (const f of this.files) tokens += f.header.totalTokens;
    return { ...first, instanceCount: this.length, totalTokens: tokens };
  }

  get(i: number): PretrainingInstance {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new DataError(`instance files: instance ${i} is outside 0..${this.length - 1}`);
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return this.files[lo]!.get(i - this.starts[lo]!);
  }

  close(): void {
    for (const file of this.files) file.close();
  }
}

function readExactly(fd: number, into: Buffer, position: number, path: string): void {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) throw new DataError(`instance file ${path}: ended early at byte ${position + done} (truncated)`);
    done += n;
  }
}
