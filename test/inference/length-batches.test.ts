/** Batch planning: every input once, padded size within the budget, sorting within windows only, order restored. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { ValueError } from '../../src/errors.js';
import { planLengthBatches, restoreInputOrder, type BatchPlanOptions } from '../../src/inference/length-batches.js';
import { Rng } from '../../src/tensor/rng.js';

function randomLengths(count: number, rng: Rng): number[] {
  // Mostly sentences of 10-60 tokens, a few long documents, as real text.
  return Array.from({ length: count }, () => (rng.random() < 0.05 ? 200 + rng.int(312) : 10 + rng.int(51)));
}

test('a plan covers every input once, keeps padded batches within the budget and sorts only within windows', () => {
  const lengths = randomLengths(1000, new Rng(1));
  const options: BatchPlanOptions = { window: 128, tokenBudget: 1024, maxBatchSize: 24 };
  const batches = planLengthBatches(lengths, options);
  const seen = batches.flat().sort((a, b) => a - b);
  assert.deepEqual(seen, Array.from({ length: 1000 }, (_, i) => i));
  let previousWindow = 0;
  for (const batch of batches) {
    const longest = Math.max(...batch.map((i) => lengths[i]!));
    assert.ok(batch.length <= options.maxBatchSize, `batch of ${batch.length}`);
    assert.ok(batch.length === 1 || batch.length * longest <= options.tokenBudget, `${batch.length} × ${longest} over the budget`);
    const window = Math.floor(batch[0]! / options.window);
    assert.ok(batch.every((i) => Math.floor(i / options.window) === window), 'a batch stays inside its window');
    assert.ok(window >= previousWindow, 'windows come in arrival order');
    previousWindow = window;
  }
  // Within a window the batches run longest first, so concatenated they are sorted by length.
  const order = batches.flat();
  for (let j = 1; j < order.length; j++) {
    const sameWindow = Math.floor(order[j]! / options.window) === Math.floor(order[j - 1]! / options.window);
    if (sameWindow) assert.ok(lengths[order[j]!]! <= lengths[order[j - 1]!]!, `sorted at ${j}`);
  }
  // Similar lengths together: little padding, far less than batches of maxBatchSize in arrival order.
  const paddedSize = (batch: readonly number[]): number => batch.length * Math.max(...batch.map((i) => lengths[i]!));
  const padded = batches.reduce((sum, batch) => sum + paddedSize(batch), 0);
  let arrival = 0;
  for (let i = 0; i < lengths.length; i += options.maxBatchSize) {
    arrival += paddedSize(Array.from({ length: Math.min(options.maxBatchSize, lengths.length - i) }, (_, j) => i + j));
  }
  const real = lengths.reduce((a, b) => a + b, 0);
  assert.ok(padded < 1.2 * real && padded < arrival / 2, `padded ${padded}, real ${real}, arrival order ${arrival}`);
});

test('an input longer than the budget is a batch of its own; equal lengths keep arrival order', () => {
  assert.deepEqual(planLengthBatches([10, 500, 10, 10], { window: 8, tokenBudget: 20, maxBatchSize: 8 }), [[1], [0, 2], [3]]);
  assert.deepEqual(planLengthBatches([3, 3, 3, 3, 3], { window: 8, tokenBudget: 100, maxBatchSize: 2 }), [[0, 1], [2, 3], [4]]);
});

test('window 1 keeps arrival order', () => {
  assert.deepEqual(planLengthBatches([5, 50, 7], { window: 1, tokenBudget: 1000, maxBatchSize: 8 }), [[0], [1], [2]]);
  assert.deepEqual(planLengthBatches([], { window: 4, tokenBudget: 10, maxBatchSize: 2 }), []);
});

test('restoreInputOrder puts each batch\'s results back at their inputs', () => {
  const lengths = randomLengths(300, new Rng(2));
  const batches = planLengthBatches(lengths, { window: 64, tokenBudget: 512, maxBatchSize: 16 });
  const results = batches.map((batch) => batch.map((i) => `result of ${i}`));
  assert.deepEqual(restoreInputOrder(batches, results), lengths.map((_, i) => `result of ${i}`));
});

test('bad plans and options are ValueErrors naming the problem', () => {
  assert.throws(() => restoreInputOrder([[0, 1], [1]], [['a', 'b'], ['c']]), (e: unknown) => e instanceof ValueError && /input 1 appears twice/.test(e.message));
  assert.throws(() => restoreInputOrder([[0, 2]], [['a', 'b']], 3), (e: unknown) => e instanceof ValueError && /input 1 is in no batch/.test(e.message));
  assert.throws(() => restoreInputOrder([[0, 1]], [['a']]), (e: unknown) => e instanceof ValueError && /batch 0 has 2 inputs but 1 results/.test(e.message));
  assert.throws(() => planLengthBatches([1], { window: 0, tokenBudget: 8, maxBatchSize: 2 }), (e: unknown) => e instanceof ValueError && /window must be a positive integer/.test(e.message));
  assert.throws(() => planLengthBatches([1, -2], { window: 4, tokenBudget: 8, maxBatchSize: 2 }), (e: unknown) => e instanceof ValueError && /input 1 has length -2/.test(e.message));
});
