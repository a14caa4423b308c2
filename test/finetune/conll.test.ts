import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { readConllFile, writeConllPredictions } from '../../src/finetune/conll.js';
import { readTokenClassificationFile, tagIds, tagsFromTrain } from '../../src/finetune/token-classification-data.js';
import { fixturePath } from '../helpers/fixtures.js';
import { dataFile, outputPath, rejectsWithData } from './data-files.js';

const fixture = (name: string): string => fixturePath('finetune', name);

test('ner-tiny.conll: -DOCSTART- skipped, sentences split at blank lines, tag from the last column, last sentence without a blank line', async () => {
  const { examples, skipped } = await readConllFile(fixture('ner-tiny.conll'));
  assert.equal(examples.length, 12);
  assert.deepEqual(skipped, {});
  assert.deepEqual(examples[1], { source: `${fixture('ner-tiny.conll')}:13`, tokens: ['Peter', 'Blackburn'], tags: ['B-PER', 'I-PER'] });
  assert.deepEqual(examples[11]!.tokens, ['Jean-Luc', 'Picard', 'speaks', 'French', '.']);
  assert.ok(!examples.some((e) => e.tokens.includes('-DOCSTART-')));
});

test('the CoNLL and JSONL versions of ner-tiny hold the same sentences; the tag set is the sorted union of train tags', async () => {
  const conll = await readTokenClassificationFile(fixture('ner-tiny.conll'));
  const jsonl = await readTokenClassificationFile(fixture('ner-tiny.jsonl'));
  assert.deepEqual(conll.examples.map((e) => [e.tokens, e.tags]), jsonl.examples.map((e) => [e.tokens, e.tags]));
  const tags = tagsFromTrain(conll.examples, fixture('ner-tiny.conll'));
  assert.deepEqual(tags.names, ['B-LOC', 'B-MISC', 'B-ORG', 'B-PER', 'I-LOC', 'I-ORG', 'I-PER', 'O']);
  const dev = await readTokenClassificationFile(fixture('ner-tiny-dev.conll'));
  assert.deepEqual(Array.from(tagIds(dev.examples[0]!, tags)), [3, 7, 0, 7, 7, 7]);
});

test('CRLF, tabs, a tag column, -DOCSTART- without a blank line after it', async () => {
  const path = dataFile('crlf.conll', '-DOCSTART-\tO\r\nEU\tNNP\tB-ORG\r\nrejects\tVBZ\tO\r\n\r\n\r\nPeter\tNNP\tB-PER\r\n-DOCSTART-\tO\tO\r\nx\ty\tO');
  const last = await readConllFile(path);
  assert.deepEqual(last.examples.map((e) => [e.source, e.tokens, e.tags]), [
    [`${path}:2`, ['EU', 'rejects'], ['B-ORG', 'O']],
    [`${path}:6`, ['Peter'], ['B-PER']],
    [`${path}:8`, ['x'], ['O']],
  ]);
  const pos = await readConllFile(path, { tagColumn: 1 });
  assert.deepEqual(pos.examples.map((e) => e.tags), [['NNP', 'VBZ'], ['NNP'], ['y']]);
  const untagged = await readConllFile(dataFile('words.conll', 'Hello\nworld\n\nBye\n'), { tagged: false });
  assert.deepEqual(untagged.examples.map((e) => [e.tokens, e.tags]), [[['Hello', 'world'], []], [['Bye'], []]]);
});

test('a CoNLL token without its tag is a DataError naming file and line', async () => {
  const single = dataFile('notag.conll', 'EU\n');
  await rejectsWithData(() => readConllFile(single), `${single}:1: token "EU" has no tag: the line has 1 column and the tag is the last column`);
  const lost = dataFile('lost.conll', 'EU NNP B-NP B-ORG\nrejects VBZ B-VP\n');
  await rejectsWithData(() => readConllFile(lost), `${lost}:2: 3 columns, but line 1 has 4 (a missing tag?)`);
  const column = dataFile('column.conll', 'EU B-ORG\n');
  await rejectsWithData(() => readConllFile(column, { tagColumn: 3 }), `${column}:1: token "EU" has no tag: the line has 2 columns and the tag is column 3 (0-based)`);
  await assert.rejects(readConllFile(column, { tagColumn: 0 }), { name: 'ConfigError' });
  const docOnly = dataFile('doc.conll', '-DOCSTART- -X- -X- O\n\n');
  await rejectsWithData(() => readConllFile(docOnly), `${docOnly}: no examples: no token lines, only blank and -DOCSTART- lines`);
  const empty = dataFile('empty.conll', '');
  await rejectsWithData(() => readConllFile(empty), `${empty}: is empty`);
});

test('token JSONL: lengths must match, blank tokens refused, empty sentences skipped and counted', async () => {
  const mismatch = dataFile('mismatch.jsonl', '{"tokens": ["a", "b"], "tags": ["O", "O"]}\n{"tokens": ["a", "b", "c"], "tags": ["O", "O"]}\n');
  await rejectsWithData(() => readTokenClassificationFile(mismatch), `${mismatch}:2: "tags": 2 tags for 3 tokens`);
  const blank = dataFile('blank.jsonl', '{"tokens": ["a", " "], "tags": ["O", "O"]}\n');
  await rejectsWithData(() => readTokenClassificationFile(blank), `${blank}:1: "tokens": item 1 is blank (" "); a word needs a character`);
  const skips = dataFile('skips.jsonl', '{"tokens": [], "tags": []}\n{"tokens": ["a"], "tags": ["O"]}\n');
  const read = await readTokenClassificationFile(skips);
  assert.equal(read.examples.length, 1);
  assert.deepEqual(read.skipped, { 'no tokens': 1 });
  const predict = dataFile('predict.jsonl', '{"tokens": ["a", "b"]}\n{"tokens": []}\n');
  const inputs = await readTokenClassificationFile(predict, { tagged: false });
  assert.deepEqual(inputs.examples.map((e) => [e.tokens, e.tags]), [[['a', 'b'], []], [[], []]]);
  await rejectsWithData(() => readTokenClassificationFile(predict), `${predict}:1: "tags": missing (expected a list of strings)`);
});

test('a dev tag that train never saw is a DataError naming the sentence, the word and the train file', async () => {
  const train = await readTokenClassificationFile(fixture('ner-tiny.jsonl'));
  const tags = tagsFromTrain(train.examples, 'ner-tiny.jsonl');
  const dev = dataFile('dev.jsonl', '{"tokens": ["Rome", "FC"], "tags": ["B-ORG", "I-MISC"]}\n');
  const example = (await readTokenClassificationFile(dev)).examples[0]!;
  assert.throws(() => tagIds(example, tags), {
    name: 'DataError',
    message: `${dev}:1 (word 2, "FC"): tag "I-MISC" never appears in ner-tiny.jsonl (tags: B-LOC, B-MISC, B-ORG, B-PER, I-LOC, I-ORG, I-PER, O)`,
  });
});

test('predictions are written in conlleval layout: input lines with the tag appended, blank and -DOCSTART- lines kept', async () => {
  const input = dataFile('in.conll', '-DOCSTART- -X- O\n\nEU NNP B-ORG\nrejects VBZ O\n\nPeter\tNNP\tB-PER\r\n');
  const output = outputPath('out.conll');
  await writeConllPredictions(input, output, [['B-ORG', 'O'], ['B-LOC']]);
  assert.equal(readFileSync(output, 'utf8'), '-DOCSTART- -X- O\n\nEU NNP B-ORG B-ORG\nrejects VBZ O O\n\nPeter\tNNP\tB-PER\tB-LOC\n');
  // The written file reads back with the predictions as its last column.
  assert.deepEqual((await readConllFile(output)).examples.map((e) => e.tags), [['B-ORG', 'O'], ['B-LOC']]);
});

test('predictions that do not fit the input are a DataError, and nothing is written', async () => {
  const input = dataFile('fit.conll', 'a O\nb O\n\nc O\n');
  const output = outputPath('fit-out.conll');
  await rejectsWithData(() => writeConllPredictions(input, output, [['O', 'O', 'O'], ['O']]), `${output}: sentence 1 (${input}:1) has 2 tokens, but 3 predicted tags`);
  await rejectsWithData(() => writeConllPredictions(input, output, [['O', 'O']]), `${output}: ${input}:4: no predicted tag for this token (only 1 sentences have predictions)`);
  await rejectsWithData(() => writeConllPredictions(input, output, [['O', 'O'], ['O'], ['O']]), `${output}: 3 sentences of predictions, but ${input} has 2`);
  await rejectsWithData(() => writeConllPredictions(input, output, [['O', 'B X'], ['O']]), `${output}: predicted tag "B X" is empty or has a space`);
  assert.equal(existsSync(output), false);
  assert.deepEqual(readdirSync(dirname(output)).filter((name) => name.includes('.tmp-')), []);
});
