import { activationFromHiddenAct, type Activation } from '../nn/activation.js';
import { Dropout } from '../nn/dropout.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import type { ParamSource } from '../nn/param-source.js';
import type { Rng } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import { BertAttention, type AttentionMask } from './attention.js';
import type { BertConfig } from './config.js';

/** Feed-forward up-projection with hidden_act (BERT §3: "gelu" rather than the Transformer's ReLU). */
export class BertIntermediate extends Module {
  readonly dense: Linear;
  private readonly activation: Activation;

  constructor(config: BertConfig, params: ParamSource) {
    super(params);
    this.dense = new Linear(params.at('dense'), config.hiddenSize, config.intermediateSize, config.initializerRange);
    this.activation = activationFromHiddenAct(config.hiddenAct);
  }

  forward(hidden: Tensor): Tensor {
    return this.dense.forwardActivation(hidden, this.activation);
  }
}

/** Feed-forward down-projection, dropout and the post-LN residual. */
export class BertOutput extends Module {
  readonly dense: Linear;
  readonly LayerNorm: LayerNorm;
  readonly dropout: Dropout;

  constructor(config: BertConfig, params: ParamSource, dropoutRng: Rng) {
    super(params);
    this.dense = new Linear(params.at('dense'), config.intermediateSize, config.hiddenSize, config.initializerRange);
    this.LayerNorm = new LayerNorm(params.at('LayerNorm'), config.hiddenSize, config.layerNormEps);
    this.dropout = new Dropout(params.at('dropout'), config.hiddenDropoutProb, dropoutRng);
  }

  forward(intermediate: Tensor, input: Tensor): Tensor {
    return this.LayerNorm.forward(this.dropout.forward(this.dense.forward(intermediate)), input);
  }
}

/** One post-LayerNorm transformer encoder layer: attention sublayer, then feed-forward sublayer. */
export class BertLayer extends Module {
  readonly attention: BertAttention;
  readonly intermediate: BertIntermediate;
  readonly output: BertOutput;

  constructor(config: BertConfig, params: ParamSource, dropoutRng: Rng) {
    super(params);
    this.attention = new BertAttention(config, params.at('attention'), dropoutRng);
    this.intermediate = new BertIntermediate(config, params.at('intermediate'));
    this.output = new BertOutput(config, params.at('output'), dropoutRng);
  }

  /** hidden [batch, seq, hidden] → [batch, seq, hidden], or [rows, hidden] at the given flat rows. */
  forward(hidden: Tensor, mask: AttentionMask, rows: Int32Array | null = null): { hidden: Tensor; probs: Tensor } {
    const { output: attended, probs } = this.attention.forward(hidden, mask, rows);
    return { hidden: this.output.forward(this.intermediate.forward(attended), attended), probs };
  }
}
