import { forwardLinears, Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import type { ParamSource } from '../../nn/param-source.js';
import type { Rng } from '../../tensor/rng.js';
import type { Tensor } from '../../tensor/tensor.js';
import { selfAttention, type AttentionMask } from '../attention.js';
import type { DistilBertConfig } from './distilbert-config.js';

/**
 * DistilBERT's MultiHeadSelfAttention: q_lin, k_lin, v_lin [dim → dim], scaled dot-product attention with dropout on
 * the probabilities, and out_lin — with no dropout after it (unlike BERT's BertSelfOutput). Hugging Face divides q by
 * √headDim before the product and fills hidden keys with finfo.min; the shared attention divides the scores and adds
 * the mask, which gives the same probabilities up to rounding (hidden keys get exactly 0 either way).
 */
export class MultiHeadSelfAttention extends Module {
  readonly q_lin: Linear;
  readonly k_lin: Linear;
  readonly v_lin: Linear;
  readonly out_lin: Linear;

  constructor(readonly config: DistilBertConfig, params: ParamSource, private readonly dropoutRng: Rng) {
    super(params);
    const { dim, initializerRange: std } = config;
    this.q_lin = new Linear(params.at('q_lin'), dim, dim, std);
    this.k_lin = new Linear(params.at('k_lin'), dim, dim, std);
    this.v_lin = new Linear(params.at('v_lin'), dim, dim, std);
    this.out_lin = new Linear(params.at('out_lin'), dim, dim, std);
  }

  /** hidden [batch, seq, dim] → context [batch, seq, dim] before out_lin, probs [batch, heads, seq, seq]. */
  attend(hidden: Tensor, mask: AttentionMask): { context: Tensor; probs: Tensor } {
    const [q, k, v] = forwardLinears(hidden, [this.q_lin, this.k_lin, this.v_lin]);
    const { nHeads: heads, attentionDropout: dropoutProb } = this.config;
    return selfAttention(q, k, v, mask, { heads, dropoutProb, training: this.training, rng: this.dropoutRng });
  }
}
