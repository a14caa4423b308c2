// Writes a tsbert instance file (.tsbpt) as the trainer's batch of all its instances (collatePretrainBatch: padded to
// the longest, -100 labels off the masked positions), flat int32 arrays for pretraining_trajectory.py:
// <prefix>-ids.bin, -types.bin, -labels.bin, -mask.bin ([instances, longest] each) and -nsp.bin ([instances]).
//   npm run build && node reference/dump_pretraining_instances.mjs FILE.tsbpt PREFIX
import { writeFileSync } from 'node:fs';
import { collatePretrainBatch } from '../dist/src/pretrain/collate.js';
import { InstanceFile } from '../dist/src/pretrain/instance-file.js';

const [path, prefix] = process.argv.slice(2);
if (path === undefined || prefix === undefined) throw new Error('usage: dump_pretraining_instances.mjs FILE.tsbpt PREFIX');
const file = InstanceFile.open(path);
const instances = Array.from({ length: file.length }, (_, i) => file.get(i));
const batch = collatePretrainBatch(instances, file.header.padId);
file.close();
const arrays = { ids: batch.inputIds, types: batch.tokenTypeIds, labels: batch.labels, mask: batch.attentionMask, nsp: batch.nextSentenceLabel };
for (const [name, tensor] of Object.entries(arrays)) writeFileSync(`${prefix}-${name}.bin`, tensor.data);
console.log(`${instances.length} instances of at most ${batch.inputIds.shape[1]} tokens → ${prefix}-*.bin`);
