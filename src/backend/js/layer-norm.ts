import type { FloatArray } from '../backend.js';

/**
 * x, residual [rows, cols]; gamma, beta [cols]. Writes sum = x (+ residual), out, mean, rstd [rows].
 * BERT's LayerNorm: biased variance, eps inside the square root (eps 1e-12 in bert-base's config).
 */
export function layerNormForward(
  out: FloatArray, sum: FloatArray, mean: FloatArray, rstd: FloatArray,
  x: FloatArray, residual: FloatArray | null, gamma: FloatArray, beta: FloatArray,
  rows: number, cols: number, eps: number,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let total = 0;
    for (let c = 0; c < cols; c++) {
      const value = residual === null ? x[base + c]! : x[base + c]! + residual[base + c]!;
      sum[base + c] = value;
      total += sum[base + c]!;
    }
    const mu = total / cols;
    let squares = 0;
    for (let c = 0; c < cols; c++) {
      const centered = sum[base + c]! - mu;
      squares += centered * centered;
    }
    const inv = 1 / Math.sqrt(squares / cols + eps);
    mean[r] = mu;
    rstd[r] = inv;
    for (let c = 0; c < cols; c++) out[base + c] = (sum[base + c]! - mu) * inv * gamma[c]! + beta[c]!;
  }
}

/**
 * Accumulates dx [rows, cols], dGamma, dBeta [cols] from dy and the saved sum, mean, rstd.
 * With xhat = (sum - mean)·rstd and g = dy·gamma: dx = rstd · (g - mean(g) - xhat · mean(g ⊙ xhat)).
 */
export function layerNormBackward(
  dx: FloatArray, dGamma: FloatArray, dBeta: FloatArray,
  dy: FloatArray, sum: FloatArray, mean: FloatArray, rstd: FloatArray, gamma: FloatArray,
  rows: number, cols: number,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const mu = mean[r]!;
    const inv = rstd[r]!;
    let gMean = 0;
    let gxMean = 0;
    for (let c = 0; c < cols; c++) {
      const xhat = (sum[base + c]! - mu) * inv;
      const g = dy[base + c]! * gamma[c]!;
      gMean += g;
      gxMean += g * xhat;
      dGamma[c] = dGamma[c]! + dy[base + c]! * xhat;
      dBeta[c] = dBeta[c]! + dy[base + c]!;
    }
    gMean /= cols;
    gxMean /= cols;
    for (let c = 0; c < cols; c++) {
      const xhat = (sum[base + c]! - mu) * inv;
      const g = dy[base + c]! * gamma[c]!;
      dx[base + c] = dx[base + c]! + inv * (g - gMean - xhat * gxMean);
    }
  }
}
