import type { GeluApproximation } from '../backend.js';
import { geluForward } from './activations.js';

/**
 * out [m, n] = (Σ_p a[i, p] · b[j, p]) · aScales[i] · bScales[j] + bias[j], then GELU (gelu non-null), then
 * + residual [m, n] — a Linear on int8 rows a [m, k] and an int8 weight b [n, k]. The reference reads b as it is
 * (its packed form, a native kernel's layout, is empty here: int8PackedWeightBytes is 0). The sum is exact integer
 * arithmetic (|a·b| ≤ 127², so any k below 2³⁹ stays exact in a double) — the native kernels' sums, whichever
 * runs: int16 pairs give Σ a·b, and the u8 × s8 kernel of 7-bit weights Σ (a + 128)·b − 128·Σ b, the same integer.
 * The epilogue rounds to float32 step by step in the native kernel's order: s = aScale · bScale,
 * v = float32(sum) · s, v + bias, GELU, v + residual.
 */
export function int8Gemm(
  out: Float32Array, a: Int8Array, aScales: Float32Array, b: Int8Array, _packedB: Int8Array | null, bScales: Float32Array,
  bias: Float32Array | null, residual: Float32Array | null, m: number, n: number, k: number, gelu: GeluApproximation | null,
): void {
  for (let i = 0; i < m; i++) {
    const aRow = i * k;
    const rowScale = aScales[i]!;
    const outRow = i * n;
    for (let j = 0; j < n; j++) {
      const bRow = j * k;
      let sum = 0;
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
