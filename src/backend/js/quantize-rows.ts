/**
 * int8 quantization of rows: symmetric (quantizeRows) for a quantized Linear's weight, once, one row per output
 * channel; asymmetric (quantizeRowsAsymmetric) for its activations at run time. Rounding is pinned down so the
 * native kernel (native/isa/int8-gemm.h) gives the same bytes: every step is a float32 operation (Math.fround), and the rounding to an integer is the
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

/** The levels of an asymmetric row: unsigned bytes u in [0, 255], stored as u − 128. */
const ASYMMETRIC_LEVELS = 255;

/**
 * x [rows, cols] float32 → q [rows, cols] int8, scales [rows] and offsets [rows] (int32): each row asymmetric over
 * its own range [lo, hi] = [min(0, min x), max(0, max x)], as onnxruntime's DynamicQuantizeLinear does per tensor
 * (u8: scale = (hi − lo) / 255, zero point z = round(−lo / scale)), here per row: u = round(x / scale) + z clamped
 * to [0, 255], stored as q = u − 128, with offset = 128 − z, so x ≈ scale · (q + offset) and 0 is exact.
 * A row all of one sign gets all 256 levels, where the symmetric scheme leaves half unused (a GELU output, the
 * feed-forward down-projection's input, is ≥ −0.17: docs/quantization.md). Rounding as quantizeRows (float32 steps,
 * half to even). A zero row: scale 0, offset 0, zeros; NaN or ±Infinity: scale NaN, offset 0, zeros; a row whose
 * range overflows float32 (|values| near 3.4e38 of both signs) is quantized symmetric (quantizeRows, 127), offset 0.
 */
export function quantizeRowsAsymmetric(q: Int8Array, scales: Float32Array, offsets: Int32Array, x: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let lo = 0;
    let hi = 0;
    let finite = true;
    for (let c = 0; c < cols; c++) {
      const v = x[base + c]!;
      if (!(Math.abs(v) <= FLOAT32_MAX)) finite = false;
      else if (v < lo) lo = v;
      else if (v > hi) hi = v;
    }
    offsets[r] = 0;
    if (!finite) {
      scales[r] = NaN;
      q.fill(0, base, base + cols);
      continue;
    }
    const range = Math.fround(hi - lo);
    if (range > FLOAT32_MAX) {
      quantizeRows(q.subarray(base, base + cols), scales.subarray(r, r + 1), x.subarray(base, base + cols), 1, cols, 127);
      continue;
    }
    if (range === 0) {
      scales[r] = 0;
      q.fill(0, base, base + cols);
      continue;
    }
    scales[r] = Math.fround(range / ASYMMETRIC_LEVELS);
    const inverse = Math.fround(ASYMMETRIC_LEVELS / range);
    const zero = Math.min(ASYMMETRIC_LEVELS, Math.max(0, Math.fround(Math.fround(-lo * inverse) + ROUND_MAGIC) - ROUND_MAGIC));
    offsets[r] = 128 - zero;
    for (let c = 0; c < cols; c++) {
      const t = Math.fround(x[base + c]! * inverse);
      const u = Math.fround(t + ROUND_MAGIC) - ROUND_MAGIC + zero;
      q[base + c] = (u > ASYMMETRIC_LEVELS ? ASYMMETRIC_LEVELS : u < 0 ? 0 : u) - 128;
    }
  }
}
