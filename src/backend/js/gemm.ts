import type { FloatArray, GemmParams } from '../backend.js';

/**
 * Reference GEMM (see GemmParams): C[b] = alpha · op(A[b]) · op(B[b]) + beta · C[b].
 * Plain loops in an i-p-j order so the inner loop walks C and B rows contiguously when B is not transposed;
 * when B is transposed the inner loop is a dot product over contiguous rows of A and B.
 */
export function gemmReference(c: FloatArray, a: FloatArray, b: FloatArray, p: GemmParams): void {
  const { m, n, k, lda, ldb, ldc, alpha, beta } = p;
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
}
