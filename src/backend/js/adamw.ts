import type { FloatArray } from '../backend.js';

/**
 * One AdamW step in place, in the order torch.optim.AdamW applies it (Loshchilov & Hutter: decay decoupled from
 * the adaptive update, applied to the weights before the moment update), with bias correction. A gradScale ≠ 1
 * (global-norm clipping's coefficient) scales grad in place first, stored and read back exactly as axpby would.
 */
export function adamwStep(
  param: FloatArray, m: FloatArray, v: FloatArray, grad: FloatArray, n: number,
  lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number, gradScale: number,
): void {
  if (gradScale !== 1) for (let i = 0; i < n; i++) grad[i] = gradScale * grad[i]!;
  const decay = 1 - lr * weightDecay;
  const correction1 = 1 - beta1 ** step;
  const correction2Sqrt = Math.sqrt(1 - beta2 ** step);
  const stepSize = lr / correction1;
  for (let i = 0; i < n; i++) {
    const g = grad[i]!;
    const mi = beta1 * m[i]! + (1 - beta1) * g;
    const vi = beta2 * v[i]! + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] = param[i]! * decay - stepSize * mi / (Math.sqrt(vi) / correction2Sqrt + eps);
  }
}
