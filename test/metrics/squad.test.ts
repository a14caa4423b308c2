import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError } from '../../src/errors.js';
import { f1V1, f1V2, normalizeAnswer, squadV1, squadV2, type SquadReference } from '../../src/metrics/index.js';
import { assertScores, readGoldenCases } from './golden-cases.js';

interface SquadCase {
  references: SquadReference[];
  predictions: [string, string][];
  na_probs?: [string, number][] | null;
  na_prob_thresh?: number;
}

// Sums run in question order and each division is the scripts' own, so the scores are the same doubles.
const EXACT = 0;

test('SQuAD v1.1 exact_match and f1 equal the reference evaluation', () => {
  const cases = readGoldenCases<SquadCase>('squad-v1.json');
  for (const c of cases) assertScores(squadV1(new Map(c.predictions), c.references), c.expected, EXACT, c.name);
  assert.ok(cases.length >= 50);
});

test('SQuAD v2.0 exact, f1, HasAns/NoAns splits and best thresholds equal the reference evaluation', () => {
  const cases = readGoldenCases<SquadCase>('squad-v2.json');
  for (const c of cases) {
    const options = { naProbThresh: c.na_prob_thresh!, ...(c.na_probs ? { naProbs: new Map(c.na_probs) } : {}) };
    assertScores(squadV2(new Map(c.predictions), c.references, options), c.expected, EXACT, c.name);
  }
  assert.ok(cases.length >= 50);
});

test('normalisation: lower case, ASCII punctuation, whole-word articles, Python whitespace', () => {
  assert.equal(normalizeAnswer('The  Eiffel-Tower!'), 'eiffeltower');
  assert.equal(normalizeAnswer('an Anne, a theatre'), 'anne theatre');
  // Python's \b treats é as a word character: "éan" keeps "an"; a combining mark is not one, so "e\u0301 an" loses it.
  assert.equal(normalizeAnswer('éan'), 'éan');
  // str.split() splits at U+001C and U+00A0 but not at U+FEFF (JavaScript's \s would); U+FEFF is no word
  // character either, so the "a" before it is a whole word (Python gives "\ufeffb" as well).
  assert.equal(normalizeAnswer('new\u001cyork\u00a0city'), 'new york city');
  assert.equal(normalizeAnswer('x\ufeffy'), 'x\ufeffy');
  assert.equal(normalizeAnswer('a\ufeffb'), '\ufeffb');
  // Only ASCII punctuation is dropped (string.punctuation): the em dash and « » stay.
  assert.equal(normalizeAnswer('«x» — y'), '«x» — y');
  // An empty side: v1.1 scores F1 0, v2.0 scores 1 when both sides are empty.
  assert.equal(f1V1('the', 'a'), 0);
  assert.equal(f1V2('the', 'a'), 1);
  assert.equal(f1V2('cat', 'a'), 0);
});

test('SQuAD inputs the official scripts cannot score are typed one-line errors', () => {
  const refs = [{ id: 'q1', answers: ['x'] }];
  assert.throws(() => squadV2(new Map(), refs), (e: unknown) => e instanceof ValueError && /no prediction for references\[0\] \(id "q1"\)/.test(e.message));
  assert.throws(() => squadV2(new Map([['q1', 'x']]), refs, { naProbs: new Map() }), (e: unknown) => e instanceof ValueError && /naProbs has undefined for id "q1"/.test(e.message));
  assert.throws(() => squadV1(new Map(), [{ id: 'q1', answers: [] }]), (e: unknown) => e instanceof ValueError && /has no gold answer/.test(e.message));
  assert.throws(() => squadV1(new Map(), [...refs, ...refs]), (e: unknown) => e instanceof ValueError && /references\[1\] repeats the question id "q1"/.test(e.message));
  assert.throws(() => squadV1(new Map(), []), ValueError);
  assert.throws(() => squadV2(new Map([['q1', 'x']]), refs, { naProbThresh: NaN }), (e: unknown) => e instanceof ValueError && /naProbThresh is NaN/.test(e.message));
});
