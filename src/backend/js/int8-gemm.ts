import type { GeluApproximation } from '../backend.js';
import { geluForward } from './activations.js';
import { quantizeRowsAsymmetric } from './quantize-rows.js';

/**
 * out [m, n] = (Σ_p a[i, p] · b[j, p] + aOffsets[i] · bSums[j]) · aScales[i] · bScales[j] + bias[j], then GELU (gelu
 * non-null), then + residual [m, n] — a Linear on int8 rows a [m, k] and an int8 weight b [n, k]. aOffsets and bSums
 * (bSums[j] = Σ_p b[j, p]) are an asymmetric row's offsets (quantizeRowsAsymmetric: a row is scale · (a + offset)),
 * both null for symmetric rows. The reference reads b as it is (its packed form, a native kernel's layout, is empty
 * here: int8PackedWeightBytes is 0). The sum is exact integer arithmetic (|a·b| ≤ 128 · 127, so any k below 2³⁹
 * stays exact in a double) — the native kernels' int32 sums, whichever runs: int16 pairs give Σ a·b, and the
 * u8 × s8 kernel of 7-bit weights Σ (a + 128)·b − 128·Σ b, the same integer; k ≤ INT8_MAX_K keeps them in int32.
 * The epilogue rounds to float32 step by step in the native kernel's order: s = aScale · bScale,
 * v = float32(sum) · s, v + bias, GELU, v + residual.
 */
export function int8Gemm(
  out: Float32Array, a: Int8Array, aScales: Float32Array, aOffsets: Int32Array | null, b: Int8Array, _packedB: Int8Array | null,
  bScales: Float32Array, bSums: Int32Array | null, bias: Float32Array | null, residual: Float32Array | null, m: number, n: number,
  k: number, gelu: GeluApproximation | null,
): void {
  checkOffsets(aOffsets, bSums, m, n, k);
  for (let i = 0; i < m; i++) {
    const aRow = i * k;
    const rowScale = aScales[i]!;
    const rowOffset = aOffsets === null ? 0 : aOffsets[i]!;
    const outRow = i * n;
    for (let j = 0; j < n; j++) {
      const bRow = j * k;
      let sum = rowOffset === 0 ? 0 : rowOffset * bSums![j]!;
      for (let p = 0; p < k; p++) sum += a[aRow + p]! * b[bRow + p]!;
      const scale = Math.fround(rowScale * bScales[j]!);
      const v = Math.fround(Math.fround(sum) * scale);
      out[outRow + j] = bias === null ? v : v + bias[j]!;
    }
    const row = out.subarray(outRow, outRow + n);
    if (gelu !== null) geluForward(row, row, n, gelu);
    if (residual !== null) for (let j = 0; j < n; j++) row[j] = row[j]! + residual[outRow + j]!;
  }
}

/** Backend.int8GemmDynamic as its definition: x's rows quantized (quantizeRowsAsymmetric), then int8Gemm. */
export function int8GemmDynamic(
  out: Float32Array, x: Float32Array, b: Int8Array, packedB: Int8Array | null, bScales: Float32Array, bSums: Int32Array,
  bias: Float32Array | null, residual: Float32Array | null, m: number, n: number, k: number, gelu: GeluApproximation | null,
): void {
  const a = new Int8Array(m * k), scales = new Float32Array(m), offsets = new Int32Array(m);
  quantizeRowsAsymmetric(a, scales, offsets, x, m, k);
  int8Gemm(out, a, scales, offsets, b, packedB, bScales, bSums, bias, residual, m, n, k, gelu);
}

/** The JS reference packs nothing: int8Gemm reads b directly. */
export function int8PackedWeightBytes(_n: number, _k: number, weightBits: number): number {
  checkWeightBits(weightBits);
  return 0;
}

/**
 * Nothing to pack on the JS backend (int8PackedWeightBytes is 0); the contract's checks only: weightBits 7 or 8, and
 * for 7 every value of b in [-63, 63] (what the native u8 × s8 kernel needs to stay exact).
 */
export function int8PackWeight(_packed: Int8Array, b: Int8Array, n: number, k: number, weightBits: number): void {
  checkWeightBits(weightBits);
  if (weightBits === 7) {
    for (let i = 0; i < n * k; i++) {
      if (b[i]! < -63 || b[i]! > 63) throw new TypeError('int8PackWeight: b holds a value outside [-63, 63], which weightBits 7 requires: pack it with weightBits 8');
    }
  }
}

function checkWeightBits(weightBits: number): void {
  if (weightBits !== 7 && weightBits !== 8) throw new TypeError(`int8PackWeight: weightBits must be 7 or 8, got ${weightBits}`);
}

/**
 * The largest k an int8 product takes: with asymmetric rows (a in [-128, 127], offset in [-127, 128]) the int32 sum
 * Σ a·b + offset · Σ b stays below 2 · 128 · 127 · k < 2³¹.
 */
const INT8_MAX_K = 65536;

/** aOffsets and bSums come together (asymmetric rows) or not at all, and cover m and n; k within INT8_MAX_K. */
function checkOffsets(aOffsets: Int32Array | null, bSums: Int32Array | null, m: number, n: number, k: number): void {
  if ((aOffsets === null) !== (bSums === null)) throw new TypeError('int8Gemm: aOffsets and bSums go together (asymmetric rows), or are both null');
  if (aOffsets !== null && (aOffsets.length < m || bSums!.length < n)) {
    throw new TypeError(`int8Gemm: aOffsets holds ${aOffsets.length} values for ${m} rows, bSums ${bSums!.length} for ${n} columns`);
  }
  if (k > INT8_MAX_K) throw new TypeError(`int8Gemm: k is ${k}, above ${INT8_MAX_K}, where the int32 sums could overflow`);
}

