import type { Tensor } from '../tensor/tensor.js';

/**
 * Scales all gradients together so their global L2 norm is at most maxNorm (torch.nn.utils.clip_grad_norm_,
 * as BERT's optimizer does with 1.0). Returns the norm before clipping (NaN/Infinity if a gradient is bad,
 * which the trainer checks). Accumulates in float64 so a 110M-parameter sum keeps its precision.
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number): number {
  let squares = 0;
  for (const param of params) {
    const grad = param.grad;
    if (grad === null) continue;
    for (let i = 0; i < grad.length; i++) squares += grad[i]! * grad[i]!;
  }
  const norm = Math.sqrt(squares);
  // torch adds 1e-6 to the norm in the coefficient and only ever scales down.
  const coefficient = maxNorm / (norm + 1e-6);
  if (coefficient < 1) {
    for (const param of params) {
      const grad = param.grad;
      if (grad === null) continue;
      for (let i = 0; i < grad.length; i++) grad[i] = grad[i]! * coefficient;
    }
  }
  return norm;
}
