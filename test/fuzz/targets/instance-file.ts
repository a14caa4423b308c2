/**
 * Pre-training instance files (src/pretrain/instance-file.ts): opened with InstanceFile.open and every instance read
 * with get(i). Seeds are written by the library's InstanceFileWriter: static masks with 2-byte ids, dynamic masking
 * (no stored masks), and 4-byte ids (a vocabulary over 65,536).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../../../src/errors.js';
import { InstanceFile, InstanceFileWriter, type InstanceFileSettings, type StoredInstance } from '../../../src/pretrain/instance-file.js';
import { Rng } from '../../../src/tensor/rng.js';
import { textDigest } from '../digest.js';
import { mutateInstanceFile } from '../mutators/instance-file.js';
import type { Seed } from '../mutation.js';
import { stackMutations } from '../stacking.js';
import type { TargetFactory } from '../target.js';

function instances(count: number, vocabSize: number, masked: boolean, rng: Rng): StoredInstance[] {
  const out: StoredInstance[] = [];
  for (let n = 0; n < count; n++) {
    const lengthA = 1 + rng.int(6);
    const lengthB = 1 + rng.int(6);
    const ids = [1, ...Array.from({ length: lengthA }, () => 5 + rng.int(vocabSize - 5)), 2, ...Array.from({ length: lengthB }, () => 5 + rng.int(vocabSize - 5)), 2];
    const positions = masked ? [1, lengthA + 2].filter((p) => p < ids.length - 1) : [];
    out.push({
      originalIds: Int32Array.from(ids),
      lengthA,
      maskedPositions: Int32Array.from(positions),
      maskedInputIds: Int32Array.from(positions.map(() => 3)),
      nextSentenceLabel: (n % 2) as 0 | 1,
    });
  }
  return out;
}

function writeSeed(scratch: string, label: string, vocabSize: number, staticMasks: boolean, seed: number): Seed {
  const settings: InstanceFileSettings = {
    maxSeqLength: 32, vocabSize, vocabHash: 0x12345678, clsId: 1, sepId: 2, maskId: 3, padId: 0, staticMasks, wholeWordMask: false,
    doLowerCase: true, maskedLmProb: 0.15, maxPredictionsPerSeq: 5, shortSeqProb: 0.1, dupeFactor: 1, seed,
  };
  const path = join(scratch, `${label}.tsbpt`);
  const writer = new InstanceFileWriter(path, settings);
  for (const instance of instances(6, vocabSize, staticMasks, new Rng(seed))) writer.append(instance);
  writer.finish();
  return { label, bytes: new Uint8Array(readFileSync(path)) };
}

function readAll(path: string): string {
  const file = InstanceFile.open(path);
  try {
    const parts: unknown[] = [file.header];
    for (let i = 0; i < file.length; i++) {
      const x = file.get(i);
      parts.push([x.originalIds, x.inputIds, x.tokenTypeIds, x.maskedPositions, x.maskedInputIds, x.maskedLmIds].map((a) => Array.from(a)), x.lengthA, x.nextSentenceLabel);
    }
    return textDigest(parts);
  } finally {
    file.close();
  }
}

export const instanceFileTarget: TargetFactory = {
  name: 'instance-file',
  summary: 'pre-training instance files (.tsbpt) via InstanceFile.open and get(i) (src/pretrain/instance-file*.ts)',
  create: (scratch) => ({
    name: 'instance-file',
    fileName: 'instances.tsbpt',
    errorClass: DataError,
    companions: {},
    seeds: [
      writeSeed(scratch, 'static-masks', 1000, true, 1),
      writeSeed(scratch, 'dynamic-masks', 1000, false, 2),
      writeSeed(scratch, 'four-byte-ids', 70_000, true, 3),
    ],
    mutate: (seed, rng) => stackMutations(seed, rng, (bytes) => mutateInstanceFile(bytes, rng)),
    read: readAll,
  }),
};
