/**
 * Which metrics a tag set gets: chunk tags (B-/I-/O) by seqeval's entities, other tag sets (part of speech) by word
 * accuracy — seqeval refuses a bare `nn`, which made POS tagging fail at its first evaluation.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { isChunkScheme, tokenClassificationTask, type TokenClassificationFeature } from '../../src/finetune/tasks/token-classification.js';
import type { FeatureContext } from '../../src/finetune/task-definition.js';

/** One sentence of words, each word one token after [CLS], the logits putting all weight on `predicted`. */
function run(tags: string[], gold: string[], predicted: string[]): Record<string, number> {
  const labels = [...tags];
  const wordIds = Int32Array.from([-1, ...gold.map((_, i) => i), -1]);
  const logits = new Float32Array(wordIds.length * labels.length);
  predicted.forEach((tag, w) => (logits[(w + 1) * labels.length + labels.indexOf(tag)] = 5));
  const feature = { sequences: [], length: wordIds.length, wordIds } as unknown as TokenClassificationFeature;
  const context = { scheme: { labels } } as unknown as FeatureContext;
  return tokenClassificationTask.metrics([{ source: 's:1', tokens: gold.map((_, i) => `w${i}`), tags: gold }], [feature], [{ logits }], context);
}

test('part-of-speech tags are scored by word accuracy, and pick the best model by it', () => {
  assert.equal(isChunkScheme(['at', 'nn', 'vb']), false);
  assert.deepEqual(run(['at', 'nn', 'vb'], ['at', 'nn', 'vb', 'nn'], ['at', 'nn', 'nn', 'nn']), { accuracy: 0.75 });
  assert.equal(tokenClassificationTask.bestMetric({ labels: ['at', 'nn'] }).metric, 'accuracy');
});

test('chunk tags are scored by seqeval entities', () => {
  assert.equal(isChunkScheme(['B-PER', 'I-PER', 'O']), true);
  const m = run(['B-PER', 'I-PER', 'O'], ['B-PER', 'I-PER', 'O', 'B-PER'], ['B-PER', 'I-PER', 'O', 'O']);
  assert.equal(m['overall_precision'], 1);
  assert.equal(m['overall_recall'], 0.5);
  assert.equal(m['overall_accuracy'], 0.75);
  assert.equal(tokenClassificationTask.bestMetric({ labels: ['B-PER', 'O'] }).metric, 'overall_f1');
});
