/**
 * Format-blind mutations: bit flips, byte overwrites, truncation, deletion, insertion and duplication of ranges,
 * and integer fields written at random offsets. Every reader gets these on top of its structure-aware ones, so
 * nothing about a format is assumed when hunting for out-of-bounds reads.
 */
import type { Rng } from '../../../src/tensor/rng.js';
import type { Mutation } from '../mutation.js';
import { between, chance, pick, weighted } from '../random.js';
import { interestingUint, writeUintLE } from './integers.js';

type ByteMutator = (bytes: Uint8Array, rng: Rng) => Mutation;

function concat(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** An offset biased towards the start, where headers and length fields live. */
function offset(rng: Rng, length: number): number {
  if (length === 0) return 0;
  return chance(rng, 0.5) ? rng.int(Math.min(length, 256)) : rng.int(length);
}

/** A short range length: mostly a few bytes, sometimes a large chunk. */
function span(rng: Rng, limit: number): number {
  return Math.max(1, Math.min(limit, chance(rng, 0.8) ? between(rng, 1, 16) : between(rng, 1, Math.max(1, limit))));
}

const flipBit: ByteMutator = (bytes, rng) => {
  const out = bytes.slice();
  if (out.length === 0) return { bytes: out, description: 'flip bit (empty input)' };
  const at = offset(rng, out.length);
  const bit = rng.int(8);
  out[at] = (out[at] as number) ^ (1 << bit);
  return { bytes: out, description: `flip bit ${bit} of byte ${at}` };
};

const setByte: ByteMutator = (bytes, rng) => {
  const out = bytes.slice();
  if (out.length === 0) return { bytes: out, description: 'set byte (empty input)' };
  const at = offset(rng, out.length);
  const value = pick(rng, [0x00, 0x01, 0x0a, 0x20, 0x22, 0x7f, 0x80, 0xc0, 0xfe, 0xff, rng.int(256)]);
  out[at] = value;
  return { bytes: out, description: `byte ${at} = 0x${value.toString(16)}` };
};

const truncate: ByteMutator = (bytes, rng) => {
  const length = weighted(rng, [
    [2, rng.int(Math.min(bytes.length + 1, 64))],
    [2, bytes.length - between(rng, 1, Math.min(Math.max(bytes.length, 1), 64))],
    [1, rng.int(bytes.length + 1)],
  ]);
  const keep = Math.max(0, length);
  return { bytes: bytes.slice(0, keep), description: `truncate to ${keep} of ${bytes.length} bytes` };
};

const deleteRange: ByteMutator = (bytes, rng) => {
  const at = offset(rng, bytes.length);
  const n = span(rng, bytes.length - at);
  return { bytes: concat(bytes.subarray(0, at), bytes.subarray(at + n)), description: `delete ${n} bytes at ${at}` };
};

const insertBytes: ByteMutator = (bytes, rng) => {
  const at = offset(rng, bytes.length + 1);
  const n = span(rng, 4096);
  const filler = pick(rng, ['zero', 'ff', 'random'] as const);
  const inserted = new Uint8Array(n);
  if (filler === 'ff') inserted.fill(0xff);
  if (filler === 'random') for (let i = 0; i < n; i++) inserted[i] = rng.int(256);
  return { bytes: concat(bytes.subarray(0, at), inserted, bytes.subarray(at)), description: `insert ${n} ${filler} bytes at ${at}` };
};

const duplicateRange: ByteMutator = (bytes, rng) => {
  if (bytes.length === 0) return { bytes: bytes.slice(), description: 'duplicate (empty input)' };
  const from = rng.int(bytes.length);
  const n = span(rng, bytes.length - from);
  const at = rng.int(bytes.length + 1);
  const chunk = bytes.slice(from, from + n);
  return { bytes: concat(bytes.subarray(0, at), chunk, bytes.subarray(at)), description: `copy ${n} bytes from ${from} to ${at}` };
};

const overwriteInteger: ByteMutator = (bytes, rng) => {
  const out = bytes.slice();
  const width = pick(rng, [1, 2, 4, 8]);
  const at = offset(rng, Math.max(1, out.length - width + 1));
  const value = interestingUint(rng, width, [bytes.length]);
  writeUintLE(out, at, width, value);
  return { bytes: out, description: `u${8 * width} at ${at} = ${value}` };
};

const BYTE_MUTATORS: readonly (readonly [number, ByteMutator])[] = [
  [3, flipBit],
  [3, setByte],
  [2, truncate],
  [1, deleteRange],
  [1, insertBytes],
  [1, duplicateRange],
  [2, overwriteInteger],
];

/** One format-blind edit. */
export function mutateBytes(bytes: Uint8Array, rng: Rng): Mutation {
  return weighted(rng, BYTE_MUTATORS)(bytes, rng);
}

export { concat };
