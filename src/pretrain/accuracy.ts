import { getBackend } from '../backend/select.js';
import { IGNORE_INDEX } from '../ops/cross-entropy.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * How many labelled rows the argmax of `logits` [rows, classes] gets right. With `compact`, logits hold one row
 * per label that is not IGNORE_INDEX, in order (the MLM head scoring only masked positions); otherwise row i
 * belongs to labels[i].
 */
export function countCorrect(logits: Tensor, labels: Int32Array, compact: boolean): { correct: number; total: number } {
  const classes = logits.shape[logits.shape.length - 1]!;
  const data = logits.floats('countCorrect');
  const backend = getBackend();
  const rows = data.length / classes;
  // Compact logits are all labelled rows: one call. Otherwise only the labelled rows, one at a time.
  const best = new Int32Array(compact ? rows : 1);
  if (compact) backend.argmaxRows(best, data, rows, classes);
  let correct = 0;
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === IGNORE_INDEX) continue;
    if (!compact) backend.argmaxRows(best, data.subarray(i * classes, (i + 1) * classes), 1, classes);
    if (best[compact ? total : 0] === labels[i]) correct++;
    total++;
  }
  return { correct, total };
}
