/**
 * Edits to a safetensors file: the u64 header length set to edge values (0, off by one, past the file, 4 TB), the
 * JSON header edited with knowledge of the format (negative, huge or fractional dims, overlapping, swapped or
 * out-of-range data_offsets, dtypes of another size, deleted or duplicated entries, non-string metadata) and written
 * back with a correct length so the edit reaches the validator, or the data section's bytes changed.
 */
import type { Rng } from '../../../src/tensor/rng.js';
import type { Mutation } from '../mutation.js';
import { between, chance, pick, weighted } from '../random.js';
import { concat } from './bytes.js';
import { interestingNumber, interestingUint, readUintLE, writeUintLE } from './integers.js';
import { isObject, mutateJson, parseJson, RawJson, serializeJson, setKey, strangeValue, type JsonValue } from './json.js';

const DTYPES = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U64', 'U32', 'U16', 'U8', 'BOOL', 'F8_E4M3', 'f32', 'float32', ''];
const WORDS = ['dtype', 'shape', 'data_offsets', '__metadata__', 'format', 'pt', ...DTYPES];

interface Split {
  header: { [key: string]: JsonValue };
  data: Uint8Array;
}

function split(bytes: Uint8Array): Split | undefined {
  if (bytes.length < 8) return undefined;
  const length = Number(readUintLE(bytes, 0, 8));
  if (length > bytes.length - 8) return undefined;
  try {
    const header = parseJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + length)));
    return isObject(header) ? { header, data: bytes.subarray(8 + length) } : undefined;
  } catch {
    return undefined;
  }
}

function join(header: JsonValue, data: Uint8Array, pad: boolean): Uint8Array {
  let text = serializeJson(header);
  if (pad) text += ' '.repeat((8 - ((new TextEncoder().encode(text).length) % 8)) % 8);
  const json = new TextEncoder().encode(text);
  const prefix = new Uint8Array(8);
  writeUintLE(prefix, 0, 8, BigInt(json.length));
  return concat(prefix, json, data);
}

type Entry = { [key: string]: JsonValue };

/** A targeted edit of one tensor entry (or two); returns what was done. */
function editTensor(header: { [key: string]: JsonValue }, rng: Rng): string {
  const names = Object.keys(header).filter((k) => k !== '__metadata__' && isObject(header[k]));
  if (names.length === 0) return 'no tensor to edit';
  const name = pick(rng, names);
  const entry = header[name] as Entry;
  const shape = Array.isArray(entry['shape']) ? entry['shape'] : [];
  const offsets = Array.isArray(entry['data_offsets']) ? entry['data_offsets'] : [];
  const [begin, end] = [Number(offsets[0] ?? 0), Number(offsets[1] ?? 0)];
  const where = `tensor "${name}"`;
  const op = weighted(rng, [[3, 'dim'], [1, 'rank'], [1, 'transpose'], [4, 'offsets'], [2, 'dtype'], [1, 'delete'], [1, 'alias'], [1, 'swap']] as const);
  switch (op) {
    case 'dim': {
      if (shape.length === 0) return `${where}: scalar, no dim to edit`;
      const d = rng.int(shape.length);
      const value = chance(rng, 0.8) ? interestingNumber(rng, [Number(shape[d])]) : strangeValue(rng, shape[d] ?? null, WORDS);
      shape[d] = value;
      return `${where}: shape[${d}] = ${serializeJson(value).slice(0, 40)}`;
    }
    case 'rank': {
      const edit = pick(rng, ['add 1', 'add 0', 'drop', 'scalar'] as const);
      if (edit === 'add 1') shape.splice(rng.int(shape.length + 1), 0, 1);
      else if (edit === 'add 0') shape.splice(rng.int(shape.length + 1), 0, 0);
      else if (edit === 'drop') shape.pop();
      else shape.length = 0;
      return `${where}: shape ${edit}`;
    }
    case 'transpose':
      shape.reverse();
      return `${where}: shape reversed`;
    case 'offsets': {
      const value = pick<() => JsonValue>(rng, [
        () => [end, begin],
        () => [begin - 4, end - 4],
        () => [begin + 4, end + 4],
        () => [begin, end + 1],
        () => [begin, end - 1],
        () => [0, end - begin],
        () => [begin, interestingNumber(rng, [end])],
        () => [interestingNumber(rng, [begin]), end],
        () => [begin, new RawJson('18446744073709551616')],
        () => [begin, end, end],
        () => [begin],
        () => strangeValue(rng, offsets, WORDS),
      ])();
      setKey(entry, 'data_offsets', value);
      return `${where}: data_offsets = ${serializeJson(value).slice(0, 60)}`;
    }
    case 'dtype': {
      const dtype = pick(rng, DTYPES);
      setKey(entry, 'dtype', chance(rng, 0.9) ? dtype : between(rng, 0, 12));
      return `${where}: dtype = ${dtype}`;
    }
    case 'delete':
      delete header[name];
      return `delete ${where}`;
    case 'alias': {
      const alias = `${name}.alias`;
      setKey(header, alias, JSON.parse(JSON.stringify(entry)) as JsonValue);
      return `${where}: a second entry "${alias}" over the same bytes`;
    }
    case 'swap': {
      const other = header[pick(rng, names)] as Entry;
      const mine = entry['data_offsets'] ?? null;
      setKey(entry, 'data_offsets', other['data_offsets'] ?? null);
      setKey(other, 'data_offsets', mine);
      return `${where}: data_offsets swapped with another tensor's`;
    }
  }
}

export function mutateSafetensors(bytes: Uint8Array, rng: Rng): Mutation | undefined {
  const parts = split(bytes);
  const op = weighted(rng, [[2, 'length'], [parts ? 6 : 0, 'tensor'], [parts ? 2 : 0, 'json'], [parts ? 1 : 0, 'metadata'], [parts ? 1 : 0, 'data']] as const);
  if (op === 'length' || parts === undefined) {
    const out = bytes.slice();
    const old = Number(readUintLE(bytes, 0, 8));
    const value = interestingUint(rng, 8, [old, bytes.length, bytes.length - 8, 100_000_000]);
    writeUintLE(out, 0, 8, value);
    return { bytes: out, description: `header length = ${value} (was ${old})` };
  }
  const pad = chance(rng, 0.7);
  if (op === 'tensor') {
    const description = editTensor(parts.header, rng);
    return { bytes: join(parts.header, parts.data, pad), description };
  }
  if (op === 'json') {
    const edit = mutateJson(parts.header, rng, WORDS);
    return { bytes: join(edit.root, parts.data, pad), description: `header: ${edit.description}` };
  }
  if (op === 'metadata') {
    const value = pick<JsonValue>(rng, [{ format: 1 }, { format: null }, { format: { nested: 'x' } }, [], 'pt', {}, { '': '' }, JSON.parse('{"__proto__":"x"}') as JsonValue]);
    setKey(parts.header, '__metadata__', value);
    return { bytes: join(parts.header, parts.data, pad), description: `__metadata__ = ${serializeJson(value)}` };
  }
  if (parts.data.length === 0) return undefined;
  const data = parts.data.slice();
  const at = rng.int(data.length);
  data[at] = (data[at] as number) ^ 0xff;
  return { bytes: join(parts.header, data, pad), description: `data byte ${at} inverted` };
}
