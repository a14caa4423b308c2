import { Module } from '../../nn/module.js';
import type { ParamSource } from '../../nn/param-source.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { BertInputs, ForwardOptions, InitOptions } from '../bert-model.js';
import type { BertConfig } from '../config.js';
import { BertWithHead, type HeadOutput } from './base.js';
import { encodeForMaskedLm, maskedLmForward } from './mlm-loss.js';
import { BertLMPredictionHead } from './prediction-head.js';

export class BertOnlyMLMHead extends Module {
  readonly predictions: BertLMPredictionHead;

  constructor(config: BertConfig, params: ParamSource, wordEmbeddings: Tensor) {
    super(params);
    this.predictions = new BertLMPredictionHead(config, params.at('predictions'), wordEmbeddings);
  }
}

/** BertForMaskedLM: the MLM head alone (no pooler, as Hugging Face builds it); fill-mask uses it. */
export class BertForMaskedLM extends BertWithHead {
  readonly architecture = 'BertForMaskedLM';
  readonly cls: BertOnlyMLMHead;

  constructor(config: BertConfig, options: InitOptions = {}) {
    super(config, { ...options, addPoolingLayer: false });
    this.cls = new BertOnlyMLMHead(config, this.params.at('cls'), this.bert.embeddings.word_embeddings.weight);
  }

  forward(inputs: BertInputs & { labels?: Tensor }, options: ForwardOptions & { onlyMaskedPositions?: boolean } = {}): HeadOutput & { logits: Tensor } {
    const { base, mlmHidden, targets } = encodeForMaskedLm(this.bert, inputs, options, options.onlyMaskedPositions ?? false, new Int32Array(0));
    const mlm = maskedLmForward(this.cls.predictions, mlmHidden, targets);
    const output: HeadOutput & { logits: Tensor } = { ...base, logits: mlm.logits };
    if (mlm.loss !== undefined) output.loss = mlm.loss;
    return output;
  }
}
