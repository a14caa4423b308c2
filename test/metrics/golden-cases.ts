import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixturePath } from '../helpers/fixtures.js';

/**
 * The metric goldens of reference/make_metric_goldens.py: JSON lists of cases, each with its inputs and the scores
 * scikit-learn, SciPy or the reference scripts gave (NaN written as null).
 */
export type GoldenCase<Inputs> = Inputs & { name: string; expected: Record<string, unknown> };

export function readGoldenCases<Inputs>(file: string): GoldenCase<Inputs>[] {
  const cases: unknown = JSON.parse(readFileSync(fixturePath('reference', 'metrics', file), 'utf8'));
  assert.ok(Array.isArray(cases) && cases.length > 0, `${file}: no cases`);
  return cases as GoldenCase<Inputs>[];
}

/**
 * Asserts every expected key (nested objects key by key) against the actual scores: numbers within `tolerance`
 * (0 = the same double), null as NaN, and no key in `actual` that the golden lacks.
 */
export function assertScores(actual: unknown, expected: unknown, tolerance: number, what: string): void {
  if (expected === null) {
    assert.ok(typeof actual === 'number' && Number.isNaN(actual), `${what}: expected NaN (null), got ${String(actual)}`);
    return;
  }
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', `${what}: expected a number, got ${typeof actual}`);
    const error = Math.abs((actual as number) - expected);
    assert.ok(error <= tolerance, `${what}: ${String(actual)} vs ${expected} (|Δ| ${error.toExponential(2)} > ${tolerance})`);
    return;
  }
  assert.ok(typeof expected === 'object' && typeof actual === 'object' && actual !== null, `${what}: expected an object`);
  const actualRecord = actual as Record<string, unknown>;
  const expectedRecord = expected as Record<string, unknown>;
  assert.deepEqual(Object.keys(actualRecord).sort(), Object.keys(expectedRecord).sort(), `${what}: keys differ`);
  for (const key of Object.keys(expectedRecord)) assertScores(actualRecord[key], expectedRecord[key], tolerance, `${what}.${key}`);
}
