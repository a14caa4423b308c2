/**
 * Parity with Hugging Face `tokenizers` (Rust) on real, messy text: ids, type ids, offsets and word ids of every
 * line must be identical. Uncased with bert-base-uncased's vocab; cased with a vocab learned by our trainer from
 * Brown + nlp-corpus (test/fixtures/tokenizer). To keep npm test short, SpamAssassin is sampled (1 distinct line in 3
 * uncased, 1 in 8 cased; nlp-corpus 1 in 2 cased); TSBERT_FULL_PARITY=1 compares every line.
 */
import { BERT_BASE_UNCASED_VOCAB } from '../helpers/fixtures.js';
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BertTokenizer } from '../../src/tokenizer/index.js';
import { brownCorpus, nlpCorpus, spamAssassinLines } from './corpora.js';
import { compareWithReference, referenceTokenizer, type ParityReport } from './reference.js';
import '../helpers/node-runtime.js';

const UNCASED_VOCAB = BERT_BASE_UNCASED_VOCAB;
const CASED_VOCAB = 'test/fixtures/tokenizer/brown-nlp-cased-12000-vocab.txt';
const FULL = process.env['TSBERT_FULL_PARITY'] === '1';

export function edgeCases(): string[] {
  return readFileSync('test/fixtures/tokenizer/unicode-edge-cases.jsonl', 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as string);
}

/** Corpora are read once for both casings. */
const corpora = {
  brown: undefined as string[] | undefined,
  nlp: undefined as string[] | undefined,
  spam: undefined as string[] | undefined,
};
const brownLines = (): string[] => (corpora.brown ??= brownCorpus());
const nlpLines = (): string[] => (corpora.nlp ??= nlpCorpus());
const spamLines = (): string[] => (corpora.spam ??= spamAssassinLines());

function check(name: string, report: ParityReport): void {
  console.log(`parity ${name}: ${report.compared} lines compared, ${report.mismatches} mismatches`);
  assert.equal(report.mismatches, 0, `${name}: ${report.mismatches} of ${report.compared} differ, e.g.\n${report.examples.join('\n')}`);
  assert.ok(report.compared > 0);
}

for (const cased of [false, true]) {
  const label = cased ? 'cased' : 'uncased';
  test(`${label}: every line matches Hugging Face tokenizers (Brown, nlp-corpus, SpamAssassin, edge cases, pairs)`, async () => {
    const vocab = cased ? CASED_VOCAB : UNCASED_VOCAB;
    const mine = BertTokenizer.fromVocabFile(vocab, { doLowerCase: !cased });
    const reference = await referenceTokenizer(vocab, { lowercase: !cased });
    const edges = edgeCases();
    check(`${label} edge cases`, await compareWithReference(mine, reference, edges));
    const brown = brownLines();
    check(`${label} Brown`, await compareWithReference(mine, reference, brown));
    const sample = (lines: string[], every: number, name: string): void => {
      const kept = FULL || every === 1 ? lines : lines.filter((_, i) => i % every === 0);
      samples.push([kept.length < lines.length ? `${name} (1 line in ${every})` : name, kept]);
    };
    const samples: Array<[string, string[]]> = [];
    sample(nlpLines(), cased ? 2 : 1, 'nlp-corpus');
    sample(spamLines(), cased ? 8 : 3, 'SpamAssassin');
    for (const [name, lines] of samples) check(`${label} ${name}`, await compareWithReference(mine, reference, lines));
    // Pairs: consecutive Brown sentences, and every edge case against every other.
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i + 1 < brown.length; i += 23) pairs.push([brown[i] ?? '', brown[i + 1] ?? '']);
    for (const a of edges) for (const b of edges) pairs.push([a, b]);
    check(`${label} pairs`, await compareWithReference(mine, reference, pairs));
  });
}
