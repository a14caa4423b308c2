/**
 * Writes a `.tsbpt` instance file (layout: instance-file-format.ts, docs/pretraining-data.md) atomically, streaming records
 * so memory holds only the index (16 bytes per instance).
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { DataError } from '../errors.js';
import {
  encodeHeader,
  HEADER_BYTES,
  INDEX_ENTRY_BYTES,
  INSTANCE_FILE_VERSION,
  type InstanceFileHeader,
  type InstanceFileSettings,
  type StoredInstance,
} from './instance-file-format.js';

/**
 * Writes one instance file atomically: records stream to `<path>.tmp-<pid>` through a 1 MiB buffer, the index
 * (16 bytes per instance) is kept in memory and appended by `finish`, which then patches the header, fsyncs and
 * renames over `path`. `abort` removes the temporary file.
 */
export class InstanceFileWriter {
  readonly path: string;
  private readonly temporary: string;
  private readonly header: InstanceFileHeader;
  private fd: number | undefined;
  private buffer = Buffer.alloc(1 << 20);
  private used = 0;
  private offset = HEADER_BYTES;
  private index: Buffer[] = [];
  private indexChunk = Buffer.alloc(INDEX_ENTRY_BYTES * 4096);
  private indexUsed = 0;

  constructor(path: string, settings: InstanceFileSettings) {
    if (settings.maxSeqLength > 65535) throw new DataError(`${path}: maxSeqLength ${settings.maxSeqLength} does not fit the format's uint16 lengths`);
    this.path = path;
    this.temporary = `${path}.tmp-${process.pid}`;
    this.header = { ...settings, version: INSTANCE_FILE_VERSION, idBytes: settings.vocabSize <= 65536 ? 2 : 4, instanceCount: 0, totalTokens: 0 };
    try {
      this.fd = openSync(this.temporary, 'w');
    } catch (error) {
      throw new DataError(`instance file ${path}: cannot create it (${(error as Error).message})`, { cause: error });
    }
    writeSync(this.fd, Buffer.alloc(HEADER_BYTES)); // patched by finish()
  }

  get count(): number {
    return this.header.instanceCount;
  }

  get bytesWritten(): number {
    return this.offset;
  }

  append(instance: StoredInstance): void {
    const h = this.header;
    const seq = instance.originalIds.length;
    const predictions = instance.maskedPositions.length;
    if (seq > h.maxSeqLength) throw new DataError(`${this.path}: instance ${h.instanceCount} has ${seq} tokens, over maxSeqLength ${h.maxSeqLength}`);
    if (instance.maskedInputIds.length !== predictions) throw new DataError(`${this.path}: instance ${h.instanceCount}: positions and masked ids differ in length`);
    if (predictions > 65535 || instance.lengthA < 1 || instance.lengthA + 3 > seq) {
      throw new DataError(`${this.path}: instance ${h.instanceCount}: lengthA ${instance.lengthA} or ${predictions} predictions do not fit ${seq} tokens`);
    }
    const bytes = seq * h.idBytes + predictions * (2 + h.idBytes);
    if (this.used + bytes > this.buffer.length) this.flush();
    if (bytes > this.buffer.length) this.buffer = Buffer.alloc(bytes);
    let at = this.used;
    at = this.putIds(instance.originalIds, at);
    for (let k = 0; k < predictions; k++, at += 2) this.buffer.writeUInt16LE(instance.maskedPositions[k]!, at);
    this.putIds(instance.maskedInputIds, at);
    this.used += bytes;

    if (this.indexUsed === this.indexChunk.length) {
      this.index.push(this.indexChunk);
      this.indexChunk = Buffer.alloc(this.indexChunk.length);
      this.indexUsed = 0;
    }
    const e = this.indexChunk;
    const o = this.indexUsed;
    e.writeBigUInt64LE(BigInt(this.offset), o);
    e.writeUInt16LE(seq, o + 8);
    e.writeUInt16LE(instance.lengthA, o + 10);
    e.writeUInt16LE(predictions, o + 12);
    e.writeUInt8(instance.nextSentenceLabel, o + 14);
    this.indexUsed += INDEX_ENTRY_BYTES;
    this.offset += bytes;
    h.instanceCount++;
    h.totalTokens += seq;
  }

  /** Writes the index and header, and moves the file into place. Returns the header written. */
  finish(): InstanceFileHeader {
    const fd = this.requireOpen();
    try {
      this.flush();
      const indexOffset = this.offset;
      for (const chunk of this.index) writeSync(fd, chunk);
      writeSync(fd, this.indexChunk, 0, this.indexUsed);
      writeSync(fd, encodeHeader(this.header, indexOffset), 0, HEADER_BYTES, 0);
      fsyncSync(fd);
      closeSync(fd);
      this.fd = undefined;
      renameSync(this.temporary, this.path);
    } catch (error) {
      this.abort();
      throw new DataError(`instance file ${this.path}: write failed (${(error as Error).message})`, { cause: error });
    }
    this.index = [];
    return { ...this.header };
  }

  abort(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    try {
      unlinkSync(this.temporary);
    } catch {
      // already gone
    }
  }

  private putIds(ids: Int32Array, at: number): number {
    const h = this.header;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      if (id < 0 || id >= h.vocabSize) throw new DataError(`${this.path}: instance ${h.instanceCount} has id ${id}, outside the vocabulary (size ${h.vocabSize})`);
      if (h.idBytes === 2) this.buffer.writeUInt16LE(id, at);
      else this.buffer.writeUInt32LE(id, at);
      at += h.idBytes;
    }
    return at;
  }

  private flush(): void {
    const fd = this.requireOpen();
    if (this.used > 0) writeSync(fd, this.buffer, 0, this.used);
    this.used = 0;
  }

  private requireOpen(): number {
    if (this.fd === undefined) throw new DataError(`instance file ${this.path}: the writer is already closed`);
    return this.fd;
  }
}
