/**
 * Batch planning for a stream of inputs: within each window of arrival order the inputs are sorted by token length
 * and cut into batches whose padded size (inputs × the batch's longest) stays within a token budget. Inputs of
 * similar length end up together, so padding to the batch maximum wastes little and the padded path and the packed
 * path (run-encoder.ts) run the same plan; sorting never crosses a window, so a stream is planned with constant
 * memory. The caller runs the batches and puts results back in input order with restoreInputOrder.
 */
import { ValueError } from '../errors.js';

export interface BatchPlanOptions {
  /** Inputs sorted together: consecutive windows of this many inputs are planned apart (1 keeps arrival order). */
  window: number;
  /** Most padded tokens per batch (inputs × the longest); a single longer input is a batch of its own. */
  tokenBudget: number;
  /** Most inputs per batch. */
  maxBatchSize: number;
}

/** A window of 1,024 inputs and 8,192 padded tokens: 32 inputs of 256 tokens, 128 of 64 (the CLI's default). */
export const DEFAULT_BATCH_PLAN: BatchPlanOptions = { window: 1024, tokenBudget: 8192, maxBatchSize: 128 };

/**
 * Batches of indices into `lengths` (token counts in arrival order): every index once, windows in order, each window's
 * inputs longest first. The batch's padded size — its size times its first (longest) input's length — stays within
 * tokenBudget unless the batch is a single input.
 */
export function planLengthBatches(lengths: ArrayLike<number>, options: BatchPlanOptions): number[][] {
  for (const name of ['window', 'tokenBudget', 'maxBatchSize'] as const) {
    const value = options[name];
    if (!(Number.isInteger(value) && value >= 1)) throw new ValueError(`planLengthBatches: ${name} must be a positive integer, got ${value}`);
  }
  for (let i = 0; i < lengths.length; i++) {
    const length = lengths[i]!;
    if (!(Number.isInteger(length) && length >= 0)) throw new ValueError(`planLengthBatches: input ${i} has length ${length}, not a token count`);
  }
  const batches: number[][] = [];
  for (let start = 0; start < lengths.length; start += options.window) {
    const end = Math.min(start + options.window, lengths.length);
    const order = Array.from({ length: end - start }, (_, j) => start + j);
    // Longest first; equal lengths keep arrival order (Array.prototype.sort is stable).
    order.sort((a, b) => lengths[b]! - lengths[a]!);
    let batch: number[] = [];
    let longest = 0;
    for (const index of order) {
      if (batch.length === 0) longest = lengths[index]!;
      else if (batch.length + 1 > options.maxBatchSize || (batch.length + 1) * longest > options.tokenBudget) {
        batches.push(batch);
        batch = [];
        longest = lengths[index]!;
      }
      batch.push(index);
    }
    if (batch.length > 0) batches.push(batch);
  }
  return batches;
}

/**
 * Results back in input order: `results[b][j]` belongs to input `batches[b][j]`. The batches must cover inputs
 * 0 .. count-1 exactly once (count: default, the number of indices), else a ValueError naming the index.
 */
export function restoreInputOrder<T>(batches: readonly (readonly number[])[], results: readonly (readonly T[])[], count?: number): T[] {
  if (results.length !== batches.length) throw new ValueError(`restoreInputOrder: ${batches.length} batches but ${results.length} result lists`);
  const total = count ?? batches.reduce((sum, batch) => sum + batch.length, 0);
  const ordered = new Array<T>(total);
  const seen = new Uint8Array(total);
  batches.forEach((batch, b) => {
    const batchResults = results[b]!;
    if (batchResults.length !== batch.length) {
      throw new ValueError(`restoreInputOrder: batch ${b} has ${batch.length} inputs but ${batchResults.length} results`);
    }
    batch.forEach((index, j) => {
      if (!(Number.isInteger(index) && index >= 0 && index < total)) throw new ValueError(`restoreInputOrder: index ${index} in batch ${b} is outside [0, ${total})`);
      if (seen[index] === 1) throw new ValueError(`restoreInputOrder: input ${index} appears twice`);
      seen[index] = 1;
      ordered[index] = batchResults[j]!;
    });
  });
  const missing = seen.indexOf(0);
  if (missing !== -1) throw new ValueError(`restoreInputOrder: input ${missing} is in no batch`);
  return ordered;
}
