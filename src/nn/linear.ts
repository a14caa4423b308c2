import { BFloat16Input, bf16Linear, runsInBFloat16, toBFloat16Weight } from '../ops/bf16-linear.js';
import { linear, linearGelu } from '../ops/linear.js';
import { packInt8Weight, QuantizedInput, quantizedLinear, quantizeWeight, type WeightBits } from '../ops/quantized-linear.js';
import { relu } from '../ops/relu.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Activation } from './activation.js';
import { constantInit, normalInit } from './param-init.js';
import type { ParamSource } from './param-source.js';
import { Module } from './module.js';

/**
 * nn.Linear: weight [out, in] ~ N(0, initStd), bias [out] = 0. The weight may be int8 with per-output-channel scales
 * (quantize(), or read from a quantized folder): the layer then runs the int8 kernels, for inference only; or bfloat16
 * (toBFloat16()), or float32 inside autocast('bf16'): the layer then runs bf16Linear (docs/quantization.md).
 */
export class Linear extends Module {
  /** float32, int8 once quantized, bfloat16 once cast. */
  weight: Tensor;
  readonly bias: Tensor | null;

  constructor(params: ParamSource, readonly inFeatures: number, readonly outFeatures: number, initStd: number, bias = true) {
    super(params);
    this.weight = params.get('weight', [outFeatures, inFeatures], normalInit(initStd));
    this.bias = bias ? params.get('bias', [outFeatures], constantInit(0)) : null;
    // A quantized folder's weight: packed for the int8 GEMM once, here, rather than at every call.
    if (this.weight.dtype === 'int8') packInt8Weight(this.weight);
  }

  forward(x: Tensor): Tensor {
    if (this.weight.dtype === 'int8') return quantizedLinear(x, this.weight, this.bias);
    return autocastLinear(x, this.weight, this.bias);
  }

  /** activation(forward(x)); GELU is fused: the GEMM applies bias and GELU as it finishes each tile. */
  forwardActivation(x: Tensor, activation: Activation): Tensor {
    if (activation.kind === 'relu') return relu(this.forward(x));
    if (this.weight.dtype === 'int8') return quantizedLinear(x, this.weight, this.bias, activation.approximate);
    if (runsInBFloat16(this.weight)) return bf16Linear(x, this.weight, this.bias, activation.approximate);
    return linearGelu(x, this.weight, this.bias, activation.approximate);
  }

  /**
   * Replaces the float32 weight by its int8 form (quantizeWeight: 8 bits, or 7 for the u8 × s8 kernel), in the
   * module tree too, and packs it for the int8 GEMM: inference only from here.
   */
  quantize(bits: WeightBits = 8): void {
    this.weight = quantizeWeight(this.weight, bits);
    this.params.replace('weight', this.weight);
    packInt8Weight(this.weight);
  }

  /** Replaces the float32 weight by its bfloat16 form (toBFloat16Weight), in the module tree too: inference only. */
  toBFloat16(): void {
    this.weight = toBFloat16Weight(this.weight);
    this.params.replace('weight', this.weight);
  }
}

/**
 * linear(x, weight, bias) at the precision in scope: bf16Linear for a bfloat16 weight or a float32 one inside
 * autocast('bf16'), float32 otherwise. nn.Linear's float path, and the MLM decoders tied to the word embeddings, which
 * are a product like any Linear's: torch.autocast runs every F.linear in bfloat16, the decoder's included (on
 * BERT-small at 32 × 128 it was 17 % of a mixed-precision pre-training step while float32; docs/quantization.md).
 */
export function autocastLinear(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  return runsInBFloat16(weight) ? bf16Linear(x, weight, bias) : linear(x, weight, bias);
}

/**
 * The same input x through several Linears (attention's query, key and value): their forward() outputs, in order.
 * When every one is int8, x is quantized once for all of them (QuantizedInput) instead of once per layer; when every
 * one runs in bfloat16, x is rounded once (BFloat16Input).
 */
export function forwardLinears<const L extends readonly Linear[]>(x: Tensor, layers: L): { [I in keyof L]: Tensor } {
  if (layers.every((layer) => layer.weight.dtype === 'int8')) {
    const input = QuantizedInput.of(x);
    return mapLinears(layers, (layer) => quantizedLinear(input, layer.weight, layer.bias));
  }
  if (layers.every((layer) => runsInBFloat16(layer.weight))) {
    const input = BFloat16Input.of(x);
    return mapLinears(layers, (layer) => bf16Linear(input, layer.weight, layer.bias));
  }
  return mapLinears(layers, (layer) => layer.forward(x));
}

function mapLinears<const L extends readonly Linear[]>(layers: L, f: (layer: Linear) => Tensor): { [I in keyof L]: Tensor } {
  return layers.map(f) as { [I in keyof L]: Tensor };
}
