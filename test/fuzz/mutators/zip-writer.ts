/**
 * Writes a ZIP archive from (name, bytes) entries with correct CRC-32s and sizes, so edits to the contents (a
 * mutated pickle, a shortened storage) reach the reader's later checks instead of failing the checksum. Options
 * cover the variants a reader meets: deflated or stored entries, ZIP64 end records (torch writes them) or not, and
 * torch's 64-byte alignment of entry data.
 */
import { crc32 as zlibCrc32, deflateRawSync } from 'node:zlib';
import { concat } from './bytes.js';
import { writeUintLE } from './integers.js';

export interface ZipWriteOptions {
  deflate?: boolean;
  zip64?: boolean;
  align?: number;
}

let table: Uint32Array | undefined;

/** CRC-32 (zlib's where Node has it; it arrived in 20.15). */
function crc32(bytes: Uint8Array): number {
  if (typeof zlibCrc32 === 'function') return zlibCrc32(bytes);
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const byte of bytes) c = (table[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function record(length: number, fill: (out: Uint8Array) => void): Uint8Array {
  const out = new Uint8Array(length);
  fill(out);
  return out;
}

export function writeZip(entries: readonly { name: string; data: Uint8Array }[], options: ZipWriteOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = new TextEncoder().encode(entry.name);
    const method = options.deflate === true ? 8 : 0;
    const stored = method === 8 ? new Uint8Array(deflateRawSync(entry.data)) : entry.data;
    const crc = crc32(entry.data);
    const align = options.align ?? 0;
    const padding = align > 0 ? (align - ((offset + 30 + name.length + 4) % align)) % align : 0;
    const extra = align > 0 ? record(4 + padding, (e) => { writeUintLE(e, 0, 2, 0x5746n); writeUintLE(e, 2, 2, BigInt(padding)); }) : new Uint8Array(0);
    const local = record(30, (h) => {
      writeUintLE(h, 0, 4, 0x04034b50n);
      writeUintLE(h, 4, 2, 20n);
      writeUintLE(h, 8, 2, BigInt(method));
      writeUintLE(h, 14, 4, BigInt(crc));
      writeUintLE(h, 18, 4, BigInt(stored.length));
      writeUintLE(h, 22, 4, BigInt(entry.data.length));
      writeUintLE(h, 26, 2, BigInt(name.length));
      writeUintLE(h, 28, 2, BigInt(extra.length));
    });
    central.push(record(46, (h) => {
      writeUintLE(h, 0, 4, 0x02014b50n);
      writeUintLE(h, 4, 2, 20n);
      writeUintLE(h, 6, 2, 20n);
      writeUintLE(h, 10, 2, BigInt(method));
      writeUintLE(h, 16, 4, BigInt(crc));
      writeUintLE(h, 20, 4, BigInt(stored.length));
      writeUintLE(h, 24, 4, BigInt(entry.data.length));
      writeUintLE(h, 28, 2, BigInt(name.length));
      writeUintLE(h, 42, 4, BigInt(offset));
    }), name);
    parts.push(local, name, extra, stored);
    offset += local.length + name.length + extra.length + stored.length;
  }
  const cd = concat(...central);
  const cdOffset = offset;
  const tail: Uint8Array[] = [cd];
  if (options.zip64 === true) {
    const recordOffset = cdOffset + cd.length;
    tail.push(record(56, (h) => {
      writeUintLE(h, 0, 4, 0x06064b50n);
      writeUintLE(h, 4, 8, 44n);
      writeUintLE(h, 12, 2, 45n);
      writeUintLE(h, 14, 2, 45n);
      writeUintLE(h, 24, 8, BigInt(entries.length));
      writeUintLE(h, 32, 8, BigInt(entries.length));
      writeUintLE(h, 40, 8, BigInt(cd.length));
      writeUintLE(h, 48, 8, BigInt(cdOffset));
    }), record(20, (h) => {
      writeUintLE(h, 0, 4, 0x07064b50n);
      writeUintLE(h, 8, 8, BigInt(recordOffset));
      writeUintLE(h, 16, 4, 1n);
    }));
  }
  tail.push(record(22, (h) => {
    writeUintLE(h, 0, 4, 0x06054b50n);
    writeUintLE(h, 8, 2, BigInt(options.zip64 === true ? 0xffff : entries.length));
    writeUintLE(h, 10, 2, BigInt(options.zip64 === true ? 0xffff : entries.length));
    writeUintLE(h, 12, 4, BigInt(options.zip64 === true ? 0xffffffff : cd.length));
    writeUintLE(h, 16, 4, BigInt(options.zip64 === true ? 0xffffffff : cdOffset));
  }));
  return concat(...parts, ...tail);
}
