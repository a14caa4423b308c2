/**
 * The arena's memory under the shapes fine-tuning makes: batches padded to their own longest sequence change shape
 * every step. Kept forever by size, the buffers of every shape ever seen held many times one step's memory (5 GB for
 * BERT-mini on Brown sentences); now a shorter step reuses a longer one's buffers and idle buffers are dropped.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { Arena } from '../../src/tensor/arena.js';

/** A step's allocations at sequence length `seq`: a few activations of [8, seq, 64] and attention-sized ones. */
function step(arena: Arena, seq: number): Float32Array[] {
  arena.reset();
  return [
    arena.allocate('float32', 8 * seq * 64, false),
    arena.allocate('float32', 8 * seq * 256, false),
    arena.allocate('float32', 8 * 4 * seq * seq, false),
    arena.allocate('float32', 8 * seq * 64, true),
  ];
}

function stepBytes(seq: number): number {
  const arena = new Arena();
  step(arena, seq);
  return arena.bytes();
}

test('varying shapes: the arena stays within a small multiple of the largest step, however many shapes it saw', () => {
  const arena = new Arena();
  let most = 0;
  // Length-grouped epochs: runs of decreasing lengths, starting again at the longest (mega-batches), then random ones.
  for (let epoch = 0; epoch < 6; epoch++) {
    for (let seq = 128; seq >= 5; seq -= 3) {
      step(arena, seq);
      most = Math.max(most, arena.bytes());
    }
  }
  for (let i = 0; i < 300; i++) {
    step(arena, 5 + ((i * 37) % 124));
    most = Math.max(most, arena.bytes());
  }
  const largest = stepBytes(128);
  assert.ok(most <= 4 * largest, `held ${(most / 2 ** 20).toFixed(1)} MiB, the largest step ${(largest / 2 ** 20).toFixed(1)} MiB`);
});

test('a shorter step reuses the buffers of a longer one; a fixed shape reuses the same buffers every step', () => {
  const arena = new Arena();
  const long = step(arena, 100).map((a) => a.buffer);
  const short = step(arena, 80).map((a) => a.buffer);
  assert.ok(short.every((b) => long.includes(b)), 'the same memory (handed out in another order)');
  const fixed = step(arena, 64).map((a) => a.buffer);
  for (let i = 0; i < 10; i++) {
    const again = step(arena, 64).map((a) => a.buffer);
    assert.ok(again.every((b) => fixed.includes(b)) && new Set(again).size === fixed.length, 'the same buffers, none new');
  }
  // Zeroed allocations come back zeroed from reused memory.
  const [, , , zeroed] = step(arena, 64);
  zeroed!.fill(3);
  assert.ok(step(arena, 64)[3]!.every((x) => x === 0));
});

test('a buffer much larger than asked is not handed out (a small tensor does not take a large one\'s memory)', () => {
  const arena = new Arena();
  const big = arena.allocate('float32', 1 << 20, false);
  arena.reset();
  assert.notEqual(arena.allocate('float32', 1 << 16, false).buffer, big.buffer);
  assert.equal(arena.allocate('float32', (1 << 20) - 100, false).buffer, big.buffer);
});

test('maxOversize: an inference arena serves a window of shrinking batches from its first batch\'s buffers', () => {
  const sizes = [1 << 16, 1 << 15, 1 << 14, 1 << 13]; // a window sorted longest first: 8× from first to last
  for (const [maxOversize, reused] of [[2, 1], [8, 3]] as const) {
    const arena = new Arena({ maxOversize });
    const first = arena.allocate('float32', sizes[0]!, false).buffer;
    let served = 0;
    for (const size of sizes.slice(1)) {
      arena.reset();
      if (arena.allocate('float32', size, false).buffer === first) served++;
    }
    assert.equal(served, reused, `maxOversize ${maxOversize}`);
  }
});
