/**
 * Tag ⇄ token alignment against hand-worked goldens (run_ner.py's tokenize_and_align_labels applied by hand to the
 * word ids that bert-base-uncased gives; those word ids are checked here too, and word-encoding.test.ts checks
 * encodeWords against Rust).
 */
import { BERT_BASE_UNCASED_VOCAB } from '../helpers/fixtures.js';
import test from 'node:test';
import assert from 'node:assert/strict';
import { BertTokenizer } from '../../src/tokenizer/index.js';
import { alignTagsToTokens, IGNORE_INDEX, insideTagIds, wordTagsFromTokens } from '../../src/finetune/token-labels.js';
import '../helpers/node-runtime.js';

// ner-tiny's tag set (sorted): no I-MISC, so B-MISC stays B-MISC under labelAllTokens.
const TAGS = ['B-LOC', 'B-MISC', 'B-ORG', 'B-PER', 'I-LOC', 'I-ORG', 'I-PER', 'O'];
const X = IGNORE_INDEX;
const tokenizer = BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB);

const SENTENCES = [
  {
    words: ['Jean-Luc', 'Picard', 'visited', 'Zürich', 'unaffably', '.'],
    tags: [3, 6, 7, 0, 1, 7], // B-PER I-PER O B-LOC B-MISC O
    tokens: ['[CLS]', 'jean', '-', 'luc', 'pic', '##ard', 'visited', 'zurich', 'una', '##ffa', '##bly', '.', '[SEP]'],
    firstOnly: [X, 3, X, X, 6, X, 7, 0, 1, X, X, 7, X],
    // Later tokens of B-PER take I-PER (6); of I-PER stay I-PER; B-MISC has no I-MISC and stays B-MISC (1).
    allTokens: [X, 3, 6, 6, 6, 6, 7, 0, 1, 1, 1, 7, X],
  },
  {
    words: ['Acme', 'Corp.', 'hired', 'Schröder'],
    tags: [2, 5, 7, 3], // B-ORG I-ORG O B-PER
    tokens: ['[CLS]', 'ac', '##me', 'corp', '.', 'hired', 'sc', '##hr', '##oder', '[SEP]'],
    firstOnly: [X, 2, X, 5, X, 7, 3, X, X, X],
    allTokens: [X, 2, 5, 5, 5, 7, 3, 6, 6, X],
  },
];

test("insideTagIds is run_ner's b_to_i_label: B-X → I-X when I-X exists, else itself", () => {
  assert.deepEqual(Array.from(insideTagIds(TAGS)), [4, 1, 5, 6, 4, 5, 6, 7]);
  assert.deepEqual(Array.from(insideTagIds(['O', 'B-A', 'I-A', 'B-B'])), [0, 2, 2, 3]);
});

test('first sub-token gets the tag, the rest and special tokens -100 (hand-worked golden)', () => {
  for (const s of SENTENCES) {
    const e = tokenizer.encodeWords(s.words);
    assert.deepEqual(tokenizer.convertIdsToTokens(e.ids), s.tokens);
    assert.deepEqual(Array.from(alignTagsToTokens(e.wordIds, s.tags)), s.firstOnly);
  }
});

test('labelAllTokens: later sub-tokens get the I- form of the word tag (hand-worked golden)', () => {
  const inside = insideTagIds(TAGS);
  for (const s of SENTENCES) {
    const e = tokenizer.encodeWords(s.words);
    assert.deepEqual(Array.from(alignTagsToTokens(e.wordIds, s.tags, { labelAllTokens: true, insideTags: inside })), s.allTokens);
  }
});

test('padding tokens are -100; truncation keeps the labels of the tokens kept', () => {
  const s = SENTENCES[0]!;
  const padded = tokenizer.encodeWords(s.words, undefined, { padding: 'max_length', maxLength: 16 });
  assert.deepEqual(Array.from(alignTagsToTokens(padded.wordIds, s.tags)), [...s.firstOnly, X, X, X]);
  const cut = tokenizer.encodeWords(s.words, undefined, { maxLength: 8 });
  assert.deepEqual(Array.from(alignTagsToTokens(cut.wordIds, s.tags)), [X, 3, X, X, 6, X, 7, X]);
});

test('word tags from token predictions: each word takes its first token; words cut off by truncation get "O"', () => {
  const s = SENTENCES[0]!;
  const cut = tokenizer.encodeWords(s.words, undefined, { maxLength: 8 }); // [CLS] jean - luc pic ##ard visited [SEP]
  const predictions = [7, 3, 0, 0, 6, 1, 2, 7]; // later sub-tokens' predictions are ignored
  assert.deepEqual(wordTagsFromTokens(cut.wordIds, predictions, s.words.length, TAGS), ['B-PER', 'I-PER', 'B-ORG', 'O', 'O', 'O']);
  assert.deepEqual(wordTagsFromTokens(cut.wordIds, predictions, s.words.length, TAGS, 'X'), ['B-PER', 'I-PER', 'B-ORG', 'X', 'X', 'X']);
  // A word that tokenizes to nothing (only a zero-width space) has no token either.
  const empty = tokenizer.encodeWords(['Paris', '\u200b', 'Rome']);
  assert.deepEqual(empty.words(), [null, 0, 2, null]);
  assert.deepEqual(wordTagsFromTokens(empty.wordIds, [7, 0, 0, 7], 3, TAGS), ['B-LOC', 'O', 'B-LOC']);
});

test('alignment arguments that do not fit are a ValueError', () => {
  assert.throws(() => alignTagsToTokens([-1, 0, 1, -1], [3]), { name: 'ValueError' });
  assert.throws(() => wordTagsFromTokens([-1, 0, -1], [0, 9, 0], 1, TAGS), { name: 'ValueError' });
  assert.throws(() => wordTagsFromTokens([-1, 2, -1], [0, 0, 0], 1, TAGS), { name: 'ValueError' });
});
