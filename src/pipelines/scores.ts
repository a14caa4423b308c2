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
  const n = scores.length;
  const better = (a: number, b: number): boolean => scores[a]! > scores[b]! || (scores[a] === scores[b] && a < b);
  if (k === null || k >= n / 8) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
    return k === null ? order : order.slice(0, k);
  }
  // Few of many (fill-mask: 5 of 30,522): one pass keeping the best k in order, no sort of the whole vocabulary.
  const top: number[] = [];
  for (let i = 0; i < n; i++) {
    if (top.length === k && !better(i, top[k - 1]!)) continue;
    let at = top.length === k ? k - 1 : top.length;
    while (at > 0 && better(i, top[at - 1]!)) {
      top[at] = top[at - 1]!;
      at--;
    }
    top[at] = i;
  }
  return top;
}
