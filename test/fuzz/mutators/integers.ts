/**
 * Integer values that break length and offset fields: boundaries of each width, sign bits, off-by-ones around the
 * file's own size, and sizes far beyond any file (4 TB) that a reader must refuse before allocating.
 */
import type { Rng } from '../../../src/tensor/rng.js';
import { chance, pick } from '../random.js';

const FOUR_TB = 4n * 2n ** 40n;

const BOUNDARIES: readonly bigint[] = [
  0n, 1n, 2n, 3n, 7n, 8n, 0x7fn, 0x80n, 0xffn, 0x100n, 0x7fffn, 0x8000n, 0xffffn, 0x10000n,
  0x1000000n, 0x10000000n, 0x40000000n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n,
  FOUR_TB,
];

/** An interesting unsigned value for a field of `bytes` bytes (1, 2, 4 or 8); `near` are values worth ±1 (sizes). */
export function interestingUint(rng: Rng, bytes: number, near: readonly number[] = []): bigint {
  const max = (1n << BigInt(8 * bytes)) - 1n;
  if (near.length > 0 && chance(rng, 0.4)) {
    const value = BigInt(pick(rng, near)) + BigInt(pick(rng, [-1, 0, 1, -8, 8]));
    return value < 0n ? 0n : value & max;
  }
  if (chance(rng, 0.1)) return BigInt(rng.nextUint32()) & max;
  return pick(rng, BOUNDARIES) & max;
}

/** An interesting signed or non-integral number for a JSON or pickle field that should be a count or an id. */
export function interestingNumber(rng: Rng, near: readonly number[] = []): number {
  if (near.length > 0 && chance(rng, 0.3)) return pick(rng, near) + pick(rng, [-1, 1, 0.5, -0.5]);
  return pick(rng, [0, 1, -1, 2, -(2 ** 31), 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53 + 2, 2 ** 64, 1e7, 1e7 + 1, 1e9, 1e12, 1e300, -1e300, 0.5, 1.5, 100.25, -0, 4 * 2 ** 40]);
}

/** Writes `value` little-endian into `bytes` bytes at `at` (only the bytes that fit the buffer). */
export function writeUintLE(target: Uint8Array, at: number, bytes: number, value: bigint): void {
  for (let i = 0; i < bytes && at + i < target.length; i++) target[at + i] = Number((value >> BigInt(8 * i)) & 0xffn);
}

export function readUintLE(source: Uint8Array, at: number, bytes: number): bigint {
  let value = 0n;
  for (let i = bytes - 1; i >= 0; i--) value = (value << 8n) | BigInt(source[at + i] ?? 0);
  return value;
}
