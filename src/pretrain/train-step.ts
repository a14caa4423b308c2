import { getBackend } from '../backend/select.js';
import { TsbertError } from '../errors.js';
import type { BertForPreTraining } from '../model/heads/pretraining.js';
import type { AdamW } from '../optim/adamw.js';
import { clipGradNorm } from '../optim/clip-grad-norm.js';
import { countCorrect } from './accuracy.js';
import { Arena, withArena } from '../tensor/arena.js';
import { backward, type Tensor } from '../tensor/tensor.js';

/** One micro-batch of pre-training instances as int32 tensors ([batch, seq]; nextSentenceLabel [batch]). */
export interface PretrainBatch {
  inputIds: Tensor;
  tokenTypeIds: Tensor;
  attentionMask: Tensor;
  /** -100 except at masked positions, where it holds the original id. */
  labels: Tensor;
  nextSentenceLabel: Tensor;
}

export interface StepMetrics {
  loss: number;
  mlmLoss: number;
  nspLoss: number;
  /** Correct / total over the masked positions and the NSP labels of the step. */
  mlmCorrect: number;
  mlmTotal: number;
  nspCorrect: number;
  nspTotal: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  tokens: number;
}

/** Thrown when the loss or gradients stop being finite; nothing has been applied to the weights. */
export class NonFiniteLossError extends TsbertError {
  override readonly name = 'NonFiniteLossError';
}

/**
 * One optimizer step over micro-batches (gradient accumulation: losses are averaged over them): forward with
 * MLM logits only at masked positions, backward, global-norm clipping, AdamW. All intermediate tensors come
 * from `arena`, reset at the start, so a step allocates nothing new once warm.
 */
export function pretrainStep(
  model: BertForPreTraining, optimizer: AdamW, microBatches: PretrainBatch[], arena: Arena, maxGradNorm: number,
): StepMetrics {
  arena.reset();
  model.zeroGrad();
  const metrics: StepMetrics = { loss: 0, mlmLoss: 0, nspLoss: 0, mlmCorrect: 0, mlmTotal: 0, nspCorrect: 0, nspTotal: 0, gradNorm: 0, tokens: 0 };
  withArena(arena, () => {
    for (const batch of microBatches) {
      const out = model.forward(batch, { onlyMaskedPositions: true });
      const loss = out.loss!;
      const value = loss.item();
      if (!Number.isFinite(value)) {
        throw new NonFiniteLossError(`loss became ${value} (MLM ${out.mlmLoss!.item()}, NSP ${out.nspLoss!.item()})`);
      }
      backward(loss);
      metrics.loss += value / microBatches.length;
      metrics.mlmLoss += out.mlmLoss!.item() / microBatches.length;
      metrics.nspLoss += out.nspLoss!.item() / microBatches.length;
      const mlm = countCorrect(out.predictionLogits, batch.labels.ints('labels'), true);
      const nsp = countCorrect(out.seqRelationshipLogits, batch.nextSentenceLabel.ints('next_sentence_label'), false);
      metrics.mlmCorrect += mlm.correct;
      metrics.mlmTotal += mlm.total;
      metrics.nspCorrect += nsp.correct;
      metrics.nspTotal += nsp.total;
      metrics.tokens += batch.inputIds.size;
    }
  });
  if (microBatches.length > 1) averageGrads(model, microBatches.length);
  metrics.gradNorm = clipGradNorm(model.parameters(), maxGradNorm > 0 ? maxGradNorm : Infinity);
  if (!Number.isFinite(metrics.gradNorm)) throw new NonFiniteLossError(`gradient norm became ${metrics.gradNorm}`);
  optimizer.stepOnce();
  return metrics;
}

/** Gradients summed over n micro-batches become their mean. */
function averageGrads(model: BertForPreTraining, n: number): void {
  const backend = getBackend();
  for (const param of model.parameters()) if (param.grad !== null) backend.axpby(param.grad, param.grad, param.grad.length, 1 / n, 0);
}
