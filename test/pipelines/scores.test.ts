/** The score helpers against plain formulas: a full sort for top-k (ties by index), the definitions for softmax/sigmoid. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { sigmoid, softmax, topIndices } from '../../src/pipelines/scores.js';
import { Rng } from '../../src/tensor/rng.js';

test('topIndices equals a full sort (best first, equal scores by index) for few-of-many, many-of-few and all', () => {
  const rng = new Rng(7);
  for (let trial = 0; trial < 500; trial++) {
    const n = 1 + rng.int(300);
    // Quarter steps over a small range: many ties.
    const scores = Array.from({ length: n }, () => rng.int(24) / 4);
    const sorted = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
    for (const k of [1, 3, Math.ceil(n / 2), n, n + 5]) assert.deepEqual(topIndices(scores, k), sorted.slice(0, k), `n ${n} k ${k}`);
    assert.deepEqual(topIndices(scores, null), sorted);
  }
});

test('softmax and sigmoid are their definitions in float64; softmax survives large logits', () => {
  const logits = [1.5, -2, 0.25];
  const total = logits.reduce((s, x) => s + Math.exp(x), 0);
  softmax(logits).forEach((p, i) => assert.ok(Math.abs(p - Math.exp(logits[i]!) / total) < 1e-15));
  sigmoid(logits).forEach((p, i) => assert.ok(Math.abs(p - 1 / (1 + Math.exp(-logits[i]!))) < 1e-15));
  assert.deepEqual(Array.from(softmax([1000, 1000])), [0.5, 0.5]);
});
