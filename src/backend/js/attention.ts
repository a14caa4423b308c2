import { mixPerSequence, scoresPerSequence, type AttentionSizes } from '../attention-gemms.js';
import type { FloatArray } from '../backend.js';
import { gemmReference } from './gemm.js';
import { softmaxForward } from './softmax.js';

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
