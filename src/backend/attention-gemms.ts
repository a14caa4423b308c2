/**
 * The per-head GEMMs of multi-head attention over one sequence, as batched products over the heads. Heads are never
 * copied out: head h of a [seq, hidden] row block is its column block [h·headDim, (h+1)·headDim), so the GEMMs walk
 * it with leading dimension `hidden` and a batch stride of headDim — the split and the merge of heads are strides.
 * Used by the JS attention kernels (js/attention.ts: the reference the native fused kernels are tested against).
 */
import type { Backend, FloatArray, GemmParams } from './backend.js';

export interface AttentionSizes {
  seq: number;
  heads: number;
  headDim: number;
}

function perHead(s: AttentionSizes, m: number, n: number, k: number, lda: number, ldb: number, ldc: number,
  strideA: number, strideB: number, strideC: number, transA: boolean, transB: boolean, beta: number): GemmParams {
  return { transA, transB, m, n, k, lda, ldb, ldc, alpha: 1, beta, batch: s.heads, strideA, strideB, strideC };
}

/** scores [heads, seq, seq] = q · kᵀ per head (A = q rows, B = k rows). */
export function scoresGemm(s: AttentionSizes): GemmParams {
  const hidden = s.heads * s.headDim;
  return perHead(s, s.seq, s.seq, s.headDim, hidden, hidden, s.seq, s.headDim, s.headDim, s.seq * s.seq, false, true, 0);
}

/** context [seq, hidden] (+)= probs · v per head; transA gives probsᵀ · x (the gradient of v). */
export function mixGemm(s: AttentionSizes, transA = false, beta = 0): GemmParams {
  const hidden = s.heads * s.headDim;
  return perHead(s, s.seq, s.headDim, s.seq, s.seq, hidden, hidden, s.seq * s.seq, s.headDim, s.headDim, transA, false, beta);
}

/** dProbs [heads, seq, seq] = dContext · vᵀ per head: the shape of scoresGemm. */
export const probsGradGemm = scoresGemm;

/** Sequence b's block of a [batch, ...] array whose sequences are `block` elements each. */
export function sequenceBlock(array: FloatArray, b: number, block: number): FloatArray {
  return array.subarray(b * block, (b + 1) * block);
}

/** scores [batch, heads, seq, seq] = q · kᵀ per sequence and head. */
export function scoresPerSequence(gemm: Backend['gemm'], scores: FloatArray, q: FloatArray, k: FloatArray, batch: number, s: AttentionSizes): void {
  const rows = s.seq * s.heads * s.headDim, square = s.heads * s.seq * s.seq;
  for (let b = 0; b < batch; b++) gemm(sequenceBlock(scores, b, square), sequenceBlock(q, b, rows), sequenceBlock(k, b, rows), scoresGemm(s));
}

/** context [batch, seq, hidden] = probs · v per sequence and head. */
export function mixPerSequence(gemm: Backend['gemm'], context: FloatArray, probs: FloatArray, v: FloatArray, batch: number, s: AttentionSizes): void {
  const rows = s.seq * s.heads * s.headDim, square = s.heads * s.seq * s.seq;
  for (let b = 0; b < batch; b++) gemm(sequenceBlock(context, b, rows), sequenceBlock(probs, b, square), sequenceBlock(v, b, rows), mixGemm(s));
}
