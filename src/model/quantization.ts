/**
 * int8 models (docs/quantization.md): turning a loaded float32 model into its int8 form, recognising a quantized
 * model or folder, and the `dtype` a command or pipeline asks for ('fp32', or 'int8' and transformers.js's name
 * 'q8'). Every Linear's weight becomes int8 with one scale per output channel; attention scores, softmax,
 * LayerNorm and the embeddings (and with them the tied MLM decoder) stay float32.
 */
import { valuePreview } from '../error-text.js';
import { ConfigError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { Linear } from '../nn/linear.js';
import { getBackend } from '../backend/select.js';
import { preferredWeightBits, WEIGHT_BITS, weightBitsOf, type WeightBits } from '../ops/quantized-linear.js';

/**
 * config.json's `quantization_config` of a quantized folder (the key Hugging Face's quantizers use); `weight_bits`
 * (quantizationConfigOf) says whether the weights use 8 bits or 7 ([-63, 63], for the u8 × s8 kernel). Storage is
 * int8 either way.
 */
export const QUANTIZATION_CONFIG = {
  quant_method: 'tsbert_int8',
  bits: 8,
  weights: 'symmetric, one float32 scale per output channel (<name>_scale)',
  activations: 'dynamic, asymmetric, one scale and zero point per row',
} as const;

/**
 * The weight bits `tsbert quantize` and `--dtype int8` use unless told: those the backend in use runs fastest
 * (preferredWeightBits: 7 on native AVX2, whose u8 × s8 kernel they need; 8 elsewhere). A folder records its bits
 * (quantization_config.weight_bits) and runs exactly on every backend whichever they are.
 */
export function defaultWeightBits(): WeightBits {
  return preferredWeightBits(getBackend());
}

export { WEIGHT_BITS, type WeightBits };

/** `value` (a flag's text or an option) as WeightBits, or a ConfigError naming `where`. */
export function weightBitsFrom(value: unknown, where: string): WeightBits {
  const bits = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  const known = WEIGHT_BITS.find((candidate) => candidate === bits);
  if (known !== undefined) return known;
  throw new ConfigError(`${where} must be ${WEIGHT_BITS.join(' or ')}, got ${valuePreview(value)}`);
}

/** The quantization_config a quantized model's folder gets: QUANTIZATION_CONFIG and its weights' bits. */
export function quantizationConfigOf(model: Module): Record<string, unknown> {
  let bits: WeightBits = 7;
  for (const parameter of model.parameters()) {
    if (parameter.data instanceof Int8Array && weightBitsOf(parameter.data) === 8) bits = 8;
  }
  return { ...QUANTIZATION_CONFIG, weight_bits: bits };
}

/** The element types a model may run in; 'q8' is transformers.js's name for int8; bf16: bfloat16 Linear weights. */
export const MODEL_DTYPES = ['fp32', 'int8', 'q8', 'bf16'] as const;
export type ModelDType = (typeof MODEL_DTYPES)[number];

export function isModelDType(value: string): value is ModelDType {
  return (MODEL_DTYPES as readonly string[]).includes(value);
}

/** `value` as a ModelDType, or a ConfigError naming `where` (a flag, an option) and the valid names. */
export function modelDTypeOf(value: unknown, where: string): ModelDType {
  if (typeof value === 'string' && isModelDType(value)) return value;
  throw new ConfigError(`${where} must be one of ${MODEL_DTYPES.join(', ')}, got ${valuePreview(value)}`);
}

/** Whether a config.json object marks its folder as int8-quantized. */
export function isQuantizedConfigJson(json: unknown): boolean {
  if (typeof json !== 'object' || json === null) return false;
  const quantization: unknown = Reflect.get(json, 'quantization_config');
  return typeof quantization === 'object' && quantization !== null
    && Reflect.get(quantization, 'quant_method') === QUANTIZATION_CONFIG.quant_method;
}

/** Whether any parameter of `model` is int8. */
export function isQuantized(model: Module): boolean {
  return model.parameters().some((parameter) => parameter.dtype === 'int8');
}

/** How to quantize: the weights' bits (default defaultWeightBits()). */
export interface QuantizeOptions {
  weightBits?: WeightBits;
}

/**
 * Quantizes every Linear of `model` in place (Linear.quantize) and returns it; `source` names the model in the
 * error for one that is quantized already (quantizing twice would compound the rounding).
 */
export function quantizeModel<M extends Module>(model: M, source: string, options: QuantizeOptions = {}): M {
  if (isQuantized(model)) throw new ConfigError(`${source} is already int8-quantized; dtype int8 applies to a float32 model`);
  const bits = weightBitsFrom(options.weightBits ?? defaultWeightBits(), 'weightBits');
  for (const [, module] of model.namedModules()) if (module instanceof Linear) module.quantize(bits);
  return model;
}

/**
 * Casts every Linear weight of a float32 `model` to bfloat16 in place (Linear.toBFloat16) and returns it; the
 * embeddings (and the tied MLM decoder), LayerNorm and biases stay float32, as the products accumulate in float32.
 */
export function castModelToBFloat16<M extends Module>(model: M, source: string): M {
  const held = model.parameters().find((parameter) => parameter.dtype !== 'float32');
  if (held !== undefined) throw new ConfigError(`${source} holds ${held.dtype} weights; dtype bf16 applies to a float32 model`);
  for (const [, module] of model.namedModules()) if (module instanceof Linear) module.toBFloat16();
  return model;
}

/**
 * The model in `dtype`: int8 quantizes a float32 model, bf16 casts its Linear weights; fp32 refuses an int8 or
 * bfloat16 one (its float32 weights are gone).
 */
export function applyModelDType<M extends Module>(model: M, dtype: ModelDType, source: string, options: QuantizeOptions = {}): M {
  if (dtype === 'int8' || dtype === 'q8') return quantizeModel(model, source, options);
  if (dtype === 'bf16') return castModelToBFloat16(model, source);
  if (isQuantized(model)) throw new ConfigError(`${source} holds int8 weights; dtype fp32 needs the float32 model it was made from`);
  if (model.parameters().some((parameter) => parameter.dtype === 'bfloat16')) {
    throw new ConfigError(`${source} holds bfloat16 weights; dtype fp32 needs the float32 model it was made from`);
  }
  return model;
}

/** A ConfigError for training (`purpose`) on an int8 model: training needs float32 weights. */
export function assertNotQuantized(model: Module, source: string, purpose: string): void {
  if (isQuantized(model)) {
    throw new ConfigError(`${purpose}: ${source} is an int8-quantized model (config.json quantization_config); ${purpose} needs the float32 model it was made from`);
  }
}
