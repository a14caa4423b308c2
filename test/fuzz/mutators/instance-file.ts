/**
 * Edits to a pre-training instance file (layout: src/pretrain/instance-file-format.ts): header fields (instance count,
 * index offset, total tokens, id width, sizes, special ids, the masking floats) and index entries (record offset,
 * lengths, label) set to edge values or off by one; record ids pushed outside the vocabulary and masked positions
 * out of order; or consistent edits that a correct file could also have (the last instance dropped, with the
 * header and index fixed up).
 */
import type { Rng } from '../../../src/tensor/rng.js';
import type { Mutation } from '../mutation.js';
import { chance, pick, weighted } from '../random.js';
import { concat } from './bytes.js';
import { interestingUint, readUintLE, writeUintLE } from './integers.js';

const HEADER_BYTES = 128;
const ENTRY_BYTES = 16;

/** [offset, width, name] of each integer header field. */
const HEADER_FIELDS: readonly (readonly [number, number, string])[] = [
  [8, 4, 'version'], [12, 4, 'header size'], [16, 4, 'flags'], [20, 4, 'id width'], [24, 4, 'maxSeqLength'],
  [28, 4, 'maxPredictionsPerSeq'], [32, 4, 'vocabSize'], [36, 4, 'vocab hash'], [40, 4, 'cls id'], [44, 4, 'sep id'],
  [48, 4, 'mask id'], [52, 4, 'pad id'], [72, 4, 'dupeFactor'], [76, 4, 'seed'], [80, 8, 'instance count'],
  [88, 8, 'index offset'], [96, 8, 'total tokens'],
];
const FLOAT_FIELDS: readonly (readonly [number, string])[] = [[56, 'maskedLmProb'], [64, 'shortSeqProb']];
const ENTRY_FIELDS: readonly (readonly [number, number, string])[] = [[0, 8, 'record offset'], [8, 2, 'seqLength'], [10, 2, 'lengthA'], [12, 2, 'numPredictions'], [14, 1, 'label'], [15, 1, 'reserved']];

interface Layout {
  count: number;
  indexOffset: number;
  idBytes: number;
}

function layout(bytes: Uint8Array): Layout | undefined {
  if (bytes.length < HEADER_BYTES) return undefined;
  const count = Number(readUintLE(bytes, 80, 8));
  const indexOffset = Number(readUintLE(bytes, 88, 8));
  if (indexOffset + count * ENTRY_BYTES !== bytes.length) return undefined;
  return { count, indexOffset, idBytes: Number(readUintLE(bytes, 20, 4)) };
}

function entryField(bytes: Uint8Array, at: number, field: readonly [number, number, string]): number {
  return Number(readUintLE(bytes, at + field[0], field[1]));
}

export function mutateInstanceFile(bytes: Uint8Array, rng: Rng): Mutation | undefined {
  const shape = layout(bytes);
  if (shape === undefined) return undefined;
  const out = bytes.slice();
  const op = weighted(rng, [[4, 'header'], [1, 'float'], [4, 'entry'], [2, 'record'], [1, 'drop-last'], [1, 'swap-entries']] as const);
  if (op === 'header') {
    const field = pick(rng, HEADER_FIELDS);
    const old = Number(readUintLE(bytes, field[0], field[1]));
    const value = interestingUint(rng, field[1], [old, bytes.length, shape.indexOffset, shape.count * ENTRY_BYTES]);
    writeUintLE(out, field[0], field[1], value);
    return { bytes: out, description: `header ${field[2]} = ${value} (was ${old})` };
  }
  if (op === 'float') {
    const [at, name] = pick(rng, FLOAT_FIELDS);
    const value = pick(rng, [Number.NaN, -1, 0, 1, 2, Infinity, -Infinity, 1e-300, 0.5]);
    new DataView(out.buffer).setFloat64(at, value, true);
    return { bytes: out, description: `header ${name} = ${value}` };
  }
  if (shape.count === 0) return undefined;
  const i = rng.int(shape.count);
  const entry = shape.indexOffset + i * ENTRY_BYTES;
  const recordAt = Number(readUintLE(bytes, entry, 8));
  const seq = entryField(bytes, entry, ENTRY_FIELDS[1]!);
  const predictions = entryField(bytes, entry, ENTRY_FIELDS[3]!);
  if (op === 'entry') {
    const field = pick(rng, ENTRY_FIELDS);
    const old = entryField(bytes, entry, field);
    const value = interestingUint(rng, field[1], [old, seq, bytes.length, shape.indexOffset]);
    writeUintLE(out, entry + field[0], field[1], value);
    return { bytes: out, description: `instance ${i} ${field[2]} = ${value} (was ${old})` };
  }
  if (op === 'record') {
    const vocabSize = Number(readUintLE(bytes, 32, 4));
    if (predictions > 0 && chance(rng, 0.4)) {
      const k = rng.int(predictions);
      const at = recordAt + seq * shape.idBytes + 2 * k;
      const value = pick(rng, [0, seq, seq - 1, 0xffff, Number(readUintLE(bytes, at - 2, 2))]);
      writeUintLE(out, at, 2, BigInt(value));
      return { bytes: out, description: `instance ${i} masked position ${k} = ${value}` };
    }
    const k = rng.int(Math.max(1, seq));
    const value = pick(rng, [vocabSize, vocabSize - 1, vocabSize + 1, 2 ** (8 * shape.idBytes) - 1, 0]);
    writeUintLE(out, recordAt + k * shape.idBytes, shape.idBytes, BigInt(value));
    return { bytes: out, description: `instance ${i} id ${k} = ${value}` };
  }
  if (op === 'swap-entries') {
    const j = rng.int(shape.count);
    const other = shape.indexOffset + j * ENTRY_BYTES;
    out.set(bytes.subarray(entry, entry + ENTRY_BYTES), other);
    out.set(bytes.subarray(other, other + ENTRY_BYTES), entry);
    return { bytes: out, description: `swap index entries ${i} and ${j}` };
  }
  // A file that simply has one instance fewer: drop the last record and index entry, fix count, offset and tokens.
  const last = shape.indexOffset + (shape.count - 1) * ENTRY_BYTES;
  const lastRecord = Number(readUintLE(bytes, last, 8));
  const lastSeq = entryField(bytes, last, ENTRY_FIELDS[1]!);
  const fixed = concat(bytes.subarray(0, lastRecord), bytes.subarray(shape.indexOffset, last));
  writeUintLE(fixed, 80, 8, BigInt(shape.count - 1));
  writeUintLE(fixed, 88, 8, BigInt(lastRecord));
  writeUintLE(fixed, 96, 8, readUintLE(bytes, 96, 8) - BigInt(lastSeq));
  return { bytes: fixed, description: `drop the last instance (${shape.count - 1} left), header and index consistent` };
}
