import { mixGemm, scoresGemm, type AttentionSizes } from '../attention-gemms.js';
import type { FloatArray } from '../backend.js';
import { gemmReference } from './gemm.js';
import { softmaxForward } from './softmax.js';

/** Attention without dropout (see Backend.attentionForward), per sequence: scores, softmax in place, mix. */
export function attentionForward(
  context: FloatArray, probs: FloatArray, q: FloatArray, k: FloatArray, v: FloatArray, mask: FloatArray | null,
  batch: number, heads: number, seq: number, headDim: number, scale: number,
): void {
  const sizes: AttentionSizes = { seq, heads, headDim };
  const rows = seq * heads * headDim;
  const square = heads * seq * seq;
  const at = (array: FloatArray, b: number, block: number): FloatArray => array.subarray(b * block, (b + 1) * block);
  for (let b = 0; b < batch; b++) gemmReference(at(probs, b, square), at(q, b, rows), at(k, b, rows), scoresGemm(sizes));
  softmaxForward(probs, probs, mask, batch, heads, seq, seq, scale);
  for (let b = 0; b < batch; b++) gemmReference(at(context, b, rows), at(probs, b, square), at(v, b, rows), mixGemm(sizes));
}
