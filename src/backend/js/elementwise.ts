import { ValueError } from '../../errors.js';
import type { FloatArray } from '../backend.js';

/** y = alpha·x + beta·y; beta = 0 overwrites without reading y. */
export function axpby(y: FloatArray, x: FloatArray, n: number, alpha: number, beta: number): void {
  if (beta === 0) for (let i = 0; i < n; i++) y[i] = alpha * x[i]!;
  else for (let i = 0; i < n; i++) y[i] = alpha * x[i]! + beta * y[i]!;
}

/** out = a ⊙ b + beta·out; beta = 0 overwrites without reading out. */
export function multiplyAccumulate(out: FloatArray, a: FloatArray, b: FloatArray, n: number, beta: number): void {
  if (beta === 0) for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
  else for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]! + beta * out[i]!;
}

/** Σ x², in float64. */
export function sumOfSquares(x: FloatArray, n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += x[i]! * x[i]!;
  return total;
}

/**
 * sumOfSquares over rows [count] (ascending) of x [n / cols, cols] only; x is zero elsewhere, whose squares add exactly
 * nothing, so visiting the rows in the dense loop's order gives its number.
 */
export function sumOfSquaresRows(x: FloatArray, rows: Int32Array, count: number, cols: number, n: number): number {
  let total = 0;
  for (let r = 0; r < count; r++) {
    const row = rows[r]!;
    if ((r > 0 && row <= rows[r - 1]!) || row < 0 || (row + 1) * cols > n) {
      throw new ValueError(`sumOfSquaresRows: rows[${r}] = ${row} is not ascending or not a row of x (${Math.floor(n / Math.max(cols, 1))} rows)`);
    }
    for (let i = row * cols; i < (row + 1) * cols; i++) total += x[i]! * x[i]!;
  }
  return total;
}

/** First index of each row's maximum; strict > keeps the first of ties and never picks a NaN over a number. */
export function argmaxRows(out: Int32Array, x: FloatArray, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let best = 0;
    for (let c = 1; c < cols; c++) if (x[base + c]! > x[base + best]!) best = c;
    out[r] = best;
  }
}
