import test from 'node:test';
import assert from 'node:assert/strict';
import { jsBackend } from '../../src/backend/js/js-backend.js';
import { Rng } from '../../src/tensor/rng.js';

test('the same seed gives the same stream; a restored state continues it exactly', () => {
  const a = new Rng(2024);
  const b = new Rng(2024);
  for (let i = 0; i < 100; i++) assert.equal(a.nextUint32(), b.nextUint32());
  const saved = a.getState();
  const expected = Array.from({ length: 50 }, () => a.random());
  const restored = Rng.fromState(saved);
  assert.deepEqual(Array.from({ length: 50 }, () => restored.random()), expected);
  assert.notEqual(new Rng(1).nextUint32(), new Rng(2).nextUint32());
});

test('the dropout kernel draws as random() < p and leaves the Rng in the same state', () => {
  const fast = new Rng(42);
  const slow = new Rng(42);
  const n = 20000;
  const x = new Float64Array(n).fill(3);
  const mask = new Float64Array(n);
  const out = new Float64Array(n);
  const state = fast.stateWords();
  jsBackend.dropoutForward(out, mask, x, n, 0.1, 2, state);
  fast.setStateWords(state);
  let dropped = 0;
  for (let i = 0; i < n; i++) {
    const expected = slow.random() < 0.1 ? 0 : 2;
    assert.equal(mask[i], expected, `element ${i}`);
    assert.equal(out[i], 3 * expected);
    if (expected === 0) dropped++;
  }
  assert.deepEqual(fast.getState(), slow.getState());
  assert.ok(Math.abs(dropped / n - 0.1) < 0.01, `dropped share ${dropped / n}`);
});

test('int is unbiased enough and in range; normal has mean 0 and variance 1', () => {
  const rng = new Rng(7);
  const counts = new Array<number>(6).fill(0);
  for (let i = 0; i < 60000; i++) counts[rng.int(6)]!++;
  for (const count of counts) assert.ok(Math.abs(count - 10000) < 400, `bucket ${count}`);
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < 50000; i++) {
    const x = rng.normal();
    sum += x;
    squares += x * x;
  }
  assert.ok(Math.abs(sum / 50000) < 0.02);
  assert.ok(Math.abs(squares / 50000 - 1) < 0.03);
});
