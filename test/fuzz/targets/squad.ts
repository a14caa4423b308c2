/** SQuAD v1.1/v2.0 JSON through readSquadFile (src/finetune/squad/squad-reader.ts), then windowed for the model. */
import { readFileSync } from 'node:fs';
import { DataError } from '../../../src/errors.js';
import { prepareQaFeatures } from '../../../src/finetune/squad/squad-features.js';
import { readSquadFile } from '../../../src/finetune/squad/squad-reader.js';
import { BertTokenizer } from '../../../src/tokenizer/index.js';
import { fixturePath } from '../../helpers/fixtures.js';
import { textDigest } from '../digest.js';
import { mutateJsonBytes } from '../mutators/json.js';
import { stackMutations } from '../stacking.js';
import type { TargetFactory } from '../target.js';
import '../../helpers/node-runtime.js';
import { textSeed } from './seeds.js';

const WORDS = ['version', 'data', 'title', 'paragraphs', 'context', 'qas', 'id', 'question', 'answers', 'text', 'answer_start', 'is_impossible', 'v2.0', '🌊'];

const squadSeed = (name: string): ReturnType<typeof textSeed> => textSeed(`squad/${name}`, readFileSync(fixturePath('squad', name), 'utf8'));

export const squadTarget: TargetFactory = {
  name: 'squad',
  summary: 'SQuAD JSON via readSquadFile and prepareQaFeatures (src/finetune/squad/)',
  create: () => {
    const tokenizer = BertTokenizer.fromVocabFile(fixturePath('reference', 'bert-tiny', 'vocab.txt'));
    return {
      name: 'squad',
      fileName: 'dev.json',
      errorClass: DataError,
      companions: {},
      seeds: [squadSeed('v1.json'), squadSeed('v2.json')],
      mutate: (seed, rng) => stackMutations(seed, rng, (bytes) => mutateJsonBytes(bytes, rng, WORDS)),
      read: (path) => {
        const file = readSquadFile(path);
        const features = prepareQaFeatures(tokenizer, file.examples, { maxSeqLength: 64, docStride: 16, maxQueryLength: 24 });
        return textDigest([file, features.map((f) => [f.exampleIndex, f.sequences[0]?.ids, f.contextOffsets])]);
      },
    };
  },
};
