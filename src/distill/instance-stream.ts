/**
 * Training instances as a resumable stream: the seeded data order (DataOrder), each instance masked afresh with
 * the stream's own Rng (distiller.py masks every batch; RoBERTa §4.1's dynamic masking), and the two numbers an exact
 * resume needs — how many instances were drawn and the masking Rng's state.
 */
import { CheckpointError } from '../errors.js';
import { DataOrder } from '../pretrain/data-order.js';
import { unmaskedIds, type InstanceSource, type TrainingInstance } from '../pretrain/instance-source.js';
import type { DynamicMasker } from '../pretrain/trainer.js';
import { Rng, type RngState } from '../tensor/rng.js';

export interface InstanceStreamState {
  consumed: number;
  maskingRng: RngState;
}

export class InstanceStream {
  private readonly order: DataOrder;
  private readonly rng: Rng;
  private consumed = 0;

  constructor(private readonly source: InstanceSource, private readonly masker: DynamicMasker, seed: number) {
    this.order = new DataOrder(seed, source.length);
    this.rng = new Rng((seed ^ 0x2545f491) >>> 0);
  }

  next(): TrainingInstance {
    return remask(this.source.get(this.order.indexAt(this.consumed++)), this.masker, this.rng);
  }

  /** "instances a..b of the data order" for the last `count` instances drawn. */
  describeLast(count: number): string {
    return `instances ${this.consumed - count}..${this.consumed - 1} of the data order`;
  }

  state(): InstanceStreamState {
    return { consumed: this.consumed, maskingRng: this.rng.getState() };
  }

  /** Takes state() back from a checkpoint's trainer state; `what` names the run in the error. */
  restore(state: Record<string, unknown>, what: string): void {
    const { consumed, maskingRng } = state;
    if (typeof consumed !== 'number' || !Array.isArray(maskingRng)) {
      throw new CheckpointError(`its trainer state holds no ${what} position (consumed, maskingRng)`);
    }
    this.consumed = consumed;
    this.rng.setState(maskingRng as RngState);
  }
}

/** The instance with fresh masks drawn from `rng`: any stored masks are undone first (unmaskedIds). */
export function remask(instance: TrainingInstance, masker: DynamicMasker, rng: Rng): TrainingInstance {
  return { ...instance, ...masker(unmaskedIds(instance), rng) };
}
