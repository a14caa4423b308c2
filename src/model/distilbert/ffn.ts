import { activationFromHiddenAct, type Activation } from '../../nn/activation.js';
import { Dropout } from '../../nn/dropout.js';
import { Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import type { ParamSource } from '../../nn/param-source.js';
import type { Rng } from '../../tensor/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { DistilBertConfig } from './distilbert-config.js';

/** DistilBERT's FFN: lin1 [dim → hidden_dim], activation, lin2 [hidden_dim → dim], dropout. */
export class FFN extends Module {
  readonly lin1: Linear;
  readonly lin2: Linear;
  readonly dropout: Dropout;
  private readonly activation: Activation;

  constructor(config: DistilBertConfig, params: ParamSource, dropoutRng: Rng) {
    super(params);
    this.lin1 = new Linear(params.at('lin1'), config.dim, config.hiddenDim, config.initializerRange);
    this.lin2 = new Linear(params.at('lin2'), config.hiddenDim, config.dim, config.initializerRange);
    this.dropout = new Dropout(params.at('dropout'), config.dropout, dropoutRng);
    this.activation = activationFromHiddenAct(config.activation, 'DistilBertConfig', 'activation');
  }

  /** [..., dim] → [..., dim] */
  forward(hidden: Tensor): Tensor {
    return this.dropout.forward(this.lin2.forward(this.lin1.forwardActivation(hidden, this.activation)));
  }
}
