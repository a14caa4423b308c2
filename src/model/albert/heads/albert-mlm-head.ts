import { activationFromHiddenAct, type Activation } from '../../../nn/activation.js';
import { LayerNorm } from '../../../nn/layer-norm.js';
import { autocastLinear, Linear } from '../../../nn/linear.js';
import { Module } from '../../../nn/module.js';
import { constantInit } from '../../../nn/param-init.js';
import type { ParamSource } from '../../../nn/param-source.js';
import type { Tensor } from '../../../tensor/tensor.js';
import type { AlbertConfig } from '../albert-config.js';

/**
 * Hugging Face's AlbertMLMHead (`predictions.`): dense hidden → E, hidden_act, LayerNorm(E), then the decoder tied to
 * the E-sized word embeddings with its bias `predictions.bias` (the decoder's weight and bias are those tensors, so
 * checkpoints store neither twice).
 */
export class AlbertMLMHead extends Module {
  readonly LayerNorm: LayerNorm;
  readonly bias: Tensor;
  readonly dense: Linear;
  private readonly activation: Activation;

  constructor(config: AlbertConfig, params: ParamSource, private readonly wordEmbeddings: Tensor) {
    super(params);
    this.LayerNorm = new LayerNorm(params.at('LayerNorm'), config.embeddingSize, config.layerNormEps);
    this.bias = params.get('bias', [config.vocabSize], constantInit(0));
    this.dense = new Linear(params.at('dense'), config.hiddenSize, config.embeddingSize, config.initializerRange);
    this.activation = activationFromHiddenAct(config.hiddenAct);
  }

  /** hidden [..., hidden] → logits [..., vocab]. */
  forward(hidden: Tensor): Tensor {
    const transformed = this.LayerNorm.forward(this.dense.forwardActivation(hidden, this.activation)); // [..., E]
    return autocastLinear(transformed, this.wordEmbeddings, this.bias);
  }
}
