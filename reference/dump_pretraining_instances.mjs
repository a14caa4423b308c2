// Writes a tsbert instance file (.tsbpt) as flat int32 arrays for pretraining_trajectory.py: <prefix>-ids.bin,
// -types.bin, -labels.bin (the MLM target at masked positions, -100 elsewhere), -mask.bin ([batch, maxSeqLength] each)
// and -nsp.bin ([batch]). Read with tsbert's own InstanceFile (tested against google-research/bert's rules).
//   npm run build && node reference/dump_pretraining_instances.mjs FILE.tsbpt PREFIX
import { writeFileSync } from 'node:fs';
import { InstanceFile } from '../dist/src/pretrain/instance-file.js';

const [path, prefix] = process.argv.slice(2);
if (path === undefined || prefix === undefined) throw new Error('usage: dump_pretraining_instances.mjs FILE.tsbpt PREFIX');
const file = InstanceFile.open(path);
const n = file.length, seq = file.header.maxSeqLength;
const arrays = {
  ids: new Int32Array(n * seq), types: new Int32Array(n * seq), labels: new Int32Array(n * seq).fill(-100),
  mask: new Int32Array(n * seq), nsp: new Int32Array(n),
};
for (let i = 0; i < n; i++) {
  const instance = file.get(i);
  arrays.ids.set(instance.inputIds, i * seq);
  arrays.types.set(instance.tokenTypeIds, i * seq);
  arrays.mask.fill(1, i * seq, i * seq + instance.inputIds.length);
  instance.maskedPositions.forEach((p, k) => { arrays.labels[i * seq + p] = instance.maskedLmIds[k]; });
  arrays.nsp[i] = instance.nextSentenceLabel;
}
file.close();
for (const [name, array] of Object.entries(arrays)) writeFileSync(`${prefix}-${name}.bin`, array);
console.log(`${n} instances of ${seq} tokens → ${prefix}-*.bin`);
