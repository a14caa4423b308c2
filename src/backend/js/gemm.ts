import type { FloatArray, GemmParams } from '../backend.js';
import { ValueError } from '../../errors.js';
import { addBiasInPlace, geluForward } from './activations.js';

/**
 * Reference GEMM (see GemmParams): C[b] = alpha · op(A[b]) · op(B[b]) + beta · C[b].
 * Plain loops in an i-p-j order so the inner loop walks C and B rows contiguously when B is not transposed;
 * when B is transposed the inner loop is a dot product over contiguous rows of A and B.
 */
export function gemmReference(c: FloatArray, a: FloatArray, b: FloatArray, p: GemmParams): void {
  const { m, n, k, lda, ldb, ldc, alpha, beta } = p;
  if (p.epilogue !== undefined && (p.batch !== 1 || beta !== 0)) {
    throw new ValueError(`gemm: a bias or activation epilogue needs batch = 1 and beta = 0 (got batch ${p.batch}, beta ${beta})`);
  }
  for (let batch = 0; batch < p.batch; batch++) {
    const aBase = batch * p.strideA;
    const bBase = batch * p.strideB;
    const cBase = batch * p.strideC;
    for (let i = 0; i < m; i++) {
      const cRow = cBase + i * ldc;
      if (beta === 0) {
        for (let j = 0; j < n; j++) c[cRow + j] = 0;
      } else if (beta !== 1) {
        for (let j = 0; j < n; j++) c[cRow + j] = beta * c[cRow + j]!;
      }
      if (!p.transB) {
        for (let q = 0; q < k; q++) {
          const aiq = alpha * (p.transA ? a[aBase + q * lda + i]! : a[aBase + i * lda + q]!);
          if (aiq === 0) continue;
          const bRow = bBase + q * ldb;
          for (let j = 0; j < n; j++) c[cRow + j] = c[cRow + j]! + aiq * b[bRow + j]!;
        }
      } else {
        for (let j = 0; j < n; j++) {
          const bRow = bBase + j * ldb;
          let dot = 0;
          if (p.transA) {
            for (let q = 0; q < k; q++) dot += a[aBase + q * lda + i]! * b[bRow + q]!;
          } else {
            const aRow = aBase + i * lda;
            for (let q = 0; q < k; q++) dot += a[aRow + q]! * b[bRow + q]!;
          }
          c[cRow + j] = c[cRow + j]! + alpha * dot;
        }
      }
    }
  }
  if (p.epilogue !== undefined) applyEpilogue(c, p);
}

function applyEpilogue(c: FloatArray, p: GemmParams): void {
  const { bias, gelu, preActivation } = p.epilogue!;
  for (let i = 0; i < p.m; i++) {
    const row = c.subarray(i * p.ldc, i * p.ldc + p.n);
    if (bias !== undefined) addBiasInPlace(row, bias, 1, p.n);
    preActivation?.set(row, i * p.ldc);
    if (gelu !== undefined) geluForward(row, row, p.n, gelu);
  }
}
