import type { FloatArray } from '../backend.js';

/**
 * scores [batch, heads, queries, keys], mask [batch, keys] additive or null.
 * probs = softmax(scale · scores + mask) per row, max-subtracted so large masks never overflow.
 */
export function softmaxForward(
  probs: FloatArray, scores: FloatArray, mask: FloatArray | null,
  batch: number, heads: number, queries: number, keys: number, scale: number,
): void {
  const rowsPerBatch = heads * queries;
  for (let b = 0; b < batch; b++) {
    const maskBase = b * keys;
    for (let r = 0; r < rowsPerBatch; r++) {
      const base = (b * rowsPerBatch + r) * keys;
      let max = -Infinity;
      for (let j = 0; j < keys; j++) {
        const v = scale * scores[base + j]! + (mask === null ? 0 : mask[maskBase + j]!);
        probs[base + j] = v;
        if (v > max) max = v;
      }
      let total = 0;
      for (let j = 0; j < keys; j++) {
        const e = Math.exp(probs[base + j]! - max);
        probs[base + j] = e;
        total += e;
      }
      const inv = 1 / total;
      for (let j = 0; j < keys; j++) probs[base + j] = probs[base + j]! * inv;
    }
  }
}

/** dScores += scale · p ⊙ (dp - Σ dp ⊙ p), row by row. */
export function softmaxBackward(dScores: FloatArray, probs: FloatArray, dProbs: FloatArray, rows: number, keys: number, scale: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * keys;
    let dot = 0;
    for (let j = 0; j < keys; j++) dot += dProbs[base + j]! * probs[base + j]!;
    for (let j = 0; j < keys; j++) {
      dScores[base + j] = dScores[base + j]! + scale * probs[base + j]! * (dProbs[base + j]! - dot);
    }
  }
}
