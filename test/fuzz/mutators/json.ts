/**
 * Structure-aware JSON edits: change a value's type, delete, add or rename keys, grow or shrink arrays, swap values,
 * and write numbers JSON can spell but JavaScript cannot hold exactly (1e999, 30-digit integers, -0) or values nested
 * far deeper than any file needs. Documents are re-serialized by hand so those literals survive as written.
 */
import type { Rng } from '../../../src/tensor/rng.js';
import { chance, pick, weighted } from '../random.js';
import { interestingNumber } from './integers.js';

/** JSON text inserted verbatim where a value goes (numbers out of double range, deep nesting). */
export class RawJson {
  constructor(readonly text: string) {}
}

export type JsonValue = null | boolean | number | string | RawJson | JsonValue[] | { [key: string]: JsonValue };
type Container = JsonValue[] | { [key: string]: JsonValue };

interface Slot {
  parent: Container | undefined;
  key: string | number;
  value: JsonValue;
  path: string;
}

export function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof RawJson);
}

/** Serializes like JSON.stringify (compact), writing RawJson verbatim. Keys keep insertion order. */
export function serializeJson(value: JsonValue): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(serializeJson).join(',')}]`;
  if (isObject(value)) return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${serializeJson(v)}`).join(',')}}`;
  // JSON.stringify writes -0 as 0; a RawJson is used when -0 matters.
  return JSON.stringify(value);
}

/** Parses JSON into plain values; own "__proto__" keys stay ordinary keys (JSON.parse makes them own properties). */
export function parseJson(text: string): JsonValue {
  return JSON.parse(text) as JsonValue;
}

function slots(root: JsonValue): Slot[] {
  const out: Slot[] = [{ parent: undefined, key: '', value: root, path: '$' }];
  // Iterative, so a deeply nested seed cannot overflow the harness's own stack.
  for (let i = 0; i < out.length; i++) {
    const { value, path } = out[i] as Slot;
    if (Array.isArray(value)) value.forEach((item, k) => out.push({ parent: value, key: k, value: item, path: `${path}[${k}]` }));
    else if (isObject(value)) for (const [k, item] of Object.entries(value)) out.push({ parent: value, key: k, value: item, path: `${path}.${k}` });
  }
  return out;
}

function deepNesting(rng: Rng): RawJson {
  const depth = pick(rng, [100, 5_000, 50_000]);
  const [open, close] = chance(rng, 0.5) ? ['[', ']'] : ['{"a":', '}'];
  return new RawJson(open.repeat(depth) + (open === '[' ? '' : '0') + close.repeat(depth));
}

/** A value of the wrong type, an edge-case number, or an odd string, for the slot that holds `old`. */
export function strangeValue(rng: Rng, old: JsonValue, words: readonly string[]): JsonValue {
  const near = typeof old === 'number' ? [old] : [];
  return weighted<() => JsonValue>(rng, [
    [4, () => interestingNumber(rng, near)],
    [1, () => pick(rng, [new RawJson('1e999'), new RawJson('-1e999'), new RawJson('123456789012345678901234567890'), new RawJson('-0'), new RawJson('1e-400')])],
    [2, () => (typeof old === 'number' ? String(old) : typeof old === 'string' && old !== '' && !Number.isNaN(Number(old)) ? Number(old) : JSON.stringify(old ?? null))],
    [2, () => pick<JsonValue>(rng, [null, true, false, [], {}, '', [old], { value: old }])],
    [2, () => pick(rng, ['', ' ', '\u0000', '\n', 'x'.repeat(100_000), '\ud800', '__proto__', 'constructor', '##', ...words])],
    [1, () => deepNesting(rng)],
  ])();
}

function describeValue(value: JsonValue): string {
  const text = serializeJson(value);
  return text.length > 40 ? `${text.slice(0, 37)}... (${text.length} chars)` : text;
}

/** Sets an own key, even "__proto__" (plain assignment would change the prototype instead). */
export function setKey(object: { [key: string]: JsonValue }, key: string, value: JsonValue): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

function setSlot(slot: Slot, value: JsonValue): void {
  if (slot.parent === undefined) return;
  if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value;
  else setKey(slot.parent, slot.key as string, value);
}

/**
 * One edit anywhere in the document; `words` are strings the format cares about (key names, type names, tokens),
 * used as new keys and values. Returns the new root (the old one may be modified in place) and what was done.
 */
export function mutateJson(root: JsonValue, rng: Rng, words: readonly string[] = []): { root: JsonValue; description: string } {
  const all = slots(root);
  const slot = pick(rng, all);
  const containers = all.filter((s) => Array.isArray(s.value) || isObject(s.value));
  const op = weighted(rng, [
    [5, 'replace'],
    [2, 'delete'],
    [2, 'add'],
    [1, 'rename'],
    [2, 'array'],
    [1, 'swap'],
  ] as const);
  if (op === 'replace' || (slot.parent === undefined && (op === 'delete' || op === 'rename'))) {
    const value = strangeValue(rng, slot.value, words);
    if (slot.parent === undefined) return { root: value, description: `document = ${describeValue(value)}` };
    setSlot(slot, value);
    return { root, description: `${slot.path} = ${describeValue(value)}` };
  }
  if (op === 'delete') {
    if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
    else delete (slot.parent as { [key: string]: JsonValue })[slot.key as string];
    return { root, description: `delete ${slot.path}` };
  }
  if (op === 'rename' && isObject(slot.parent)) {
    const name = pick(rng, ['__proto__', '', 'x', 'a\nb', 'a"b', ...words]);
    delete slot.parent[slot.key as string];
    setKey(slot.parent, name, slot.value);
    return { root, description: `rename ${slot.path} to ${JSON.stringify(name)}` };
  }
  if (op === 'swap' && all.length > 2) {
    const other = pick(rng, all);
    if (other.parent !== undefined && slot.parent !== undefined && other !== slot) {
      const value = slot.value;
      setSlot(slot, other.value);
      setSlot(other, value);
      return { root, description: `swap ${slot.path} and ${other.path}` };
    }
  }
  const target = containers.length > 0 ? pick(rng, containers) : undefined;
  if (target === undefined) return { root: strangeValue(rng, root, words), description: 'document replaced' };
  if (Array.isArray(target.value)) {
    const items = target.value;
    const edit = pick(rng, ['append', 'remove', 'duplicate', 'empty', 'reverse'] as const);
    if (edit === 'append' || items.length === 0) items.push(strangeValue(rng, items[0] ?? null, words));
    else if (edit === 'remove') items.splice(rng.int(items.length), 1);
    else if (edit === 'duplicate') items.splice(rng.int(items.length), 0, items[rng.int(items.length)] as JsonValue);
    else if (edit === 'empty') items.length = 0;
    else items.reverse();
    return { root, description: `${edit} in array ${target.path}` };
  }
  const object = target.value as { [key: string]: JsonValue };
  const name = pick(rng, ['__proto__', 'constructor', 'toString', 'extra', 'a\nb', ...words]);
  const existing = Object.values(object);
  setKey(object, name, strangeValue(rng, existing.length > 0 ? pick(rng, existing) : null, words));
  return { root, description: `${target.path}.${name} = ${describeValue(object[name] as JsonValue)}` };
}

/** One JSON edit on a file's bytes; bytes that are not JSON (a seed never is, but a stacked edit may be) get none. */
export function mutateJsonBytes(bytes: Uint8Array, rng: Rng, words: readonly string[] = []): { bytes: Uint8Array; description: string } | undefined {
  let root: JsonValue;
  try {
    root = parseJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
  const edit = mutateJson(root, rng, words);
  return { bytes: new TextEncoder().encode(serializeJson(edit.root)), description: edit.description };
}
