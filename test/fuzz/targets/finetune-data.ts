/**
 * The fine-tuning data readers (src/finetune/): classification JSONL and CSV/TSV, token classification CoNLL and
 * JSONL, multiple-choice JSONL. They stream their file line by line (async); a bad line is a DataError naming the
 * file and line, skipped examples are counted.
 */
import { readFileSync } from 'node:fs';
import { DataError } from '../../../src/errors.js';
import { readClassificationFile } from '../../../src/finetune/classification-data.js';
import { readMultipleChoiceFile } from '../../../src/finetune/multiple-choice-data.js';
import { readTokenClassificationFile } from '../../../src/finetune/token-classification-data.js';
import type { Rng } from '../../../src/tensor/rng.js';
import { fixturePath } from '../../helpers/fixtures.js';
import { textDigest } from '../digest.js';
import type { Mutation } from '../mutation.js';
import { mutateJsonBytes } from '../mutators/json.js';
import { joinLines, mutateLines, splitLines } from '../mutators/text-lines.js';
import { chance } from '../random.js';
import { stackMutations } from '../stacking.js';
import type { TargetFactory } from '../target.js';
import '../../helpers/node-runtime.js';
import { textSeed } from './seeds.js';

const WORDS = ['text', 'text_pair', 'label', 'tokens', 'tags', 'context', 'question', 'choices', 'B-PER', 'I-ORG', 'O', '-DOCSTART-', '\t', ',', '"'];

/** One JSON line edited as JSON (a value, a key, a type), or the lines themselves edited. */
function mutateJsonLines(bytes: Uint8Array, rng: Rng): Mutation {
  const lines = splitLines(bytes);
  const i = rng.int(lines.length);
  const edited = chance(rng, 0.6) ? mutateJsonBytes(lines[i]!, rng, WORDS) : undefined;
  if (edited === undefined) return mutateLines(bytes, rng);
  lines[i] = edited.bytes;
  return { bytes: joinLines(lines), description: `line ${i + 1}: ${edited.description}` };
}

function dataTarget(name: string, summary: string, fixture: string, read: (path: string) => Promise<unknown>): TargetFactory {
  const jsonl = fixture.endsWith('.jsonl');
  return {
    name,
    summary,
    create: () => ({
      name,
      fileName: `data${fixture.slice(fixture.lastIndexOf('.'))}`,
      errorClass: DataError,
      companions: {},
      seeds: [textSeed(`finetune/${fixture}`, readFileSync(fixturePath('finetune', fixture), 'utf8'))],
      mutate: (seed, rng) => stackMutations(seed, rng, (bytes) => (jsonl ? mutateJsonLines(bytes, rng) : mutateLines(bytes, rng))),
      read: async (path) => textDigest(await read(path)),
    }),
  };
}

export const finetuneDataTargets: readonly TargetFactory[] = [
  dataTarget('classification-jsonl', 'classification JSONL via readClassificationFile (src/finetune/)', 'sst-tiny.jsonl', (path) => readClassificationFile(path)),
  dataTarget('classification-multilabel', 'multi-label classification JSONL via readClassificationFile', 'multilabel-tiny.jsonl', (path) => readClassificationFile(path)),
  dataTarget('classification-tsv', 'sentence-pair TSV (RFC 4180 quoting) via readClassificationFile', 'pairs-tiny.tsv', (path) => readClassificationFile(path)),
  dataTarget('token-conll', 'CoNLL columns via readTokenClassificationFile', 'ner-tiny.conll', (path) => readTokenClassificationFile(path)),
  dataTarget('token-jsonl', 'token-classification JSONL via readTokenClassificationFile', 'ner-tiny.jsonl', (path) => readTokenClassificationFile(path)),
  dataTarget('multiple-choice-jsonl', 'SWAG-style JSONL via readMultipleChoiceFile', 'swag-tiny.jsonl', (path) => readMultipleChoiceFile(path)),
];
