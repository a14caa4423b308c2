import { Dropout } from '../../nn/dropout.js';
import { Linear } from '../../nn/linear.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { BertInputs, ForwardOptions, InitOptions } from '../bert-model.js';
import { numLabels, type BertConfig } from '../config.js';
import { BertWithHead } from './base.js';
import type { HeadOutput } from './head-output.js';
import { classifierDropoutProb } from './classifier-dropout.js';
import { sequenceClassificationForward } from './sequence-classification-forward.js';

/**
 * BERT §4.1: classification from the pooled [CLS] representation through dropout and one linear layer
 * (sequence-classification-forward.ts); the loss by Hugging Face's problem_type rules: regression (STS-B),
 * single-label or multi-label classification.
 */
export class BertForSequenceClassification extends BertWithHead {
  readonly architecture = 'BertForSequenceClassification';
  readonly dropout: Dropout;
  readonly classifier: Linear;

  constructor(config: BertConfig, options: InitOptions = {}) {
    super(config, options);
    this.dropout = new Dropout(this.params.at('dropout'), classifierDropoutProb(config), this.bert.dropoutRng);
    this.classifier = new Linear(this.params.at('classifier'), config.hiddenSize, numLabels(config), config.initializerRange);
  }

  /** labels: int32 [batch] class ids; float32 [batch] regression targets (numLabels 1); float32 [batch, numLabels] 0/1 multi-label targets. */
  forward(inputs: BertInputs & { labels?: Tensor }, options: ForwardOptions = {}): HeadOutput & { logits: Tensor } {
    return sequenceClassificationForward(this.config, this.bert, this.dropout, this.classifier, inputs, options);
  }
}
