/**
 * Structure-aware edits of protocol-buffer bytes (SentencePiece's ModelProto): the fields are found by walking the
 * wire format (into the embedded messages named by `nested`), then one is edited — its length prefix or varint value
 * set to a boundary value, the field deleted or duplicated, or bytes inside its payload overwritten (for a
 * charsmap: the trie's size word or its units).
 */
import type { Rng } from '../../../src/tensor/rng.js';
import type { Mutation } from '../mutation.js';
import { concat } from './bytes.js';
import { interestingUint, writeUintLE } from './integers.js';
import { between, pick, weighted } from '../random.js';

interface FieldSpan {
  /** Path of field numbers from the top, e.g. "1.2" (a piece's score). */
  path: string;
  wire: number;
  tag: number;
  /** Where the value starts: the length prefix (wire 2), the varint, or the fixed bytes. */
  value: number;
  payload: number;
  end: number;
}

function readVarint(bytes: Uint8Array, at: number): [number, number] | undefined {
  let value = 0;
  for (let i = 0, scale = 1; i < 10 && at + i < bytes.length; i++, scale *= 128) {
    const b = bytes[at + i] ?? 0;
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return [value, at + i + 1];
  }
  return undefined;
}

function encodeVarint(value: bigint): Uint8Array {
  const out: number[] = [];
  for (let v = value & (2n ** 64n - 1n); ; v >>= 7n) {
    if (v < 0x80n) {
      out.push(Number(v));
      return new Uint8Array(out);
    }
    out.push(Number(v & 0x7fn) | 0x80);
  }
}

/** Every field of the message bytes[from, to), descending into `nested` paths. */
export function scanFields(bytes: Uint8Array, nested: ReadonlySet<string>, from = 0, to = bytes.length, prefix = ''): FieldSpan[] {
  const out: FieldSpan[] = [];
  for (let at = from; at < to; ) {
    const tag = readVarint(bytes, at);
    if (tag === undefined) break;
    const [key, value] = tag;
    const wire = key % 8;
    const path = prefix + String(Math.floor(key / 8));
    let payload = value;
    let end: number;
    if (wire === 0) {
      const v = readVarint(bytes, value);
      if (v === undefined) break;
      end = v[1];
    } else if (wire === 1 || wire === 5) end = value + (wire === 1 ? 8 : 4);
    else if (wire === 2) {
      const len = readVarint(bytes, value);
      if (len === undefined) break;
      payload = len[1];
      end = payload + len[0];
    } else break;
    if (end > to) break;
    out.push({ path, wire, tag: at, value, payload, end });
    if (wire === 2 && nested.has(path)) out.push(...scanFields(bytes, nested, payload, end, `${path}.`));
    at = end;
  }
  return out;
}

/** One structure-aware edit, or undefined when the bytes hold no field. */
export function mutateProtobuf(bytes: Uint8Array, rng: Rng, nested: ReadonlySet<string>): Mutation | undefined {
  const fields = scanFields(bytes, nested);
  if (fields.length === 0) return undefined;
  const f = pick(rng, fields);
  const edit = weighted(rng, [[3, 'value'], [2, 'delete'], [1, 'duplicate'], [2, 'payload']] as const);
  if (edit === 'delete') return { bytes: concat(bytes.subarray(0, f.tag), bytes.subarray(f.end)), description: `delete field ${f.path} at ${f.tag}` };
  if (edit === 'duplicate') return { bytes: concat(bytes.subarray(0, f.end), bytes.subarray(f.tag, f.end), bytes.subarray(f.end)), description: `duplicate field ${f.path} at ${f.tag}` };
  if (edit === 'payload' && f.wire === 2 && f.end > f.payload) {
    const out = bytes.slice();
    const at = f.payload + (rng.random() < 0.3 ? 0 : between(rng, 0, f.end - f.payload - 1));
    const width = pick(rng, [1, 4]);
    writeUintLE(out, at, width, interestingUint(rng, width, [f.end - f.payload]));
    return { bytes: out, description: `overwrite ${width} payload bytes of field ${f.path} at ${at}` };
  }
  if (f.wire === 0 || f.wire === 2) {
    // The varint (a value, or a length prefix) re-encoded with a boundary value; the rest of the file shifts.
    const valueEnd = (readVarint(bytes, f.value) ?? [0, f.value + 1])[1];
    const value = interestingUint(rng, 8, [f.end - f.payload, bytes.length]);
    return { bytes: concat(bytes.subarray(0, f.value), encodeVarint(value), bytes.subarray(valueEnd)), description: `field ${f.path} ${f.wire === 2 ? 'length' : 'value'} = ${value}` };
  }
  const out = bytes.slice();
  writeUintLE(out, f.value, 4, interestingUint(rng, 4));
  return { bytes: out, description: `field ${f.path} fixed value overwritten` };
}
