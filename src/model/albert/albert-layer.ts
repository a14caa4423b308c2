import { activationFromHiddenAct, type Activation } from '../../nn/activation.js';
import { LayerNorm } from '../../nn/layer-norm.js';
import { Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import type { ParamSource } from '../../nn/param-source.js';
import type { Rng } from '../../tensor/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import { BertAttention, type AttentionMask } from '../attention.js';
import type { AlbertConfig } from './albert-config.js';

/**
 * Hugging Face's AlbertLayer: BERT's post-LN layer under ALBERT's names — attention, then
 * full_layer_layer_norm(ffn_output(act(ffn(x))) + x). The feed-forward output has no dropout: AlbertLayer defines
 * one and never applies it (modeling_albert.py), so neither does this.
 */
export class AlbertLayer extends Module {
  readonly full_layer_layer_norm: LayerNorm;
  /** Hugging Face's AlbertAttention: BERT's attention with its parameters side by side under `attention.`. */
  readonly attention: BertAttention;
  readonly ffn: Linear;
  readonly ffn_output: Linear;
  private readonly activation: Activation;

  constructor(config: AlbertConfig, params: ParamSource, dropoutRng: Rng) {
    super(params);
    const { hiddenSize: h, intermediateSize: inner, initializerRange: std } = config;
    this.full_layer_layer_norm = new LayerNorm(params.at('full_layer_layer_norm'), h, config.layerNormEps);
    this.attention = new BertAttention(config, params.at('attention'), dropoutRng, 'flat');
    this.ffn = new Linear(params.at('ffn'), h, inner, std);
    this.ffn_output = new Linear(params.at('ffn_output'), inner, h, std);
    this.activation = activationFromHiddenAct(config.hiddenAct);
  }

  /** hidden [batch, seq, hidden] → [batch, seq, hidden], or [rows, hidden] at the given flat rows. */
  forward(hidden: Tensor, mask: AttentionMask, rows: Int32Array | null = null): { hidden: Tensor; probs: Tensor } {
    const { output: attended, probs } = this.attention.forward(hidden, mask, rows);
    const ffn = this.ffn_output.forward(this.ffn.forwardActivation(attended, this.activation));
    return { hidden: this.full_layer_layer_norm.forward(ffn, attended), probs };
  }
}
