/** Choice helpers over the library's seeded generator, so a fuzz run is reproducible from its seed. */
import type { Rng } from '../../src/tensor/rng.js';

export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick: nothing to choose from');
  return items[rng.int(items.length)] as T;
}

export function chance(rng: Rng, p: number): boolean {
  return rng.random() < p;
}

/** Uniform integer in [lo, hi]. */
export function between(rng: Rng, lo: number, hi: number): number {
  return lo + rng.int(hi - lo + 1);
}

/** Picks among weighted alternatives: `[[weight, value], ...]`. */
export function weighted<T>(rng: Rng, choices: readonly (readonly [number, T])[]): T {
  let total = 0;
  for (const [w] of choices) total += w;
  let r = rng.random() * total;
  for (const [w, value] of choices) {
    r -= w;
    if (r < 0) return value;
  }
  return (choices[choices.length - 1] as readonly [number, T])[1];
}
