import { Dropout } from '../../nn/dropout.js';
import { Linear } from '../../nn/linear.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { BertInputs, ForwardOptions, InitOptions } from '../bert-model.js';
import type { BertConfig } from '../config.js';
import { BertWithHead, type HeadOutput } from './base.js';
import { classifierDropoutProb } from './classifier-dropout.js';
import { multipleChoiceForward } from './multiple-choice-forward.js';

/**
 * BERT §4.4 (SWAG): each choice is encoded as its own pair; one learned vector scores each pooled [CLS] and a
 * softmax runs over the choices. Inputs are [batch, choices, seq]; logits [batch, choices].
 */
export class BertForMultipleChoice extends BertWithHead {
  readonly architecture = 'BertForMultipleChoice';
  readonly dropout: Dropout;
  readonly classifier: Linear;

  constructor(config: BertConfig, options: InitOptions = {}) {
    super(config, options);
    this.dropout = new Dropout(this.params.at('dropout'), classifierDropoutProb(config), this.bert.dropoutRng);
    this.classifier = new Linear(this.params.at('classifier'), config.hiddenSize, 1, config.initializerRange);
  }

  forward(inputs: BertInputs & { labels?: Tensor }, options: ForwardOptions = {}): HeadOutput & { logits: Tensor } {
    return multipleChoiceForward('BertForMultipleChoice', this.bert, this.dropout, this.classifier, inputs, options);
  }
}
