/**
 * The bfloat16 kernels' reference (docs/quantization.md, "bfloat16"): rounding float32 to bfloat16 bits, and the
 * GEMM on bfloat16 operands as the float32 reference GEMM on their exact float32 values.
 */
import type { GemmParams } from '../backend.js';
import { bfloat16BitsToFloat32, float32ToBFloat16Into } from '../../io/tensor-conversions.js';
import { sumRowsAccumulate } from './activations.js';
import { gemmReference } from './gemm.js';

/** out [n] = x [n] as bfloat16 bits, rounded to nearest even; NaN stays a quiet NaN. */
export function bf16Round(out: Uint16Array, x: Float32Array, n: number): void {
  float32ToBFloat16Into(out, x, n);
}

/** bf16Round and sumRowsAccumulate of dy [rows, cols] (the native kernel fuses them into one pass). */
export function bf16RoundSumRows(out: Uint16Array, dBias: Float32Array, dy: Float32Array, rows: number, cols: number): void {
  float32ToBFloat16Into(out, dy, rows * cols);
  sumRowsAccumulate(dBias, dy, rows, cols);
}

/** C = alpha · op(A) · op(B) + beta · C with A, B bfloat16 bits, widened (exactly) to float32 first. */
export function bf16Gemm(c: Float32Array, a: Uint16Array, b: Uint16Array, p: GemmParams): void {
  gemmReference(c, bfloat16BitsToFloat32(a), bfloat16BitsToFloat32(b), p);
}
