import { linear, linearGelu } from '../ops/linear.js';
import { relu } from '../ops/relu.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Activation } from './activation.js';
import { constantInit, normalInit } from './param-init.js';
import type { ParamSource } from './param-source.js';
import { Module } from './module.js';

/** nn.Linear: weight [out, in] ~ N(0, initStd), bias [out] = 0. */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(params: ParamSource, readonly inFeatures: number, readonly outFeatures: number, initStd: number, bias = true) {
    super(params);
    this.weight = params.get('weight', [outFeatures, inFeatures], normalInit(initStd));
    this.bias = bias ? params.get('bias', [outFeatures], constantInit(0)) : null;
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
