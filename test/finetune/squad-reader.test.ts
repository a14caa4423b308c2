/**
 * The SQuAD reader: the fixtures' examples, skip counts and UTF-16 answer starts; malformed files as one-line
 * DataErrors naming the file and the JSON path.
 */
import test from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { DataError } from '../../src/errors.js';
import { readSquad, readSquadFile, SKIP_ANSWER_MISMATCH } from '../../src/finetune/squad/squad-reader.js';
import { fixturePath } from '../helpers/fixtures.js';

const V1 = fixturePath('squad', 'v1.json');
const V2 = fixturePath('squad', 'v2.json');

test('v1.1 fixture: every question but the mismatched one, with its answers and the file path in its source', () => {
  const skippedAt: string[] = [];
  const file = readSquadFile(V1, { onSkip: (source, reason) => skippedAt.push(`${source}: ${reason}`) });
  assert.deepEqual(file.examples.map((e) => e.id), ['river-to', 'river-length', 'town-built', 'ferry-history', 'keeper-name']);
  assert.deepEqual(file.skipped, { [SKIP_ANSWER_MISMATCH]: 1 });
  assert.deepEqual(skippedAt, [`${V1}:data[0].paragraphs[0].qas[2].answers[0] (id "river-mismatch"): ${SKIP_ANSWER_MISMATCH}`]);
  assert.equal(file.version, '1.1');
  assert.equal(file.hasImpossible, false);
  const riverTo = file.examples[0];
  assert.equal(riverTo?.source, `${V1}:data[0].paragraphs[0].qas[0]`);
  assert.equal(riverTo?.title, 'River');
  assert.deepEqual(riverTo?.answers.map((a) => a.text), ['the sea', 'to the sea', 'the sea']);
  assert.equal(file.examples[1]?.question, '  How long is the river?', 'the reader keeps the question as written');
  for (const example of file.examples) {
    for (const answer of example.answers) assert.equal(example.context.slice(answer.answerStart, answer.answerStart + answer.text.length), answer.text);
  }
});

test("an answer_start after an astral character is converted from Python's code points to UTF-16", () => {
  const keeper = readSquadFile(V1).examples.find((e) => e.id === 'keeper-name');
  assert.ok(keeper);
  const raw = JSON.parse(readFileSync(V1, 'utf8')) as { data: Array<{ paragraphs: Array<{ qas: Array<{ answers: Array<{ answer_start: number }> }> }> }> };
  const codePointStart = raw.data[1]?.paragraphs[0]?.qas[0]?.answers[0]?.answer_start;
  assert.equal(codePointStart, [...keeper.context.slice(0, keeper.context.indexOf('Mira'))].length, 'the file counts code points');
  assert.equal(keeper.answers[0]?.answerStart, (codePointStart ?? 0) + 1, 'one surrogate pair before the answer');
  assert.equal(keeper.context.slice(keeper.answers[0]?.answerStart), 'Mira Holt lived for forty years.');
});

test('v2.0 fixture: impossible questions have no answers; the file is v2', () => {
  const file = readSquadFile(V2);
  assert.equal(file.hasImpossible, true);
  assert.deepEqual(file.skipped, { [SKIP_ANSWER_MISMATCH]: 1 });
  const impossible = file.examples.filter((e) => e.isImpossible).map((e) => e.id);
  assert.deepEqual(impossible, ['v2-bridge-cost', 'v2-keeper-wife']);
  for (const e of file.examples) assert.equal(e.answers.length === 0, e.isImpossible);
  const noVersion = readSquad(JSON.stringify({ data: [{ paragraphs: [{ context: 'c', qas: [{ id: 'a', question: 'q', is_impossible: true, answers: [] }] }] }] }), 'x.json');
  assert.equal(noVersion.hasImpossible, true, 'an is_impossible question makes a file v2 without a version');
});

test('questions without answers are kept (a file to predict on), and titles may be absent', () => {
  const file = readSquad(JSON.stringify({ data: [{ paragraphs: [{ context: 'c', qas: [{ id: 'a', question: 'q' }] }] }] }), 'test.json');
  assert.deepEqual(file.examples, [{ source: 'test.json:data[0].paragraphs[0].qas[0]', id: 'a', title: '', question: 'q', context: 'c', answers: [], isImpossible: false }]);
});

function squadWith(qa: Record<string, unknown>, context: unknown = 'The sea is blue.'): string {
  return JSON.stringify({ version: '1.1', data: [{ title: 't', paragraphs: [{ context, qas: [qa] }] }] });
}

const GOOD_QA = { id: 'a', question: 'What is blue?', answers: [{ text: 'The sea', answer_start: 0 }] };

test('malformed files: one-line DataErrors naming the file and the JSON path', () => {
  const cases: Array<[string, string]> = [
    ['{"data": [\n  {"title": "t",\n   "paragraphs": [1 2]}]}', 'dev.json: not valid JSON: Expected \',\' or \']\' after array element in JSON at line 3 column 21'],
    ['[]', 'dev.json: expected an object, found []'],
    ['{"version": 1.1, "data": []}', 'dev.json: version: expected a string, found 1.1'],
    ['{"paragraphs": []}', 'dev.json: data: missing (expected an array)'],
    ['{"data": [{"title": 3, "paragraphs": []}]}', 'dev.json: data[0].title: expected a string, found 3'],
    ['{"data": [{"paragraphs": [{"qas": []}]}]}', 'dev.json: data[0].paragraphs[0].context: missing (expected a string)'],
    [squadWith(GOOD_QA, ['x']), 'dev.json: data[0].paragraphs[0].context: expected a string, found ["x"]'],
    [squadWith({ ...GOOD_QA, id: 7 }), 'dev.json: data[0].paragraphs[0].qas[0].id: expected a string, found 7'],
    [squadWith({ ...GOOD_QA, question: null }), 'dev.json: data[0].paragraphs[0].qas[0].question: expected a string, found null'],
    [squadWith({ ...GOOD_QA, answers: {} }), 'dev.json: data[0].paragraphs[0].qas[0].answers: expected an array, found {}'],
    [squadWith({ ...GOOD_QA, answers: [{ text: 'The sea', answer_start: '0' }] }), 'dev.json: data[0].paragraphs[0].qas[0].answers[0].answer_start: expected a whole number ≥ 0, found "0"'],
    [squadWith({ ...GOOD_QA, answers: [{ text: 'The sea', answer_start: -1 }] }), 'dev.json: data[0].paragraphs[0].qas[0].answers[0].answer_start: expected a whole number ≥ 0, found -1'],
    [squadWith({ ...GOOD_QA, answers: [{ text: 'The sea', answer_start: 0 }, { answer_start: 0 }] }), 'dev.json: data[0].paragraphs[0].qas[0].answers[1].text: missing (expected a string)'],
    [squadWith({ ...GOOD_QA, is_impossible: 'no' }), 'dev.json: data[0].paragraphs[0].qas[0].is_impossible: expected true or false, found "no"'],
    [squadWith({ ...GOOD_QA, is_impossible: true }), 'dev.json: data[0].paragraphs[0].qas[0].answers: is_impossible is true, but there are 1 answers (v2.0 keeps them in plausible_answers)'],
    [
      JSON.stringify({ data: [{ paragraphs: [{ context: 'c', qas: [{ id: 'a', question: 'q' }, { id: 'a', question: 'r' }] }] }] }),
      'dev.json: data[0].paragraphs[0].qas[1].id: id "a" was already used at data[0].paragraphs[0].qas[0]',
    ],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => readSquad(text, 'dev.json'), (error: unknown) => {
      assert.ok(error instanceof DataError, `${message}: ${String(error)}`);
      assert.equal(error.message, message);
      return true;
    });
  }
});

test('mismatched answers: past the end, off by one, wrong text; each skips its question and is counted', () => {
  const qas = [
    { ...GOOD_QA, id: 'ok' },
    { ...GOOD_QA, id: 'past-end', answers: [{ text: 'blue', answer_start: 40 }] },
    { ...GOOD_QA, id: 'off-by-one', answers: [{ text: 'The sea', answer_start: 1 }] },
    { ...GOOD_QA, id: 'second-answer', answers: [{ text: 'The sea', answer_start: 0 }, { text: 'sea', answer_start: 0 }] },
  ];
  const file = readSquad(JSON.stringify({ data: [{ paragraphs: [{ context: 'The sea is blue.', qas }] }] }), 'dev.json');
  assert.deepEqual(file.examples.map((e) => e.id), ['ok']);
  assert.deepEqual(file.skipped, { [SKIP_ANSWER_MISMATCH]: 3 });
});

test('a missing file is a one-line DataError naming it', () => {
  assert.throws(() => readSquadFile('/nonexistent/dev.json'), (e: unknown) => e instanceof DataError && e.message === '/nonexistent/dev.json: no such file');
});
