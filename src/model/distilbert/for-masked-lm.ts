import { activationFromHiddenAct, type Activation } from '../../nn/activation.js';
import { LayerNorm } from '../../nn/layer-norm.js';
import { autocastLinear, Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import { constantInit } from '../../nn/param-init.js';
import type { ParamSource } from '../../nn/param-source.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { EncoderInputs, ForwardOptions } from '../encoder-model.js';
import { encoderOutputs, type HeadOutput } from '../heads/head-output.js';
import { encodeForMaskedLm, maskedLmForward } from '../heads/mlm-loss.js';
import type { InitOptions } from '../init-options.js';
import type { DistilBertConfig } from './distilbert-config.js';
import { DistilBertWithHead } from './distilbert-with-head.js';
import { DISTILBERT_LAYER_NORM_EPS } from './embeddings.js';

/**
 * vocab_projector: Hugging Face's nn.Linear [dim → vocab] whose weight is tied to the word embeddings (Press & Wolf
 * 2017) — so only its bias is a parameter here, and checkpoints' `vocab_projector.weight` carries nothing to load.
 */
export class TiedVocabProjector extends Module {
  readonly bias: Tensor;

  constructor(params: ParamSource, vocabSize: number, private readonly wordEmbeddings: Tensor) {
    super(params);
    this.bias = params.get('bias', [vocabSize], constantInit(0));
  }

  /** [..., dim] → [..., vocab] */
  forward(hidden: Tensor): Tensor {
    return autocastLinear(hidden, this.wordEmbeddings, this.bias);
  }
}

/**
 * DistilBertForMaskedLM (Sanh et al. 2019 §3: the student keeps BERT's MLM objective): vocab_transform, activation,
 * vocab_layer_norm, vocab_projector tied to the word embeddings. Cross-entropy over labels ≠ -100.
 */
export class DistilBertForMaskedLM extends DistilBertWithHead {
  readonly architecture = 'DistilBertForMaskedLM';
  readonly vocab_transform: Linear;
  readonly vocab_layer_norm: LayerNorm;
  readonly vocab_projector: TiedVocabProjector;
  private readonly activation: Activation;

  constructor(config: DistilBertConfig, options: InitOptions = {}) {
    super(config, options);
    this.activation = activationFromHiddenAct(config.activation, 'DistilBertConfig', 'activation');
    this.vocab_transform = new Linear(this.params.at('vocab_transform'), config.dim, config.dim, config.initializerRange);
    this.vocab_layer_norm = new LayerNorm(this.params.at('vocab_layer_norm'), config.dim, DISTILBERT_LAYER_NORM_EPS);
    this.vocab_projector = new TiedVocabProjector(this.params.at('vocab_projector'), config.vocabSize, this.distilbert.wordEmbeddings());
  }

  /** hidden [..., dim] → logits [..., vocab]. */
  predict(hidden: Tensor): Tensor {
    return this.vocab_projector.forward(this.vocab_layer_norm.forward(this.vocab_transform.forwardActivation(hidden, this.activation)));
  }

  /**
   * labels: int32 [batch, seq], -100 where no loss is taken. Returns logits [batch, seq, vocab] — or, with
   * onlyMaskedPositions and labels, [masked, vocab] at the labelled rows alone (mlm-loss.ts: the same loss).
   */
  forward(inputs: EncoderInputs & { labels?: Tensor }, options: ForwardOptions & { onlyMaskedPositions?: boolean } = {}): HeadOutput & { logits: Tensor } {
    const { base, mlmHidden, targets } = encodeForMaskedLm(this.distilbert, inputs, options, options.onlyMaskedPositions ?? false, new Int32Array(0));
    const mlm = maskedLmForward({ forward: (hidden) => this.predict(hidden) }, mlmHidden, targets);
    const output: HeadOutput & { logits: Tensor } = { ...encoderOutputs(base), logits: mlm.logits };
    if (mlm.loss !== undefined) output.loss = mlm.loss;
    return output;
  }
}
