/**
 * The byte-level BPE trainer against Hugging Face `tokenizers`' BpeTrainer: trained on the same corpus with the same
 * settings (vocab 2,000, min_frequency 2, RoBERTa's special tokens, the 256 byte characters as initial alphabet), it
 * must give the same vocab.json, merges.txt and tokenizer.json as reference/make_bpe_fixtures.py committed; and
 * `tsbert train-tokenizer --model bpe` writes a folder that both libraries load as the same tokenizer.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RobertaTokenizer, trainBpeFromCounts, trainBpeFromLines, byteLevelWordCounter } from '../../src/tokenizer/index.js';
import { brownFiles, brownSentences, packageDir } from './corpora.js';
import { hf } from './reference.js';
import '../helpers/node-runtime.js';

const DIR = 'test/fixtures/tokenizer/bpe';
const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** The training corpus of reference/make_bpe_fixtures.py: every 10th Brown file, then nlp-corpus docs 0-2. */
function trainingLines(): string[] {
  const lines = brownFiles().filter((_, i) => i % 10 === 0).flatMap(brownSentences);
  for (let i = 0; i < 3; i++) lines.push(...(JSON.parse(readFileSync(join(packageDir('nlp-corpus'), 'builds', `doc-${i}.json`), 'utf8')) as string[]));
  return lines;
}

test('trained on the reference corpus, the vocabulary and merges are those of tokenizers BpeTrainer', async () => {
  const lines = trainingLines();
  const bpe = await trainBpeFromLines(lines, { vocabSize: 2000, minFrequency: 2 });
  assert.equal(bpe.vocabSize, 2000);
  assert.equal(bpe.vocabJsonText(), readFileSync(join(DIR, 'vocab.json'), 'utf8'));
  assert.equal(bpe.mergesText(), readFileSync(join(DIR, 'merges.txt'), 'utf8'));
  const tokenizer = new RobertaTokenizer(bpe);
  assert.deepEqual(JSON.parse(tokenizer.toJSONString()), JSON.parse(readFileSync(join(DIR, 'tokenizer.json'), 'utf8')));
});

test('min_frequency stops the merges; a vocabulary too small for the byte alphabet is refused', () => {
  const counter = byteLevelWordCounter();
  for (let i = 0; i < 3; i++) counter.addLine('low lower lowest');
  counter.addLine('newer wider');
  const bpe = trainBpeFromCounts(counter.counts, { vocabSize: 1000, minFrequency: 3 });
  // At min_frequency 3 no merge touches the once-seen words (their letters n, i, d); at 1 every word ends whole.
  const onceSeenLetters = (t: string): boolean => t.length > 1 && /[nid]/.test(t);
  assert.ok(bpe.merges.length > 0 && bpe.tokenToId('Ġlow') !== undefined);
  assert.deepEqual(bpe.vocab.tokens.slice(5 + 256).filter(onceSeenLetters), []);
  const all = trainBpeFromCounts(counter.counts, { vocabSize: 1000, minFrequency: 1 });
  for (const word of ['low', 'Ġlower', 'Ġlowest', 'newer', 'Ġwider']) assert.ok(all.tokenToId(word) !== undefined, word);
  assert.equal(bpe.vocabSize, 5 + 256 + bpe.merges.length);
  assert.throws(() => trainBpeFromCounts(counter.counts, { vocabSize: 200 }), /leaves no room for the 5 special tokens and the 256 byte characters/);
});

test('tsbert train-tokenizer --model bpe writes a RoBERTa folder that tokenizers loads as the same tokenizer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-train-bpe-'));
  try {
    const input = join(dir, 'a.txt');
    const lines = brownSentences(brownFiles()[3] ?? '');
    writeFileSync(input, lines.join('\n'));
    const output = join(dir, 'tok');
    const run = spawnSync(process.execPath, [MAIN, 'train-tokenizer', '--model', 'bpe', '--input', input, '--vocab-size', '600', '--output', output], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /wrote 600 tokens and \d+ merges/);
    const ours = RobertaTokenizer.fromPretrained(output);
    const rust = hf.Tokenizer.fromFile(join(output, 'tokenizer.json'));
    for (const line of lines.slice(0, 50)) {
      const theirs = await rust.encode(line);
      assert.deepEqual(Array.from(ours.encode(line).ids), theirs.getIds(), line);
    }
    const wrong = spawnSync(process.execPath, [MAIN, 'train-tokenizer', '--model', 'bpe', '--cased', '--input', input, '--output', output], { encoding: 'utf8' });
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /--cased: only for --model wordpiece/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
