import { crossEntropy } from '../../ops/cross-entropy.js';
import type { Dropout } from '../../nn/dropout.js';
import type { Linear } from '../../nn/linear.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { EncoderInputs, EncoderModel, ForwardOptions } from '../encoder-model.js';
import type { HeadOutput } from './head-output.js';

/**
 * BERT §5.3 (NER), as every family's ForTokenClassification computes it: a label per token from its final hidden
 * state through dropout and one Linear; -100 labels (sub-word continuations, padding) are ignored.
 * labels: int32 [batch, seq]. Returns logits [batch, seq, numLabels].
 */
export function tokenClassificationForward(
  encoder: EncoderModel, dropout: Dropout, classifier: Linear, inputs: EncoderInputs & { labels?: Tensor }, options: ForwardOptions,
): HeadOutput & { logits: Tensor } {
  const base = encoder.forward(inputs, options);
  const logits = classifier.forward(dropout.forward(base.lastHiddenState));
  const output: HeadOutput & { logits: Tensor } = { ...base, logits };
  if (inputs.labels !== undefined) output.loss = crossEntropy(logits, inputs.labels);
  return output;
}
