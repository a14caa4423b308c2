import test from 'node:test';
import assert from 'node:assert/strict';
import { createShardInstances, newInstanceCounts, type ShardInstance, type ShardOptions } from '../../src/pretrain/create-pretraining-data.js';
import { buildPair, createInstancesFromDocument, truncateSeqPair, type TokenizedDocument } from '../../src/pretrain/instances.js';
import { numToPredict } from '../../src/pretrain/masking.js';
import { Rng } from '../../src/tensor/rng.js';
import { bertMaskingOptions, bertTokenizer, brownTokenized } from './data-helpers.js';

/** The brief's tolerances: ±0.5 points on the masked share, ±2 points on each replacement share. */
const MASKED_SHARE_TOLERANCE = 0.005;
const SPLIT_TOLERANCE = 0.02;

function shardOptions(maxSeqLength = 128, wholeWord = false, dupeFactor = 2): ShardOptions {
  const t = bertTokenizer();
  return {
    maxSeqLength,
    shortSeqProb: 0.1,
    dupeFactor,
    clsId: t.clsTokenId,
    sepId: t.sepTokenId,
    masking: bertMaskingOptions(wholeWord),
  };
}

/** Start indexes where `part` occurs contiguously in `whole`. */
function occurrences(whole: Int32Array, part: Int32Array): number[] {
  const out: number[] = [];
  outer: for (let s = 0; s + part.length <= whole.length; s++) {
    for (let k = 0; k < part.length; k++) if (whole[s + k] !== part[k]) continue outer;
    out.push(s);
  }
  return out;
}

function contains(whole: Int32Array, part: Int32Array): boolean {
  return occurrences(whole, part).length > 0;
}

function concat(doc: TokenizedDocument): Int32Array {
  const out: number[] = [];
  for (const s of doc.sentences) out.push(...s);
  return Int32Array.from(out);
}

function split(instance: ShardInstance): { a: Int32Array; b: Int32Array } {
  const ids = instance.originalIds;
  return { a: ids.subarray(1, 1 + instance.lengthA), b: ids.subarray(2 + instance.lengthA, ids.length - 1) };
}

test('truncateSeqPair trims the longer side, from both ends, down to the limit', () => {
  const a = Array.from({ length: 50 }, (_, i) => i);
  const b = Array.from({ length: 10 }, (_, i) => 100 + i);
  const [ta, tb] = truncateSeqPair(a, b, 30, new Rng(1));
  assert.equal(ta.length + tb.length, 30);
  assert.equal(tb.length, 10, 'B was shorter throughout, so untouched');
  assert.ok(ta[0]! > 0 && ta[ta.length - 1]! < 49, 'tokens were removed from both the front and the back');
  assert.ok(contains(Int32Array.from(a), ta), 'what is left is a contiguous run');
  const [sa, sb] = truncateSeqPair([1, 2, 3], [4, 5, 6, 7], 5, new Rng(2));
  assert.deepEqual([sa.length, sb.length], [3, 2], 'the longer (B) is trimmed, and on a tie B again, as the original');
});

test('instances over Brown: lengths, [CLS]/[SEP] and segment ids in place, NSP pairs from the right documents', (t) => {
  const docs = brownTokenized();
  assert.ok(docs.length >= 200, `a few hundred documents (${docs.length})`);
  const tok = bertTokenizer();
  const counts = newInstanceCounts();
  const instances = createShardInstances(docs, shardOptions(), new Rng(12345), counts);
  assert.equal(instances.length, counts.instances);
  const concatenated = docs.map(concat);
  let short = 0;
  let randomNext = 0;
  let expectedPredictions = 0;
  for (const x of instances) {
    const ids = x.originalIds;
    assert.ok(ids.length <= 128, `instance of ${ids.length} tokens`);
    if (ids.length < 100) short++;
    const parts = split(x);
    const { ids: rebuilt, tokenTypeIds } = buildPair({ tokensA: parts.a, tokensB: parts.b }, tok.clsTokenId, tok.sepTokenId);
    assert.deepEqual(rebuilt, ids, '[CLS] A [SEP] B [SEP] layout');
    assert.equal(ids[0], tok.clsTokenId);
    assert.equal(ids[x.lengthA + 1], tok.sepTokenId);
    assert.equal(ids[ids.length - 1], tok.sepTokenId);
    assert.equal(tokenTypeIds[x.lengthA + 1], 0);
    assert.equal(tokenTypeIds[x.lengthA + 2], 1);
    const { a, b } = split(x);
    assert.ok(a.length >= 1 && b.length >= 1);
    assert.ok(contains(concatenated[x.document]!, a), 'A is a contiguous run of its document');
    if (x.nextSentenceLabel === 1) {
      randomNext++;
      assert.notEqual(x.randomDocument, x.document, 'a random next never comes from the same document');
      assert.ok(contains(concatenated[x.randomDocument]!, b), 'B is a contiguous run of the random document');
    } else {
      assert.equal(x.randomDocument, x.document);
      // Actual next: B comes after A in the same document (truncation may have cut A's end or B's start).
      const doc = concatenated[x.document]!;
      const firstA = occurrences(doc, a)[0];
      const lastB = occurrences(doc, b).at(-1);
      assert.ok(firstA !== undefined && lastB !== undefined && lastB >= firstA + a.length, 'actual next: B follows A in the document');
    }
    expectedPredictions += numToPredict(ids.length, 0.15, 20);
    for (const p of x.maskedPositions) assert.ok(p !== 0 && p !== x.lengthA + 1 && p !== ids.length - 1);
  }
  const share = randomNext / instances.length;
  t.diagnostic(`instances ${instances.length}, random-next share ${share.toFixed(4)}, short ${short}`);
  // A single-segment chunk always gets a random next, so the share is at least the coin's 50% (REFERENCE-NOTES: 0.53–0.59).
  assert.ok(share >= 0.5 && share < 0.65, `random-next share ${share}`);
  assert.ok(short > instances.length * 0.03, 'short_seq_prob gives some short instances');
  assert.equal(counts.predictions, expectedPredictions, 'predictions are exactly the original\'s numToPredict');
  assert.ok(Math.abs(counts.predictions / counts.tokens - 0.15) < MASKED_SHARE_TOLERANCE, `masked share ${counts.predictions / counts.tokens}`);
  const total = counts.masked + counts.kept + counts.random;
  assert.ok(Math.abs(counts.masked / total - 0.8) < SPLIT_TOLERANCE);
  assert.ok(Math.abs(counts.kept / total - 0.1) < SPLIT_TOLERANCE);
  assert.ok(Math.abs(counts.random / total - 0.1) < SPLIT_TOLERANCE);
});

test('the same seed gives the same instances, another seed other ones; dupe passes differ', () => {
  const docs = brownTokenized().slice(0, 40);
  const run = (seed: number): ShardInstance[] => createShardInstances(docs, shardOptions(128, true, 2), new Rng(seed), newInstanceCounts());
  const a = run(5);
  assert.deepEqual(a, run(5));
  assert.notDeepEqual(a.slice(0, 20), run(6).slice(0, 20));
  const once = createShardInstances(docs, shardOptions(128, true, 1), new Rng(5), newInstanceCounts());
  assert.ok(a.length > 1.6 * once.length, 'two dupe passes make about twice the instances');
});

test('one-sentence documents always get a random next; a lone document borrows from itself and says so', () => {
  const docs: TokenizedDocument[] = [1, 2, 3, 4].map((d) => ({ sentences: [Int32Array.from({ length: 8 }, (_, i) => 2000 + 10 * d + i)] }));
  const counts = newInstanceCounts();
  const xs = createShardInstances(docs, shardOptions(), new Rng(1), counts);
  assert.equal(xs.length, 2 * 4);
  for (const x of xs) {
    assert.equal(x.nextSentenceLabel, 1);
    assert.notEqual(x.document, x.randomDocument);
  }
  const lone = newInstanceCounts();
  const single = createShardInstances(docs.slice(0, 1), shardOptions(), new Rng(1), lone);
  assert.equal(single.length, 2);
  assert.equal(lone.sameDocumentRandomNext, 2);
});

test('two documents: the ten tries, then a draw among the others, never the same document', () => {
  const docs: TokenizedDocument[] = [0, 1].map((d) => ({ sentences: [Int32Array.of(1000 + d, 1001 + d), Int32Array.of(1002 + d)] }));
  for (let seed = 0; seed < 300; seed++) {
    for (const x of createInstancesFromDocument(docs, 0, { maxSeqLength: 8, shortSeqProb: 0 }, new Rng(seed))) {
      if (x.isRandomNext) assert.equal(x.randomDocument, 1);
    }
  }
});

test('a 20,000-token sentence is truncated to the limit, from both ends of the sentence', () => {
  const huge = Int32Array.from({ length: 20_000 }, (_, i) => 1000 + (i % 20_000));
  const docs: TokenizedDocument[] = [{ sentences: [huge, Int32Array.of(5, 6, 7)] }, { sentences: [Int32Array.of(8, 9)] }];
  const xs = createShardInstances(docs, shardOptions(64), new Rng(3), newInstanceCounts());
  assert.ok(xs.length >= 2);
  for (const x of xs) assert.ok(x.originalIds.length <= 64);
  const cut = xs.find((x) => x.document === 0 && x.lengthA > 30);
  assert.ok(cut !== undefined && cut.originalIds[1]! > 1000, 'tokens were dropped from the front of the long A');
});
