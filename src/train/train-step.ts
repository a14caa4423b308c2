import { getBackend } from '../backend/select.js';
import { TsbertError } from '../errors.js';
import type { Module } from '../nn/module.js';
import type { AdamW } from '../optim/adamw.js';
import { clipCoefficient, globalGradNorm } from '../optim/clip-grad-norm.js';
import { Arena, withArena } from '../tensor/arena.js';
import { backward, type Tensor } from '../tensor/tensor.js';

/** A metric summed over micro-batches as numerator / denominator (accuracy: correct / total; a loss: value / 1). */
export type MetricSums = Record<string, [numerator: number, denominator: number]>;

/** What a task's forward gives the trainer for one micro-batch. */
export interface MicroBatchOutput {
  /** The micro-batch's mean loss, a scalar of the recorded graph. */
  loss: Tensor;
  metrics: MetricSums;
  /** Tokens the micro-batch held (for tokens/s). */
  tokens: number;
  /** Says what else was wrong when the loss is not finite (e.g. "MLM NaN, NSP 0.69"). */
  describeLoss?: () => string;
}

export interface StepResult {
  /** Mean of the micro-batches' losses. */
  loss: number;
  metrics: MetricSums;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  tokens: number;
}

/** Thrown when the loss or gradients stop being finite; nothing has been applied to the weights. */
export class NonFiniteLossError extends TsbertError {
  override readonly name = 'NonFiniteLossError';
}

/**
 * One optimizer step over micro-batches. Gradient accumulation: each micro-batch's gradients are summed and
 * averaged once at the end, so n micro-batches of b equal one batch of n·b when the loss is a mean over examples
 * of equal weight. Then global-norm clipping (0: off) and the optimizer. Every intermediate tensor comes from
 * `arena`, reset first, so a warm step allocates nothing new.
 */
export function trainStep<Batch>(
  model: Module, optimizer: AdamW, microBatches: readonly Batch[], forward: (batch: Batch) => MicroBatchOutput,
  arena: Arena, maxGradNorm: number,
): StepResult {
  arena.reset();
  model.zeroGrad();
  const result: StepResult = { loss: 0, metrics: {}, gradNorm: 0, tokens: 0 };
  withArena(arena, () => {
    for (const batch of microBatches) {
      const out = forward(batch);
      const value = out.loss.item();
      if (!Number.isFinite(value)) {
        throw new NonFiniteLossError(`loss became ${value}${out.describeLoss === undefined ? '' : ` (${out.describeLoss()})`}`);
      }
      backward(out.loss);
      result.loss += value / microBatches.length;
      result.tokens += out.tokens;
      addMetricSums(result.metrics, out.metrics);
    }
  });
  if (microBatches.length > 1) averageGrads(model, microBatches.length);
  result.gradNorm = globalGradNorm(model.parameters());
  if (!Number.isFinite(result.gradNorm)) throw new NonFiniteLossError(`gradient norm became ${result.gradNorm}`);
  // Clipping's scaling happens inside AdamW's pass over the gradients (the same numbers as clipGradNorm's own pass).
  optimizer.stepOnce(clipCoefficient(result.gradNorm, maxGradNorm > 0 ? maxGradNorm : Infinity));
  return result;
}

export function addMetricSums(into: MetricSums, from: MetricSums): void {
  for (const [name, [numerator, denominator]] of Object.entries(from)) {
    const sums = into[name] ??= [0, 0];
    sums[0] += numerator;
    sums[1] += denominator;
  }
}

/** Gradients summed over n micro-batches become their mean. */
function averageGrads(model: Module, n: number): void {
  const backend = getBackend();
  for (const param of model.parameters()) if (param.grad !== null) backend.axpby(param.grad, param.grad, param.grad.length, 1 / n, 0);
}
