/**
 * Stacks edits: mostly one, sometimes two or three, since some bugs need two changes at once (a stride set to 0 and
 * a size made huge). Each step is structure-aware or format-blind; a structure-aware step that does not apply to
 * the bytes it is given (the earlier step broke the structure) falls back to a format-blind one.
 */
import type { Rng } from '../../src/tensor/rng.js';
import { mutateBytes } from './mutators/bytes.js';
import type { Mutation, Seed } from './mutation.js';
import { chance, weighted } from './random.js';

/** `structured` returns undefined when it cannot edit these bytes. `blind` is the share of format-blind steps. */
export function stackMutations(
  seed: Seed,
  rng: Rng,
  structured: (bytes: Uint8Array, step: number) => Mutation | undefined,
  blind = 0.25,
): Mutation {
  const steps = weighted(rng, [[65, 1], [25, 2], [10, 3]] as const);
  let bytes = seed.bytes;
  const notes: string[] = [];
  for (let step = 0; step < steps; step++) {
    const edit = (chance(rng, blind) ? undefined : structuredOrNothing(() => structured(bytes, step))) ?? mutateBytes(bytes, rng);
    bytes = edit.bytes;
    notes.push(edit.description);
  }
  return { bytes, description: `${seed.label}: ${notes.join(' | ')}` };
}

/**
 * The structured edit, or nothing when the bytes are too deep for the harness's own recursive JSON writer (an
 * earlier step nested a value 200,000 levels deep): the harness must not crash where the reader is under test.
 */
function structuredOrNothing(edit: () => Mutation | undefined): Mutation | undefined {
  try {
    return edit();
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}
