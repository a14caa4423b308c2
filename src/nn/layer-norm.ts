import { layerNorm } from '../ops/layer-norm.js';
import type { Tensor } from '../tensor/tensor.js';
import { constantInit } from './param-init.js';
import type { ParamSource } from './param-source.js';
import { Module } from './module.js';

/** nn.LayerNorm over the last axis: weight 1, bias 0 (BERT's init); forward(x, residual) fuses the residual add. */
export class LayerNorm extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(params: ParamSource, readonly dim: number, readonly eps: number) {
    super(params);
    this.weight = params.get('weight', [dim], constantInit(1));
    this.bias = params.get('bias', [dim], constantInit(0));
  }

  forward(x: Tensor, residual: Tensor | null = null): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps, residual);
  }
}
