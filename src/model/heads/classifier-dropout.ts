import type { BertConfig } from '../config.js';

/** Hugging Face's classifier_dropout when the config sets it, else hidden_dropout_prob. */
export function classifierDropoutProb(config: BertConfig): number {
  const value = config.extra['classifier_dropout'];
  return typeof value === 'number' ? value : config.hiddenDropoutProb;
}
