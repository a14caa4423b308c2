import { linear, linearGelu } from '../ops/linear.js';
import { relu } from '../ops/relu.js';
import type { Rng } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Activation } from './activation.js';
import { filledTensor, normalTensor } from './init.js';
import { Module } from './module.js';

/** nn.Linear: weight [out, in] ~ N(0, initStd), bias [out] = 0. */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, rng: Rng, initStd: number, bias = true) {
    super();
    this.weight = this.registerParameter('weight', normalTensor(rng, [outFeatures, inFeatures], initStd));
    this.bias = bias ? this.registerParameter('bias', filledTensor([outFeatures], 0)) : null;
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  /** activation(forward(x)); GELU is fused: the GEMM applies bias and GELU as it finishes each tile. */
  forwardActivation(x: Tensor, activation: Activation): Tensor {
    if (activation.kind === 'relu') return relu(this.forward(x));
    return linearGelu(x, this.weight, this.bias, activation.approximate);
  }
}
