import { gatherRows } from '../../ops/gather-rows.js';
import { LayerNorm } from '../../nn/layer-norm.js';
import { Module } from '../../nn/module.js';
import type { ParamSource } from '../../nn/param-source.js';
import type { Rng } from '../../tensor/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { AttentionMask } from '../attention.js';
import type { StackedLayer } from '../layer-stack.js';
import type { DistilBertConfig } from './distilbert-config.js';
import { DISTILBERT_LAYER_NORM_EPS } from './embeddings.js';
import { FFN } from './ffn.js';
import { MultiHeadSelfAttention } from './multi-head-self-attention.js';

/**
 * DistilBERT's TransformerBlock, post-LayerNorm as BERT's layer: sa_layer_norm(out_lin(attention) + x), then
 * output_layer_norm(ffn + ·).
 */
export class TransformerBlock extends Module implements StackedLayer {
  readonly attention: MultiHeadSelfAttention;
  readonly sa_layer_norm: LayerNorm;
  readonly ffn: FFN;
  readonly output_layer_norm: LayerNorm;

  constructor(config: DistilBertConfig, params: ParamSource, dropoutRng: Rng) {
    super(params);
    this.attention = new MultiHeadSelfAttention(config, params.at('attention'), dropoutRng);
    this.sa_layer_norm = new LayerNorm(params.at('sa_layer_norm'), config.dim, DISTILBERT_LAYER_NORM_EPS);
    this.ffn = new FFN(config, params.at('ffn'), dropoutRng);
    this.output_layer_norm = new LayerNorm(params.at('output_layer_norm'), config.dim, DISTILBERT_LAYER_NORM_EPS);
  }

  /**
   * hidden [batch, seq, dim] → [batch, seq, dim]; with `rows`, every position is attended to but only these flat
   * rows go on through out_lin, the feed-forward and the LayerNorms (all row-wise): [rows, dim].
   */
  forward(hidden: Tensor, mask: AttentionMask, rows: Int32Array | null = null): { hidden: Tensor; probs: Tensor } {
    const { context, probs } = this.attention.attend(hidden, mask);
    const [kept, input] = rows === null ? [context, hidden] : [gatherRows(context, rows), gatherRows(hidden, rows)];
    const attended = this.sa_layer_norm.forward(this.attention.out_lin.forward(kept), input);
    return { hidden: this.output_layer_norm.forward(this.ffn.forward(attended), attended), probs };
  }
}
