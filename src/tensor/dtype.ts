/**
 * Element types, described once. A Tensor carries its dtype explicitly: the typed-array class alone cannot tell
 * bfloat16 from float16 (both are raw 16-bit patterns in a Uint16Array) nor say what an int8 value means without
 * its scales. Kernels compute in float32 and float64 only (`ComputeDType`); the other float types are storage
 * that an op refuses with a DTypeError naming itself rather than read as garbage.
 */
import { DTypeError } from '../errors.js';
import type { ComputeDType } from '../backend/backend.js';

export type { ComputeDType };

/** The array each dtype's elements live in. */
export interface DTypeArrays {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  /** Raw bfloat16 bits: the upper half of a float32. */
  bfloat16: Uint16Array;
  /** Raw IEEE 754 binary16 bits (Node 20 has no Float16Array). */
  float16: Uint16Array;
  /** Quantized values; a Tensor of this dtype carries its `QuantScales`. */
  int8: Int8Array;
}

export type DType = keyof DTypeArrays;
/** Any tensor's data. */
export type TensorData = DTypeArrays[DType];

export interface DTypeInfo<D extends DType = DType> {
  readonly name: D;
  readonly bytes: number;
  readonly array: new (length: number) => DTypeArrays[D];
  /** Holds real numbers (bfloat16 and float16 do, stored as bits). */
  readonly isFloat: boolean;
  /** Ops compute on it directly, and it may require a gradient: the ComputeDTypes. */
  readonly computable: boolean;
  /** Values mean value · scale: a Tensor of this dtype must carry QuantScales. */
  readonly quantized: boolean;
  /** What an arena in debug mode fills recycled buffers with: NaN, or a value no valid id or weight has. */
  readonly poison: number;
}

/** The most negative int32: no valid id or label. */
export const POISON_INT32 = -2147483648;

/** Adding a dtype: an entry here and its array in DTypeArrays; kernels for it go in backend/kernel-table.ts. */
export const DTYPES: { readonly [D in DType]: DTypeInfo<D> } = {
  float32: { name: 'float32', bytes: 4, array: Float32Array, isFloat: true, computable: true, quantized: false, poison: NaN },
  float64: { name: 'float64', bytes: 8, array: Float64Array, isFloat: true, computable: true, quantized: false, poison: NaN },
  int32: { name: 'int32', bytes: 4, array: Int32Array, isFloat: false, computable: false, quantized: false, poison: POISON_INT32 },
  // 0x7fc0 and 0x7e00 are the quiet NaN patterns of bfloat16 and float16.
  bfloat16: { name: 'bfloat16', bytes: 2, array: Uint16Array, isFloat: true, computable: false, quantized: false, poison: 0x7fc0 },
  float16: { name: 'float16', bytes: 2, array: Uint16Array, isFloat: true, computable: false, quantized: false, poison: 0x7e00 },
  int8: { name: 'int8', bytes: 1, array: Int8Array, isFloat: false, computable: false, quantized: true, poison: -128 },
};

export function isDType(name: string): name is DType {
  return Object.hasOwn(DTYPES, name);
}

export function newBuffer<D extends DType>(dtype: D, length: number): DTypeArrays[D] {
  return new DTYPES[dtype].array(length);
}

/**
 * The dtype of data whose array class says it unambiguously (Float32Array, Float64Array, Int32Array); a
 * Uint16Array or Int8Array needs the dtype stated. `where` names the caller in the error.
 */
export function inferDType(data: TensorData, where: string): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  throw new DTypeError(`${where}: ${data.constructor.name} data may hold several dtypes (bfloat16, float16, int8); state the dtype`);
}

/** Throws unless `data` is the array class `dtype` is stored in. */
export function assertDataMatches(dtype: DType, data: TensorData, where: string): void {
  const info: DTypeInfo | undefined = isDType(dtype) ? DTYPES[dtype] : undefined;
  if (info === undefined) throw new DTypeError(`${where}: unknown dtype "${String(dtype)}"`);
  if (!(data instanceof info.array)) {
    throw new DTypeError(`${where}: ${dtype} data must be ${info.array.name}, got ${data.constructor.name}`);
  }
}

/**
 * Per-tensor (axis null, one scale) or per-channel (one scale per index of `axis`) int8 scales: the real value of
 * element e is e · scale of its channel.
 */
export interface QuantScales {
  readonly values: Float32Array;
  readonly axis: number | null;
}

/** Throws unless `scales` fit a quantized tensor of `shape`. */
export function assertScalesFit(scales: QuantScales, shape: readonly number[], where: string): void {
  const { values, axis } = scales;
  if (axis === null) {
    if (values.length !== 1) throw new DTypeError(`${where}: per-tensor scales hold 1 value, got ${values.length}`);
    return;
  }
  const channels = shape[axis];
  if (!Number.isInteger(axis) || channels === undefined) {
    throw new DTypeError(`${where}: scale axis ${axis} is outside a tensor of ${shape.length} dimensions`);
  }
  if (values.length !== channels) {
    throw new DTypeError(`${where}: axis ${axis} has ${channels} channels but there are ${values.length} scales`);
  }
}
