import { ConfigError } from '../errors.js';
import { runEncoder, type EncodedInput } from '../inference/run-encoder.js';
import type { BertForSequenceClassification } from '../model/heads/sequence-classification.js';
import type { FloatArray } from '../backend/backend.js';
import { noGrad, Tensor } from '../tensor/tensor.js';

/**
 * BertForSequenceClassification's logits [n, labels] for encoded inputs: the pooled [CLS] rows through the
 * classifier (its dropout is the identity at inference), as the model's own forward computes them.
 */
export function sequenceLogits(model: BertForSequenceClassification, inputs: readonly EncodedInput[]): FloatArray {
  if (inputs.length === 0) return new Float32Array(0);
  const run = runEncoder(model.bert, inputs);
  if (run.pooled === null) throw new ConfigError(`${model.architecture}: the encoder has no pooler, which the classifier reads`);
  const pooled = new Tensor(run.pooled, [inputs.length, run.hiddenSize]); // [n, hidden]
  return noGrad(() => model.classifier.forward(pooled)).floats('sequenceLogits'); // [n, labels]
}
