import { IGNORE_INDEX } from '../ops/cross-entropy.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * How many labelled rows the argmax of `logits` [rows, classes] gets right. With `compact`, logits hold one row
 * per label that is not IGNORE_INDEX, in order (the MLM head scoring only masked positions); otherwise row i
 * belongs to labels[i].
 */
export function countCorrect(logits: Tensor, labels: Int32Array, compact: boolean): { correct: number; total: number } {
  const classes = logits.shape[logits.shape.length - 1]!;
  const data = logits.data;
  let correct = 0;
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === IGNORE_INDEX) continue;
    const base = (compact ? total : i) * classes;
    let best = 0;
    for (let c = 1; c < classes; c++) if (data[base + c]! > data[base + best]!) best = c;
    if (best === labels[i]) correct++;
    total++;
  }
  return { correct, total };
}
