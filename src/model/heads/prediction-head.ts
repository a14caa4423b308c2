import { activationFromHiddenAct, type Activation } from '../../nn/activation.js';
import { constantInit } from '../../nn/param-init.js';
import type { ParamSource } from '../../nn/param-source.js';
import { LayerNorm } from '../../nn/layer-norm.js';
import { autocastLinear, Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { BertConfig } from '../config.js';

/** MLM transform: dense → hidden_act → LayerNorm (google-research/bert's "cls/predictions/transform"; Hugging Face's BertPredictionHeadTransform). */
export class BertPredictionHeadTransform extends Module {
  readonly dense: Linear;
  readonly LayerNorm: LayerNorm;
  private readonly activation: Activation;

  constructor(config: BertConfig, params: ParamSource) {
    super(params);
    this.dense = new Linear(params.at('dense'), config.hiddenSize, config.hiddenSize, config.initializerRange);
    this.LayerNorm = new LayerNorm(params.at('LayerNorm'), config.hiddenSize, config.layerNormEps);
    this.activation = activationFromHiddenAct(config.hiddenAct);
  }

  forward(hidden: Tensor): Tensor {
    return this.LayerNorm.forward(this.dense.forwardActivation(hidden, this.activation));
  }
}

/**
 * Vocabulary logits: the output projection is tied to the word embeddings (Press & Wolf 2017; BERT's
 * output_weights = embedding table) plus an own bias `cls.predictions.bias`. The tied weight is not stored
 * twice in checkpoints.
 */
export class BertLMPredictionHead extends Module {
  readonly transform: BertPredictionHeadTransform;
  readonly bias: Tensor;

  constructor(config: BertConfig, params: ParamSource, private readonly wordEmbeddings: Tensor) {
    super(params);
    // Created before the transform: a module's own parameters come first in checkpoints and optimizer state.
    this.bias = params.get('bias', [config.vocabSize], constantInit(0));
    this.transform = new BertPredictionHeadTransform(config, params.at('transform'));
  }

  /** hidden [..., hidden] → logits [..., vocab]. */
  forward(hidden: Tensor): Tensor {
    return autocastLinear(this.transform.forward(hidden), this.wordEmbeddings, this.bias);
  }
}
