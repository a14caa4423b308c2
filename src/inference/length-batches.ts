/**
 * Batches for a stream of inputs of mixed lengths: within a window of arrivals the inputs are sorted by length and
 * cut into batches whose *padded* size (inputs × the longest) stays within a token budget, so a batch holds inputs
 * of similar lengths and padding to its longest wastes little (the padded baseline and the packed encoder run the
 * same plan). Sorting never crosses a window, so a stream needs memory for one window only, and `restoreOrder` puts
 * the results back in arrival order. Pure functions: no model, no files.
 */
import { ValueError } from '../errors.js';

export interface LengthBatchOptions {
  /** Most inputs in one batch (`--batch-size`). */
  maxBatch: number;
  /** Most tokens in one batch, counted padded: inputs × the longest. An input longer than this is a batch alone. */
  tokenBudget: number;
}

export interface StreamBatchOptions extends LengthBatchOptions {
  /** Inputs sorted together; the first `window` arrivals form the first window, and so on. */
  window: number;
}

/**
 * Batches of indices into `lengths` (token counts in arrival order): the indices sorted by length (ties keep arrival
 * order), cut greedily where one more input would exceed `maxBatch` or the padded budget.
 */
export function planLengthBatches(lengths: readonly number[], options: LengthBatchOptions): number[][] {
  checkOptions(options);
  lengths.forEach((length, i) => {
    if (!Number.isInteger(length) || length < 0) throw new ValueError(`planLengthBatches: lengths[${i}] must be an integer ≥ 0, got ${length}`);
  });
  // Array.prototype.sort is stable, so equal lengths stay in arrival order.
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a]! - lengths[b]!);
  const batches: number[][] = [];
  let batch: number[] = [];
  for (const index of order) {
    // Ascending order: the newcomer is the batch's longest.
    const padded = (batch.length + 1) * lengths[index]!;
    if (batch.length > 0 && (batch.length === options.maxBatch || padded > options.tokenBudget)) {
      batches.push(batch);
      batch = [];
    }
    batch.push(index);
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** The plan of a whole stream: `planLengthBatches` per window, as indices into `lengths`. */
export function planStreamBatches(lengths: readonly number[], options: StreamBatchOptions): number[][] {
  if (!Number.isInteger(options.window) || options.window < 1) throw new ValueError(`planStreamBatches: window must be an integer ≥ 1, got ${options.window}`);
  const batches: number[][] = [];
  for (let start = 0; start < lengths.length; start += options.window) {
    const window = lengths.slice(start, start + options.window);
    for (const batch of planLengthBatches(window, options)) batches.push(batch.map((i) => start + i));
  }
  return batches;
}

/**
 * The results of batches (`results[b][k]` belongs to input `batches[b][k]`) in input order; every index from 0 to
 * the number of inputs − 1 must appear exactly once.
 */
export function restoreOrder<T>(batches: readonly (readonly number[])[], results: readonly (readonly T[])[]): T[] {
  if (results.length !== batches.length) throw new ValueError(`restoreOrder: ${batches.length} batches but ${results.length} result lists`);
  const total = batches.reduce((sum, batch) => sum + batch.length, 0);
  const ordered = new Array<T>(total);
  const filled = new Uint8Array(total);
  batches.forEach((batch, b) => {
    const batchResults = results[b]!;
    if (batchResults.length !== batch.length) throw new ValueError(`restoreOrder: batch ${b} has ${batch.length} inputs but ${batchResults.length} results`);
    batch.forEach((index, k) => {
      if (!Number.isInteger(index) || index < 0 || index >= total || filled[index] === 1) {
        throw new ValueError(`restoreOrder: batch ${b} names input ${index}, which is out of range or taken twice`);
      }
      filled[index] = 1;
      ordered[index] = batchResults[k]!;
    });
  });
  return ordered;
}

function checkOptions(options: LengthBatchOptions): void {
  if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1) throw new ValueError(`length batches: maxBatch must be an integer ≥ 1, got ${options.maxBatch}`);
  if (!(options.tokenBudget >= 1)) throw new ValueError(`length batches: tokenBudget must be ≥ 1, got ${options.tokenBudget}`);
}
