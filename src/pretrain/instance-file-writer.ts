/**
 * Writes a `.tsbpt` instance file (layout: instance-file-format.ts, docs/pretraining-data.md) atomically, streaming records
 * so memory holds only the index (16 bytes per instance).
 */
import { DataError } from '../errors.js';
import { AtomicFileWriter } from '../io/atomic-file.js';
import {
  encodeHeader,
  segmentLayoutProblem,
  HEADER_BYTES,
  INDEX_ENTRY_BYTES,
  INSTANCE_FILE_VERSION,
  type InstanceFileHeader,
  type InstanceFileSettings,
  type StoredInstance,
} from './instance-file-format.js';

/**
 * Writes one instance file atomically (io/atomic-file.ts): records are encoded into a 1 MiB buffer and streamed to
 * the temporary file, the index (16 bytes per instance) is kept in memory. `seal` appends the index and patches the
 * header — the file is complete but still temporary — and `commit` moves it into place; `finish` does both. A run
 * that writes several shards seals each and commits them together at the end, so a failed run leaves none.
 * `abort` removes the temporary file.
 */
export class InstanceFileWriter {
  readonly path: string;
  private readonly header: InstanceFileHeader;
  private readonly file: AtomicFileWriter;
  private sealed: InstanceFileHeader | undefined;
  private buffer = Buffer.alloc(1 << 20);
  private used = 0;
  private offset = HEADER_BYTES;
  private index: Buffer[] = [];
  private indexChunk = Buffer.alloc(INDEX_ENTRY_BYTES * 4096);
  private indexUsed = 0;

  constructor(path: string, settings: InstanceFileSettings) {
    if (settings.maxSeqLength > 65535) throw new DataError(`${path}: maxSeqLength ${settings.maxSeqLength} does not fit the format's uint16 lengths`);
    this.path = path;
    this.header = { objective: 'bert', maxNgram: 1, ...settings, version: INSTANCE_FILE_VERSION, idBytes: settings.vocabSize <= 65536 ? 2 : 4, instanceCount: 0, totalTokens: 0 };
    this.file = new AtomicFileWriter(path, { label: 'instance file' });
    this.file.write(Buffer.alloc(HEADER_BYTES)); // patched by seal()
  }

  get count(): number {
    return this.header.instanceCount;
  }

  get bytesWritten(): number {
    return this.offset;
  }

  append(instance: StoredInstance): void {
    if (this.sealed !== undefined) throw new DataError(`instance file ${this.path}: the writer is already sealed`);
    const h = this.header;
    const seq = instance.originalIds.length;
    const predictions = instance.maskedPositions.length;
    if (seq > h.maxSeqLength) throw new DataError(`${this.path}: instance ${h.instanceCount} has ${seq} tokens, over maxSeqLength ${h.maxSeqLength}`);
    if (instance.maskedInputIds.length !== predictions) throw new DataError(`${this.path}: instance ${h.instanceCount}: positions and masked ids differ in length`);
    const layout = segmentLayoutProblem(h.objective, seq, instance.lengthA, instance.nextSentenceLabel);
    if (predictions > 65535 || layout !== undefined) {
      throw new DataError(`${this.path}: instance ${h.instanceCount} (${h.objective}): ${layout ?? `${predictions} predictions do not fit ${seq} tokens`}`);
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
    const header = this.seal();
    this.commit();
    return header;
  }

  /** Appends the index, patches the header and closes the (still temporary) file. Returns the header written. */
  seal(): InstanceFileHeader {
    if (this.sealed !== undefined) return this.sealed;
    this.flush();
    const indexOffset = this.offset;
    for (const chunk of this.index) this.file.write(chunk);
    this.file.write(this.indexChunk.subarray(0, this.indexUsed));
    this.file.writeAt(encodeHeader(this.header, indexOffset), 0);
    this.file.close();
    this.index = [];
    this.sealed = { ...this.header };
    return this.sealed;
  }

  /** Moves a sealed file into place. */
  commit(): void {
    this.seal();
    this.file.commit();
  }

  abort(): void {
    this.file.abort();
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
    if (this.used > 0) this.file.write(this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}
