/**
 * Precision, recall and F1 from counts, as scikit-learn 1.2 (`precision_recall_fscore_support`) and seqeval compute
 * them: an undefined ratio (0/0) is 0 — their `zero_division="warn"` default, which warns and uses 0 — and F1 is
 * 2·P·R / (P + R) from the two ratios (0 when both are 0), evaluated in that order so results agree to the last bit.
 */
export interface PrecisionRecallF1 {
  precision: number;
  recall: number;
  f1: number;
}

export function precisionRecallF1(truePositives: number, predicted: number, actual: number): PrecisionRecallF1 {
  const precision = predicted === 0 ? 0 : truePositives / predicted;
  const recall = actual === 0 ? 0 : truePositives / actual;
  const denominator = precision + recall;
  return { precision, recall, f1: denominator === 0 ? 0 : (2 * precision * recall) / denominator };
}
