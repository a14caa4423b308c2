import type { FloatArray } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { ShapeError, ValueError, shapeString } from '../errors.js';
import { allocate } from '../tensor/arena.js';
import type { Rng } from '../tensor/rng.js';
import { assertSameShape, emptyLike, record, Tensor } from '../tensor/tensor.js';

export interface AttentionOptions {
  heads: number;
  /** Additive mask [batch, keys]: 0 attends, a large negative number hides a padded key; null attends everywhere. */
  mask: Tensor | null;
  /** attention_probs_dropout_prob, applied to the probabilities as BERT does. */
  dropoutProb: number;
  training: boolean;
  rng: Rng;
}

export interface AttentionOutput {
  /** [batch, seq, hidden], heads merged back in their original column blocks. */
  context: Tensor;
  /** [batch, heads, seq, seq], before dropout (what Hugging Face returns as `attentions`). */
  probs: Tensor;
}

/**
 * Multi-head scaled dot-product attention (Vaswani et al. §3.2.2) over q, k, v [batch, seq, hidden]:
 * softmax(q·kᵀ/√headDim + mask)·v per head, heads as strides (backend/attention-gemms.ts). One fused kernel does the
 * forward pass (backend.attentionForward, or attentionTrainForward with dropout on the probabilities) and one the
 * backward (attentionBackward): each head's [seq, seq] blocks stay in cache. Saves the probabilities and the dropout
 * mask, all that backward reads besides q, k and v.
 */
export function attention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions): AttentionOutput {
  const op = 'attention';
  if (q.shape.length !== 3) throw new ShapeError(`${op}: q must be [batch, seq, hidden], got ${shapeString(q.shape)}`);
  assertSameShape(op, q, k);
  assertSameShape(op, q, v);
  const [batch, seq, hidden] = q.shape as [number, number, number];
  const { heads } = options;
  if (!Number.isInteger(heads) || heads <= 0 || hidden % heads !== 0) {
    throw new ShapeError(`${op}: hidden size ${hidden} is not divisible into ${heads} heads`);
  }
  if (options.mask !== null && (options.mask.shape.length !== 2 || options.mask.shape[0] !== batch || options.mask.shape[1] !== seq)) {
    throw new ShapeError(`${op}: mask must be [${batch}, ${seq}], got ${shapeString(options.mask.shape)}`);
  }
  const p = options.dropoutProb;
  if (!(p >= 0 && p < 1)) throw new ValueError(`${op}: dropout probability must be in [0, 1), got ${p}`);
  const headDim = hidden / heads;
  const scale = 1 / Math.sqrt(headDim);
  const backend = getBackend();
  const dtype = q.computeDType(op);
  const qs = q.floats(op);
  const ks = k.floats(op);
  const vs = v.floats(op);
  const maskValues = options.mask?.floats(op) ?? null;

  const probs = emptyLike(dtype, [batch, heads, seq, seq]);
  const ps = probs.floats(op);
  const context = emptyLike(dtype, [batch, seq, hidden]);
  const cs = context.floats(op);
  let dropMask: FloatArray | null = null;
  if (options.training && p > 0) {
    dropMask = allocate(dtype, ps.length, false) as FloatArray;
    const state = options.rng.stateWords();
    backend.attentionTrainForward(cs, ps, dropMask, qs, ks, vs, maskValues, batch, heads, seq, headDim, scale, p, 1 / (1 - p), state);
    options.rng.setStateWords(state);
  } else {
    backend.attentionForward(cs, ps, qs, ks, vs, maskValues, batch, heads, seq, headDim, scale);
  }

  record(context, op, [q, k, v], (out) => {
    const gradOf = (t: Tensor): FloatArray | null => (t.requiresGrad ? t.ensureGrad() : null);
    backend.attentionBackward(gradOf(q), gradOf(k), gradOf(v), out.grad!, ps, dropMask, qs, ks, vs, batch, heads, seq, headDim, scale);
  });
  return { context, probs };
}
