import { Dropout } from '../../nn/dropout.js';
import { Linear } from '../../nn/linear.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { BertInputs, ForwardOptions, InitOptions } from '../bert-model.js';
import { numLabels, type BertConfig } from '../config.js';
import { BertWithHead, type HeadOutput } from './base.js';
import { classifierDropoutProb } from './classifier-dropout.js';
import { tokenClassificationForward } from './token-classification-forward.js';

/** BERT §5.3 (NER): a label per token from its final hidden state; -100 labels (sub-word continuations, padding) are ignored. */
export class BertForTokenClassification extends BertWithHead {
  readonly architecture = 'BertForTokenClassification';
  readonly dropout: Dropout;
  readonly classifier: Linear;

  constructor(config: BertConfig, options: InitOptions = {}) {
    super(config, { ...options, addPoolingLayer: false });
    this.dropout = new Dropout(this.params.at('dropout'), classifierDropoutProb(config), this.bert.dropoutRng);
    this.classifier = new Linear(this.params.at('classifier'), config.hiddenSize, numLabels(config), config.initializerRange);
  }

  /** labels: int32 [batch, seq]. Returns logits [batch, seq, numLabels]. */
  forward(inputs: BertInputs & { labels?: Tensor }, options: ForwardOptions = {}): HeadOutput & { logits: Tensor } {
    return tokenClassificationForward(this.bert, this.dropout, this.classifier, inputs, options);
  }
}
