/**
 * The vocabulary trainer: BERT's layout, determinism (it reproduces the committed cased fixture byte for byte), and
 * quality on held-out Brown text: fewer than 1.5 tokens per word and under 0.5% [UNK] at 8,000 tokens.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TokenizerError } from '../../src/errors.js';
import { BertTokenizer, trainVocabFromCounts, trainVocabFromLines, WordCounter } from '../../src/tokenizer/index.js';
import { brownCorpus, brownFiles, brownSentences, nlpCorpus } from './corpora.js';

test('trained vocabulary has bert-base-uncased layout and the requested size', () => {
  const counter = new WordCounter(true);
  for (const line of brownCorpus().slice(0, 3000)) counter.addLine(line);
  const vocab = trainVocabFromCounts(counter.counts, { vocabSize: 2000 });
  assert.equal(vocab.size, 2000);
  assert.equal(vocab.token(0), '[PAD]');
  for (let i = 1; i <= 99; i++) assert.equal(vocab.token(i), `[unused${i - 1}]`);
  assert.deepEqual([100, 101, 102, 103].map((i) => vocab.token(i)), ['[UNK]', '[CLS]', '[SEP]', '[MASK]']);
  assert.ok(vocab.has('the') && vocab.has('##s'));
  const extra = trainVocabFromCounts(counter.counts, { vocabSize: 2000, unusedTokens: 120 });
  assert.equal(extra.token(104), '[unused99]');
  assert.equal(extra.id('[unused119]'), 124);
});

test('training is deterministic: it reproduces the committed cased vocabulary (Brown + nlp-corpus, 12,000)', async () => {
  const vocab = await trainVocabFromLines([...brownCorpus(), ...nlpCorpus()], { vocabSize: 12000, doLowerCase: false });
  assert.equal(vocab.toText(), readFileSync('test/fixtures/tokenizer/brown-nlp-cased-12000-vocab.txt', 'utf8'));
});

test('8,000-token vocab from 90% of Brown: held-out 10% has < 1.5 tokens per word and < 0.5% [UNK]', async () => {
  const files = brownFiles();
  const heldOut = files.filter((_, i) => i % 10 === 9);
  const training = files.filter((_, i) => i % 10 !== 9);
  for (const cased of [false, true]) {
    const vocab = await trainVocabFromLines(training.flatMap(brownSentences), { vocabSize: 8000, doLowerCase: !cased });
    const tokenizer = new BertTokenizer(vocab, { doLowerCase: !cased });
    let words = 0;
    let tokens = 0;
    let unknown = 0;
    for (const sentence of heldOut.flatMap(brownSentences)) {
      words += tokenizer.preTokenize(sentence).length;
      const ids = tokenizer.encode(sentence, undefined, { addSpecialTokens: false }).ids;
      tokens += ids.length;
      for (const id of ids) if (id === tokenizer.unkTokenId) unknown++;
    }
    const perWord = tokens / words;
    const unkRate = unknown / tokens;
    console.log(`held-out Brown (${cased ? 'cased' : 'uncased'}, 8000): ${words} words, ${perWord.toFixed(3)} tokens/word, ${(100 * unkRate).toFixed(3)}% [UNK]`);
    assert.ok(perWord < 1.5, `${perWord} tokens per word`);
    assert.ok(unkRate < 0.005, `${unkRate} [UNK] rate`);
  }
});

test('word counting keeps memory bounded: past maxDistinctWords the rarest words are forgotten, frequent ones kept', () => {
  const counter = new WordCounter(true, 1000);
  for (let i = 0; i < 5000; i++) counter.addLine(`common words here w${i} and w${i % 10}`);
  assert.ok(counter.counts.size <= 1000);
  assert.ok(counter.pruned > 4000);
  assert.equal(counter.counts.get('common'), 5000);
  assert.equal(counter.counts.get('w3'), 501);
});

test('text without a single word is refused instead of giving a vocabulary of special tokens only', async () => {
  await assert.rejects(trainVocabFromLines(['', '   ', '\u0000\ufffd']), (e: unknown) => e instanceof TokenizerError && /no words \(3 lines read\)/.test(e.message));
});
