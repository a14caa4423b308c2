import type { FloatArray, GeluApproximation, GemmParams } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { ShapeError, shapeString } from '../errors.js';
import { allocate } from '../tensor/arena.js';
import { assertSameDType, emptyLike, record, Tensor, willRecord } from '../tensor/tensor.js';

/**
 * y [..., out] = x [..., in] · weightᵀ + bias, with weight [out, in] as nn.Linear (and Hugging Face) store it.
 * Saves nothing but its inputs: dx = dy · W, dW = dyᵀ · x, dBias = Σ_rows dy.
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  return dense('linear', x, weight, bias, undefined);
}

/**
 * gelu(linear(x, weight, bias)) — BERT's feed-forward up-projection and MLM transform — with the bias and GELU
 * applied by the GEMM to each tile of y while it is in cache, instead of two more passes over [rows, out].
 * Saves the pre-activation for GELU's backward (only when a graph is recorded).
 */
export function linearGelu(x: Tensor, weight: Tensor, bias: Tensor | null, approximate: GeluApproximation = 'none'): Tensor {
  return dense('linearGelu', x, weight, bias, approximate);
}

function dense(op: string, x: Tensor, weight: Tensor, bias: Tensor | null, gelu: GeluApproximation | undefined): Tensor {
  const inFeatures = x.shape[x.shape.length - 1] ?? 0;
  if (weight.shape.length !== 2 || weight.shape[1] !== inFeatures) {
    throw new ShapeError(`${op}: x is ${shapeString(x.shape)} but weight is ${shapeString(weight.shape)} (expected [out, ${inFeatures}])`);
  }
  const outFeatures = weight.shape[0]!;
  if (bias !== null && (bias.shape.length !== 1 || bias.shape[0] !== outFeatures)) {
    throw new ShapeError(`${op}: bias is ${shapeString(bias.shape)}, expected [${outFeatures}]`);
  }
  assertSameDType(op, x, weight);
  if (bias !== null) assertSameDType(op, x, bias);
  const rows = x.size / Math.max(inFeatures, 1);
  const backend = getBackend();
  const dtype = x.computeDType(op);
  const xs = x.floats(op);
  const ws = weight.floats(op);
  const y = emptyLike(dtype, [...x.shape.slice(0, -1), outFeatures]);
  const inputs = bias === null ? [x, weight] : [x, weight, bias];
  const preActivation = gelu !== undefined && willRecord(inputs) ? allocate(dtype, y.size, false) as FloatArray : undefined;
  const params: GemmParams = {
    transA: false, transB: true, m: rows, n: outFeatures, k: inFeatures,
    lda: inFeatures, ldb: inFeatures, ldc: outFeatures, alpha: 1, beta: 0, batch: 1, strideA: 0, strideB: 0, strideC: 0,
  };
  if (bias !== null || gelu !== undefined) {
    params.epilogue = {
      ...(bias === null ? {} : { bias: bias.floats(op) }),
      ...(gelu === undefined ? {} : { gelu }),
      ...(preActivation === undefined ? {} : { preActivation }),
    };
  }
  backend.gemm(y.floats(op), xs, ws, params);
  return record(y, op, inputs, (out) => {
    let dy = out.grad!;
    if (gelu !== undefined) {
      const dPre = allocate(dtype, y.size, true) as FloatArray;
      backend.geluBackward(dPre, preActivation!, dy, y.size, gelu);
      dy = dPre;
    }
    if (x.requiresGrad) {
      backend.gemm(x.ensureGrad(), dy, ws, {
        transA: false, transB: false, m: rows, n: inFeatures, k: outFeatures,
        lda: outFeatures, ldb: inFeatures, ldc: inFeatures, alpha: 1, beta: 1, batch: 1, strideA: 0, strideB: 0, strideC: 0,
      });
    }
    if (weight.requiresGrad) {
      backend.gemm(weight.ensureGrad(), dy, xs, {
        transA: true, transB: false, m: outFeatures, n: inFeatures, k: rows,
        lda: outFeatures, ldb: inFeatures, ldc: inFeatures, alpha: 1, beta: 1, batch: 1, strideA: 0, strideB: 0, strideC: 0,
      });
    }
    if (bias !== null && bias.requiresGrad) backend.sumRowsAccumulate(bias.ensureGrad(), dy, rows, outFeatures);
  });
}
