/** attentionForwardPacked: native against the JS reference (which is attentionForward per sequence), every ISA. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/backend/js/js-backend.js';
import { Rng } from '../../src/tensor/rng.js';
import { normRelativeError } from '../helpers/assert-close.js';
import { forEachIsa, NORM_RTOL, randomArray } from './native-harness.js';

test('packed attention (lengths 1, 7, 17, 65 and 2, BERT-base heads, 1 and 2 threads) matches the JS reference', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(21);
    const threads = native.getThreads();
    try {
      for (const [heads, headDim, lengths] of [[1, 1, [1]], [3, 5, [1, 7, 17, 65, 2]], [12, 64, [40, 3, 128]]] as const) {
        native.setThreads(heads === 3 ? 1 : threads);
        const offsets = new Int32Array(lengths.length + 1);
        lengths.forEach((length, i) => { offsets[i + 1] = offsets[i]! + length; });
        const rows = offsets[lengths.length]! * heads * headDim;
        const square = lengths.reduce((sum: number, length) => sum + heads * length * length, 0);
        const q = randomArray(rng, rows, 2), k = randomArray(rng, rows, 2), v = randomArray(rng, rows);
        const context = new Float32Array(rows).fill(Number.NaN), probs = new Float32Array(square).fill(Number.NaN);
        const contextWant = new Float32Array(rows), probsWant = new Float32Array(square);
        const scale = 1 / Math.sqrt(headDim);
        native.attentionForwardPacked(context, probs, q, k, v, offsets, lengths.length, heads, headDim, scale);
        jsBackend.attentionForwardPacked(contextWant, probsWant, q, k, v, offsets, lengths.length, heads, headDim, scale);
        const what = `packed attention heads ${heads}×${headDim}, lengths ${lengths.join(' ')}`;
        assert.ok(normRelativeError(probs, probsWant) <= NORM_RTOL, `${what} probs`);
        assert.ok(normRelativeError(context, contextWant) <= NORM_RTOL, `${what} context`);
      }
    } finally {
      native.setThreads(threads);
    }
  });
});

test('native packed attention refuses offsets that would reach outside its arrays', async (t) => {
  await forEachIsa(t, (native) => {
    const a = new Float32Array(8), probs = new Float32Array(64);
    assert.throws(() => native.attentionForwardPacked(a, probs, a, a, a, new Int32Array([0, 3, 2]), 2, 1, 2, 1), /offsets must not decrease/);
    assert.throws(() => native.attentionForwardPacked(a, probs, a, a, a, new Int32Array([1, 3]), 1, 1, 2, 1), /offsets\[0\] must be 0/);
    assert.throws(() => native.attentionForwardPacked(a, probs, a, a, a, new Int32Array([0, 5]), 1, 1, 2, 1), /context/);
    assert.throws(() => native.attentionForwardPacked(a, probs, a, a, a, new Int32Array([0, 2]), 2, 1, 2, 1), /offsets/);
  });
});
