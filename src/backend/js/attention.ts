import { mixGemm, mixPerSequence, probsGradGemm, scoresPerSequence, sequenceBlock, type AttentionSizes } from '../attention-gemms.js';
import type { FloatArray } from '../backend.js';
import { dropoutForward } from './dropout.js';
import { multiplyAccumulate } from './elementwise.js';
import { gemmReference } from './gemm.js';
import { softmaxBackward, softmaxForward } from './softmax.js';

/** A zeroed array of `like`'s type (float32 or float64). */
function zerosLike(like: FloatArray, n: number): FloatArray {
  return like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

/** Attention without dropout (see Backend.attentionForward): scores per sequence, softmax in place, mix. */
export function attentionForward(
  context: FloatArray, probs: FloatArray, q: FloatArray, k: FloatArray, v: FloatArray, mask: FloatArray | null,
  batch: number, heads: number, seq: number, headDim: number, scale: number,
): void {
  const sizes: AttentionSizes = { seq, heads, headDim };
  scoresPerSequence(gemmReference, probs, q, k, batch, sizes);
  softmaxForward(probs, probs, mask, batch, heads, seq, seq, scale);
  mixPerSequence(gemmReference, context, probs, v, batch, sizes);
}

/** Attention within each packed sequence (see Backend.attentionForwardPacked): attentionForward on its rows. */
export function attentionForwardPacked(
  context: FloatArray, probs: FloatArray, q: FloatArray, k: FloatArray, v: FloatArray, offsets: Int32Array,
  count: number, heads: number, headDim: number, scale: number,
): void {
  const hidden = heads * headDim;
  let probsStart = 0;
  for (let i = 0; i < count; i++) {
    const begin = offsets[i]! * hidden, end = offsets[i + 1]! * hidden;
    const seq = offsets[i + 1]! - offsets[i]!;
    const square = heads * seq * seq;
    attentionForward(context.subarray(begin, end), probs.subarray(probsStart, probsStart + square), q.subarray(begin, end),
      k.subarray(begin, end), v.subarray(begin, end), null, 1, heads, seq, headDim, scale);
    probsStart += square;
  }
}

/** Attention with dropout (see Backend.attentionTrainForward): the unfused steps, dropout over all of probs at once. */
export function attentionTrainForward(
  context: FloatArray, probs: FloatArray, dropMask: FloatArray, q: FloatArray, k: FloatArray, v: FloatArray,
  mask: FloatArray | null, batch: number, heads: number, seq: number, headDim: number, scale: number,
  p: number, keepValue: number, state: Int32Array,
): void {
  const sizes: AttentionSizes = { seq, heads, headDim };
  const n = batch * heads * seq * seq;
  scoresPerSequence(gemmReference, probs, q, k, batch, sizes);
  softmaxForward(probs, probs, mask, batch, heads, seq, seq, scale);
  const used = zerosLike(probs, n);
  dropoutForward(used, dropMask, probs, n, p, keepValue, state);
  mixPerSequence(gemmReference, context, used, v, batch, sizes);
}

/** The gradients of attention (see Backend.attentionBackward), a step at a time over the whole batch. */
export function attentionBackward(
  dq: FloatArray | null, dk: FloatArray | null, dv: FloatArray | null, dContext: FloatArray, probs: FloatArray,
  dropMask: FloatArray | null, q: FloatArray, k: FloatArray, v: FloatArray,
  batch: number, heads: number, seq: number, headDim: number, scale: number,
): void {
  const sizes: AttentionSizes = { seq, heads, headDim };
  const n = batch * heads * seq * seq;
  const rowBlock = seq * heads * headDim, scoreBlock = heads * seq * seq;
  const at = sequenceBlock;
  let used = probs;
  if (dropMask !== null && dv !== null) {
    used = zerosLike(probs, n);
    multiplyAccumulate(used, probs, dropMask, n, 0);
  }
  const dUsed = zerosLike(probs, n);
  for (let b = 0; b < batch; b++) {
    const dContextB = at(dContext, b, rowBlock);
    // dUsed = dContext · vᵀ; dv += usedᵀ · dContext
    gemmReference(at(dUsed, b, scoreBlock), dContextB, at(v, b, rowBlock), probsGradGemm(sizes));
    if (dv !== null) gemmReference(at(dv, b, rowBlock), at(used, b, scoreBlock), dContextB, mixGemm(sizes, true, 1));
  }
  if (dropMask !== null) multiplyAccumulate(dUsed, dUsed, dropMask, n, 0);
  const dScores = zerosLike(probs, n);
  softmaxBackward(dScores, probs, dUsed, batch * heads * seq, seq, scale);
  for (let b = 0; b < batch; b++) {
    const dScoresB = at(dScores, b, scoreBlock);
    // dq += dScores · k; dk += dScoresᵀ · q
    if (dq !== null) gemmReference(at(dq, b, rowBlock), dScoresB, at(k, b, rowBlock), mixGemm(sizes, false, 1));
    if (dk !== null) gemmReference(at(dk, b, rowBlock), dScoresB, at(q, b, rowBlock), mixGemm(sizes, true, 1));
  }
}
