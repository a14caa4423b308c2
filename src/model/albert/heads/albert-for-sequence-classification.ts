import { Dropout } from '../../../nn/dropout.js';
import { Linear } from '../../../nn/linear.js';
import type { Tensor } from '../../../tensor/tensor.js';
import type { EncoderInputs, ForwardOptions } from '../../encoder-model.js';
import type { HeadOutput } from '../../heads/head-output.js';
import { sequenceClassificationForward } from '../../heads/sequence-classification-forward.js';
import type { InitOptions } from '../../init-options.js';
import { numLabels } from '../../pretrained-config.js';
import { albertClassifierDropoutProb, type AlbertConfig } from '../albert-config.js';
import { AlbertWithHead } from './albert-with-head.js';

/**
 * AlbertForSequenceClassification: dropout(classifier_dropout_prob) and `classifier` on the pooled output; the loss
 * by Hugging Face's problem_type rules (regression, single-label, multi-label), as BERT's.
 */
export class AlbertForSequenceClassification extends AlbertWithHead {
  readonly architecture = 'AlbertForSequenceClassification';
  readonly dropout: Dropout;
  readonly classifier: Linear;

  constructor(config: AlbertConfig, options: InitOptions = {}) {
    super(config, options);
    this.dropout = new Dropout(this.params.at('dropout'), albertClassifierDropoutProb(config), this.albert.dropoutRng);
    this.classifier = new Linear(this.params.at('classifier'), config.hiddenSize, numLabels(config), config.initializerRange);
  }

  /** labels as BertForSequenceClassification's (sequence-classification-forward.ts). */
  forward(inputs: EncoderInputs & { labels?: Tensor }, options: ForwardOptions = {}): HeadOutput & { logits: Tensor } {
    return sequenceClassificationForward(this.config, this.albert, this.dropout, this.classifier, inputs, options);
  }
}
