import { activationFromHiddenAct, type Activation } from '../../nn/activation.js';
import { LayerNorm } from '../../nn/layer-norm.js';
import { autocastLinear, Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import { constantInit } from '../../nn/param-init.js';
import type { ParamSource } from '../../nn/param-source.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { EncoderInputs, ForwardOptions } from '../encoder-model.js';
import type { HeadOutput } from '../heads/head-output.js';
import { encodeForMaskedLm, maskedLmForward } from '../heads/mlm-loss.js';
import type { InitOptions } from '../init-options.js';
import type { RobertaConfig } from './roberta-config.js';
import { RobertaWithHead } from './roberta-with-head.js';

/**
 * Hugging Face's RobertaLMHead: dense → gelu (always the exact erf GELU, whatever hidden_act says) → layer_norm →
 * decoder tied to the word embeddings, plus its own bias `lm_head.bias` (the decoder's bias is the same tensor).
 */
export class RobertaLMHead extends Module {
  readonly dense: Linear;
  readonly layer_norm: LayerNorm;
  readonly bias: Tensor;
  private readonly gelu: Activation = activationFromHiddenAct('gelu');

  constructor(config: RobertaConfig, params: ParamSource, private readonly wordEmbeddings: Tensor) {
    super(params);
    this.dense = new Linear(params.at('dense'), config.hiddenSize, config.hiddenSize, config.initializerRange);
    this.layer_norm = new LayerNorm(params.at('layer_norm'), config.hiddenSize, config.layerNormEps);
    this.bias = params.get('bias', [config.vocabSize], constantInit(0));
  }

  /** hidden [..., hidden] → logits [..., vocab]. */
  forward(hidden: Tensor): Tensor {
    return autocastLinear(this.layer_norm.forward(this.dense.forwardActivation(hidden, this.gelu)), this.wordEmbeddings, this.bias);
  }
}

/** RoBERTa's masked-LM model (Liu et al. 2019 §4: MLM alone, no NSP): the encoder without a pooler and `lm_head`. */
export class RobertaForMaskedLM extends RobertaWithHead {
  readonly architecture = 'RobertaForMaskedLM';
  readonly lm_head: RobertaLMHead;

  constructor(config: RobertaConfig, options: InitOptions = {}) {
    super(config, { ...options, addPoolingLayer: false });
    this.lm_head = new RobertaLMHead(config, this.params.at('lm_head'), this.roberta.wordEmbeddings());
  }

  /** labels: int32 [batch, seq], -100 where no loss is taken; onlyMaskedPositions as BertForMaskedLM's. */
  forward(inputs: EncoderInputs & { labels?: Tensor }, options: ForwardOptions & { onlyMaskedPositions?: boolean } = {}): HeadOutput & { logits: Tensor } {
    const { base, mlmHidden, targets } = encodeForMaskedLm(this.roberta, inputs, options, options.onlyMaskedPositions ?? false, new Int32Array(0));
    const mlm = maskedLmForward(this.lm_head, mlmHidden, targets);
    const output: HeadOutput & { logits: Tensor } = { ...base, logits: mlm.logits };
    if (mlm.loss !== undefined) output.loss = mlm.loss;
    return output;
  }
}
