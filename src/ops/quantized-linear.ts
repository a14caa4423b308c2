import type { Backend, GeluApproximation } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { DTypeError, ShapeError, shapeString } from '../errors.js';
import { allocate } from '../tensor/arena.js';
import { emptyLike, record, Tensor } from '../tensor/tensor.js';

/**
 * A weight's bits: 8 (values in [-127, 127]) or 7 (in [-63, 63]: twice the step, so that the u8 × s8 kernel's
 * byte pairs cannot saturate, 2 · 255 · 63 < 2¹⁵ — docs/quantization.md).
 */
export type WeightBits = 7 | 8;
export const WEIGHT_BITS: readonly WeightBits[] = [7, 8];
/** The largest |q| of each weight bits: quantizeRows' maxLevel. */
const MAX_LEVEL: Record<WeightBits, number> = { 7: 63, 8: 127 };

/**
 * The weight bits the backend runs fastest, the default of `tsbert quantize` and `--dtype int8`: 7 where 7-bit weights
 * have a kernel of their own — native AVX2 (no VNNI), the u8 × s8 kernel: 1.4× the int16 pairs on a BERT-base
 * forward, with the task metrics unchanged (docs/quantization.md, "7 or 8 bits") — else 8 (generic and AVX-512 run
 * 7-bit weights on the int16 pairs: no faster, only coarser).
 */
export function preferredWeightBits(backend: Backend): WeightBits {
  return backend.name === 'native' && backend.isa === 'avx2' ? 7 : 8;
}

/**
 * The bits an int8 weight's values fit: 7 when every one lies in [-63, 63], else 8. A weight quantized to 8 bits has
 * ±127 in every non-zero row (its maximum), so this tells the two schemes apart from the values alone — and a
 * weight it calls 7-bit is exact on the u8 × s8 kernel whichever scheme made it.
 */
export function weightBitsOf(values: Int8Array): WeightBits {
  for (let i = 0; i < values.length; i++) if (values[i]! > 63 || values[i]! < -63) return 8;
  return 7;
}

/**
 * A float32 Linear weight [out, in] as int8 with one scale per output channel (axis 0): symmetric, scale =
 * max|w| / 127 (7 bits: / 63) over the channel's row, values rounded half to even — the same quantizeRows the
 * activations go through, so a weight quantized here and one read back from a quantized folder are the same bytes.
 */
export function quantizeWeight(weight: Tensor, bits: WeightBits = 8): Tensor {
  const op = 'quantizeWeight';
  if (weight.shape.length !== 2) throw new ShapeError(`${op}: a Linear weight is [out, in], got ${shapeString(weight.shape)}`);
  const [outFeatures = 0, inFeatures = 0] = weight.shape;
  const data = new Int8Array(weight.size);
  const scales = new Float32Array(outFeatures);
  getBackend().quantizeRows(data, scales, float32Of(op, weight), outFeatures, inFeatures, MAX_LEVEL[bits]);
  return new Tensor(data, weight.shape, { dtype: 'int8', scales: { values: scales, axis: 0 } });
}

/**
 * The rows of x [..., in] quantized once (quantizeRowsAsymmetric: int8 values, one scale and offset per row), for
 * every int8 Linear that reads x: attention's query, key and value share one (nn/linear.ts forwardLinears) instead of
 * quantizing x thrice. Asymmetric because a row of one sign (the GELU output the feed-forward down-projection reads)
 * then gets all 256 levels: BERT-mini's token vectors err 0.84 % against 1.16 % with symmetric rows
 * (docs/quantization.md, "Asymmetric activations").
 */
export class QuantizedInput {
  private constructor(readonly x: Tensor, readonly values: Int8Array, readonly scales: Float32Array, readonly offsets: Int32Array) {}

  static of(x: Tensor): QuantizedInput {
    const op = 'quantizeInput';
    const inFeatures = x.shape[x.shape.length - 1] ?? 0;
    const rows = x.size / Math.max(inFeatures, 1);
    const values = allocate('int8', x.size, false);
    const scales = allocate('float32', rows, false);
    const offsets = allocate('int32', rows, false);
    getBackend().quantizeRowsAsymmetric(values, scales, offsets, float32Of(op, x), rows, inFeatures);
    return new QuantizedInput(x, values, scales, offsets);
  }
}

/** sums [out] = Σ_p w[j, p] of an int8 weight [out, in]: the column sums an asymmetric row's offset multiplies. */
export function int8ColumnSums(values: Int8Array, outFeatures: number, inFeatures: number): Int32Array {
  const sums = new Int32Array(outFeatures);
  for (let j = 0; j < outFeatures; j++) {
    let sum = 0;
    for (let p = j * inFeatures, end = p + inFeatures; p < end; p++) sum += values[p]!;
    sums[j] = sum;
  }
  return sums;
}

/**
 * A weight's packed form (Backend.int8PackWeight: the native micro-kernel's panels), made when a Linear is quantized
 * or loaded int8 (packInt8Weight) and kept beside the int8 tensor for as long as the tensor lives — not in any file.
 * `layout` is the backend and ISA that packed it: under another (a test switching ISA or backend) the weight is
 * packed again at its next use. int8 weights are never written in place (inference only), so it cannot go stale.
 * The packing's bits come from the values (weightBitsOf): a 7-bit weight runs on the native u8 × s8 kernel.
 */
const packedWeights = new WeakMap<Tensor, { readonly layout: string; readonly packed: Int8Array | null }>();
/** Each int8 weight's column sums (int8ColumnSums), kept as its packed form is, for any backend. */
const columnSums = new WeakMap<Tensor, Int32Array>();

function columnSumsOf(weight: Tensor, values: Int8Array, outFeatures: number, inFeatures: number): Int32Array {
  let sums = columnSums.get(weight);
  if (sums === undefined) {
    sums = int8ColumnSums(values, outFeatures, inFeatures);
    columnSums.set(weight, sums);
  }
  return sums;
}

/** Packs an int8 Linear weight [out, in] for the backend in use now, unless it is packed for it already. */
export function packInt8Weight(weight: Tensor): void {
  const op = 'packInt8Weight';
  const values = weight.data;
  if (!(values instanceof Int8Array) || weight.shape.length !== 2) {
    throw new DTypeError(`${op}: the weight must be int8 [out, in], got ${weight.dtype} ${shapeString(weight.shape)}`);
  }
  packedWeightOf(getBackend(), weight, values, weight.shape[0]!, weight.shape[1]!);
  columnSumsOf(weight, values, weight.shape[0]!, weight.shape[1]!);
}

function packedWeightOf(backend: Backend, weight: Tensor, values: Int8Array, outFeatures: number, inFeatures: number): Int8Array | null {
  const layout = `${backend.name}/${backend.isa}`;
  const cached = packedWeights.get(weight);
  if (cached !== undefined && cached.layout === layout) return cached.packed;
  const bits = weightBitsOf(values);
  const bytes = backend.int8PackedWeightBytes(outFeatures, inFeatures, bits);
  const packed = bytes === 0 ? null : new Int8Array(bytes);
  if (packed !== null) backend.int8PackWeight(packed, values, outFeatures, inFeatures, bits);
  packedWeights.set(weight, { layout, packed });
  return packed;
}

/**
 * y [..., out] = x [..., in] · weightᵀ + bias, then GELU when `gelu` is given, on an int8 weight [out, in] with
 * per-output-channel scales. Each row of x (a token) is quantized at run time to asymmetric int8 with its own scale
 * and offset (docs/quantization.md says why per row) — or was, when x is a QuantizedInput shared by several Linears; the product
 * runs in exact int32 on the weight packed once, and the epilogue applies both scales, the bias and GELU. Inference
 * only: a graph through it has no backward (the error says so when one is tried).
 */
export function quantizedLinear(
  input: Tensor | QuantizedInput, weight: Tensor, bias: Tensor | null, gelu: GeluApproximation | null = null,
): Tensor {
  const op = gelu === null ? 'quantizedLinear' : 'quantizedLinearGelu';
  const x = input instanceof QuantizedInput ? input.x : input;
  const inFeatures = x.shape[x.shape.length - 1] ?? 0;
  const values = weight.data;
  if (!(values instanceof Int8Array) || weight.scales === null || weight.scales.axis !== 0) {
    throw new DTypeError(`${op}: the weight must be int8 with one scale per output channel, got ${weight.dtype} ${shapeString(weight.shape)}`);
  }
  if (weight.shape.length !== 2 || weight.shape[1] !== inFeatures) {
    throw new ShapeError(`${op}: x is ${shapeString(x.shape)} but weight is ${shapeString(weight.shape)} (expected [out, ${inFeatures}])`);
  }
  const outFeatures = weight.shape[0]!;
  if (bias !== null && (bias.shape.length !== 1 || bias.shape[0] !== outFeatures)) {
    throw new ShapeError(`${op}: bias is ${shapeString(bias.shape)}, expected [${outFeatures}]`);
  }
  const rows = x.size / Math.max(inFeatures, 1);
  const backend = getBackend();
  const y = emptyLike('float32', [...x.shape.slice(0, -1), outFeatures]);
  const packed = packedWeightOf(backend, weight, values, outFeatures, inFeatures);
  const sums = columnSumsOf(weight, values, outFeatures, inFeatures);
  const biasValues = bias === null ? null : float32Of(op, bias);
  if (input instanceof QuantizedInput) {
    backend.int8Gemm(float32Of(op, y), input.values, input.scales, input.offsets, values, packed, weight.scales.values, sums,
      biasValues, null, rows, outFeatures, inFeatures, gelu);
  } else {
    backend.int8GemmDynamic(float32Of(op, y), float32Of(op, x), values, packed, weight.scales.values, sums, biasValues, null,
      rows, outFeatures, inFeatures, gelu);
  }
  return record(y, op, bias === null ? [x] : [x, bias], () => {
    throw new DTypeError(`${op}: an int8 weight has no backward; a quantized model runs inference only (train the float32 model)`);
  });
}

function float32Of(op: string, t: Tensor): Float32Array {
  const data = t.floats(op);
  if (!(data instanceof Float32Array)) throw new DTypeError(`${op}: int8 kernels take float32, got ${t.dtype} ${shapeString(t.shape)}`);
  return data;
}
