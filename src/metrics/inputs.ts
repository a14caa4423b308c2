import { valuePreview } from '../error-text.js';
import { ValueError } from '../errors.js';

/**
 * Checks shared by the metrics. Every metric pairs `predictions[i]` with `references[i]` (Hugging Face `evaluate`'s
 * argument order), so a length mismatch or an empty list is an error, never a silently truncated score.
 * Messages name the metric, the argument and the index: `classification metrics: references[3] is 2.5, not a label id`.
 */

export function checkPaired(metric: string, predictions: ArrayLike<unknown>, references: ArrayLike<unknown>): void {
  if (predictions.length !== references.length) {
    throw new ValueError(`${metric}: predictions has ${predictions.length} entries, references has ${references.length}`);
  }
  if (predictions.length === 0) throw new ValueError(`${metric}: no predictions and references to score`);
}

/** Class ids: integers in [0, numLabels). */
export function checkLabelIds(metric: string, field: string, ids: ArrayLike<number>, numLabels: number): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!Number.isInteger(id) || id! < 0 || id! >= numLabels) {
      throw new ValueError(`${metric}: ${field}[${i}] is ${valuePreview(id)}, not a label id in [0, ${numLabels})`);
    }
  }
}

export function checkNumLabels(metric: string, numLabels: number): void {
  if (!Number.isInteger(numLabels) || numLabels < 1) {
    throw new ValueError(`${metric}: numLabels must be a positive integer, got ${valuePreview(numLabels)}`);
  }
}

/** Real values (regression targets and predictions, no-answer probabilities): NaN or ±Infinity would poison a sum. */
export function checkFinite(metric: string, field: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new ValueError(`${metric}: ${field}[${i}] is ${valuePreview(values[i])}, not a finite number`);
  }
}
