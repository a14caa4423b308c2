import { attention } from '../ops/attention.js';
import { gatherRows } from '../ops/gather-rows.js';
import { packedAttention, PackedSequences } from '../ops/packed-attention.js';
import { Dropout } from '../nn/dropout.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { forwardLinears, Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import type { ParamSource } from '../nn/param-source.js';
import type { Rng } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import type { BertConfig } from './config.js';

/**
 * Which keys each query sees: an additive mask [batch, keys] over hidden [batch, seq, hidden] (null: every key), or
 * the boundaries of packed sequences over hidden [totalTokens, hidden] (each query sees its own sequence; no graph).
 */
export type AttentionMask = Tensor | null | PackedSequences;

/** Multi-head self-attention projections (Vaswani et al. §3.2.2): query, key, value [hidden → hidden]. */
export class BertSelfAttention extends Module {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;

  constructor(readonly config: BertConfig, params: ParamSource, private readonly dropoutRng: Rng) {
    super(params);
    const { hiddenSize: h, initializerRange: std } = config;
    this.query = new Linear(params.at('query'), h, h, std);
    this.key = new Linear(params.at('key'), h, h, std);
    this.value = new Linear(params.at('value'), h, h, std);
  }

  /**
   * hidden [batch, seq, hidden], additive mask [batch, seq] → context [batch, seq, hidden], probs [batch, heads, seq, seq];
   * packed: hidden [totalTokens, hidden] → context [totalTokens, hidden], probs [Σ heads·len_i²] (packedAttention).
   */
  forward(hidden: Tensor, mask: AttentionMask): { context: Tensor; probs: Tensor } {
    const [q, k, v] = forwardLinears(hidden, [this.query, this.key, this.value]);
    const { numAttentionHeads: heads, attentionProbsDropoutProb: dropoutProb } = this.config;
    return selfAttention(q, k, v, mask, { heads, dropoutProb, training: this.training, rng: this.dropoutRng });
  }
}

/**
 * softmax(q·kᵀ / √headDim + mask)·v over projected q, k, v (Vaswani et al. §3.2.1), dropout on the probabilities in
 * training: [batch, seq, hidden] under an additive mask, or packed [totalTokens, hidden] per sequence (no dropout,
 * no graph: inference only). Shared by every family's self-attention module, whatever its projections are named.
 */
export function selfAttention(
  q: Tensor, k: Tensor, v: Tensor, mask: AttentionMask,
  options: { heads: number; dropoutProb: number; training: boolean; rng: Rng },
): { context: Tensor; probs: Tensor } {
  if (mask instanceof PackedSequences) return packedAttention(q, k, v, mask, options.heads);
  return attention(q, k, v, { ...options, mask });
}

/** Output projection, dropout, then the post-LN residual: LayerNorm(x + Dropout(Dense(context))). */
export class BertSelfOutput extends Module {
  readonly dense: Linear;
  readonly LayerNorm: LayerNorm;
  readonly dropout: Dropout;

  constructor(config: BertConfig, params: ParamSource, dropoutRng: Rng) {
    super(params);
    this.dense = new Linear(params.at('dense'), config.hiddenSize, config.hiddenSize, config.initializerRange);
    this.LayerNorm = new LayerNorm(params.at('LayerNorm'), config.hiddenSize, config.layerNormEps);
    this.dropout = new Dropout(params.at('dropout'), config.hiddenDropoutProb, dropoutRng);
  }

  forward(context: Tensor, input: Tensor): Tensor {
    return this.LayerNorm.forward(this.dropout.forward(this.dense.forward(context)), input);
  }
}

export class BertAttention extends Module {
  readonly self: BertSelfAttention;
  readonly output: BertSelfOutput;

  /**
   * layout 'flat': the same parameters with no `self.` / `output.` level (`attention.query`, `attention.dense`), as
   * ALBERT's AlbertAttention holds them.
   */
  constructor(config: BertConfig, params: ParamSource, dropoutRng: Rng, layout: 'nested' | 'flat' = 'nested') {
    super(params);
    this.self = new BertSelfAttention(config, layout === 'flat' ? params : params.at('self'), dropoutRng);
    this.output = new BertSelfOutput(config, layout === 'flat' ? params : params.at('output'), dropoutRng);
  }

  /**
   * rows: every position is attended to, but only these flat rows' contexts go on (projection, residual, LayerNorm):
   * [batch, seq, hidden] → [rows, hidden]. The sublayers after it are row-wise, so they follow suit.
   */
  forward(hidden: Tensor, mask: AttentionMask, rows: Int32Array | null = null): { output: Tensor; probs: Tensor } {
    const { context, probs } = this.self.forward(hidden, mask);
    if (rows === null) return { output: this.output.forward(context, hidden), probs };
    return { output: this.output.forward(gatherRows(context, rows), gatherRows(hidden, rows)), probs };
  }
}
