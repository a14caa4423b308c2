/**
 * The fused training attention kernels against the JS reference (the unfused steps over the whole batch), every ISA:
 * attentionTrainForward's dropout mask and generator state bit for bit (each (sequence, head) task draws its own
 * block of one stream), its probs and context to float rounding; attentionBackward's accumulated gradients with and
 * without a dropout mask and with each gradient left out.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/backend/js/js-backend.js';
import { Rng } from '../../src/tensor/rng.js';
import { normRelativeError } from '../helpers/assert-close.js';
import { forEachIsa, NORM_RTOL, randomArray } from './native-harness.js';

// [batch, heads, seq, headDim]: one element; odd sizes; seq 65 (a block of 4,225 draws: the lanes' 4,096 and a
// sequential tail of 129); BERT-base heads at 40 on one thread; BERT-small's heads at 128 (16,384 draws a block).
const SHAPES = [[1, 1, 1, 1], [2, 3, 17, 5], [2, 2, 65, 8], [3, 12, 40, 64], [2, 8, 128, 64]] as const;

function paddingMask(batch: number, seq: number): Float32Array {
  const mask = new Float32Array(batch * seq);
  for (let j = 0; j < mask.length; j++) mask[j] = j % seq >= seq - 2 && j % seq > 0 ? -10000 : 0;
  return mask;
}

function assertCloseByNorm(actual: Float32Array, expected: Float32Array, what: string): void {
  const err = normRelativeError(actual, expected);
  assert.ok(err <= NORM_RTOL, `${what}: norm-relative error ${err}`);
}

test('attentionTrainForward: dropout mask and generator state bit-equal to the JS reference, probs and context close', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(31);
    const threads = native.getThreads();
    try {
      for (const [batch, heads, seq, headDim] of SHAPES) {
        for (const [masked, p] of [[false, 0.1], [true, 0.5]] as const) {
          native.setThreads(seq === 40 ? 1 : threads);
          const rows = batch * seq * heads * headDim, square = batch * heads * seq * seq;
          const q = randomArray(rng, rows, 2), k = randomArray(rng, rows, 2), v = randomArray(rng, rows);
          const mask = masked ? paddingMask(batch, seq) : null;
          const scale = 1 / Math.sqrt(headDim);
          const state = new Rng(seq * 7 + heads).stateWords(), stateWant = state.slice();
          const context = new Float32Array(rows).fill(Number.NaN), probs = new Float32Array(square).fill(Number.NaN);
          const dropMask = new Float32Array(square).fill(Number.NaN);
          const contextWant = new Float32Array(rows), probsWant = new Float32Array(square), dropMaskWant = new Float32Array(square);
          native.attentionTrainForward(context, probs, dropMask, q, k, v, mask, batch, heads, seq, headDim, scale, p, 1 / (1 - p), state);
          jsBackend.attentionTrainForward(contextWant, probsWant, dropMaskWant, q, k, v, mask, batch, heads, seq, headDim, scale, p, 1 / (1 - p), stateWant);
          const what = `train attention ${batch}x${heads}x${seq}x${headDim} masked=${masked} p=${p}`;
          assert.deepEqual(dropMask, dropMaskWant, `${what}: dropout mask`);
          assert.deepEqual(state, stateWant, `${what}: generator state after`);
          assertCloseByNorm(probs, probsWant, `${what} probs`);
          assertCloseByNorm(context, contextWant, `${what} context`);
        }
      }
    } finally {
      native.setThreads(threads);
    }
  });
});

test('attentionBackward accumulates dq, dk, dv as the JS reference, with and without a dropout mask, any of them left out', async (t) => {
  await forEachIsa(t, (native) => {
    const rng = new Rng(32);
    const threads = native.getThreads();
    try {
      for (const [batch, heads, seq, headDim] of SHAPES) {
        native.setThreads(seq === 40 ? 1 : threads);
        const rows = batch * seq * heads * headDim, square = batch * heads * seq * seq;
        const q = randomArray(rng, rows, 2), k = randomArray(rng, rows, 2), v = randomArray(rng, rows);
        const dContext = randomArray(rng, rows);
        const scale = 1 / Math.sqrt(headDim);
        // The probabilities and a mask as training's forward pass leaves them.
        const probs = new Float32Array(square), dropMask = new Float32Array(square);
        jsBackend.attentionTrainForward(new Float32Array(rows), probs, dropMask, q, k, v, paddingMask(batch, seq), batch, heads, seq,
          headDim, scale, 0.3, 1 / 0.7, new Rng(3).stateWords());
        for (const withMask of [true, false]) {
          for (const leftOut of ['none', 'dq', 'dk', 'dv'] as const) {
            const start = [randomArray(rng, rows), randomArray(rng, rows), randomArray(rng, rows)];
            const got = start.map((a) => a.slice()), want = start.map((a) => a.slice());
            const pick = (grads: Float32Array[], i: number): Float32Array | null => (leftOut === ['dq', 'dk', 'dv'][i] ? null : grads[i]!);
            const m = withMask ? dropMask : null;
            native.attentionBackward(pick(got, 0), pick(got, 1), pick(got, 2), dContext, probs, m, q, k, v, batch, heads, seq, headDim, scale);
            jsBackend.attentionBackward(pick(want, 0), pick(want, 1), pick(want, 2), dContext, probs, m, q, k, v, batch, heads, seq, headDim, scale);
            ['dq', 'dk', 'dv'].forEach((name, i) => {
              const what = `attention backward ${batch}x${heads}x${seq}x${headDim} mask=${withMask} without ${leftOut}: ${name}`;
              if (leftOut === name) assert.deepEqual(got[i], start[i], `${what} was written`);
              else assertCloseByNorm(got[i]!, want[i]!, what);
            });
          }
        }
      }
    } finally {
      native.setThreads(threads);
    }
  });
});

test('the native training attention kernels refuse arrays too short and a dropout probability outside [0, 1)', async (t) => {
  await forEachIsa(t, (native) => {
    const a = new Float32Array(4), square = new Float32Array(4), short = new Float32Array(3);
    const state = new Rng(1).stateWords();
    assert.throws(() => native.attentionTrainForward(a, square, short, a, a, a, null, 1, 1, 2, 2, 1, 0.1, 1 / 0.9, state), /dropMask/);
    assert.throws(() => native.attentionTrainForward(a, square, square, a, a, a, null, 1, 1, 2, 2, 1, 1, 2, state), /p must be in \[0, 1\)/);
    assert.throws(() => native.attentionBackward(a, a, a, a, square, short, a, a, a, 1, 1, 2, 2, 1), /dropMask/);
    assert.throws(() => native.attentionBackward(short, a, a, a, square, null, a, a, a, 1, 1, 2, 2, 1), /dq/);
  });
});
