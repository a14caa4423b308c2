/**
 * What the trainer reads: pre-training instances by index, as create_pretraining_data writes them
 * (google-research/bert's TrainingInstance). Any store — the binary instance file, an in-memory list — fits.
 */
export interface TrainingInstance {
  /** [CLS] A [SEP] B [SEP], with the static masks applied (what the model sees). */
  inputIds: Int32Array;
  /** 0 for [CLS], A and its [SEP]; 1 for B and the final [SEP]. */
  tokenTypeIds: Int32Array;
  /** Ascending positions of the MLM predictions. */
  maskedPositions: Int32Array;
  /** The original ids at those positions. */
  maskedLmIds: Int32Array;
  /** 1 = B is a random segment, 0 = B follows A (the original's is_random_next). */
  nextSentenceLabel: number;
}

export interface InstanceSource {
  readonly length: number;
  get(index: number): TrainingInstance;
}

/** The unmasked ids of an instance: the masked positions get their original ids back (for dynamic masking). */
export function unmaskedIds(instance: TrainingInstance): Int32Array {
  const ids = Int32Array.from(instance.inputIds);
  for (let i = 0; i < instance.maskedPositions.length; i++) ids[instance.maskedPositions[i]!] = instance.maskedLmIds[i]!;
  return ids;
}

export class ArrayInstanceSource implements InstanceSource {
  constructor(private readonly instances: TrainingInstance[]) {}

  get length(): number {
    return this.instances.length;
  }

  get(index: number): TrainingInstance {
    const instance = this.instances[index];
    if (instance === undefined) throw new RangeError(`instance ${index} outside [0, ${this.instances.length})`);
    return instance;
  }
}
