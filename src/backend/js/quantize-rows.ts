/**
 * Symmetric int8 quantization of rows: what a quantized Linear does to its activations at run time and, once, to
 * its weight (one row per output channel). Rounding is pinned down so the native kernel (native/isa/int8-gemm.h)
 * gives the same bytes: every step is a float32 operation (Math.fround), and the rounding to an integer is the
 * float32 "magic number" trick, which rounds half to even as cvtps2dq and onnxruntime's DynamicQuantizeLinear do.
 */

/** 1.5 · 2²³: t + ROUND_MAGIC lies in [2²³, 2²⁴) for |t| ≤ 2²², where float32 steps are 1, so the sum rounds t. */
const ROUND_MAGIC = 12582912;
/** The largest finite float32: |x| above it (or NaN, for which the comparison fails) marks a non-finite row. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * x [rows, cols] float32 → q [rows, cols] int8 and scales [rows]: scale = max|x| / maxLevel,
 * q = round(x · (maxLevel / max|x|)) half to even, in [-maxLevel, maxLevel] (127, or 63 for 7-bit weights; never
 * -128, so negating a value cannot overflow). A zero row gets scale 0 and zeros; a row holding NaN or ±Infinity gets
 * scale NaN and zeros, so everything computed from it is NaN, as in float32.
 */
export function quantizeRows(q: Int8Array, scales: Float32Array, x: Float32Array, rows: number, cols: number, maxLevel: number): void {
  if (!Number.isInteger(maxLevel) || maxLevel < 1 || maxLevel > 127) throw new TypeError(`quantizeRows: maxLevel must be in [1, 127], got ${maxLevel}`);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let amax = 0;
    let finite = true;
    for (let c = 0; c < cols; c++) {
      const a = Math.abs(x[base + c]!);
      if (!(a <= FLOAT32_MAX)) finite = false;
      else if (a > amax) amax = a;
    }
    if (!finite) {
      scales[r] = NaN;
      q.fill(0, base, base + cols);
      continue;
    }
    scales[r] = Math.fround(amax / maxLevel);
    const inverse = amax === 0 ? 0 : Math.fround(maxLevel / amax);
    for (let c = 0; c < cols; c++) {
      const t = Math.fround(x[base + c]! * inverse);
      const rounded = Math.fround(t + ROUND_MAGIC) - ROUND_MAGIC;
      q[base + c] = rounded > maxLevel ? maxLevel : rounded < -maxLevel ? -maxLevel : rounded;
    }
  }
}
