/**
 * A minimal ZIP reader (PKWARE APPNOTE.TXT) for PyTorch checkpoints: end of central directory (and its ZIP64
 * variant, which torch always writes) → central directory → local header → data, stored or deflated. The directory is
 * read on open; entries are read on demand by file descriptor, so a large checkpoint is never held whole. Every
 * offset and length is checked against the file and the directory before it is used, and each entry's CRC-32 is
 * verified; any problem is a CheckpointError naming the file and the entry.
 */
import { closeSync, fstatSync } from 'node:fs';
import * as zlib from 'node:zlib';
import { CheckpointError } from '../errors.js';
import { openCheckpointFile, readCheckpointBytes } from './checkpoint-file.js';

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_BYTES = 22;
const MAX_COMMENT_BYTES = 0xffff;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_BYTES = 20;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const ZIP64_EOCD_BYTES = 56;
const CENTRAL_SIGNATURE = 0x02014b50;
const CENTRAL_BYTES = 46;
const LOCAL_SIGNATURE = 0x04034b50;
const LOCAL_BYTES = 30;
const ZIP64_EXTRA_ID = 0x0001;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const MAX_DEFLATE_RATIO = 1032;
/** The most bytes one entry may inflate to: a typed array's limit in Node 20 on 64-bit hosts. */
const MAX_ENTRY_BYTES = 2 ** 32;

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

let crcTables: Uint32Array | undefined;

/** Four 256-entry tables for slicing-by-4: table k advances the CRC over a byte followed by k zero bytes. */
function crcTablesOnce(): Uint32Array {
  if (crcTables !== undefined) return crcTables;
  const t = new Uint32Array(4 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 4; k++) {
      const previous = t[(k - 1) * 256 + n] as number;
      t[k * 256 + n] = (previous >>> 8) ^ (t[previous & 0xff] as number);
    }
  }
  crcTables = t;
  return t;
}

/** CRC-32 as ZIP uses it (reflected polynomial 0xEDB88320), four bytes per step (~3x the byte-at-a-time loop). */
export function crc32Portable(bytes: Uint8Array): number {
  const t = crcTablesOnce();
  let c = 0xffffffff;
  let i = 0;
  for (const end4 = bytes.length - 3; i < end4; i += 4) {
    c ^= (bytes[i] as number) | ((bytes[i + 1] as number) << 8) | ((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24);
    c = (t[768 + (c & 0xff)] as number) ^ (t[512 + ((c >>> 8) & 0xff)] as number) ^ (t[256 + ((c >>> 16) & 0xff)] as number) ^ (t[c >>> 24] as number);
  }
  for (; i < bytes.length; i++) c = (t[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32 through zlib where Node has it (20.15+), else the portable loop. */
export function crc32(bytes: Uint8Array): number {
  return typeof zlib.crc32 === 'function' ? zlib.crc32(bytes) : crc32Portable(bytes);
}

/** A ZIP archive opened by file descriptor: the central directory is read on open, entries on demand. */
export class ZipArchive {
  readonly entries = new Map<string, ZipEntry>();
  /** Entry data must lie before this offset (where the central directory starts). */
  private dataLimit = 0;

  private fd: number | undefined;

  private constructor(
    readonly file: string,
    fd: number,
    private readonly fileBytes: number,
  ) {
    this.fd = fd;
    this.readCentralDirectory();
  }

  /** Opens the file and reads its central directory; `file` names it in errors. */
  static open(file: string): ZipArchive {
    const fd = openCheckpointFile(file);
    try {
      return new ZipArchive(file, fd, fstatSync(fd).size);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private fail(message: string): never {
    throw new CheckpointError(`${this.file}: ${message}`);
  }

  private bytesAt(position: number, length: number, what: string): Uint8Array {
    if (this.fd === undefined) this.fail(`read of ${what} after close`);
    return readCheckpointBytes(this.fd, this.file, this.fileBytes, position, length, what);
  }

  private readCentralDirectory(): void {
    const tailBytes = Math.min(this.fileBytes, EOCD_BYTES + MAX_COMMENT_BYTES);
    const tailStart = this.fileBytes - tailBytes;
    const tail = this.bytesAt(tailStart, tailBytes, 'the end of the archive');
    const view = new DataView(tail.buffer);
    // The record is the last one whose comment length reaches exactly to the end of the file.
    let eocd = -1;
    for (let i = tailBytes - EOCD_BYTES; i >= 0; i--) {
      if (view.getUint32(i, true) === EOCD_SIGNATURE && view.getUint16(i + 20, true) === tailBytes - i - EOCD_BYTES) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) this.fail('no ZIP end-of-central-directory record (truncated or not a zip archive)');
    if (view.getUint16(eocd + 4, true) !== 0 || view.getUint16(eocd + 6, true) !== 0) this.fail('multi-disk zip archives are not supported');
    let count = view.getUint16(eocd + 10, true);
    let cdBytes = view.getUint32(eocd + 12, true);
    let cdOffset = view.getUint32(eocd + 16, true);
    let cdLimit = tailStart + eocd;
    // PyTorch always writes the ZIP64 records; when present they hold the real (64-bit) values.
    const locator = eocd - ZIP64_LOCATOR_BYTES;
    if (locator >= 0 && view.getUint32(locator, true) === ZIP64_LOCATOR_SIGNATURE) {
      const recordOffset = toSafeNumber(view.getBigUint64(locator + 8, true));
      if (recordOffset > tailStart + locator - ZIP64_EOCD_BYTES) this.fail('ZIP64 end-of-central-directory record lies outside the file');
      const record = new DataView(this.bytesAt(recordOffset, ZIP64_EOCD_BYTES, 'the ZIP64 end-of-central-directory record').buffer);
      if (record.getUint32(0, true) !== ZIP64_EOCD_SIGNATURE) this.fail('bad ZIP64 end-of-central-directory signature');
      count = toSafeNumber(record.getBigUint64(32, true));
      cdBytes = toSafeNumber(record.getBigUint64(40, true));
      cdOffset = toSafeNumber(record.getBigUint64(48, true));
      cdLimit = recordOffset;
    }
    if (cdOffset + cdBytes > cdLimit) this.fail(`central directory (offset ${cdOffset}, ${cdBytes} bytes) overlaps its end record or the file end`);
    if (count * CENTRAL_BYTES > cdBytes) this.fail(`central directory of ${cdBytes} bytes cannot hold ${count} entries`);
    this.dataLimit = cdOffset;
    const cd = this.bytesAt(cdOffset, cdBytes, 'the central directory');
    const dir = new DataView(cd.buffer);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let at = 0;
    for (let index = 0; index < count; index++) {
      const where = `central directory entry ${index}`;
      if (at + CENTRAL_BYTES > cdBytes || dir.getUint32(at, true) !== CENTRAL_SIGNATURE) this.fail(`${where}: bad signature or truncated`);
      const nameBytes = dir.getUint16(at + 28, true);
      const extraBytes = dir.getUint16(at + 30, true);
      const commentBytes = dir.getUint16(at + 32, true);
      const next = at + CENTRAL_BYTES + nameBytes + extraBytes + commentBytes;
      if (next > cdBytes) this.fail(`${where}: runs past the central directory`);
      let name: string;
      try {
        name = decoder.decode(cd.subarray(at + CENTRAL_BYTES, at + CENTRAL_BYTES + nameBytes));
      } catch (cause) {
        throw new CheckpointError(`${this.file}: ${where}: name is not UTF-8`, { cause });
      }
      const entry: ZipEntry = {
        name,
        flags: dir.getUint16(at + 8, true),
        method: dir.getUint16(at + 10, true),
        crc32: dir.getUint32(at + 16, true),
        compressedSize: dir.getUint32(at + 20, true),
        size: dir.getUint32(at + 24, true),
        localHeaderOffset: dir.getUint32(at + 42, true),
      };
      this.applyZip64Extra(entry, dir, at + CENTRAL_BYTES + nameBytes, extraBytes);
      if (this.entries.has(name)) this.fail(`entry "${name}" appears twice in the central directory`);
      this.entries.set(name, entry);
      at = next;
    }
  }

  /** Sizes and offsets that overflow 32 bits are 0xFFFFFFFF in the entry and 64-bit in a ZIP64 extra field. */
  private applyZip64Extra(entry: ZipEntry, dir: DataView, start: number, length: number): void {
    const FULL = 0xffffffff;
    if (entry.size !== FULL && entry.compressedSize !== FULL && entry.localHeaderOffset !== FULL) return;
    for (let at = start; at + 4 <= start + length; ) {
      const id = dir.getUint16(at, true);
      const bytes = dir.getUint16(at + 2, true);
      if (at + 4 + bytes > start + length) break;
      if (id === ZIP64_EXTRA_ID) {
        let field = at + 4;
        const next = (): number => {
          if (field + 8 > at + 4 + bytes) this.fail(`entry "${entry.name}": ZIP64 extra field too short`);
          const value = toSafeNumber(dir.getBigUint64(field, true));
          field += 8;
          return value;
        };
        if (entry.size === FULL) entry.size = next();
        if (entry.compressedSize === FULL) entry.compressedSize = next();
        if (entry.localHeaderOffset === FULL) entry.localHeaderOffset = next();
        return;
      }
      at += 4 + bytes;
    }
    this.fail(`entry "${entry.name}": 32-bit size or offset overflow without a ZIP64 extra field`);
  }

  /** The entry's uncompressed bytes, checked against its size and CRC-32. */
  read(entry: ZipEntry): Uint8Array {
    const what = `entry "${entry.name}"`;
    if (entry.flags & 1) this.fail(`${what} is encrypted`);
    if (entry.size > MAX_ENTRY_BYTES) this.fail(`${what} is too large (${entry.size} bytes)`);
    const local = new DataView(this.bytesAt(entry.localHeaderOffset, LOCAL_BYTES, `${what} local header`).buffer);
    if (local.getUint32(0, true) !== LOCAL_SIGNATURE) this.fail(`${what}: bad local header signature at offset ${entry.localHeaderOffset}`);
    const dataStart = entry.localHeaderOffset + LOCAL_BYTES + local.getUint16(26, true) + local.getUint16(28, true);
    if (dataStart + entry.compressedSize > this.dataLimit) {
      this.fail(`${what}: data (offset ${dataStart}, ${entry.compressedSize} bytes) overlaps the central directory or the file end`);
    }
    const stored = this.bytesAt(dataStart, entry.compressedSize, what);
    let data: Uint8Array;
    if (entry.method === METHOD_STORED) {
      if (entry.compressedSize !== entry.size) this.fail(`${what}: stored entry with compressed size ${entry.compressedSize} ≠ size ${entry.size}`);
      data = stored;
    } else if (entry.method === METHOD_DEFLATE) {
      // Deflate cannot expand more than ~1032:1, so a larger claimed size is a lie (or a bomb): refuse before inflating.
      if (entry.size > MAX_DEFLATE_RATIO * entry.compressedSize + 1024) this.fail(`${what}: ${entry.compressedSize} deflated bytes cannot hold ${entry.size}`);
      try {
        data = zlib.inflateRawSync(stored, { maxOutputLength: Math.max(entry.size, 1) });
      } catch (cause) {
        throw new CheckpointError(`${this.file}: ${what}: cannot inflate: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
      }
      if (data.length !== entry.size) this.fail(`${what}: inflated to ${data.length} bytes, the directory says ${entry.size}`);
    } else {
      this.fail(`${what}: compression method ${entry.method} is not supported (only stored and deflate)`);
    }
    const crc = crc32(data);
    if (crc !== entry.crc32) this.fail(`${what}: CRC-32 mismatch (corrupt data)`);
    return data;
  }
}

function toSafeNumber(value: bigint): number {
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}
