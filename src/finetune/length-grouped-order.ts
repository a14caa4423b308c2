/**
 * The order of training batches: every epoch a fresh seeded permutation; with length grouping (Hugging Face's
 * `group_by_length`, LengthGroupedSampler) the permutation is cut into mega-batches of 50 batches, each sorted by
 * length, so a batch holds sequences of similar length and dynamic padding wastes little, while the order stays
 * random at the scale of mega-batches. The k-th batch is a pure function of (seed, k): a checkpoint stores k only.
 */
import { Rng } from '../tensor/rng.js';

/** Hugging Face's `megabatch_mult` default. */
const MEGABATCH_BATCHES = 50;

export class LengthGroupedOrder {
  private epoch = -1;
  private batches: Int32Array[] = [];
  readonly batchesPerEpoch: number;

  constructor(
    private readonly seed: number,
    private readonly lengths: readonly number[],
    private readonly batchSize: number,
    private readonly groupByLength: boolean,
  ) {
    this.batchesPerEpoch = Math.ceil(lengths.length / batchSize);
  }

  /** Indices of the k-th batch since the start of training (epochs follow each other). */
  batchAt(k: number): Int32Array {
    const epoch = Math.floor(k / this.batchesPerEpoch);
    if (epoch !== this.epoch) {
      this.batches = this.epochBatches(epoch);
      this.epoch = epoch;
    }
    return this.batches[k % this.batchesPerEpoch]!;
  }

  private epochBatches(epoch: number): Int32Array[] {
    const rng = new Rng((this.seed * 1_000_003 + epoch * 7_919 + 17) >>> 0);
    const order = Array.from({ length: this.lengths.length }, (_, i) => i);
    rng.shuffle(order);
    if (this.groupByLength) {
      const span = MEGABATCH_BATCHES * this.batchSize;
      for (let start = 0; start < order.length; start += span) {
        // Longest first within the mega-batch; ties keep the random order (Array.prototype.sort is stable).
        const sorted = order.slice(start, start + span).sort((a, b) => this.lengths[b]! - this.lengths[a]!);
        order.splice(start, sorted.length, ...sorted);
      }
    }
    const batches: Int32Array[] = [];
    for (let start = 0; start < order.length; start += this.batchSize) batches.push(Int32Array.from(order.slice(start, start + this.batchSize)));
    return batches;
  }
}
