import { attention } from '../ops/attention.js';
import { Dropout } from '../nn/dropout.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import type { Rng } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import type { BertConfig } from './config.js';

/** Multi-head self-attention projections (Vaswani et al. §3.2.2): query, key, value [hidden → hidden]. */
export class BertSelfAttention extends Module {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;

  constructor(readonly config: BertConfig, rng: Rng, private readonly dropoutRng: Rng) {
    super();
    const { hiddenSize: h, initializerRange: std } = config;
    this.query = this.registerModule('query', new Linear(h, h, rng, std));
    this.key = this.registerModule('key', new Linear(h, h, rng, std));
    this.value = this.registerModule('value', new Linear(h, h, rng, std));
  }

  /** hidden [batch, seq, hidden], additive mask [batch, seq] → context [batch, seq, hidden], probs [batch, heads, seq, seq]. */
  forward(hidden: Tensor, mask: Tensor | null): { context: Tensor; probs: Tensor } {
    return attention(this.query.forward(hidden), this.key.forward(hidden), this.value.forward(hidden), {
      heads: this.config.numAttentionHeads,
      mask,
      dropoutProb: this.config.attentionProbsDropoutProb,
      training: this.training,
      rng: this.dropoutRng,
    });
  }
}

/** Output projection, dropout, then the post-LN residual: LayerNorm(x + Dropout(Dense(context))). */
export class BertSelfOutput extends Module {
  readonly dense: Linear;
  readonly LayerNorm: LayerNorm;
  readonly dropout: Dropout;

  constructor(config: BertConfig, rng: Rng, dropoutRng: Rng) {
    super();
    this.dense = this.registerModule('dense', new Linear(config.hiddenSize, config.hiddenSize, rng, config.initializerRange));
    this.LayerNorm = this.registerModule('LayerNorm', new LayerNorm(config.hiddenSize, config.layerNormEps));
    this.dropout = this.registerModule('dropout', new Dropout(config.hiddenDropoutProb, dropoutRng));
  }

  forward(context: Tensor, input: Tensor): Tensor {
    return this.LayerNorm.forward(this.dropout.forward(this.dense.forward(context)), input);
  }
}

export class BertAttention extends Module {
  readonly self: BertSelfAttention;
  readonly output: BertSelfOutput;

  constructor(config: BertConfig, rng: Rng, dropoutRng: Rng) {
    super();
    this.self = this.registerModule('self', new BertSelfAttention(config, rng, dropoutRng));
    this.output = this.registerModule('output', new BertSelfOutput(config, rng, dropoutRng));
  }

  forward(hidden: Tensor, mask: Tensor | null): { output: Tensor; probs: Tensor } {
    const { context, probs } = this.self.forward(hidden, mask);
    return { output: this.output.forward(context, hidden), probs };
  }
}
