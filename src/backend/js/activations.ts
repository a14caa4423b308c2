import type { FloatArray, GeluApproximation } from '../backend.js';

const SQRT_HALF = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const TANH_GELU_CUBIC = 0.044715;

/**
 * erf to ~1e-15 (float64): Taylor series near 0, continued fraction for erfc in the tails.
 * JavaScript has no Math.erf; exact GELU (BERT's hidden_act "gelu") needs one.
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
    let term = x;
    let total = x;
    const x2 = x * x;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      total += add;
      if (Math.abs(add) < 1e-17 * Math.abs(total)) break;
    }
    return total * 2 / Math.sqrt(Math.PI);
  }
  if (ax > 6) return Math.sign(x);
  // erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), evaluated from the tail (Lentz-free).
  let fraction = 0;
  for (let n = 60; n >= 1; n--) fraction = (n / 2) / (ax + fraction);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + fraction);
  return Math.sign(x) * (1 - erfc);
}

export function geluForward(out: FloatArray, x: FloatArray, n: number, approximate: GeluApproximation): void {
  if (approximate === 'tanh') {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      out[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + TANH_GELU_CUBIC * v * v * v)));
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    out[i] = 0.5 * v * (1 + erf(v * SQRT_HALF));
  }
}

/** dx += gelu'(x)·dy; exact: Φ(x) + x·φ(x). */
export function geluBackward(dx: FloatArray, x: FloatArray, dy: FloatArray, n: number, approximate: GeluApproximation): void {
  if (approximate === 'tanh') {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      const inner = SQRT_2_OVER_PI * (v + TANH_GELU_CUBIC * v * v * v);
      const t = Math.tanh(inner);
      const dInner = SQRT_2_OVER_PI * (1 + 3 * TANH_GELU_CUBIC * v * v);
      const grad = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * dInner;
      dx[i] = dx[i]! + grad * dy[i]!;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    const cdf = 0.5 * (1 + erf(v * SQRT_HALF));
    const pdf = INV_SQRT_2PI * Math.exp(-0.5 * v * v);
    dx[i] = dx[i]! + (cdf + v * pdf) * dy[i]!;
  }
}

export function tanhForward(out: FloatArray, x: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!);
}

export function tanhBackward(dx: FloatArray, y: FloatArray, dy: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    dx[i] = dx[i]! + (1 - v * v) * dy[i]!;
  }
}

export function addBiasInPlace(x: FloatArray, bias: FloatArray, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) x[base + c] = x[base + c]! + bias[c]!;
  }
}

export function sumRowsAccumulate(dBias: FloatArray, dy: FloatArray, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) dBias[c] = dBias[c]! + dy[base + c]!;
  }
}
