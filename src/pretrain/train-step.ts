import type { BertForPreTraining } from '../model/heads/pretraining.js';
import type { AdamW } from '../optim/adamw.js';
import type { Arena } from '../tensor/arena.js';
import type { Tensor } from '../tensor/tensor.js';
import { trainStep, type MicroBatchOutput, type StepResult } from '../train/train-step.js';
import { countCorrect } from './accuracy.js';
import { PAIR_TASK, type PretrainObjective } from './objective.js';
import { pretrainingModelOf, type PretrainingModel } from './pretraining-model.js';
import { autocast, type Precision } from '../ops/autocast.js';

/** One micro-batch of pre-training instances as int32 tensors ([batch, seq]; nextSentenceLabel [batch]). */
export interface PretrainBatch {
  inputIds: Tensor;
  tokenTypeIds: Tensor;
  attentionMask: Tensor;
  /** -100 except at masked positions, where it holds the original id. */
  labels: Tensor;
  /** The pair label (NSP: 1 = random next; SOP: 1 = swapped); 0 and unused for the mlm objective. */
  nextSentenceLabel: Tensor;
}

/**
 * The objective's loss of one micro-batch, MLM logits only at masked positions, with the losses and accuracies as
 * metrics: `mlm_loss`, `mlm_accuracy` and, for pair objectives, `<pair>_loss` / `<pair>_accuracy` (`nsp` or `sop`).
 */
export function pretrainingForward(model: PretrainingModel, batch: PretrainBatch, objective: PretrainObjective = 'bert'): MicroBatchOutput {
  const pair = PAIR_TASK[objective];
  const out = model.forward(batch);
  const mlm = countCorrect(out.mlmLogits, batch.labels.ints('labels'), true);
  const mlmLoss = out.mlmLoss.item();
  const metrics: MicroBatchOutput['metrics'] = { mlm_loss: [mlmLoss, 1], mlm_accuracy: [mlm.correct, mlm.total] };
  let pairText = '';
  if (pair !== undefined && out.pairLoss !== undefined && out.pairLogits !== undefined) {
    const correct = countCorrect(out.pairLogits, batch.nextSentenceLabel.ints('next_sentence_label'), false);
    const pairLoss = out.pairLoss.item();
    metrics[`${pair}_loss`] = [pairLoss, 1];
    metrics[`${pair}_accuracy`] = [correct.correct, correct.total];
    pairText = `, ${pair.toUpperCase()} ${pairLoss}`;
  }
  return { loss: out.loss, metrics, tokens: batch.inputIds.size, describeLoss: () => `MLM ${mlmLoss}${pairText}` };
}

/** One optimizer step of BERT pre-training over micro-batches (the generic trainStep with pre-training's forward). */
export function pretrainStep(
  model: BertForPreTraining, optimizer: AdamW, microBatches: PretrainBatch[], arena: Arena, maxGradNorm: number,
  precision: Precision = 'fp32',
): StepResult {
  const objective = pretrainingModelOf(model);
  return trainStep(model, optimizer, microBatches, (batch) => autocast(precision, () => pretrainingForward(objective, batch)), arena, maxGradNorm);
}
