import { valuePreview } from '../error-text.js';
import { ValueError } from '../errors.js';
import { precisionRecallF1 } from './f-score.js';
import { checkNumLabels, checkPaired } from './inputs.js';
import { mean } from './mean.js';

/**
 * Multi-label classification scores over 0/1 indicator rows (one column per label), the three numbers Hugging Face
 * users report for multi-label tasks, each as scikit-learn computes it on indicator matrices.
 */
export interface MultiLabelScores {
  /** scikit-learn `accuracy_score`: the fraction of examples whose whole label set is predicted exactly. */
  subset_accuracy: number;
  /** scikit-learn `f1_score(average='micro')`: F1 of the true/false positive and false negative counts over all cells. */
  micro_f1: number;
  /**
   * scikit-learn `f1_score(average='macro')`: the mean of per-label F1 over all numLabels columns (an indicator
   * matrix names every label), a label absent from both references and predictions counting as 0 (zero_division).
   */
  macro_f1: number;
}

export function multiLabelMetrics(
  predictions: readonly (readonly number[])[],
  references: readonly (readonly number[])[],
  numLabels: number,
): MultiLabelScores {
  const metric = 'multi-label metrics';
  checkNumLabels(metric, numLabels);
  checkPaired(metric, predictions, references);
  const truePositives = new Float64Array(numLabels);
  const predicted = new Float64Array(numLabels);
  const actual = new Float64Array(numLabels);
  let exactRows = 0;
  for (let i = 0; i < predictions.length; i++) {
    const prediction = indicatorRow(metric, 'predictions', predictions, i, numLabels);
    const reference = indicatorRow(metric, 'references', references, i, numLabels);
    let rowMatches = true;
    for (let k = 0; k < numLabels; k++) {
      const p = prediction[k]!;
      const t = reference[k]!;
      truePositives[k]! += p * t;
      predicted[k]! += p;
      actual[k]! += t;
      if (p !== t) rowMatches = false;
    }
    if (rowMatches) exactRows++;
  }
  const labelF1 = new Float64Array(numLabels);
  for (let k = 0; k < numLabels; k++) labelF1[k] = precisionRecallF1(truePositives[k]!, predicted[k]!, actual[k]!).f1;
  return {
    subset_accuracy: exactRows / predictions.length,
    micro_f1: precisionRecallF1(sum(truePositives), sum(predicted), sum(actual)).f1,
    macro_f1: mean(labelF1),
  };
}

function indicatorRow(metric: string, field: string, rows: readonly (readonly number[])[], i: number, numLabels: number): readonly number[] {
  const row = rows[i]!;
  if (row.length !== numLabels) throw new ValueError(`${metric}: ${field}[${i}] has ${row.length} entries, expected ${numLabels} (one 0/1 per label)`);
  for (let k = 0; k < numLabels; k++) {
    if (row[k] !== 0 && row[k] !== 1) throw new ValueError(`${metric}: ${field}[${i}][${k}] is ${valuePreview(row[k])}, not 0 or 1`);
  }
  return row;
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
