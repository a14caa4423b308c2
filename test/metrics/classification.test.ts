import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError } from '../../src/errors.js';
import { accuracy, classificationMetrics, multiLabelMetrics, multipleChoiceMetrics } from '../../src/metrics/index.js';
import { assertScores, readGoldenCases } from './golden-cases.js';

// The same doubles as scikit-learn: counts are integers, every ratio and F1 is evaluated in scikit-learn 1.2's order,
// and numpy sums fewer than 8 per-class values (the goldens have at most 6 labels) in index order as we do.
const EXACT = 0;

interface LabelCase {
  num_labels: number;
  predictions: number[];
  references: number[];
}

interface IndicatorCase {
  num_labels: number;
  predictions: number[][];
  references: number[][];
}

test('classification scores match scikit-learn (accuracy, macro F1, Matthews, positive-class F1)', () => {
  const cases = readGoldenCases<LabelCase>('classification.json');
  for (const c of cases) {
    assertScores(classificationMetrics(c.predictions, c.references, c.num_labels), c.expected, EXACT, c.name);
  }
  // The hand-checked cases each catch one mistake: MCC not 0 for one class, macro over all ids or reference ids only.
  assert.ok(cases.some((c) => c.name === 'degenerate confusion matrix: one class only'));
  assert.ok(cases.some((c) => c.name === 'label ids absent from both'));
  assert.ok(cases.length >= 50);
});

test('multi-label scores match scikit-learn on indicator arrays (subset accuracy, micro and macro F1)', () => {
  const cases = readGoldenCases<IndicatorCase>('multi-label.json');
  for (const c of cases) assertScores(multiLabelMetrics(c.predictions, c.references, c.num_labels), c.expected, EXACT, c.name);
  assert.ok(cases.length >= 50);
});

test('multiple choice reports accuracy of the chosen option', () => {
  assert.deepEqual(multipleChoiceMetrics([0, 2, 1, 3], [0, 1, 1, 3]), { accuracy: 0.75 });
});

test('classification inputs that cannot be scored are typed one-line errors naming the argument', () => {
  assert.throws(() => classificationMetrics([0, 1], [0], 2), (e: unknown) => e instanceof ValueError && /predictions has 2 entries, references has 1/.test(e.message));
  assert.throws(() => classificationMetrics([], [], 2), (e: unknown) => e instanceof ValueError && /no predictions/.test(e.message));
  assert.throws(() => classificationMetrics([0, 2], [0, 1], 2), (e: unknown) => e instanceof ValueError && /predictions\[1\] is 2, not a label id in \[0, 2\)/.test(e.message));
  assert.throws(() => classificationMetrics([0, 1], [0, 0.5], 2), (e: unknown) => e instanceof ValueError && /references\[1\] is 0.5/.test(e.message));
  assert.throws(() => classificationMetrics([0], [0], 0), (e: unknown) => e instanceof ValueError && /numLabels/.test(e.message));
  assert.throws(() => accuracy([1], [1, 2]), ValueError);
  assert.throws(() => multiLabelMetrics([[1, 0]], [[1, 0, 0]], 2), (e: unknown) => e instanceof ValueError && /references\[0\] has 3 entries, expected 2/.test(e.message));
  assert.throws(() => multiLabelMetrics([[1, 2]], [[1, 0]], 2), (e: unknown) => e instanceof ValueError && /predictions\[0\]\[1\] is 2, not 0 or 1/.test(e.message));
});
