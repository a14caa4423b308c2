/**
 * Targets that misbehave on purpose, for testing the harness itself (supervisor.test.ts): a reader that reads, one
 * that rejects properly, one that throws a TypeError, one that allocates 8 GiB, one that never returns. Loaded by
 * the workers in place of the real targets.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CheckpointError } from '../../src/errors.js';
import type { FuzzTarget, TargetFactory } from './target.js';

function target(name: string, read: (path: string) => string): TargetFactory {
  return {
    name,
    summary: `self-test: ${name}`,
    create: (): FuzzTarget => ({
      name,
      fileName: 'input.bin',
      errorClass: CheckpointError,
      companions: {},
      seeds: [{ label: 'zero', bytes: Uint8Array.of(0) }],
      // Every mutant is the single byte 1, so the seed (byte 0) reads and every mutant misbehaves.
      mutate: (seed) => ({ bytes: Uint8Array.of(1), description: `${seed.label}: byte 0 = 1` }),
      read: (path) => read(path),
    }),
  };
}

/** The seed must read (the worker digests it first); only the mutant (byte 1) misbehaves. */
function mutantOnly(path: string, misbehave: () => string): string {
  return readFileSync(path)[0] === 1 ? misbehave() : 'seed';
}

export const TARGETS: readonly TargetFactory[] = [
  target('reads', () => 'same'),
  target('rejects', (path) => mutantOnly(path, () => {
    throw new CheckpointError(`${dirname(path)}: refused`);
  })),
  target('throws', (path) => mutantOnly(path, () => {
    throw new TypeError('cannot read properties of undefined');
  })),
  target('allocates', (path) => mutantOnly(path, () => String(new Uint8Array(2 ** 33).length))),
  target('hangs', (path) => mutantOnly(path, () => {
    for (;;) {
      // never returns
    }
  })),
];
