import { crossEntropy } from '../../ops/cross-entropy.js';
import { Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import type { ParamSource } from '../../nn/param-source.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { BertInputs, ForwardOptions, InitOptions } from '../bert-model.js';
import type { BertConfig } from '../config.js';
import { BertWithHead, type HeadOutput } from './base.js';

export class BertOnlyNSPHead extends Module {
  readonly seq_relationship: Linear;

  constructor(config: BertConfig, params: ParamSource) {
    super(params);
    this.seq_relationship = new Linear(params.at('seq_relationship'), config.hiddenSize, 2, config.initializerRange);
  }
}

/** BertForNextSentencePrediction: label 0 = B continues A, 1 = B is random. */
export class BertForNextSentencePrediction extends BertWithHead {
  readonly architecture = 'BertForNextSentencePrediction';
  readonly cls: BertOnlyNSPHead;

  constructor(config: BertConfig, options: InitOptions = {}) {
    super(config, options);
    this.cls = new BertOnlyNSPHead(config, this.params.at('cls'));
  }

  forward(inputs: BertInputs & { labels?: Tensor }, options: ForwardOptions = {}): HeadOutput & { logits: Tensor } {
    const base = this.bert.forward(inputs, options);
    const logits = this.cls.seq_relationship.forward(base.poolerOutput!);
    const output: HeadOutput & { logits: Tensor } = { ...base, logits };
    if (inputs.labels !== undefined) output.loss = crossEntropy(logits, inputs.labels);
    return output;
  }
}
