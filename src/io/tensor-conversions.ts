/**
 * Tensor element conversions for checkpoints: half floats (F16, BF16) and F64 widened to float32, integer ids
 * narrowed to int32 with range checks, and float32 rounded to F16 / BF16 bits (round to nearest even, as torch).
 */
import { CheckpointError } from '../errors.js';
import type { SafetensorsTensor } from './safetensors-format.js';

let f16Table: Float32Array | undefined;

/** All 65536 half-precision values, built once on first use (256 KB) so converting a checkpoint is a table lookup. */
function halfTable(): Float32Array {
  if (f16Table !== undefined) return f16Table;
  const table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const mantissa = bits & 0x3ff;
    let value: number;
    if (exponent === 0) value = mantissa * 2 ** -24; // zero and subnormals
    else if (exponent === 31) value = mantissa === 0 ? Infinity : NaN;
    else value = (1 + mantissa / 1024) * 2 ** (exponent - 15);
    table[bits] = sign * value;
  }
  f16Table = table;
  return table;
}

/**
 * The tensor's values as float32. F32 data is returned as is (a view on the file bytes when it was aligned, so no
 * copy); F16, BF16 and F64 are converted into a new array. `what` names the tensor in errors.
 */
export function toFloat32(tensor: SafetensorsTensor, what = 'tensor'): Float32Array {
  switch (tensor.dtype) {
    case 'F32':
      return tensor.data;
    case 'F64':
      return Float32Array.from(tensor.data);
    case 'F16': {
      const table = halfTable();
      const src = tensor.data;
      const out = new Float32Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = table[src[i] as number] as number;
      return out;
    }
    case 'BF16':
      return bfloat16BitsToFloat32(tensor.data);
    default:
      throw new CheckpointError(`${what}: dtype ${tensor.dtype} is not a floating-point type`);
  }
}

/**
 * The tensor's values as int32 (token ids, labels, masks). I32 is returned as is; other integer types and BOOL are
 * converted, and any value outside int32's range is a CheckpointError rather than a silent wrap.
 */
export function toInt32(tensor: SafetensorsTensor, what = 'tensor'): Int32Array {
  switch (tensor.dtype) {
    case 'I32':
      return tensor.data;
    case 'I64':
    case 'U64': {
      const src = tensor.data;
      const out = new Int32Array(src.length);
      for (let i = 0; i < src.length; i++) {
        const value = src[i] as bigint;
        if (value < -2147483648n || value > 2147483647n) {
          throw new CheckpointError(`${what}: ${tensor.dtype} value ${value} at index ${i} does not fit in int32`);
        }
        out[i] = Number(value);
      }
      return out;
    }
    case 'U32': {
      const src = tensor.data;
      for (let i = 0; i < src.length; i++) {
        if ((src[i] as number) > 2147483647) {
          throw new CheckpointError(`${what}: U32 value ${src[i]} at index ${i} does not fit in int32`);
        }
      }
      return new Int32Array(src);
    }
    case 'I16':
    case 'I8':
    case 'U16':
    case 'U8':
    case 'BOOL':
      return Int32Array.from(tensor.data);
    default:
      throw new CheckpointError(`${what}: dtype ${tensor.dtype} is not an integer type`);
  }
}

/** float32 → IEEE half bits, rounding to nearest even (as torch's `.half()`); overflow gives ±Inf, NaN stays NaN. */
export function float32ToFloat16Bits(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = bits[i] as number;
    const sign = (x >>> 16) & 0x8000;
    const exponent = (x >>> 23) & 0xff;
    const mantissa = x & 0x7fffff;
    let h: number;
    if (exponent === 0xff) {
      h = mantissa === 0 ? 0x7c00 : 0x7e00; // Inf, quiet NaN
    } else {
      const e = exponent - 127 + 15;
      if (e >= 31) {
        h = 0x7c00;
      } else if (e <= 0) {
        // Subnormal half (or zero): shift the mantissa, with its implicit 1, right by the missing exponent.
        if (e < -10) {
          h = 0;
        } else {
          const full = mantissa | 0x800000;
          const shift = 14 - e;
          h = full >>> shift;
          const rest = full & ((1 << shift) - 1);
          const halfway = 1 << (shift - 1);
          if (rest > halfway || (rest === halfway && (h & 1) === 1)) h += 1;
        }
      } else {
        h = (e << 10) | (mantissa >>> 13);
        const rest = mantissa & 0x1fff;
        // A carry out of the mantissa correctly bumps the exponent (and reaches Inf at the top).
        if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h += 1;
      }
    }
    out[i] = sign | h;
  }
  return out;
}

/** bfloat16 bits → float32: a bfloat16 is the top half of a float32, so the 16-bit shift is exact. */
export function bfloat16BitsToFloat32(values: Uint16Array): Float32Array {
  const bits = new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) bits[i] = (values[i] as number) << 16;
  return new Float32Array(bits.buffer);
}

/** float32 → bfloat16 bits, rounding to nearest even (as torch's `.bfloat16()`); NaN stays a quiet NaN. */
export function float32ToBFloat16Bits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  float32ToBFloat16Into(out, values, values.length);
  return out;
}

/** out [n] = the first n values as bfloat16 bits (float32ToBFloat16Bits into a given array: the JS kernel bf16Round). */
export function float32ToBFloat16Into(out: Uint16Array, values: Float32Array, n: number): void {
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  for (let i = 0; i < n; i++) {
    const x = bits[i] as number;
    if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) {
      out[i] = ((x >>> 16) | 0x40) & 0xffff;
    } else {
      out[i] = ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
    }
  }
}

