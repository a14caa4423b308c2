/**
 * Edits to a legacy torch.save file (five pickles back to back, then per storage an int64 element count and the
 * elements): one of the pickles mutated in place, a record's count set to edge values (negative, past the file, 4 TB
 * of elements), or the file cut at or near a record boundary.
 */
import type { Rng } from '../../../src/tensor/rng.js';
import { ITEMSIZE, isKind, stateDictFrom, unpickle } from '../../../src/io/state-dict-unpickler.js';
import type { Mutation } from '../mutation.js';
import { chance, pick, weighted } from '../random.js';
import { concat } from './bytes.js';
import { interestingUint, readUintLE, writeUintLE } from './integers.js';
import { mutatePickle } from './pickle.js';

export interface LegacyLayout {
  /** [start, end) of each of the five pickles. */
  pickles: [number, number][];
  /** Each storage record: where its count is, the count, and where its data ends. */
  records: { countAt: number; numel: number; end: number }[];
}

const PICKLE_NAMES = ['magic number', 'protocol version', 'sys_info', 'state dict', 'storage keys'];

/** The layout of a valid legacy file, found with the library's unpickler (the seed is trusted; only mutants are not). */
export function legacyLayout(bytes: Uint8Array): LegacyLayout {
  const pickles: [number, number][] = [];
  const values = [];
  let at = 0;
  for (let n = 0; n < 5; n++) {
    const { value, end } = unpickle(bytes, 'seed', at);
    pickles.push([at, end]);
    values.push(value);
    at = end;
  }
  const dtypes = new Map<string, number>();
  for (const ref of stateDictFrom(values[3]!, 'seed').values()) dtypes.set(ref.storage.key, ITEMSIZE[ref.storage.dtype]);
  const keys = values[4]!;
  if (!isKind(keys, 'list')) throw new Error('seed has no storage key list');
  const records: LegacyLayout['records'] = [];
  for (const key of keys.items) {
    const numel = Number(readUintLE(bytes, at, 8));
    const end = at + 8 + numel * (dtypes.get(String(key)) ?? 1);
    records.push({ countAt: at, numel, end });
    at = end;
  }
  return { pickles, records };
}

export function mutateLegacy(bytes: Uint8Array, layout: LegacyLayout, rng: Rng): Mutation {
  const op = weighted(rng, [[6, 'pickle'], [3, 'count'], [1, 'cut']] as const);
  if (op === 'pickle' || layout.records.length === 0) {
    const index = weighted(rng, [[1, 0], [1, 1], [1, 2], [6, 3], [2, 4]] as const);
    const [start, end] = layout.pickles[index]!;
    // Several edits to one pickle at once: some bugs need two (a stride set to 0 and a size made huge).
    let pickle = bytes.subarray(start, end);
    const notes: string[] = [];
    for (let n = weighted(rng, [[6, 1], [3, 2], [1, 3]] as const); n > 0; n--) {
      const m = mutatePickle(pickle, rng);
      pickle = m.bytes;
      notes.push(m.description);
    }
    return { bytes: concat(bytes.subarray(0, start), pickle, bytes.subarray(end)), description: `${PICKLE_NAMES[index]} pickle: ${notes.join('; ')}` };
  }
  const record = pick(rng, layout.records);
  if (op === 'count') {
    const out = bytes.slice();
    const value = chance(rng, 0.2) ? 2n ** 64n - BigInt(pick(rng, [1, 2, record.numel])) : interestingUint(rng, 8, [record.numel, bytes.length, bytes.length - record.countAt]);
    writeUintLE(out, record.countAt, 8, value);
    return { bytes: out, description: `storage record at ${record.countAt}: count = ${BigInt.asIntN(64, value)} (was ${record.numel})` };
  }
  const cut = Math.max(0, Math.min(bytes.length, pick(rng, [record.countAt, record.countAt + 4, record.end, record.end - 1]) + pick(rng, [0, 0, 1, -1])));
  return { bytes: bytes.slice(0, cut), description: `cut at ${cut} (storage record at ${record.countAt})` };
}
