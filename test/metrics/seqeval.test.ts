import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError } from '../../src/errors.js';
import { extractEntities, seqevalJson, seqevalMetrics } from '../../src/metrics/index.js';
import { assertScores, readGoldenCases } from './golden-cases.js';

interface SeqevalCase {
  predictions: string[][];
  references: string[][];
}

test('entity scores match the seqeval default-mode reference exactly (same counts, same divisions)', () => {
  const cases = readGoldenCases<SeqevalCase>('seqeval.json');
  for (const c of cases) assertScores(seqevalJson(seqevalMetrics(c.predictions, c.references)), c.expected, 0, c.name);
  assert.ok(cases.length >= 50);
});

test('conlleval chunking: I- after O or after another type starts an entity; E-/S- close one', () => {
  // The hand-worked cases of reference/seqeval_rules.py.
  const spans = (tags: string[]): string[] => extractEntities(tags).map((e) => `${e.type} ${e.start}-${e.end}`);
  assert.deepEqual(spans(['B-PER', 'I-PER', 'O', 'B-LOC']), ['PER 0-1', 'LOC 3-3']);
  assert.deepEqual(spans(['O', 'I-PER', 'I-PER', 'I-LOC']), ['PER 1-2', 'LOC 3-3']);
  assert.deepEqual(spans(['B-PER', 'I-PER', 'B-PER']), ['PER 0-1', 'PER 2-2']);
  assert.deepEqual(spans(['I-ORG', 'E-ORG', 'E-ORG']), ['ORG 0-1', 'ORG 2-2']);
  assert.deepEqual(spans(['S-PER', 'I-PER', 'E-PER', 'O']), ['PER 0-0', 'PER 1-2']);
  assert.deepEqual(spans(['B-PER', 'E-LOC']), ['PER 0-0', 'LOC 1-1']);
  assert.deepEqual(spans(['O', 'B-MISC', 'I-MISC']), ['MISC 1-2']);
  // A bare prefix has seqeval's placeholder type "_".
  assert.deepEqual(spans(['B', 'I', 'O']), ['_ 0-1']);
  // O's type is "_" as well, so here only the prefix rule (I after O starts) opens the entity at 1.
  assert.deepEqual(spans(['O', 'I', 'I']), ['_ 1-2']);
});

test('a type named like an Object property stays a plain key', () => {
  const json = seqevalJson(seqevalMetrics([['B-__proto__']], [['B-__proto__']]));
  assert.ok(Object.hasOwn(json, '__proto__'));
  assert.deepEqual(Object.getOwnPropertyDescriptor(json, '__proto__')?.value, { precision: 1, recall: 1, f1: 1, number: 1 });
});

test('tags and lengths that cannot be scored are typed one-line errors naming sentence and position', () => {
  assert.throws(() => seqevalMetrics([['O', 'X-PER']], [['O', 'B-PER']]), (e: unknown) => e instanceof ValueError && /predictions\[0\]\[1\] is "X-PER"/.test(e.message));
  assert.throws(() => seqevalMetrics([['O']], [['O', 'O']]), (e: unknown) => e instanceof ValueError && /predictions\[0\] has 1 tags, references\[0\] has 2/.test(e.message));
  assert.throws(() => seqevalMetrics([[]], [[]]), (e: unknown) => e instanceof ValueError && /no tags/.test(e.message));
  assert.throws(() => extractEntities(['O', 'BPER']), ValueError);
});
