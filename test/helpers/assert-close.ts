import assert from 'node:assert/strict';

export type Numbers = ArrayLike<number>;

/** Largest |a - b| / (|b| + floor) over all elements; lengths must match. */
export function maxRelativeError(actual: Numbers, expected: Numbers, floor = 1e-6): number {
  assert.equal(actual.length, expected.length, `lengths differ: ${actual.length} vs ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    if (Number.isNaN(a) || Number.isNaN(b)) return Infinity;
    worst = Math.max(worst, Math.abs(a - b) / (Math.abs(b) + floor));
  }
  return worst;
}

/** ‖a - b‖ / max(‖b‖, floor): the right measure for gradients and long dot products. */
export function normRelativeError(actual: Numbers, expected: Numbers, floor = 1e-8): number {
  assert.equal(actual.length, expected.length, `lengths differ: ${actual.length} vs ${expected.length}`);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < actual.length; i++) {
    diff += (actual[i]! - expected[i]!) ** 2;
    norm += expected[i]! ** 2;
  }
  if (Number.isNaN(diff)) return Infinity;
  return Math.sqrt(diff) / Math.max(Math.sqrt(norm), floor);
}

export function l2Norm(values: Numbers): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]! ** 2;
  return Math.sqrt(total);
}

export function maxAbsoluteError(actual: Numbers, expected: Numbers): number {
  assert.equal(actual.length, expected.length, `lengths differ: ${actual.length} vs ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (Number.isNaN(d)) return Infinity;
    worst = Math.max(worst, d);
  }
  return worst;
}

export function assertAllClose(actual: Numbers, expected: Numbers, tolerance: number, what: string, floor = 1e-6): void {
  const error = maxRelativeError(actual, expected, floor);
  assert.ok(error <= tolerance, `${what}: max relative error ${error.toExponential(2)} > ${tolerance}`);
}

export function assertNormClose(actual: Numbers, expected: Numbers, tolerance: number, what: string, floor = 1e-8): void {
  const error = normRelativeError(actual, expected, floor);
  assert.ok(error <= tolerance, `${what}: norm-relative error ${error.toExponential(2)} > ${tolerance}`);
}
