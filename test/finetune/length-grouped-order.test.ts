/**
 * Batches of fine-tuning: every epoch a permutation of all examples, drawn again each epoch from the seed; with length
 * grouping each mega-batch of 50 batches sorted longest first (LengthGroupedSampler), so a batch holds similar
 * lengths; and the k-th batch depends on (seed, k) only, which is what exact resume relies on.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { LengthGroupedOrder } from '../../src/finetune/length-grouped-order.js';
import { Rng } from '../../src/tensor/rng.js';

const rng = new Rng(5);
const lengths = Array.from({ length: 1037 }, () => 3 + Math.floor(rng.random() * 120));

function epoch(order: LengthGroupedOrder, e: number): number[][] {
  return Array.from({ length: order.batchesPerEpoch }, (_, b) => [...order.batchAt(e * order.batchesPerEpoch + b)]);
}

test('each epoch is a permutation of every example, in batches of the batch size (the last one shorter)', () => {
  for (const group of [true, false]) {
    const order = new LengthGroupedOrder(7, lengths, 16, group);
    assert.equal(order.batchesPerEpoch, Math.ceil(1037 / 16));
    for (const e of [0, 1]) {
      const batches = epoch(order, e);
      assert.ok(batches.slice(0, -1).every((b) => b.length === 16));
      assert.equal(batches.at(-1)!.length, 1037 % 16);
      assert.deepEqual(batches.flat().sort((a, b) => a - b), lengths.map((_, i) => i));
    }
    assert.notDeepEqual(epoch(order, 0), epoch(order, 1), 'a new order every epoch');
  }
});

test('length grouping sorts each mega-batch of 50 batches longest first; without it batches are mixed', () => {
  const grouped = epoch(new LengthGroupedOrder(7, lengths, 16, true), 0).flat();
  for (let start = 0; start < grouped.length; start += 50 * 16) {
    const span = grouped.slice(start, start + 50 * 16).map((i) => lengths[i]!);
    assert.deepEqual(span, [...span].sort((a, b) => b - a));
  }
  // Padding waste: the sum over batches of (longest − each), grouped vs plain random.
  const waste = (batches: number[][]): number => batches.reduce((sum, b) => {
    const max = Math.max(...b.map((i) => lengths[i]!));
    return sum + b.reduce((s, i) => s + max - lengths[i]!, 0);
  }, 0);
  const plain = waste(epoch(new LengthGroupedOrder(7, lengths, 16, false), 0));
  const sorted = waste(epoch(new LengthGroupedOrder(7, lengths, 16, true), 0));
  assert.ok(sorted < plain / 5, `grouped waste ${sorted} vs random ${plain}`);
});

test('the k-th batch is a function of the seed and k only (a fresh order, or one that read other epochs, agrees)', () => {
  const a = new LengthGroupedOrder(9, lengths, 8, true);
  const b = new LengthGroupedOrder(9, lengths, 8, true);
  epoch(a, 0);
  epoch(a, 2);
  const k = 3 * a.batchesPerEpoch + 5;
  assert.deepEqual([...a.batchAt(k)], [...b.batchAt(k)]);
  assert.notDeepEqual([...new LengthGroupedOrder(10, lengths, 8, true).batchAt(k)], [...b.batchAt(k)]);
});
