import type { FloatArray } from '../backend.js';

/** logits [rows, classes], labels [rows]; writes probs, returns Σ loss over rows whose label ≠ ignoreIndex. */
export function crossEntropyForward(
  probs: FloatArray, logits: FloatArray, labels: Int32Array, rows: number, classes: number, ignoreIndex: number,
): { lossSum: number; count: number } {
  let lossSum = 0;
  let count = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) if (logits[base + c]! > max) max = logits[base + c]!;
    let total = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(logits[base + c]! - max);
      probs[base + c] = e;
      total += e;
    }
    const inv = 1 / total;
    for (let c = 0; c < classes; c++) probs[base + c] = probs[base + c]! * inv;
    const label = labels[r]!;
    if (label === ignoreIndex) continue;
    // log-sum-exp form keeps the loss exact even where the label's probability underflows.
    lossSum += Math.log(total) + max - logits[base + label]!;
    count++;
  }
  return { lossSum, count };
}

/** dLogits += scale · (probs - onehot(label)) on rows whose label ≠ ignoreIndex. */
export function crossEntropyBackward(
  dLogits: FloatArray, probs: FloatArray, labels: Int32Array, rows: number, classes: number, ignoreIndex: number,
  scale: number,
): void {
  for (let r = 0; r < rows; r++) {
    const label = labels[r]!;
    if (label === ignoreIndex) continue;
    const base = r * classes;
    for (let c = 0; c < classes; c++) dLogits[base + c] = dLogits[base + c]! + scale * probs[base + c]!;
    dLogits[base + label] = dLogits[base + label]! - scale;
  }
}
