import { mixGemm, mixPerSequence, probsGradGemm, scoresPerSequence, sequenceBlock, type AttentionSizes } from '../backend/attention-gemms.js';
import type { FloatArray } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { ShapeError, ValueError, shapeString } from '../errors.js';
import { allocate } from '../tensor/arena.js';
import type { Rng } from '../tensor/rng.js';
import { assertSameShape, emptyLike, record, Tensor } from '../tensor/tensor.js';
import { applyDropout } from './dropout.js';

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
 * softmax(q·kᵀ/√headDim + mask)·v per head, heads as strides (backend/attention-gemms.ts). Without dropout one
 * fused kernel does it (backend.attentionForward: each head's [seq, seq] block stays in cache); with dropout the
 * steps run apart. Saves the probabilities (and the dropout mask).
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
  const sizes: AttentionSizes = { seq, heads, headDim };
  const rowBlock = seq * hidden;
  const scoreBlock = heads * seq * seq;
  const at = sequenceBlock;

  const probs = emptyLike(dtype, [batch, heads, seq, seq]);
  const ps = probs.floats(op);
  const context = emptyLike(dtype, [batch, seq, hidden]);
  const cs = context.floats(op);
  let dropMask: FloatArray | null = null;
  let used = ps;
  if (options.training && p > 0) {
    // Dropout draws one generator stream in element order, so the probabilities are finished first.
    const gemm = backend.gemm.bind(backend);
    scoresPerSequence(gemm, ps, qs, ks, batch, sizes);
    backend.softmaxForward(ps, ps, maskValues, batch, heads, seq, seq, scale);
    dropMask = allocate(dtype, ps.length, false) as FloatArray;
    used = allocate(dtype, ps.length, false) as FloatArray;
    applyDropout(used, dropMask, ps, p, options.rng);
    mixPerSequence(gemm, cs, used, vs, batch, sizes);
  } else {
    backend.attentionForward(cs, ps, qs, ks, vs, maskValues, batch, heads, seq, headDim, scale);
  }

  record(context, op, [q, k, v], (out) => {
    const dCtx = out.grad!;
    const dUsed = allocate(dtype, ps.length, false) as FloatArray;
    for (let b = 0; b < batch; b++) {
      const dCtxB = at(dCtx, b, rowBlock);
      // dUsed = dCtx · vᵀ; dv += usedᵀ · dCtx
      backend.gemm(at(dUsed, b, scoreBlock), dCtxB, at(vs, b, rowBlock), probsGradGemm(sizes));
      if (v.requiresGrad) backend.gemm(at(v.ensureGrad(), b, rowBlock), at(used, b, scoreBlock), dCtxB, mixGemm(sizes, true, 1));
    }
    if (dropMask !== null) backend.multiplyAccumulate(dUsed, dUsed, dropMask, dUsed.length, 0);
    const dScores = allocate(dtype, ps.length, true) as FloatArray;
    backend.softmaxBackward(dScores, ps, dUsed, batch * heads * seq, seq, scale);
    for (let b = 0; b < batch; b++) {
      const dScoresB = at(dScores, b, scoreBlock);
      // dq += dScores · k; dk += dScoresᵀ · q
      if (q.requiresGrad) backend.gemm(at(q.ensureGrad(), b, rowBlock), dScoresB, at(ks, b, rowBlock), mixGemm(sizes, false, 1));
      if (k.requiresGrad) backend.gemm(at(k.ensureGrad(), b, rowBlock), dScoresB, at(qs, b, rowBlock), mixGemm(sizes, true, 1));
    }
  });
  return { context, probs };
}
