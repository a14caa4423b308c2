import test from 'node:test';
import assert from 'node:assert/strict';
import {
  dynamicMasker,
  maskTokens,
  mlmLabelArray,
  newMaskingCounts,
  numToPredict,
  roundHalfEven,
} from '../../src/pretrain/masking.js';
import { buildPair } from '../../src/pretrain/instances.js';
import { Rng } from '../../src/tensor/rng.js';
import { bertMaskingOptions, bertTokenizer, brownTokenized } from './data-helpers.js';

/** Tolerances: the brief's ±0.5 points on the masked share and ±2 points on the 80/10/10 split. */
const MASKED_SHARE_TOLERANCE = 0.005;
const SPLIT_TOLERANCE = 0.02;

const options = bertMaskingOptions;

/** Real `[CLS] A [SEP] B [SEP]` rows of up to 128 tokens from the Brown documents. */
function sequences(): Int32Array[] {
  const t = bertTokenizer();
  const out: Int32Array[] = [];
  for (const doc of brownTokenized()) {
    for (let s = 0; s + 1 < doc.sentences.length; s += 2) {
      const a = doc.sentences[s]!.subarray(0, 60);
      const b = doc.sentences[s + 1]!.subarray(0, 62);
      out.push(buildPair({ tokensA: a, tokensB: b }, t.clsTokenId, t.sepTokenId).ids);
    }
  }
  return out;
}

test('round is Python 3\'s (half to even), and numToPredict counts [CLS]/[SEP] and caps', () => {
  assert.deepEqual([0.5, 1.5, 2.5, 3.5, 4.4999, 4.5, 19.2].map(roundHalfEven), [0, 2, 2, 4, 4, 4, 19]);
  assert.equal(numToPredict(10, 0.15, 20), 2); // round(1.5) = 2
  assert.equal(numToPredict(30, 0.15, 20), 4); // round(4.5) = 4, not 5
  assert.equal(numToPredict(3, 0.15, 20), 1); // max(1, round(0.45))
  assert.equal(numToPredict(128, 0.15, 20), 19);
  assert.equal(numToPredict(512, 0.15, 20), 20); // the cap: round(76.8) > 20
});

test('masking over Brown pairs: the count is numToPredict, never [CLS]/[SEP], sorted, labels are the originals, 80/10/10', () => {
  const opts = options();
  const rng = new Rng(7);
  const counts = newMaskingCounts();
  let tokens = 0;
  let predicted = 0;
  let expected = 0;
  let lowRandom = 0;
  for (let round = 0; round < 3; round++) {
    for (const ids of sequences()) {
      const m = maskTokens(ids, opts, rng, counts);
      tokens += ids.length;
      predicted += m.positions.length;
      expected += numToPredict(ids.length, 0.15, 20);
      assert.equal(m.positions.length, numToPredict(ids.length, 0.15, 20));
      for (let k = 0; k < m.positions.length; k++) {
        const p = m.positions[k]!;
        if (k > 0) assert.ok(p > m.positions[k - 1]!, 'positions ascend');
        assert.notEqual(ids[p], opts.clsId);
        assert.notEqual(ids[p], opts.sepId);
        assert.equal(m.labels[k], ids[p]);
        const seen = m.inputIds[p]!;
        if (seen !== opts.maskId && seen !== ids[p] && seen < 999) lowRandom++;
      }
      for (let i = 0; i < ids.length; i++) if (!m.positions.includes(i)) assert.equal(m.inputIds[i], ids[i], 'unpicked positions unchanged');
    }
  }
  assert.equal(predicted, expected);
  assert.ok(Math.abs(predicted / tokens - 0.15) < MASKED_SHARE_TOLERANCE, `masked share ${predicted / tokens}`);
  const total = counts.masked + counts.kept + counts.random;
  assert.equal(total, predicted);
  assert.ok(Math.abs(counts.masked / total - 0.8) < SPLIT_TOLERANCE, `[MASK] share ${counts.masked / total}`);
  assert.ok(Math.abs(counts.kept / total - 0.1) < SPLIT_TOLERANCE, `kept share ${counts.kept / total}`);
  assert.ok(Math.abs(counts.random / total - 0.1) < SPLIT_TOLERANCE, `random share ${counts.random / total}`);
  // Random replacements come from the whole vocabulary: ids below 999 are [PAD], [unused*] and the specials.
  assert.ok(lowRandom > 0, 'some random replacements fall on special/unused ids, as the original');
});

test('whole-word masking masks every piece of a word or none, and stays within numToPredict', () => {
  const opts = options(true);
  const flags = opts.isContinuation!;
  const rng = new Rng(11);
  let words = 0;
  for (const ids of sequences().slice(0, 400)) {
    const m = maskTokens(ids, opts, rng);
    assert.ok(m.positions.length <= numToPredict(ids.length, 0.15, 20));
    const picked = new Set(m.positions);
    for (let i = 1; i < ids.length; i++) {
      if (flags[ids[i]!] === 1 && ids[i - 1] !== opts.sepId && ids[i - 1] !== opts.clsId) {
        assert.equal(picked.has(i), picked.has(i - 1), `piece ${i} masked apart from its word`);
        if (picked.has(i)) words++;
      }
    }
  }
  assert.ok(words > 10, `some multi-piece words were masked (${words})`);
});

test('the same seed gives the same mask; another seed another', () => {
  const ids = sequences()[5]!;
  const a = maskTokens(ids, options(), new Rng(3));
  const b = maskTokens(ids, options(), new Rng(3));
  const c = maskTokens(ids, options(), new Rng(4));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.positions, c.positions);
});

test('dynamicMasker returns training-instance fields; mlmLabelArray puts labels at positions and -100 elsewhere', () => {
  const ids = sequences()[0]!;
  const mask = dynamicMasker(options());
  const m = mask(ids, new Rng(1));
  assert.equal(m.maskedPositions.length, m.maskedLmIds.length);
  const labels = mlmLabelArray(m.maskedPositions, m.maskedLmIds, ids.length + 4);
  assert.equal(labels.length, ids.length + 4);
  for (let i = 0; i < labels.length; i++) {
    const k = m.maskedPositions.indexOf(i);
    assert.equal(labels[i], k >= 0 ? ids[i] : -100);
  }
  assert.throws(() => mlmLabelArray(Int32Array.of(9), Int32Array.of(1), 5), /outside/);
  assert.throws(() => dynamicMasker({ ...options(), maskedLmProb: 1.5 }), /maskedLmProb/);
});
