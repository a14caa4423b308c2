import { firstTokenRows } from '../../ops/gather-rows.js';
import type { Dropout } from '../../nn/dropout.js';
import type { Linear } from '../../nn/linear.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { EncoderInputs, EncoderModel, ForwardOptions } from '../encoder-model.js';
import type { PretrainedConfig } from '../pretrained-config.js';
import { encoderOutputs, type HeadOutput } from './head-output.js';
import { sequenceClassificationLoss } from './sequence-classification-loss.js';

/**
 * BERT §4.1, as BERT's and ALBERT's ForSequenceClassification compute it: the pooled first token through dropout and
 * one Linear; the encoder's last layer runs at the first rows alone. The loss follows Hugging Face's problem_type
 * rules (sequence-classification-loss.ts). labels: int32 [batch] class ids; float32 [batch] regression targets
 * (numLabels 1); float32 [batch, numLabels] 0/1 multi-label targets.
 */
export function sequenceClassificationForward(
  config: PretrainedConfig, encoder: EncoderModel, dropout: Dropout, classifier: Linear, inputs: EncoderInputs & { labels?: Tensor }, options: ForwardOptions,
): HeadOutput & { logits: Tensor } {
  const [batch, seq] = inputs.inputIds.shape as [number, number];
  const base = encoder.forward(inputs, { ...options, lastLayerRows: firstTokenRows(batch, seq) });
  const logits = classifier.forward(dropout.forward(base.poolerOutput!));
  const output: HeadOutput & { logits: Tensor } = { ...encoderOutputs(base), logits };
  if (inputs.labels !== undefined) output.loss = sequenceClassificationLoss(config, logits, inputs.labels);
  return output;
}
