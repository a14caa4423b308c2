import { accuracy } from './classification.js';

/** Multiple choice (SWAG, RACE): the fraction of examples whose chosen option is the labelled one. */
export interface MultipleChoiceScores {
  accuracy: number;
}

export function multipleChoiceMetrics(predictions: readonly number[], references: readonly number[]): MultipleChoiceScores {
  return { accuracy: accuracy(predictions, references) };
}
