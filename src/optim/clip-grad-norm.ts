import { getBackend } from '../backend/select.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * The global L2 norm of all gradients (NaN/Infinity if a gradient is bad). Accumulates in float64 so a
 * 110M-parameter sum keeps its precision. A gradient written by rows only (the word embeddings': a batch touches a
 * few hundred of 30,522) is summed over those rows, the same number as over all of it.
 */
export function globalGradNorm(params: readonly Tensor[]): number {
  const backend = getBackend();
  let squares = 0;
  for (const param of params) {
    const grad = param.grad;
    if (grad === null) continue;
    const rows = param.gradRowsWritten();
    if (rows === null) squares += backend.sumOfSquares(grad, grad.length);
    else if (rows.length > 0) squares += backend.sumOfSquaresRows(grad, rows, rows.length, grad.length / param.shape[0]!, grad.length);
  }
  return Math.sqrt(squares);
}

/**
 * The factor torch.nn.utils.clip_grad_norm_ scales gradients by so their global norm is at most maxNorm: torch adds
 * 1e-6 to the norm and only ever scales down (1: leave them).
 */
export function clipCoefficient(norm: number, maxNorm: number): number {
  const coefficient = maxNorm / (norm + 1e-6);
  return coefficient < 1 ? coefficient : 1;
}

/**
 * Scales all gradients together so their global L2 norm is at most maxNorm (torch.nn.utils.clip_grad_norm_,
 * as BERT's optimizer does with 1.0). Returns the norm before clipping (NaN/Infinity if a gradient is bad,
 * which the trainer checks). The trainer folds the scaling into AdamW's pass instead (AdamW.stepOnce(gradScale)).
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number): number {
  const backend = getBackend();
  const norm = globalGradNorm(params);
  const coefficient = clipCoefficient(norm, maxNorm);
  if (coefficient < 1) {
    for (const param of params) if (param.grad !== null) backend.axpby(param.grad, param.grad, param.grad.length, coefficient, 0);
  }
  return norm;
}
