/**
 * Where the fields of a (valid) ZIP archive sit, found independently of the reader under test: the end records,
 * each central directory entry and its local header. Field-level mutators overwrite these; the entry list lets the
 * archive be rebuilt with edited contents.
 */
import { inflateRawSync } from 'node:zlib';
import { readUintLE } from './integers.js';

export interface ZipField {
  at: number;
  bytes: number;
  label: string;
  /** The value the field holds, so ±1 edits can be made around it. */
  value: number;
}

export interface ZipLayoutEntry {
  name: string;
  data: Uint8Array;
}

export interface ZipLayout {
  fields: ZipField[];
  entries: ZipLayoutEntry[];
}

const u = (bytes: Uint8Array, at: number, width: number): number => Number(readUintLE(bytes, at, width));

/** The layout of a well-formed archive; throws (a harness error, not a finding) if the seed is not one. */
export function zipLayout(bytes: Uint8Array): ZipLayout {
  const fields: ZipField[] = [];
  const field = (at: number, width: number, label: string): void => {
    fields.push({ at, bytes: width, label, value: u(bytes, at, width) });
  };
  let eocd = -1;
  for (let i = bytes.length - 22; i >= 0; i--) {
    if (u(bytes, i, 4) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('seed is not a zip archive');
  field(eocd + 8, 2, 'EOCD entries on this disk');
  field(eocd + 10, 2, 'EOCD total entries');
  field(eocd + 12, 4, 'EOCD central directory size');
  field(eocd + 16, 4, 'EOCD central directory offset');
  field(eocd + 20, 2, 'EOCD comment length');
  let count = u(bytes, eocd + 10, 2);
  let cdOffset = u(bytes, eocd + 16, 4);
  const locator = eocd - 20;
  if (locator >= 0 && u(bytes, locator, 4) === 0x07064b50) {
    field(locator + 8, 8, 'ZIP64 locator record offset');
    const record = u(bytes, locator + 8, 8);
    field(record + 24, 8, 'ZIP64 entries on this disk');
    field(record + 32, 8, 'ZIP64 total entries');
    field(record + 40, 8, 'ZIP64 central directory size');
    field(record + 48, 8, 'ZIP64 central directory offset');
    count = u(bytes, record + 32, 8);
    cdOffset = u(bytes, record + 48, 8);
  }
  const entries: ZipLayoutEntry[] = [];
  let at = cdOffset;
  for (let index = 0; index < count; index++) {
    if (u(bytes, at, 4) !== 0x02014b50) throw new Error(`seed central directory entry ${index} is malformed`);
    const nameLength = u(bytes, at + 28, 2);
    const extraLength = u(bytes, at + 30, 2);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    const where = `central "${name}"`;
    field(at, 4, `${where} signature`);
    field(at + 8, 2, `${where} flags`);
    field(at + 10, 2, `${where} method`);
    field(at + 16, 4, `${where} crc32`);
    field(at + 20, 4, `${where} compressed size`);
    field(at + 24, 4, `${where} size`);
    field(at + 28, 2, `${where} name length`);
    field(at + 30, 2, `${where} extra length`);
    field(at + 32, 2, `${where} comment length`);
    field(at + 42, 4, `${where} local header offset`);
    let compressed = u(bytes, at + 20, 4);
    let local = u(bytes, at + 42, 4);
    // ZIP64 extra: 64-bit size, compressed size, offset, present only for the 32-bit fields that are 0xFFFFFFFF.
    for (let x = at + 46 + nameLength; x + 4 <= at + 46 + nameLength + extraLength; ) {
      const id = u(bytes, x, 2);
      const size = u(bytes, x + 2, 2);
      if (id === 0x0001) {
        let v = x + 4;
        for (const [label, full] of [['size', u(bytes, at + 24, 4)], ['compressed size', compressed], ['local header offset', local]] as const) {
          if (full !== 0xffffffff) continue;
          field(v, 8, `${where} ZIP64 ${label}`);
          if (label === 'compressed size') compressed = u(bytes, v, 8);
          if (label === 'local header offset') local = u(bytes, v, 8);
          v += 8;
        }
      }
      x += 4 + size;
    }
    field(local, 4, `local "${name}" signature`);
    field(local + 8, 2, `local "${name}" flags`);
    field(local + 26, 2, `local "${name}" name length`);
    field(local + 28, 2, `local "${name}" extra length`);
    const dataStart = local + 30 + u(bytes, local + 26, 2) + u(bytes, local + 28, 2);
    const stored = bytes.subarray(dataStart, dataStart + compressed);
    const method = u(bytes, at + 10, 2);
    entries.push({ name, data: method === 8 ? new Uint8Array(inflateRawSync(stored)) : stored.slice() });
    at += 46 + nameLength + extraLength + u(bytes, at + 32, 2);
  }
  return { fields, entries };
}
