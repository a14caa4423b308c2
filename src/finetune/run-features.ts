/**
 * A model over features in eval mode, batch by batch: each feature's outputs under Hugging Face's names (token-level
 * outputs cut to the feature's own length) and the mean loss when the features carry targets. Shared by evaluation
 * during training, `tsbert evaluate` and `tsbert predict`.
 */
import type { HeadRunner } from '../model/heads/task-heads.js';
import { Arena, withArena } from '../tensor/arena.js';
import { noGrad, type Tensor } from '../tensor/tensor.js';
import { IGNORE_INDEX } from '../ops/cross-entropy.js';
import { collateInputs } from './collate.js';
import type { Feature } from './features.js';
import type { FeatureOutputs, FinetuneTaskDefinition, LabelScheme } from './task-definition.js';

export interface FeatureRun {
  outputs: FeatureOutputs[];
  /** The loss over all features (batch means weighted by their terms, so batching does not change it); undefined without targets. */
  loss?: number;
}

export function runOnFeatures<F extends Feature>(
  runner: HeadRunner, definition: FinetuneTaskDefinition<unknown, F>, features: readonly F[], scheme: LabelScheme | undefined,
  batchSize: number, padId: number, onBatch?: (done: number, total: number) => void,
): FeatureRun {
  const model = runner.model;
  const wasTraining = model.training;
  model.eval();
  // Batches of similar lengths pad least, longest first so that each later batch fits in the arena's buffers of the
  // one before; outputs go back to the features' own order.
  const order = Array.from({ length: features.length }, (_, i) => i).sort((a, b) => features[b]!.length - features[a]!.length);
  const outputs: FeatureOutputs[] = new Array(features.length);
  const arena = new Arena();
  let lossSum = 0;
  let lossCount = 0;
  try {
    for (let start = 0; start < order.length; start += batchSize) {
      const indices = order.slice(start, start + batchSize);
      const batch = indices.map((i) => features[i]!);
      const { args, seqLength } = collateInputs(batch, padId, runner);
      const targets = definition.targets(batch, seqLength, scheme);
      for (const [name, tensor] of targets ?? []) args.set(name, tensor);
      arena.reset();
      withArena(arena, () => noGrad(() => {
        const out = runner.forward(args);
        if (out['loss'] !== undefined) {
          const weight = lossTerms(targets?.get('labels'), batch.length);
          lossSum += out['loss'].item() * weight;
          lossCount += weight;
        }
        indices.forEach((featureIndex, row) => {
          outputs[featureIndex] = rowOutputs(out, row, batch.length, seqLength, definition.tokenLevel ? features[featureIndex]!.length : undefined);
        });
      }));
      onBatch?.(Math.min(start + batchSize, order.length), order.length);
    }
  } finally {
    model.train(wasTraining);
  }
  return lossCount > 0 ? { outputs, loss: lossSum / lossCount } : { outputs };
}

/** Row `row` of every output except the loss, copied out of the arena; token-level outputs keep `length` positions. */
function rowOutputs(out: Record<string, Tensor>, row: number, batch: number, seqLength: number, length: number | undefined): FeatureOutputs {
  const result: FeatureOutputs = {};
  for (const [name, tensor] of Object.entries(out)) {
    if (name === 'loss' || tensor.shape[0] !== batch) continue;
    const perRow = tensor.size / batch;
    const data = tensor.floats(name).subarray(row * perRow, (row + 1) * perRow);
    // [seq, ...] per row: keep the feature's own positions.
    const kept = length !== undefined && tensor.shape[1] === seqLength ? data.subarray(0, (perRow / seqLength) * length) : data;
    result[name] = Float32Array.from(kept);
  }
  return result;
}

/**
 * How many terms a batch's mean loss averages: the labelled tokens for per-token class labels (padding and later
 * sub-tokens are -100 and not counted), else one per example.
 */
function lossTerms(labels: Tensor | undefined, batch: number): number {
  if (labels === undefined || labels.dtype !== 'int32' || labels.shape.length < 2) return batch;
  let count = 0;
  for (const label of labels.ints('labels')) if (label !== IGNORE_INDEX) count++;
  return count;
}
