/**
 * The instance rules of RoBERTa's and ALBERT's objectives, checked by hand and on Brown:
 * FULL-SENTENCES packing (full-sentences.ts), sentence-order pairs (sentence-order.ts) and ALBERT's n-gram masking
 * (masking.ts with maxNgram 3).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { packFullSentences } from '../../src/pretrain/full-sentences.js';
import type { TokenizedDocument } from '../../src/pretrain/instances.js';
import { maskTokens, newMaskingCounts, ngramCumulative, numToPredict, type MaskingOptions } from '../../src/pretrain/masking.js';
import { createSentenceOrderInstances } from '../../src/pretrain/sentence-order.js';
import { Rng } from '../../src/tensor/rng.js';
import { brownTokenized } from './data-helpers.js';

const BOS = 0;
const EOS = 2;

const docs = (...documents: number[][][]): TokenizedDocument[] => documents.map((d) => ({ sentences: d.map((s) => Int32Array.from(s)) }));

test('FULL-SENTENCES packing by hand: whole sentences, </s> between documents, a too-long sentence the only thing cut', () => {
  // maxSeqLength 8: 6 tokens between <s> and </s>.
  const corpus = docs(
    [[10, 11, 12], [13, 14]],
    [[20], [21, 22, 23, 24]],
    [[30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41]],
    [[50, 51]],
    [[60]],
  );
  const packed = packFullSentences(corpus, 8, BOS, EOS);
  assert.deepEqual(packed.map((p) => [...p.ids]), [
    [0, 10, 11, 12, 13, 14, 2], // [20] with its separator would make 7 > 6
    [0, 20, 21, 22, 23, 24, 2],
    [0, 30, 31, 32, 33, 34, 35, 2], // the 12-token sentence, in two full pieces
    [0, 36, 37, 38, 39, 40, 41, 2],
    [0, 50, 51, 2, 60, 2], // two documents, separated by </s>
  ]);
  assert.deepEqual(packed.map((p) => p.documents), [[0], [1], [2], [2], [3, 4]]);
});

test('FULL-SENTENCES packing over Brown: length bound, every sentence exactly once and whole, separators exactly at document changes, greedy', () => {
  const corpus = brownTokenized().slice(0, 120);
  for (const maxSeqLength of [32, 128]) {
    const capacity = maxSeqLength - 2;
    const packed = packFullSentences(corpus, maxSeqLength, BOS, EOS);
    // Walk the instances with a cursor over (document, sentence, token): each instance must continue exactly there.
    let d = 0;
    let s = 0;
    let t = 0;
    for (const [index, { ids }] of packed.entries()) {
      assert.ok(ids.length <= maxSeqLength, `instance ${index}: ${ids.length} > ${maxSeqLength}`);
      assert.equal(ids[0], BOS);
      assert.equal(ids[ids.length - 1], EOS);
      let first = true;
      for (let k = 1; k < ids.length - 1;) {
        if (!first && s === 0 && t === 0) {
          assert.equal(ids[k], EOS, `instance ${index}: a separator before document ${d}`);
          k++;
        }
        const sentence = corpus[d]!.sentences[s]!;
        // A sentence that fits an instance is never split across two.
        if (sentence.length <= capacity) assert.equal(t, 0, `instance ${index} starts inside sentence ${d}.${s}`);
        const take = Math.min(sentence.length - t, ids.length - 1 - k);
        assert.deepEqual([...ids.subarray(k, k + take)], [...sentence.subarray(t, t + take)], `instance ${index}: sentence ${d}.${s}`);
        k += take;
        t += take;
        first = false;
        if (t === sentence.length) {
          t = 0;
          s++;
          if (s === corpus[d]!.sentences.length) {
            s = 0;
            d++;
          }
        }
      }
      // Greedy: the next sentence (with its separator) would not have fitted.
      if (d < corpus.length && t === 0) {
        const next = corpus[d]!.sentences[s]!;
        const separator = s === 0 ? 1 : 0;
        assert.ok(ids.length - 2 + separator + Math.min(next.length, capacity) > capacity, `instance ${index} closed early`);
      }
    }
    assert.deepEqual([d, s, t], [corpus.length, 0, 0], 'every sentence of every document was packed, none twice');
  }
});

test('sentence-order pairs by hand: consecutive chunks, A | B cut at a sentence boundary, label 1 exactly when swapped', () => {
  // Ten 3-token sentences, maxSeqLength 15 → target 12 tokens: chunks of four sentences, never truncated.
  const sentences = Array.from({ length: 10 }, (_, i) => [100 + 3 * i, 101 + 3 * i, 102 + 3 * i]);
  const [document] = docs(sentences);
  let swapped = 0;
  let total = 0;
  for (let seed = 0; seed < 200; seed++) {
    const pairs = createSentenceOrderInstances(document!, { maxSeqLength: 15, shortSeqProb: 0 }, new Rng(seed));
    assert.equal(pairs.length, 3);
    const stream: number[] = [];
    for (const pair of pairs) {
      const [a, b] = pair.isSwapped ? [pair.tokensB, pair.tokensA] : [pair.tokensA, pair.tokensB];
      assert.ok(a.length > 0 && b.length > 0 && a.length % 3 === 0 && b.length % 3 === 0, 'A and B are whole sentences');
      stream.push(...a, ...b);
      if (pair.isSwapped) swapped++;
      total++;
    }
    assert.deepEqual(stream, sentences.flat(), 'unswapped, the pairs are the document in order');
  }
  // 600 pairs, P(swap) = 0.5: σ = 0.02, bound at 4σ.
  assert.ok(Math.abs(swapped / total - 0.5) < 0.08, `swapped ${swapped}/${total}`);
});

test('sentence-order: a lone sentence is cut inside (both halves of one document), a lone one-token sentence makes no pair', () => {
  const [single] = docs([[7, 8, 9, 10, 11]]);
  for (let seed = 0; seed < 20; seed++) {
    const [pair, ...rest] = createSentenceOrderInstances(single!, { maxSeqLength: 64, shortSeqProb: 0 }, new Rng(seed));
    assert.equal(rest.length, 0);
    const [a, b] = pair!.isSwapped ? [pair!.tokensB, pair!.tokensA] : [pair!.tokensA, pair!.tokensB];
    assert.deepEqual([...a, ...b], [7, 8, 9, 10, 11]);
  }
  let skipped = 0;
  const [tiny] = docs([[7]]);
  assert.deepEqual(createSentenceOrderInstances(tiny!, { maxSeqLength: 64, shortSeqProb: 0 }, new Rng(1), () => skipped++), []);
  assert.equal(skipped, 1);
});

test('sentence-order over Brown: both orders, A and B from one document, within the length bound', () => {
  const rng = new Rng(11);
  let swapped = 0;
  let total = 0;
  for (const document of brownTokenized()) {
    const tokens = new Set<number>();
    for (const sentence of document.sentences) for (const id of sentence) tokens.add(id);
    for (const pair of createSentenceOrderInstances(document, { maxSeqLength: 64, shortSeqProb: 0.1 }, rng)) {
      assert.ok(pair.tokensA.length + pair.tokensB.length <= 61 && pair.tokensA.length > 0 && pair.tokensB.length > 0);
      for (const id of [...pair.tokensA, ...pair.tokensB]) assert.ok(tokens.has(id), 'every token comes from the same document');
      if (pair.isSwapped) swapped++;
      total++;
    }
  }
  assert.ok(total > 1000, `${total} pairs`);
  assert.ok(Math.abs(swapped / total - 0.5) < 4 * Math.sqrt(0.25 / total), `swapped ${swapped}/${total}`);
});

// A vocabulary for n-gram masking: 0 [PAD], 1 [CLS], 2 [SEP], 3 [MASK], 4..103 word starts, 104..203 `##` pieces.
const VOCAB = 204;
const CONTINUATION = new Uint8Array(VOCAB).fill(1, 104);

/** `[CLS]` + words of 1–3 pieces + `[SEP]`, about `length` tokens, and each position's word index (-1 for specials). */
function wordSequence(rng: Rng, length: number): { ids: Int32Array; word: Int32Array } {
  const ids: number[] = [1];
  const word: number[] = [-1];
  for (let w = 0; ids.length < length - 1; w++) {
    const pieces = 1 + rng.int(3);
    ids.push(4 + rng.int(100));
    word.push(w);
    for (let p = 1; p < pieces && ids.length < length - 1; p++) {
      ids.push(104 + rng.int(100));
      word.push(w);
    }
  }
  ids.push(2);
  word.push(-1);
  return { ids: Int32Array.from(ids), word: Int32Array.from(word) };
}

test('n-gram masking (ALBERT): span lengths drawn 6/11, 3/11, 2/11; whole words only; the budget kept; 80/10/10', () => {
  assert.deepEqual([...ngramCumulative(3)].map((x) => Number(x.toFixed(12))), [6 / 11, 9 / 11, 1].map((x) => Number(x.toFixed(12))));
  const options: MaskingOptions = { maskedLmProb: 0.15, maxPredictionsPerSeq: 1000, clsId: 1, sepId: 2, maskId: 3, vocabSize: VOCAB, isContinuation: CONTINUATION, maxNgram: 3 };
  const rng = new Rng(2024);
  const counts = newMaskingCounts();
  let predicted = 0;
  let budget = 0;
  let maskIds = 0;
  for (let s = 0; s < 400; s++) {
    const { ids, word } = wordSequence(rng, 512);
    const m = maskTokens(ids, options, rng, counts);
    const target = numToPredict(ids.length, 0.15, 1000);
    assert.ok(m.positions.length <= target, `sequence ${s}: ${m.positions.length} > budget ${target}`);
    predicted += m.positions.length;
    budget += target;
    const masked = new Set(m.positions);
    for (let i = 0; i < ids.length; i++) {
      if (word[i] === -1) assert.ok(!masked.has(i), 'never [CLS]/[SEP]');
      // A word is masked whole or not at all: its first piece decides for all.
      else if (i > 0 && word[i] === word[i - 1]) assert.equal(masked.has(i), masked.has(i - 1), `sequence ${s}: word ${word[i]} split at ${i}`);
    }
    for (let k = 0; k < m.positions.length; k++) {
      assert.equal(m.labels[k], ids[m.positions[k]!]);
      if (m.inputIds[m.positions[k]!] === 3) maskIds++;
    }
  }
  // The spans fill the budget up to a word or so per sequence.
  assert.ok(predicted / budget > 0.97, `filled ${predicted}/${budget}`);
  const drawn = counts.drawnNgrams!;
  const draws = drawn.reduce((a, b) => a + b, 0);
  assert.ok(draws > 10000, `${draws} draws`);
  // Binomial σ ≤ 0.5/√draws ≈ 0.005; bound at 4σ.
  const bound = 4 * 0.5 / Math.sqrt(draws);
  [6 / 11, 3 / 11, 2 / 11].forEach((p, n) => assert.ok(Math.abs(drawn[n]! / draws - p) < bound, `P(n = ${n + 1}) = ${drawn[n]! / draws}, expected ${p.toFixed(4)} ± ${bound.toFixed(4)}`));
  // Masked spans: shortened to fit the budget or skipped for overlap, so shorter ones gain a little, never the reverse.
  const spans = counts.maskedNgrams!;
  const spanTotal = spans.reduce((a, b) => a + b, 0);
  assert.ok(spans[0]! / spanTotal >= 6 / 11 - bound && spans[2]! / spanTotal <= 2 / 11 + bound, `masked spans ${spans.join(', ')}`);
  // 80/10/10 per position, as ALBERT's code; σ ≈ 0.002 at ~30k positions.
  const total = counts.masked + counts.kept + counts.random;
  assert.equal(total, predicted);
  // A random replacement can draw [MASK] itself (the whole vocabulary, as the original), so the input holds a few more.
  assert.ok(maskIds >= counts.masked && maskIds - counts.masked <= counts.random, `${maskIds} [MASK] ids for ${counts.masked} mask decisions`);
  for (const [name, value, p] of [['[MASK]', counts.masked, 0.8], ['kept', counts.kept, 0.1], ['random', counts.random, 0.1]] as const) {
    assert.ok(Math.abs(value / total - p) < 0.01, `${name}: ${(value / total).toFixed(4)}, expected ${p}`);
  }
});

test('n-gram masking with maxNgram 1 is BERT\'s masking draw for draw', () => {
  const base: MaskingOptions = { maskedLmProb: 0.15, maxPredictionsPerSeq: 20, clsId: 1, sepId: 2, maskId: 3, vocabSize: VOCAB, isContinuation: CONTINUATION };
  const { ids } = wordSequence(new Rng(5), 128);
  const a = maskTokens(ids, base, new Rng(9));
  const b = maskTokens(ids, { ...base, maxNgram: 1 }, new Rng(9));
  assert.deepEqual([a.positions, a.inputIds], [b.positions, b.inputIds]);
  const c = maskTokens(ids, { ...base, maxNgram: 3 }, new Rng(9));
  assert.notDeepEqual([...c.positions], [...a.positions], 'n-grams change the picks');
});
