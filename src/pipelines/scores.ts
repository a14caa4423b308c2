/** Scores from logits, in float64 as transformers.js computes them (its softmax runs on JS numbers). */

/** softmax(logits), max-subtracted. */
export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  const probs = new Float64Array(logits.length);
  let total = 0;
  for (let i = 0; i < logits.length; i++) total += probs[i] = Math.exp(logits[i]! - max);
  for (let i = 0; i < probs.length; i++) probs[i]! /= total;
  return probs;
}

export function sigmoid(logits: ArrayLike<number>): Float64Array {
  const probs = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) probs[i] = 1 / (1 + Math.exp(-logits[i]!));
  return probs;
}

/** Indices of the `k` largest scores (all when k is null), best first; equal scores keep index order. */
export function topIndices(scores: ArrayLike<number>, k: number | null): number[] {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  return k === null ? order : order.slice(0, k);
}
