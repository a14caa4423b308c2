import { Tensor } from '../tensor/tensor.js';
import type { TrainingInstance } from './instance-source.js';
import type { PretrainBatch } from './train-step.js';

/**
 * Pads instances to the longest in the batch (padding id, type 0, attention 0) and turns masked positions into
 * a [batch, seq] label array with -100 everywhere else, as Hugging Face's BertForPreTraining expects.
 */
export function collatePretrainBatch(instances: readonly TrainingInstance[], padId: number): PretrainBatch {
  const batch = instances.length;
  let seq = 0;
  for (const instance of instances) seq = Math.max(seq, instance.inputIds.length);
  const ids = new Int32Array(batch * seq).fill(padId);
  const types = new Int32Array(batch * seq);
  const mask = new Int32Array(batch * seq);
  const labels = new Int32Array(batch * seq).fill(-100);
  const nsp = new Int32Array(batch);
  instances.forEach((instance, b) => {
    const base = b * seq;
    ids.set(instance.inputIds, base);
    types.set(instance.tokenTypeIds, base);
    mask.fill(1, base, base + instance.inputIds.length);
    for (let i = 0; i < instance.maskedPositions.length; i++) labels[base + instance.maskedPositions[i]!] = instance.maskedLmIds[i]!;
    nsp[b] = instance.nextSentenceLabel;
  });
  return {
    inputIds: new Tensor(ids, [batch, seq]),
    tokenTypeIds: new Tensor(types, [batch, seq]),
    attentionMask: new Tensor(mask, [batch, seq]),
    labels: new Tensor(labels, [batch, seq]),
    nextSentenceLabel: new Tensor(nsp, [batch]),
  };
}
