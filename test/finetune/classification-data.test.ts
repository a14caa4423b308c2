import test from 'node:test';
import assert from 'node:assert/strict';
import {
  ClassificationLabels,
  readClassificationFile,
  readClassificationInputs,
  resolveColumns,
} from '../../src/finetune/classification-data.js';
import type { ClassificationExample } from '../../src/finetune/examples.js';
import { fixturePath } from '../helpers/fixtures.js';
import { dataFile, rejectsWithData } from './data-files.js';

const fixture = (name: string): string => fixturePath('finetune', name);

async function trainAndDev(name: string, devName: string): Promise<{ labels: ClassificationLabels; dev: ClassificationExample[]; train: ClassificationExample[] }> {
  const train = await readClassificationFile(fixture(name));
  const dev = await readClassificationFile(fixture(devName));
  return { labels: ClassificationLabels.fromTrain(train.examples, fixture(name)), dev: dev.examples, train: train.examples };
}

test('single sentences (sst-tiny.jsonl): single-label, classes sorted, dev mapped through the train classes', async () => {
  const { labels, dev, train } = await trainAndDev('sst-tiny.jsonl', 'sst-tiny-dev.jsonl');
  assert.equal(train.length, 12);
  assert.equal(labels.problemType, 'single_label_classification');
  assert.deepEqual(labels.classes?.names, ['neg', 'pos']);
  assert.equal(labels.numLabels, 2);
  assert.deepEqual(dev.map((e) => labels.target(e)), [1, 0, 1, 0, 1, 0]);
  assert.deepEqual(train[0], { source: `${fixture('sst-tiny.jsonl')}:1`, text: 'a warm, funny and deeply moving film', label: 'pos' });
});

test('pairs (pairs-tiny.tsv): sentence1/sentence2 columns, source names the line under the header', async () => {
  const { labels, train } = await trainAndDev('pairs-tiny.tsv', 'pairs-tiny-dev.tsv');
  assert.deepEqual(train[1], {
    source: `${fixture('pairs-tiny.tsv')}:3`,
    text: 'A man is playing a guitar on stage.',
    textPair: 'The stage is empty.',
    label: 'not_entailment',
  });
  assert.deepEqual(labels.classes?.label2id(), { entailment: 0, not_entailment: 1 });
  assert.deepEqual(labels.classes?.id2label(), { '0': 'entailment', '1': 'not_entailment' });
});

test('regression (regression-tiny.jsonl): numbers with fractions; targets are the numbers; one output', async () => {
  const { labels, dev } = await trainAndDev('regression-tiny.jsonl', 'regression-tiny-dev.jsonl');
  assert.equal(labels.problemType, 'regression');
  assert.equal(labels.numLabels, 1);
  assert.equal(labels.classes, undefined);
  assert.deepEqual(dev.map((e) => labels.target(e)), [4.4, 0.1, 3.9, 0.6, 3.2, 4.0]);
});

test('multi-label (multilabel-tiny.jsonl): lists of names; multi-hot targets over the sorted classes', async () => {
  const { labels, dev } = await trainAndDev('multilabel-tiny.jsonl', 'multilabel-tiny-dev.jsonl');
  assert.equal(labels.problemType, 'multi_label_classification');
  assert.deepEqual(labels.classes?.names, ['music', 'politics', 'science', 'sports']);
  assert.deepEqual(dev.map((e) => Array.from(labels.target(e) as Float32Array)), [
    [0, 0, 0, 1],
    [0, 1, 1, 0],
    [1, 0, 0, 1],
    [0, 0, 1, 0],
    [1, 1, 0, 0],
    [0, 0, 0, 0],
  ]);
});

test('problem type from the written labels: whole numbers are classes (sorted numerically), a float cell is regression', async () => {
  const ints = await readClassificationFile(dataFile('ints.jsonl', '{"text": "a", "label": 10}\n{"text": "b", "label": 2}\n{"text": "c", "label": 0}\n'));
  const intLabels = ClassificationLabels.fromTrain(ints.examples, 'ints.jsonl');
  assert.equal(intLabels.problemType, 'single_label_classification');
  assert.deepEqual(intLabels.classes?.names, ['0', '2', '10']);
  // A dev cell "2" or "2.0" is class "2" when the classes are whole numbers.
  assert.equal(intLabels.target({ source: 'd:1', text: 'x', label: '2.0' }), 1);
  const cells = await readClassificationFile(dataFile('stsb.tsv', 'sentence1\tsentence2\tlabel\na\tb\t5.000\nc\td\t0\n'));
  assert.equal(ClassificationLabels.fromTrain(cells.examples, 'stsb.tsv').problemType, 'regression');
  const intCells = await readClassificationFile(dataFile('cola.tsv', 'sentence\tlabel\na\t1\nb\t0\n'));
  assert.deepEqual(ClassificationLabels.fromTrain(intCells.examples, 'cola.tsv').classes?.names, ['0', '1']);
  // Forced: whole JSON numbers as regression (JSON.parse cannot tell 5.0 from 5).
  assert.equal(ClassificationLabels.fromTrain(ints.examples, 'ints.jsonl', 'regression').target(ints.examples[0]!), 10);
});

test('class names sort by code point, as Python sorts strings', () => {
  const examples = ['b', 'é', 'A', '😀', '\uffee', 'a'].map((label, i): ClassificationExample => ({ source: `t:${i + 1}`, text: 'x', label }));
  assert.deepEqual(ClassificationLabels.fromTrain(examples, 't').classes?.names, ['A', 'a', 'b', 'é', '\uffee', '😀']);
});

test('a dev label that train never saw is a DataError naming file, line, label and the train labels', async () => {
  const train = dataFile('train.tsv', 'sentence\tlabel\ngood\tpos\nbad\tneg\n');
  const dev = dataFile('dev.tsv', 'sentence\tlabel\nfine\tpos\nmeh\tneutral\n');
  const labels = ClassificationLabels.fromTrain((await readClassificationFile(train)).examples, train);
  const devExamples = (await readClassificationFile(dev)).examples;
  assert.equal(labels.target(devExamples[0]!), 1);
  assert.throws(() => labels.target(devExamples[1]!), { name: 'DataError', message: `${dev}:3: label "neutral" never appears in ${train} (labels: neg, pos)` });
});

test('label checks: wrong JSON type, mixed kinds, non-number for regression, empty label cell, missing label', async () => {
  const object = dataFile('object.jsonl', '{"text": "a", "label": {"x": 1}}\n');
  await rejectsWithData(() => readClassificationFile(object), `${object}:1: "label": expected a string, number or list of strings, got {"x": 1}`);
  const mixed = dataFile('mixed.jsonl', '{"text": "a", "label": "pos"}\n{"text": "b", "label": 1}\n');
  const read = await readClassificationFile(mixed);
  assert.throws(() => ClassificationLabels.fromTrain(read.examples, mixed), { message: `${mixed}:2: label 1 is a number, but ${mixed}:1 has a string` });
  const regression = ClassificationLabels.fromTrain([{ source: 't:1', text: 'a', label: 0.5 }], 't');
  assert.throws(() => regression.target({ source: 'dev.jsonl:4', text: 'b', label: 'high' }), { message: 'dev.jsonl:4: label "high" is not a number, and the task (from t) is regression' });
  const emptyCell = dataFile('empty-cell.csv', 'text,label\na,pos\nb, \n');
  await rejectsWithData(() => readClassificationFile(emptyCell), `${emptyCell}:3: column 2 ("label"): the label is empty`);
  const missing = dataFile('missing.jsonl', '{"text": "a"}\n');
  await rejectsWithData(() => readClassificationFile(missing), `${missing}:1: "label": missing (expected a string, number or list of strings)`);
  const items = dataFile('items.jsonl', '{"text": "a", "label": ["x", 2]}\n');
  await rejectsWithData(() => readClassificationFile(items), `${items}:1: "label": item 1 should be a string, got 2`);
});

test('prediction inputs may lack labels and keep blank texts; labelled blank texts are skipped and counted; a file of nothing is refused', async () => {
  const path = dataFile('predict.jsonl', '{"text": "a", "label": "neg"}\n{"text": "  ", "label": "neg"}\n{"text": "b", "label": "pos"}\n');
  const labelled = await readClassificationFile(path);
  assert.deepEqual(labelled.examples.map((e) => [e.text, e.label]), [['a', 'neg'], ['b', 'pos']]);
  assert.deepEqual(labelled.skipped, { 'blank text': 1 });
  const unlabelled = dataFile('predict2.jsonl', '{"text": "a"}\n{"text": "  "}\n{"text": "b", "label": "pos"}\n');
  const read = await readClassificationInputs(unlabelled);
  assert.deepEqual(read.examples.map((e) => [e.text, e.label]), [['a', undefined], ['  ', undefined], ['b', 'pos']]);
  assert.deepEqual(read.skipped, {});
  const csv = dataFile('predict.csv', 'text\nhello\n');
  assert.deepEqual((await readClassificationInputs(csv)).examples, [{ source: `${csv}:2`, text: 'hello' }]);
  const blank = dataFile('blank.jsonl', '{"text": "", "label": 1}\n');
  await rejectsWithData(() => readClassificationFile(blank), `${blank}: no examples (1 skipped: blank text)`);
  const empty = dataFile('empty.csv', '');
  await rejectsWithData(() => readClassificationFile(empty), `${empty}: is empty`);
});

test('CSV/TSV columns: options first, then sentence1/sentence2, text(/text_pair), sentence, run_glue\'s first non-label columns', () => {
  assert.deepEqual(resolveColumns(['sentence1', 'sentence2', 'label'], {}), { text: 'sentence1', pair: 'sentence2', label: 'label' });
  assert.deepEqual(resolveColumns(['id', 'text', 'text_pair', 'label'], {}), { text: 'text', pair: 'text_pair', label: 'label' });
  assert.deepEqual(resolveColumns(['sentence', 'label'], {}), { text: 'sentence', label: 'label' });
  assert.deepEqual(resolveColumns(['question', 'passage', 'answer'], { labelColumn: 'answer' }), { text: 'question', pair: 'passage', label: 'answer' });
  assert.deepEqual(resolveColumns(['review', 'stars'], { labelColumn: 'stars' }), { text: 'review', label: 'stars' });
  assert.deepEqual(resolveColumns(['a', 'b', 'c'], { textColumn: 'c', pairColumn: 'a', labelColumn: 'b' }), { text: 'c', pair: 'a', label: 'b' });
});

test('JSONL fields follow the column options; a named CSV column that is absent names the option', async () => {
  const path = dataFile('renamed.jsonl', '{"premise": "p", "hypothesis": "h", "gold": "yes"}\n');
  const read = await readClassificationFile(path, { textColumn: 'premise', pairColumn: 'hypothesis', labelColumn: 'gold' });
  assert.deepEqual(read.examples[0], { source: `${path}:1`, text: 'p', textPair: 'h', label: 'yes' });
  const csv = dataFile('named.csv', 'text,label\na,b\n');
  await rejectsWithData(() => readClassificationFile(csv, { textColumn: 'body' }), `${csv}:1: no column "body" (text column); the header has "text", "label"`);
});
