import { ArrayInstanceSource, type TrainingInstance } from '../../src/pretrain/instance-source.js';
import { Rng } from '../../src/tensor/rng.js';

/**
 * Small learnable pre-training data without a corpus: B repeats A shifted by one id when it is the true next
 * segment, random ids otherwise; ~15% of positions masked. Ids 5.. are words; 1 [CLS], 2 [SEP], 3 [MASK].
 */
export function syntheticInstances(count: number, seq: number, vocab: number, seed: number): ArrayInstanceSource {
  const rng = new Rng(seed);
  const instances: TrainingInstance[] = [];
  const half = Math.floor((seq - 3) / 2);
  for (let n = 0; n < count; n++) {
    const a = Array.from({ length: half }, () => 5 + rng.int(vocab - 5));
    const isRandom = rng.int(2);
    const b = isRandom ? Array.from({ length: half }, () => 5 + rng.int(vocab - 5)) : a.map((id) => 5 + ((id - 5 + 1) % (vocab - 5)));
    const ids = [1, ...a, 2, ...b, 2];
    const types = [0, ...a.map(() => 0), 0, ...b.map(() => 1), 1];
    const positions: number[] = [];
    const originals: number[] = [];
    for (let i = 1; i < ids.length - 1; i++) {
      if (ids[i] === 2 || rng.random() >= 0.15) continue;
      positions.push(i);
      originals.push(ids[i]!);
      ids[i] = 3;
    }
    instances.push({
      inputIds: Int32Array.from(ids), tokenTypeIds: Int32Array.from(types),
      maskedPositions: Int32Array.from(positions), maskedLmIds: Int32Array.from(originals), nextSentenceLabel: isRandom,
    });
  }
  return new ArrayInstanceSource(instances);
}
