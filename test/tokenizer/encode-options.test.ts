/**
 * Truncation strategies, overflowing windows with stride, padding and decoding, each compared with Hugging Face
 * `tokenizers` set up the same way (its setTruncation / setPadding / decode).
 *
 * One known difference: tokenizers 0.23 (npm) first cuts each sequence to maxLength tokens and only then makes the
 * windows, so a long context never yields windows past its first maxLength tokens (17 tokens, maxLength 8 → windows
 * "a..f", "g h"; "i..q" are lost). That defeats overflowing windows for question answering on long contexts, so
 * tsbert windows the whole sequence, as Encoding::truncate is documented to; the comparison below feeds the
 * reference texts already cut to their first maxLength tokens (cutToTokens), where both definitions agree.
 */
import { BERT_BASE_UNCASED_VOCAB } from '../helpers/fixtures.js';
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BertTokenizer, type Encoding, type TruncationStrategy } from '../../src/tokenizer/index.js';
import { brownCorpus } from './corpora.js';
import { referenceTokenizer, toCodePointOffsets } from './reference.js';
import type * as Hf from 'tokenizers';
import '../helpers/node-runtime.js';

const VOCAB = BERT_BASE_UNCASED_VOCAB;
const edges = readFileSync('test/fixtures/tokenizer/unicode-edge-cases.jsonl', 'utf8')
  .split('\n')
  .filter((l) => l.length > 0)
  .map((l) => JSON.parse(l) as string);

/** Every field of ours against theirs, and of each top-level overflowing window. */
function describeDifference(ours: Encoding, theirs: Hf.Encoding, a: string, b: string | undefined, window = false): string | undefined {
  const same = (x: ArrayLike<number>, y: ArrayLike<number | null | undefined>): boolean =>
    x.length === y.length && Array.from(x).every((v, i) => v === (y[i] ?? -1));
  if (!same(ours.ids, theirs.getIds())) return `ids ${JSON.stringify(Array.from(ours.ids))} vs ${JSON.stringify(theirs.getIds())}`;
  if (!same(ours.typeIds, theirs.getTypeIds())) return 'type ids';
  if (!same(ours.attentionMask, theirs.getAttentionMask())) return 'attention mask';
  if (!same(ours.specialTokensMask, theirs.getSpecialTokensMask())) return 'special tokens mask';
  if (!same(ours.wordIds, theirs.getWordIds())) return `word ids ${JSON.stringify(Array.from(ours.wordIds))} vs ${JSON.stringify(theirs.getWordIds())}`;
  const offA = toCodePointOffsets(a, ours.offsets);
  const offB = b === undefined ? offA : toCodePointOffsets(b, ours.offsets);
  const mine = offA.map((o, i) => (ours.sequenceIds[i >> 1] === 1 ? (offB[i] ?? -1) : o));
  if (!same(mine, theirs.getOffsets().flat())) return `offsets ${JSON.stringify(mine)} vs ${JSON.stringify(theirs.getOffsets().flat())}`;
  if (window) return undefined;
  const overflowTheirs = flatten(theirs);
  if (ours.overflowing.length !== overflowTheirs.length) return `${ours.overflowing.length} overflowing windows vs ${overflowTheirs.length}`;
  for (let i = 0; i < overflowTheirs.length; i++) {
    const o = ours.overflowing[i];
    const t = overflowTheirs[i];
    if (o === undefined || t === undefined) return 'missing window';
    const d = describeDifference(o, t, a, b, true);
    if (d !== undefined) return `window ${i}: ${d}`;
  }
  return undefined;
}

/** `text` cut after its first `maxTokens` tokens (unchanged when it has no more). */
function cutToTokens(tokenizer: BertTokenizer, text: string, maxTokens: number): string {
  const encoding = tokenizer.encode(text, undefined, { addSpecialTokens: false });
  if (encoding.length <= maxTokens) return text;
  return text.slice(0, encoding.offsets[2 * maxTokens - 1]);
}

/** Top-level overflowing windows only: Rust nests windows of windows inside pair windows; transformers reads one level. */
function flatten(e: Hf.Encoding): Hf.Encoding[] {
  return e.getOverflowing();
}

const HF_STRATEGY = { longest_first: 'LongestFirst', only_first: 'OnlyFirst', only_second: 'OnlySecond' } as const;

test('truncation (3 strategies) and overflowing windows with stride match tokenizers, singles and pairs', async () => {
  const mine = BertTokenizer.fromVocabFile(VOCAB);
  const reference = await referenceTokenizer(VOCAB, { lowercase: true });
  const brown = brownCorpus().filter((_, i) => i % 300 === 0);
  const texts = [...brown, ...edges];
  let compared = 0;
  let bothFailed = 0;
  let strideRejected = 0;
  for (const maxLength of [8, 16, 40]) {
    for (const stride of [0, 2, 5]) {
      for (const strategy of ['longest_first', 'only_first', 'only_second'] as TruncationStrategy[]) {
        reference.setTruncation(maxLength, { strategy: HF_STRATEGY[strategy] as Hf.TruncationStrategy, stride });
        for (let i = 0; i < texts.length; i++) {
          const a = cutToTokens(mine, texts[i] ?? '', maxLength);
          const rawB = i % 3 === 0 ? undefined : texts[(i * 7 + 3) % texts.length];
          const b = rawB === undefined ? undefined : cutToTokens(mine, rawB, maxLength);
          let theirs: Hf.Encoding | undefined;
          let ours: Encoding | undefined;
          try {
            ours = mine.encode(a, b, { maxLength, truncation: strategy, stride, returnOverflowing: true });
          } catch (error) {
            // The reference aborts the whole process (a Rust panic) when a window would not exceed the stride.
            if (/stride/.test((error as Error).message)) {
              strideRejected++;
              continue;
            }
            ours = undefined;
          }
          try {
            theirs = await reference.encode(a, b ?? null);
          } catch {
            theirs = undefined;
          }
          const where = `maxLength ${maxLength} stride ${stride} ${strategy} ${JSON.stringify([a, b]).slice(0, 120)}`;
          if (theirs === undefined || ours === undefined) {
            assert.equal(ours === undefined, theirs === undefined, `only one side failed: ${where}`);
            bothFailed++;
            continue;
          }
          const difference = describeDifference(ours, theirs, a, b);
          assert.equal(difference, undefined, `${where}: ${difference}`);
          compared++;
        }
      }
    }
  }
  reference.disableTruncation();
  console.log(
    `truncation parity: ${compared} encodings (with their windows) identical, ${bothFailed} rejected by both, ${strideRejected} stride errors (the reference panics there)`,
  );
  assert.ok(compared > 1000);
});

test('padding to the longest and to max length matches tokenizers, overflowing windows padded too', async () => {
  const mine = BertTokenizer.fromVocabFile(VOCAB);
  const reference = await referenceTokenizer(VOCAB, { lowercase: true });
  const texts = [...brownCorpus().slice(0, 40), ...edges];
  reference.setPadding({ padId: mine.padTokenId, padToken: '[PAD]' });
  const theirs = await reference.encodeBatch(texts);
  const ours = mine.encodeBatch(texts, { padding: true });
  texts.forEach((t, i) => assert.equal(describeDifference(ours[i] as Encoding, theirs[i] as Hf.Encoding, t, undefined), undefined));
  reference.setPadding({ padId: mine.padTokenId, padToken: '[PAD]', maxLength: 48 });
  reference.setTruncation(48, { stride: 3 });
  for (const full of texts) {
    const t = cutToTokens(mine, full, 48);
    const difference = describeDifference(
      mine.encode(t, undefined, { maxLength: 48, padding: 'max_length', stride: 3, returnOverflowing: true }),
      await reference.encode(t),
      t,
      undefined,
    );
    assert.equal(difference, undefined, t);
  }
  const padded = mine.encode('short', undefined, { padding: 'longest', padToMultipleOf: 8 });
  assert.equal(padded.length, 8);
  assert.deepEqual(Array.from(padded.attentionMask), [1, 1, 1, 0, 0, 0, 0, 0]);
});

test('decode matches tokenizers (with and without special tokens)', async () => {
  const mine = BertTokenizer.fromVocabFile(VOCAB);
  const reference = await referenceTokenizer(VOCAB, { lowercase: true });
  const texts = [...brownCorpus().slice(0, 300), ...edges, "I don't think it's 5 o'clock , isn't it ? Yes ! 'quoted'"];
  for (const text of texts) {
    const ids = Array.from(mine.encode(text).ids);
    for (const skip of [false, true]) {
      assert.equal(mine.decode(ids, { skipSpecialTokens: skip }), await reference.decode(ids, skip), `${text} skip=${skip}`);
    }
  }
  assert.equal(mine.decode(mine.encode('Hello , world !').ids, { skipSpecialTokens: true }), 'hello, world!');
  assert.throws(() => mine.decode([mine.vocabSize]), /outside the vocabulary/);
});
