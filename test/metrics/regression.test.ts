import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError } from '../../src/errors.js';
import { averageRanks, meanSquaredError, pearson, regressionMetrics, spearman } from '../../src/metrics/index.js';
import { assertScores, readGoldenCases } from './golden-cases.js';

// Correlations lie in [-1, 1]; summation order (numpy pairwise, BLAS dot) moves them by a few ulps at these sizes.
const TOLERANCE = 1e-12;

interface RegressionCase {
  predictions: number[];
  references: number[];
}

test('pearson, spearmanr and mse match SciPy and scikit-learn (constant input gives NaN, as SciPy)', () => {
  const cases = readGoldenCases<RegressionCase>('regression.json');
  for (const c of cases) assertScores(regressionMetrics(c.predictions, c.references), c.expected, TOLERANCE, c.name);
  assert.ok(cases.some((c) => c.expected['pearson'] === null), 'the goldens hold a constant-input case');
  assert.ok(cases.length >= 50);
});

test('tied values share their average rank (SciPy rankdata method="average")', () => {
  assert.deepEqual([...averageRanks([10, 30, 30, 5, 30])], [2, 4, 4, 1, 4]);
  assert.deepEqual([...averageRanks([1, 3, 3, 7])], [1, 2.5, 2.5, 4]);
});

test('a single example has no correlation (NaN) but a squared error', () => {
  // SciPy's pearsonr raises for one point and spearmanr returns nan; one point is a constant input, so NaN for both.
  const scores = regressionMetrics([2], [3]);
  assert.ok(Number.isNaN(scores.pearson) && Number.isNaN(scores.spearmanr));
  assert.equal(scores.mse, 1);
  assert.ok(Math.abs(pearson([1, 2, 3], [2, 4, 6]) - 1) <= TOLERANCE); // SciPy gives 0.9999999999999998 too
  assert.equal(spearman([1, 2, 3], [3, 2, 1]), -1);
  assert.equal(meanSquaredError([1, 2], [1, 4]), 2);
});

test('regression inputs that cannot be scored are typed one-line errors', () => {
  assert.throws(() => regressionMetrics([1, NaN], [1, 2]), (e: unknown) => e instanceof ValueError && /predictions\[1\] is NaN, not a finite number/.test(e.message));
  assert.throws(() => pearson([1, 2], [1]), (e: unknown) => e instanceof ValueError && /^pearson: predictions has 2 entries/.test(e.message));
  assert.throws(() => spearman([], []), ValueError);
});
