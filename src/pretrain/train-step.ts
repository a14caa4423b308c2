import type { BertForPreTraining } from '../model/heads/pretraining.js';
import type { AdamW } from '../optim/adamw.js';
import type { Arena } from '../tensor/arena.js';
import type { Tensor } from '../tensor/tensor.js';
import { trainStep, type MicroBatchOutput, type StepResult } from '../train/train-step.js';
import { countCorrect } from './accuracy.js';

/** One micro-batch of pre-training instances as int32 tensors ([batch, seq]; nextSentenceLabel [batch]). */
export interface PretrainBatch {
  inputIds: Tensor;
  tokenTypeIds: Tensor;
  attentionMask: Tensor;
  /** -100 except at masked positions, where it holds the original id. */
  labels: Tensor;
  nextSentenceLabel: Tensor;
}

/** MLM + NSP loss of one micro-batch, MLM logits only at masked positions, with the losses and accuracies as metrics. */
export function pretrainingForward(model: BertForPreTraining, batch: PretrainBatch): MicroBatchOutput {
  const out = model.forward(batch, { onlyMaskedPositions: true });
  const mlm = countCorrect(out.predictionLogits, batch.labels.ints('labels'), true);
  const nsp = countCorrect(out.seqRelationshipLogits, batch.nextSentenceLabel.ints('next_sentence_label'), false);
  const mlmLoss = out.mlmLoss!.item();
  const nspLoss = out.nspLoss!.item();
  return {
    loss: out.loss!,
    metrics: { mlm_loss: [mlmLoss, 1], nsp_loss: [nspLoss, 1], mlm_accuracy: [mlm.correct, mlm.total], nsp_accuracy: [nsp.correct, nsp.total] },
    tokens: batch.inputIds.size,
    describeLoss: () => `MLM ${mlmLoss}, NSP ${nspLoss}`,
  };
}

/** One optimizer step of pre-training over micro-batches (the generic trainStep with pre-training's forward). */
export function pretrainStep(
  model: BertForPreTraining, optimizer: AdamW, microBatches: PretrainBatch[], arena: Arena, maxGradNorm: number,
): StepResult {
  return trainStep(model, optimizer, microBatches, (batch) => pretrainingForward(model, batch), arena, maxGradNorm);
}
