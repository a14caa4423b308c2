import { precisionRecallF1 } from './f-score.js';
import { checkLabelIds, checkNumLabels, checkPaired } from './inputs.js';
import { mean } from './mean.js';

/**
 * Single-label classification scores, keyed as Hugging Face's GLUE metric (`accuracy`, `f1`,
 * `matthews_correlation`). GLUE's `f1` is the F1 of the positive class (label id 1) and is reported only for two
 * labels (MRPC and QQP use it); the macro average over classes is a different number, so it gets its own key,
 * `macro_f1`, rather than overloading `f1`.
 */
export interface ClassificationScores {
  accuracy: number;
  /** scikit-learn `f1_score(average='macro')`: the unweighted mean of per-class F1. */
  macro_f1: number;
  /** scikit-learn `matthews_corrcoef` (multi-class form; 0 when a marginal is degenerate). */
  matthews_correlation: number;
  /** scikit-learn `f1_score(pos_label=1)`, the binary F1 of label id 1; present when numLabels is 2. */
  f1?: number;
}

/** The fraction of predictions equal to their reference (scikit-learn `accuracy_score`; multiple choice's metric). */
export function accuracy(predictions: readonly number[], references: readonly number[]): number {
  checkPaired('accuracy', predictions, references);
  let correct = 0;
  for (let i = 0; i < predictions.length; i++) if (predictions[i] === references[i]) correct++;
  return correct / predictions.length;
}

/**
 * Scores of predicted class ids against reference class ids, both in [0, numLabels).
 *
 * Macro-F1 averages over the classes that occur in the references or the predictions (scikit-learn's default
 * `labels`: `unique_labels(y_true, y_pred)`), not over all numLabels: a class absent from both has no defined F1, and
 * counting it as 0 would make the score depend on the label list rather than the predictions. Every averaged class
 * then has tp + fp + fn > 0, so the zero-division rule only arises for a class never predicted (precision 0/0 → 0).
 */
export function classificationMetrics(predictions: readonly number[], references: readonly number[], numLabels: number): ClassificationScores {
  const metric = 'classification metrics';
  checkNumLabels(metric, numLabels);
  checkPaired(metric, predictions, references);
  checkLabelIds(metric, 'predictions', predictions, numLabels);
  checkLabelIds(metric, 'references', references, numLabels);

  // Only the confusion matrix's diagonal and margins enter these scores: per class the true positives, the row sum
  // (reference count, scikit-learn's t_sum) and the column sum (prediction count, p_sum).
  const truePositives = new Float64Array(numLabels);
  const actual = new Float64Array(numLabels);
  const predicted = new Float64Array(numLabels);
  let correct = 0;
  for (let i = 0; i < predictions.length; i++) {
    const p = predictions[i]!;
    const t = references[i]!;
    actual[t]! += 1;
    predicted[p]! += 1;
    if (p === t) {
      truePositives[t]! += 1;
      correct++;
    }
  }

  const classF1: number[] = [];
  for (let c = 0; c < numLabels; c++) {
    if (actual[c] === 0 && predicted[c] === 0) continue;
    classF1.push(precisionRecallF1(truePositives[c]!, predicted[c]!, actual[c]!).f1);
  }

  const scores: ClassificationScores = {
    accuracy: correct / predictions.length,
    macro_f1: mean(classF1),
    matthews_correlation: matthewsFromMargins(actual, predicted, correct, predictions.length),
  };
  if (numLabels === 2) scores.f1 = precisionRecallF1(truePositives[1]!, predicted[1]!, actual[1]!).f1;
  return scores;
}

/**
 * scikit-learn's `matthews_corrcoef` (Gorodkin's R_K statistic):
 * (c·s − Σ t_k p_k) / √((s² − Σ p_k²)(s² − Σ t_k²)) with c correct, s samples, t_k / p_k the true / predicted counts
 * of class k; 0 when either factor under the root is 0 (one class only in the references or in the predictions).
 * Every term is an integer below 2^53 for any realistic evaluation set, so the result equals scikit-learn's exactly.
 */
function matthewsFromMargins(actual: Float64Array, predicted: Float64Array, correct: number, samples: number): number {
  let dotTP = 0;
  let dotPP = 0;
  let dotTT = 0;
  for (let k = 0; k < actual.length; k++) {
    dotTP += actual[k]! * predicted[k]!;
    dotPP += predicted[k]! * predicted[k]!;
    dotTT += actual[k]! * actual[k]!;
  }
  const covTP = correct * samples - dotTP;
  const covPP = samples ** 2 - dotPP;
  const covTT = samples ** 2 - dotTT;
  if (covPP * covTT === 0) return 0;
  return covTP / Math.sqrt(covTT * covPP);
}
