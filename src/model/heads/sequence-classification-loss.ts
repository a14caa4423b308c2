import { ShapeError, shapeString } from '../../errors.js';
import { bceWithLogits } from '../../ops/bce-with-logits.js';
import { crossEntropy } from '../../ops/cross-entropy.js';
import { mseLoss } from '../../ops/mse-loss.js';
import { reshape } from '../../ops/reshape.js';
import { newBuffer } from '../../tensor/arena.js';
import { Tensor } from '../../tensor/tensor.js';
import { numLabels, type PretrainedConfig, type ProblemType } from '../pretrained-config.js';

/**
 * BertForSequenceClassification's choice of loss (Hugging Face modeling_bert.py): config.problem_type when set;
 * otherwise one label means regression, integer labels single-label classification, anything else (float labels)
 * multi-label classification. Hugging Face also writes its first choice back into the config; tsbert decides per call.
 */
export function problemType(config: PretrainedConfig, labels: Tensor): ProblemType {
  const configured = config.extra['problem_type'];
  if (typeof configured === 'string') return configured as ProblemType;
  if (numLabels(config) === 1) return 'regression';
  return labels.dtype === 'int32' ? 'single_label_classification' : 'multi_label_classification';
}

/**
 * logits [batch, numLabels] against labels, as Hugging Face computes each problem type:
 * regression — MSELoss(logits.squeeze(), labels.squeeze()) with one label, MSELoss(logits, labels) with more;
 * single-label — CrossEntropyLoss over class ids [batch]; multi-label — BCEWithLogitsLoss against [batch, numLabels].
 */
export function sequenceClassificationLoss(config: PretrainedConfig, logits: Tensor, labels: Tensor): Tensor {
  const kind = problemType(config, labels);
  if (kind === 'single_label_classification') return crossEntropy(logits, labels);
  const targets = asFloatTargets(labels, logits);
  if (kind === 'multi_label_classification') return bceWithLogits(logits, targets);
  if (numLabels(config) !== 1) return mseLoss(logits, targets);
  // squeeze(): [batch, 1] logits against [batch] (or [batch, 1]) targets.
  if (targets.size !== logits.size) {
    throw new ShapeError(`regression: labels ${shapeString(labels.shape)} do not give one target per logit ${shapeString(logits.shape)}`);
  }
  return mseLoss(reshape(logits, [logits.size]), reshape(targets, [targets.size]));
}

/**
 * Targets in the logits' float type. Integer labels are converted where torch's MSELoss and BCEWithLogitsLoss would
 * refuse them: 0/1 multi-label ids and integral scores are exact in float32 below 2²⁴.
 */
function asFloatTargets(labels: Tensor, logits: Tensor): Tensor {
  if (labels.dtype === logits.dtype) return labels;
  const data = newBuffer(logits.dtype, labels.size);
  data.set(labels.data);
  return new Tensor(data, labels.shape);
}
