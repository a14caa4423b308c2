import { layerNorm } from '../ops/layer-norm.js';
import type { Tensor } from '../tensor/tensor.js';
import { filledTensor } from './init.js';
import { Module } from './module.js';

/** nn.LayerNorm over the last axis: weight 1, bias 0 (BERT's init); forward(x, residual) fuses the residual add. */
export class LayerNorm extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(readonly dim: number, readonly eps: number) {
    super();
    this.weight = this.registerParameter('weight', filledTensor([dim], 1));
    this.bias = this.registerParameter('bias', filledTensor([dim], 0));
  }

  forward(x: Tensor, residual: Tensor | null = null): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps, residual);
  }
}
