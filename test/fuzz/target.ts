/**
 * A fuzz target: one reader of the library, the valid files it starts from, how to mutate them, and how to read a
 * file the way a user of the library would (open, read everything, use it) into a digest that two reads of the same
 * content share. The harness writes each mutant to `fileName` in a folder beside `companions` and classifies what
 * `read` does with it.
 */
import type { TsbertError } from '../../src/errors.js';
import type { Rng } from '../../src/tensor/rng.js';
import type { Mutation, Seed } from './mutation.js';

export interface FuzzTarget {
  readonly name: string;
  /** The name the mutated file is given: readers of model folders look for fixed names. */
  readonly fileName: string;
  /** The typed error a correct rejection throws. */
  readonly errorClass: abstract new (...args: never[]) => TsbertError;
  /** Files beside the input that every read sees unchanged (a vocab.txt beside a tokenizer_config.json). */
  readonly companions: Readonly<Record<string, Uint8Array>>;
  readonly seeds: readonly Seed[];
  /** A mutant of `seed` (one or a few stacked edits). */
  mutate(seed: Seed, rng: Rng): Mutation;
  /** Reads `path` (inside the folder holding the companions) and digests everything read; the streaming readers are async. */
  read(path: string): string | Promise<string>;
}

export interface TargetFactory {
  readonly name: string;
  /** One line: what is read, for --help and the report. */
  readonly summary: string;
  /** Builds the target; `scratch` is an empty folder for seeds the library's writers make. */
  create(scratch: string): FuzzTarget;
}
