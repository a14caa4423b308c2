import type { FloatArray, GeluApproximation } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { DTypeError, shapeString } from '../errors.js';
import { allocate } from '../tensor/arena.js';
import { emptyLike, record, Tensor, willRecord } from '../tensor/tensor.js';
import { autocastPrecision } from './autocast.js';
import { linearGemms, linearSizes } from './linear.js';

/**
 * Whether a Linear with this weight runs bf16Linear: a bfloat16 weight (a model cast with dtype bf16) always; a
 * float32 weight inside autocast('bf16') (mixed-precision training: the weight stays the float32 master).
 */
export function runsInBFloat16(weight: Tensor): boolean {
  return weight.dtype === 'bfloat16' || (weight.dtype === 'float32' && autocastPrecision() === 'bf16');
}

/** A float32 Linear weight [out, in] as bfloat16 (rounded to nearest even): half the memory, inference only. */
export function toBFloat16Weight(weight: Tensor): Tensor {
  const op = 'toBFloat16Weight';
  const bits = new Uint16Array(weight.size);
  getBackend().bf16Round(bits, float32Of(op, weight), weight.size);
  return new Tensor(bits, weight.shape, { dtype: 'bfloat16' });
}

/**
 * y [..., out] = x [..., in] · weightᵀ + bias, then GELU when `gelu` is given, with both GEMM operands in bfloat16
 * and float32 accumulation, output, bias and GELU (Backend.bf16Gemm). x is rounded to bfloat16 here; the weight is
 * bfloat16 already (inference) or the float32 master, rounded at each call (training).
 *
 * Backward, as PyTorch's CPU autocast runs it: autocast casts linear's inputs to bfloat16 and the op's backward
 * reads what its forward saved — the bfloat16 x and W — and the incoming gradient, which reaches a bfloat16 output
 * as bfloat16. So dx = bf16(dy) · bf16(W) and dW = bf16(dy)ᵀ · bf16(x), accumulated in float32 into float32
 * gradients (torch rounds the products' outputs to bfloat16 as well; here they stay float32, as the forward's
 * output does). The bias gradient sums the float32 dy; the bias and the master weight get float32 gradients.
 */
export function bf16Linear(input: Tensor | BFloat16Input, weight: Tensor, bias: Tensor | null, gelu?: GeluApproximation): Tensor {
  const op = gelu === undefined ? 'bf16Linear' : 'bf16LinearGelu';
  const x = input instanceof BFloat16Input ? input.x : input;
  const sizes = linearSizes(op, x, weight, bias);
  const backend = getBackend();
  const xb = input instanceof BFloat16Input ? input.bits : roundedBits(op, x);
  const wb = weight.data instanceof Uint16Array && weight.dtype === 'bfloat16' ? weight.data : roundedBits(op, weight);
  const y = emptyLike('float32', [...x.shape.slice(0, -1), sizes.outFeatures]);
  const inputs = bias === null ? [x, weight] : [x, weight, bias];
  const preActivation = gelu !== undefined && willRecord(inputs) ? allocate('float32', y.size, false) : undefined;
  const gemms = linearGemms(sizes, bias === null ? undefined : float32Of(op, bias), gelu, preActivation);
  const ys = float32Of(op, y);
  backend.bf16Gemm(ys, xb, wb, gemms.forward);
  return record(y, op, inputs, (out) => {
    let dy: FloatArray = float32Of(op, out.grad!);
    if (gelu !== undefined) {
      const dPre = allocate('float32', y.size, true);
      backend.geluBackward(dPre, preActivation!, dy, y.size, gelu);
      dy = dPre;
    }
    const dyb = allocate('bfloat16', y.size, false);
    if (bias !== null && bias.requiresGrad) {
      backend.bf16RoundSumRows(dyb, float32Of(op, bias.ensureGrad()), float32Of(op, dy), sizes.rows, sizes.outFeatures);
    } else {
      backend.bf16Round(dyb, float32Of(op, dy), y.size);
    }
    if (x.requiresGrad) backend.bf16Gemm(float32Of(op, x.ensureGrad()), dyb, wb, gemms.inputGrad);
    if (weight.requiresGrad) backend.bf16Gemm(float32Of(op, weight.ensureGrad()), dyb, xb, gemms.weightGrad);
  });
}

/**
 * x rounded to bfloat16 once, for every bfloat16 Linear that reads it (nn/linear.ts forwardLinears: attention's
 * query, key and value), as QuantizedInput is for int8 ones; the backward reads the same bits, as it would its own.
 */
export class BFloat16Input {
  private constructor(readonly x: Tensor, readonly bits: Uint16Array) {}

  static of(x: Tensor): BFloat16Input {
    return new BFloat16Input(x, roundedBits('bf16Input', x));
  }
}

/** t's values rounded to bfloat16 bits (a buffer of the active arena). */
function roundedBits(op: string, t: Tensor): Uint16Array {
  const bits = allocate('bfloat16', t.size, false);
  getBackend().bf16Round(bits, float32Of(op, t), t.size);
  return bits;
}

/** A float32 tensor's (or gradient's) values; bfloat16 products take float32 only (float64 is a DTypeError). */
function float32Of(op: string, t: Tensor | FloatArray): Float32Array {
  const data = t instanceof Tensor ? t.floats(op) : t;
  if (!(data instanceof Float32Array)) {
    throw new DTypeError(`${op}: bfloat16 products take float32, got ${t instanceof Tensor ? `${t.dtype} ${shapeString(t.shape)}` : data.constructor.name}`);
  }
  return data;
}
