import { getBackend } from '../backend/select.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Scales all gradients together so their global L2 norm is at most maxNorm (torch.nn.utils.clip_grad_norm_,
 * as BERT's optimizer does with 1.0). Returns the norm before clipping (NaN/Infinity if a gradient is bad,
 * which the trainer checks). Accumulates in float64 so a 110M-parameter sum keeps its precision.
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number): number {
  const backend = getBackend();
  let squares = 0;
  for (const param of params) if (param.grad !== null) squares += backend.sumOfSquares(param.grad, param.grad.length);
  const norm = Math.sqrt(squares);
  // torch adds 1e-6 to the norm in the coefficient and only ever scales down.
  const coefficient = maxNorm / (norm + 1e-6);
  if (coefficient < 1) {
    for (const param of params) if (param.grad !== null) backend.axpby(param.grad, param.grad, param.grad.length, coefficient, 0);
  }
  return norm;
}
