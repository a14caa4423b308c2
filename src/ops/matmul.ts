import { getBackend } from '../backend/select.js';
import { ShapeError, shapeString } from '../errors.js';
import { assertSameDType, emptyLike, record, Tensor } from '../tensor/tensor.js';

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
}

/**
 * Batched matrix product: a [..., m, k] (or [..., k, m] with transA) times b [..., k, n] (or [..., n, k] with
 * transB). Leading (batch) dimensions must be equal, or b may have none (one matrix shared by every batch).
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const op = 'matmul';
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  if (a.shape.length < 2 || b.shape.length < 2) {
    throw new ShapeError(`${op}: operands need at least 2 dimensions: a is ${shapeString(a.shape)}, b is ${shapeString(b.shape)}`);
  }
  assertSameDType(op, a, b);
  const aRows = a.shape[a.shape.length - 2]!;
  const aCols = a.shape[a.shape.length - 1]!;
  const bRows = b.shape[b.shape.length - 2]!;
  const bCols = b.shape[b.shape.length - 1]!;
  const [m, k] = transA ? [aCols, aRows] : [aRows, aCols];
  const [kb, n] = transB ? [bCols, bRows] : [bRows, bCols];
  if (k !== kb) throw new ShapeError(`${op}: inner sizes differ: a is ${shapeString(a.shape)}, b is ${shapeString(b.shape)}`);
  const batchShape = a.shape.slice(0, -2);
  const bBatchShape = b.shape.slice(0, -2);
  const broadcastB = bBatchShape.length === 0;
  if (!broadcastB && (bBatchShape.length !== batchShape.length || bBatchShape.some((d, i) => d !== batchShape[i]))) {
    throw new ShapeError(`${op}: batch dimensions differ: a is ${shapeString(a.shape)}, b is ${shapeString(b.shape)}`);
  }
  const batch = batchShape.reduce((p, d) => p * d, 1);
  const backend = getBackend();
  const as = a.floats(op);
  const bs = b.floats(op);
  const c = emptyLike(a.computeDType(op), [...batchShape, m, n]);
  const strideB = broadcastB ? 0 : bRows * bCols;
  backend.gemm(c.floats(op), as, bs, {
    transA, transB, m, n, k, lda: aCols, ldb: bCols, ldc: n, alpha: 1, beta: 0,
    batch, strideA: aRows * aCols, strideB, strideC: m * n,
  });
  return record(c, op, [a, b], (out) => {
    const dc = out.grad!;
    if (a.requiresGrad) {
      // dA = dC · op(B)ᵀ, or its transpose when A was used transposed.
      const da = a.ensureGrad();
      if (!transA) {
        backend.gemm(da, dc, bs, { transA: false, transB: !transB, m, n: k, k: n, lda: n, ldb: bCols, ldc: aCols, alpha: 1, beta: 1, batch, strideA: m * n, strideB, strideC: aRows * aCols });
      } else {
        backend.gemm(da, bs, dc, { transA: transB, transB: true, m: k, n: m, k: n, lda: bCols, ldb: n, ldc: aCols, alpha: 1, beta: 1, batch, strideA: strideB, strideB: m * n, strideC: aRows * aCols });
      }
    }
    if (b.requiresGrad) {
      // dB = op(A)ᵀ · dC, or its transpose when B was used transposed; a shared B sums over the batch.
      const db = b.ensureGrad();
      for (let i = 0; i < batch; i++) {
        const aPart = as.subarray(i * aRows * aCols, (i + 1) * aRows * aCols);
        const cPart = dc.subarray(i * m * n, (i + 1) * m * n);
        const bPart = db.subarray(i * strideB, i * strideB + bRows * bCols);
        if (!transB) {
          backend.gemm(bPart, aPart, cPart, { transA: !transA, transB: false, m: k, n, k: m, lda: aCols, ldb: n, ldc: bCols, alpha: 1, beta: 1, batch: 1, strideA: 0, strideB: 0, strideC: 0 });
        } else {
          backend.gemm(bPart, cPart, aPart, { transA: true, transB: transA, m: n, n: k, k: m, lda: n, ldb: aCols, ldc: bCols, alpha: 1, beta: 1, batch: 1, strideA: 0, strideB: 0, strideC: 0 });
        }
      }
    }
  });
}
