/**
 * The pre-training instance file (`.tsbpt`): BERT's sentence pairs with their NSP labels, stored UNMASKED, plus an
 * optional static mask per instance (as the original writes with dupe_factor copies). The trainer either uses the
 * stored mask (static masking, BERT) or re-masks the unmasked ids every time it sees them (dynamic, RoBERTa §4.1).
 * The full layout is in DATA-FORMAT.md; in short, all little-endian:
 *
 *   header   128 bytes: magic "TSBERTPT", version, sizes, vocab fingerprint, special ids, masking options,
 *            instance count, index offset
 *   records  one per instance, packed back to back from byte 128:
 *              ids[seqLength]                 [CLS] A [SEP] B [SEP], unmasked (uint16 or uint32, `idBytes`)
 *              positions[numPredictions]      uint16, ascending
 *              maskedIds[numPredictions]      the id the model sees there: [MASK], a random id or the original
 *   index    16 bytes per instance at `indexOffset`: u64 record offset, u16 seqLength, u16 lengthA,
 *            u16 numPredictions, u8 nextSentenceLabel, u8 zero
 *
 * The reader validates everything before use (magic, version, sizes, that the records tile the data region exactly
 * and the index ends the file), so a truncated or foreign file is a DataError naming it, never an out-of-bounds read.
 */
import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { DataError } from '../errors.js';

export const INSTANCE_FILE_MAGIC = 'TSBERTPT';
export const INSTANCE_FILE_VERSION = 1;
export const HEADER_BYTES = 128;
export const INDEX_ENTRY_BYTES = 16;

const FLAG_STATIC_MASKS = 1;
const FLAG_WHOLE_WORD_MASK = 2;
const FLAG_LOWER_CASE = 4;

/** What a file says about how it was made; the trainer reads the masking options from here for dynamic masking. */
export interface InstanceFileHeader {
  version: number;
  /** 2 (uint16) when the vocabulary fits, else 4. */
  idBytes: number;
  maxSeqLength: number;
  vocabSize: number;
  /** FNV-1a 32 of the vocabulary (`vocabFingerprint`): the trainer checks its tokenizer matches. */
  vocabHash: number;
  clsId: number;
  sepId: number;
  maskId: number;
  padId: number;
  /** Whether records hold a static mask (false: positions empty, mask dynamically). */
  staticMasks: boolean;
  wholeWordMask: boolean;
  doLowerCase: boolean;
  maskedLmProb: number;
  maxPredictionsPerSeq: number;
  shortSeqProb: number;
  dupeFactor: number;
  seed: number;
  instanceCount: number;
  /** Sum of seqLength over instances. */
  totalTokens: number;
}

export type InstanceFileSettings = Omit<InstanceFileHeader, 'version' | 'idBytes' | 'instanceCount' | 'totalTokens'>;

/** One instance as written: unmasked ids plus the static mask (empty arrays when the file has none). */
export interface StoredInstance {
  /** [CLS] A [SEP] B [SEP], unmasked. [seq] */
  originalIds: Int32Array;
  /** Number of A tokens (without [CLS]/[SEP]); segment 0 covers positions 0 .. lengthA + 1. */
  lengthA: number;
  maskedPositions: Int32Array;
  /** The id placed at each masked position ([MASK], random, or the original). */
  maskedInputIds: Int32Array;
  /** 1 = B is a random next (BERT's "NotNext"), 0 = actual next. */
  nextSentenceLabel: 0 | 1;
}

/** An instance as the model sees it. */
export interface PretrainingInstance extends StoredInstance {
  /** The masked input. [seq] */
  inputIds: Int32Array;
  /** 0 for [CLS] A [SEP], 1 for B [SEP]. [seq] */
  tokenTypeIds: Int32Array;
  /** Original ids at maskedPositions (the MLM targets). */
  maskedLmIds: Int32Array;
}

/** FNV-1a 32 over the tokens joined by '\n' (UTF-8), so two vocabularies with the same ids hash alike. */
export function vocabFingerprint(tokens: readonly string[]): number {
  let hash = 0x811c9dc5;
  const encoder = new TextEncoder();
  for (let t = 0; t < tokens.length; t++) {
    const bytes = encoder.encode(t === 0 ? tokens[t]! : '\n' + tokens[t]!);
    for (let k = 0; k < bytes.length; k++) hash = Math.imul(hash ^ bytes[k]!, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

function encodeHeader(header: InstanceFileHeader, indexOffset: number): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  b.write(INSTANCE_FILE_MAGIC, 0, 'latin1');
  b.writeUInt32LE(header.version, 8);
  b.writeUInt32LE(HEADER_BYTES, 12);
  b.writeUInt32LE((header.staticMasks ? FLAG_STATIC_MASKS : 0) | (header.wholeWordMask ? FLAG_WHOLE_WORD_MASK : 0) | (header.doLowerCase ? FLAG_LOWER_CASE : 0), 16);
  b.writeUInt32LE(header.idBytes, 20);
  b.writeUInt32LE(header.maxSeqLength, 24);
  b.writeUInt32LE(header.maxPredictionsPerSeq, 28);
  b.writeUInt32LE(header.vocabSize, 32);
  b.writeUInt32LE(header.vocabHash, 36);
  b.writeUInt32LE(header.clsId, 40);
  b.writeUInt32LE(header.sepId, 44);
  b.writeUInt32LE(header.maskId, 48);
  b.writeUInt32LE(header.padId, 52);
  b.writeDoubleLE(header.maskedLmProb, 56);
  b.writeDoubleLE(header.shortSeqProb, 64);
  b.writeUInt32LE(header.dupeFactor, 72);
  b.writeUInt32LE(header.seed >>> 0, 76);
  b.writeBigUInt64LE(BigInt(header.instanceCount), 80);
  b.writeBigUInt64LE(BigInt(indexOffset), 88);
  b.writeBigUInt64LE(BigInt(header.totalTokens), 96);
  return b;
}

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
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      throw new DataError(`instance file ${path}: cannot open it (${(error as Error).message})`, { cause: error });
    }
    try {
      const size = fstatSync(fd).size;
      const bad = (problem: string): DataError => new DataError(`instance file ${path}: ${problem}`);
      if (size < HEADER_BYTES) throw bad(`${size} bytes is shorter than the ${HEADER_BYTES}-byte header (truncated or not an instance file)`);
      const h = Buffer.alloc(HEADER_BYTES);
      readExactly(fd, h, 0, path);
      if (h.toString('latin1', 0, 8) !== INSTANCE_FILE_MAGIC) throw bad(`not an instance file (magic is not "${INSTANCE_FILE_MAGIC}")`);
      const version = h.readUInt32LE(8);
      if (version !== INSTANCE_FILE_VERSION) throw bad(`format version ${version}; this tsbert reads version ${INSTANCE_FILE_VERSION}`);
      if (h.readUInt32LE(12) !== HEADER_BYTES) throw bad(`header size ${h.readUInt32LE(12)}, expected ${HEADER_BYTES}`);
      const flags = h.readUInt32LE(16);
      const header: InstanceFileHeader = {
        version,
        idBytes: h.readUInt32LE(20),
        maxSeqLength: h.readUInt32LE(24),
        maxPredictionsPerSeq: h.readUInt32LE(28),
        vocabSize: h.readUInt32LE(32),
        vocabHash: h.readUInt32LE(36),
        clsId: h.readUInt32LE(40),
        sepId: h.readUInt32LE(44),
        maskId: h.readUInt32LE(48),
        padId: h.readUInt32LE(52),
        maskedLmProb: h.readDoubleLE(56),
        shortSeqProb: h.readDoubleLE(64),
        dupeFactor: h.readUInt32LE(72),
        seed: h.readUInt32LE(76),
        instanceCount: safeNumber(h.readBigUInt64LE(80), path),
        totalTokens: safeNumber(h.readBigUInt64LE(96), path),
        staticMasks: (flags & FLAG_STATIC_MASKS) !== 0,
        wholeWordMask: (flags & FLAG_WHOLE_WORD_MASK) !== 0,
        doLowerCase: (flags & FLAG_LOWER_CASE) !== 0,
      };
      const indexOffset = safeNumber(h.readBigUInt64LE(88), path);
      if (header.idBytes !== 2 && header.idBytes !== 4) throw bad(`id width ${header.idBytes} bytes (must be 2 or 4)`);
      if (header.idBytes === 2 && header.vocabSize > 65536) throw bad(`vocab size ${header.vocabSize} does not fit 2-byte ids`);
      if (header.maxSeqLength < 5 || header.maxSeqLength > 65535) throw bad(`maxSeqLength ${header.maxSeqLength} out of range`);
      for (const [name, id] of [['cls', header.clsId], ['sep', header.sepId], ['mask', header.maskId], ['pad', header.padId]] as const) {
        if (id >= header.vocabSize) throw bad(`${name} id ${id} is outside the vocabulary (size ${header.vocabSize})`);
      }
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
        if (seq > header.maxSeqLength || lengthA < 1 || lengthA + 3 > seq) throw bad(`instance ${i} has ${seq} tokens with ${lengthA} in A (max ${header.maxSeqLength})`);
        if (predictions > seq || (!header.staticMasks && predictions > 0)) throw bad(`instance ${i} has ${predictions} masked positions for ${seq} tokens`);
        if (label > 1) throw bad(`instance ${i} has next-sentence label ${label}`);
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

function safeNumber(value: bigint, path: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new DataError(`instance file ${path}: a 64-bit field (${value}) is too large (corrupt)`);
  return Number(value);
}
