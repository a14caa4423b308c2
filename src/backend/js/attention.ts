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
