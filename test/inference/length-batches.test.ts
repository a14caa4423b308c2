/**
 * Batch planning for streams of mixed lengths (src/inference/length-batches.ts): every input lands in exactly one
 * batch; batches respect the count and the padded token budget (an input over the budget alone); sorting happens
 * within a window only; restoreOrder gives back arrival order. Oracles: brute-force properties over seeded random
 * lengths, and hand-worked small plans.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { planLengthBatches, planStreamBatches, restoreOrder } from '../../src/inference/length-batches.js';
import { ValueError } from '../../src/errors.js';
import { Rng } from '../../src/tensor/rng.js';

test('a hand-worked plan: sorted by length, cut by count and by padded size', () => {
  // Sorted: 1(i3) 2(i1) 2(i4) 5(i0) 9(i2). Budget 8: [1,2,2] pads to 3×2=6; adding 5 → 4×5=20 > 8; [5] then [9] alone.
  assert.deepEqual(planLengthBatches([5, 2, 9, 1, 2], { maxBatch: 8, tokenBudget: 8 }), [[3, 1, 4], [0], [2]]);
  // Count-bound: 2 per batch; equal lengths keep arrival order.
  assert.deepEqual(planLengthBatches([3, 3, 3, 1, 3], { maxBatch: 2, tokenBudget: 1000 }), [[3, 0], [1, 2], [4]]);
  assert.deepEqual(planLengthBatches([], { maxBatch: 2, tokenBudget: 10 }), []);
});

test('random streams: each input once, within the count and budget, sorted within windows only, order restored', () => {
  const rng = new Rng(7);
  for (let trial = 0; trial < 50; trial++) {
    const n = rng.int(300);
    const lengths = Array.from({ length: n }, () => 1 + rng.int(rng.random() < 0.05 ? 900 : 60));
    const window = 1 + rng.int(100);
    const maxBatch = 1 + rng.int(40);
    const tokenBudget = 64 + rng.int(2000);
    const batches = planStreamBatches(lengths, { window, maxBatch, tokenBudget });
    const seen = batches.flat().sort((a, b) => a - b);
    assert.deepEqual(seen, lengths.map((_, i) => i), 'every input exactly once');
    for (const batch of batches) {
      assert.ok(batch.length >= 1 && batch.length <= maxBatch);
      const longest = Math.max(...batch.map((i) => lengths[i]!));
      assert.ok(batch.length === 1 || batch.length * longest <= tokenBudget, `padded ${batch.length}×${longest} over ${tokenBudget}`);
      const windows = new Set(batch.map((i) => Math.floor(i / window)));
      assert.equal(windows.size, 1, 'a batch never spans two windows');
    }
    // Windows are planned in arrival order: the first index of each window's batches comes after the previous window's.
    const windowOf = batches.map((b) => Math.floor(b[0]! / window));
    assert.deepEqual(windowOf, [...windowOf].sort((a, b) => a - b));
    const restored = restoreOrder(batches, batches.map((b) => b.map((i) => `result ${i}`)));
    assert.deepEqual(restored, lengths.map((_, i) => `result ${i}`));
  }
});

test('within a window the batches go from short to long, so a batch holds similar lengths', () => {
  const lengths = [40, 3, 17, 3, 90, 12, 5, 40];
  const batches = planLengthBatches(lengths, { maxBatch: 3, tokenBudget: 10_000 });
  assert.deepEqual(batches.map((b) => b.map((i) => lengths[i])), [[3, 3, 5], [12, 17, 40], [40, 90]]);
});

test('bad settings and bad result lists are ValueErrors naming what is wrong', () => {
  assert.throws(() => planLengthBatches([1], { maxBatch: 0, tokenBudget: 8 }), (e: unknown) => e instanceof ValueError && /maxBatch/.test(e.message));
  assert.throws(() => planLengthBatches([1, -2], { maxBatch: 2, tokenBudget: 8 }), /lengths\[1\]/);
  assert.throws(() => planStreamBatches([1], { window: 0, maxBatch: 2, tokenBudget: 8 }), /window/);
  assert.throws(() => restoreOrder([[0, 1]], [['a']]), /batch 0 has 2 inputs but 1 results/);
  assert.throws(() => restoreOrder([[0], [0]], [['a'], ['b']]), /input 0, which is out of range or taken twice/);
});
