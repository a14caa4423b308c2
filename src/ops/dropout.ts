import { getBackend } from '../backend/select.js';
import { ValueError } from '../errors.js';
import { allocate } from '../tensor/arena.js';
import type { FloatArray } from '../backend/backend.js';
import type { Rng } from '../tensor/rng.js';
import { emptyLike, record, Tensor } from '../tensor/tensor.js';

/**
 * Inverted dropout (Srivastava et al.): each value is kept with probability 1 - p and scaled by 1/(1 - p), so
 * evaluation needs no rescaling. The keep mask comes from the caller's Rng, one draw per value, so a seed fixes
 * the run on every backend. Identity when not training or p = 0.
 */
export function dropout(x: Tensor, p: number, training: boolean, rng: Rng): Tensor {
  const op = 'dropout';
  if (!(p >= 0 && p < 1)) throw new ValueError(`${op}: probability must be in [0, 1), got ${p}`);
  if (!training || p === 0) return x;
  const xs = x.floats(op);
  const mask = allocate(x.dtype, x.size, false) as FloatArray;
  const out = emptyLike(x.computeDType(op), x.shape);
  applyDropout(out.floats(op), mask, xs, p, rng);
  return record(out, op, [x], (o) => getBackend().multiplyAccumulate(x.ensureGrad(), o.grad!, mask, x.size, 1));
}

/** out = x · mask with a fresh inverted-dropout mask drawn from rng by the backend (rng advances as it draws). */
export function applyDropout(out: FloatArray, mask: FloatArray, x: FloatArray, p: number, rng: Rng): void {
  const state = rng.stateWords();
  getBackend().dropoutForward(out, mask, x, x.length, p, 1 / (1 - p), state);
  rng.setStateWords(state);
}
