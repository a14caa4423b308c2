import { Rng } from '../tensor/rng.js';

/**
 * The order instances are read in: a fresh seeded permutation every epoch. The k-th instance consumed is a
 * pure function of (seed, k), so a checkpoint only stores k to resume the exact same stream.
 */
export class DataOrder {
  private epoch = -1;
  private permutation: Int32Array = new Int32Array(0);

  constructor(private readonly seed: number, private readonly size: number) {}

  indexAt(consumed: number): number {
    const epoch = Math.floor(consumed / this.size);
    if (epoch !== this.epoch) {
      const rng = new Rng((this.seed * 1_000_003 + epoch * 7_919) >>> 0);
      const order = Array.from({ length: this.size }, (_, i) => i);
      rng.shuffle(order);
      this.permutation = Int32Array.from(order);
      this.epoch = epoch;
    }
    return this.permutation[consumed % this.size]!;
  }
}
