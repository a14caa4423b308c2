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

/** A Linear's sizes: x [rows, inFeatures] (leading dimensions flattened) times weight [outFeatures, inFeatures]ᵀ. */
export interface LinearSizes {
  readonly rows: number;
  readonly inFeatures: number;
  readonly outFeatures: number;
}

/** The sizes of x [..., in] through weight [out, in] and bias [out]; a ShapeError naming `op` otherwise. */
export function linearSizes(op: string, x: Tensor, weight: Tensor, bias: Tensor | null): LinearSizes {
  const inFeatures = x.shape[x.shape.length - 1] ?? 0;
  if (weight.shape.length !== 2 || weight.shape[1] !== inFeatures) {
    throw new ShapeError(`${op}: x is ${shapeString(x.shape)} but weight is ${shapeString(weight.shape)} (expected [out, ${inFeatures}])`);
  }
  const outFeatures = weight.shape[0]!;
  if (bias !== null && (bias.shape.length !== 1 || bias.shape[0] !== outFeatures)) {
    throw new ShapeError(`${op}: bias is ${shapeString(bias.shape)}, expected [${outFeatures}]`);
  }
  return { rows: x.size / Math.max(inFeatures, 1), inFeatures, outFeatures };
}

/**
 * A Linear's three products (shared by every Linear op: float32/64 here, bfloat16 operands in bf16-linear.ts):
 * y = x · Wᵀ with the epilogue (bias, GELU, preActivation: each omitted when undefined), dx += dy · W, dW += dyᵀ · x.
 */
export function linearGemms(
  { rows, inFeatures, outFeatures }: LinearSizes, bias: FloatArray | undefined, gelu: GeluApproximation | undefined,
  preActivation: FloatArray | undefined,
): { forward: GemmParams; inputGrad: GemmParams; weightGrad: GemmParams } {
  const common = { alpha: 1, batch: 1, strideA: 0, strideB: 0, strideC: 0 } as const;
  const forward: GemmParams = {
    ...common, transA: false, transB: true, m: rows, n: outFeatures, k: inFeatures, lda: inFeatures, ldb: inFeatures,
    ldc: outFeatures, beta: 0,
  };
  if (bias !== undefined || gelu !== undefined) {
    forward.epilogue = {
      ...(bias === undefined ? {} : { bias }),
      ...(gelu === undefined ? {} : { gelu }),
      ...(preActivation === undefined ? {} : { preActivation }),
    };
  }
  return {
    forward,
    inputGrad: {
      ...common, transA: false, transB: false, m: rows, n: inFeatures, k: outFeatures, lda: outFeatures, ldb: inFeatures,
      ldc: inFeatures, beta: 1,
    },
    weightGrad: {
      ...common, transA: true, transB: false, m: outFeatures, n: inFeatures, k: rows, lda: outFeatures, ldb: inFeatures,
      ldc: inFeatures, beta: 1,
    },
  };
}

function dense(op: string, x: Tensor, weight: Tensor, bias: Tensor | null, gelu: GeluApproximation | undefined): Tensor {
  const sizes = linearSizes(op, x, weight, bias);
  assertSameDType(op, x, weight);
  if (bias !== null) assertSameDType(op, x, bias);
  const backend = getBackend();
  const dtype = x.computeDType(op);
  const xs = x.floats(op);
  const ws = weight.floats(op);
  const y = emptyLike(dtype, [...x.shape.slice(0, -1), sizes.outFeatures]);
  const inputs = bias === null ? [x, weight] : [x, weight, bias];
  const preActivation = gelu !== undefined && willRecord(inputs) ? allocate(dtype, y.size, false) as FloatArray : undefined;
  const gemms = linearGemms(sizes, bias?.floats(op), gelu, preActivation);
  backend.gemm(y.floats(op), xs, ws, gemms.forward);
  return record(y, op, inputs, (out) => {
    let dy = out.grad!;
    if (gelu !== undefined) {
      const dPre = allocate(dtype, y.size, true) as FloatArray;
      backend.geluBackward(dPre, preActivation!, dy, y.size, gelu);
      dy = dPre;
    }
    if (x.requiresGrad) backend.gemm(x.ensureGrad(), dy, ws, gemms.inputGrad);
    if (weight.requiresGrad) backend.gemm(weight.ensureGrad(), dy, xs, gemms.weightGrad);
    if (bias !== null && bias.requiresGrad) backend.sumRowsAccumulate(bias.ensureGrad(), dy, sizes.rows, sizes.outFeatures);
  });
}
