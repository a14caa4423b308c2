import { crossEntropy } from '../../ops/cross-entropy.js';
import { mseLoss } from '../../ops/mse-loss.js';
import { reshape } from '../../ops/reshape.js';
import { Dropout } from '../../nn/dropout.js';
import { Linear } from '../../nn/linear.js';
import { Tensor } from '../../tensor/tensor.js';
import type { BertInputs, ForwardOptions, InitOptions } from '../bert-model.js';
import { numLabels, type BertConfig } from '../config.js';
import { BertWithHead, type HeadOutput } from './base.js';
import { classifierDropoutProb } from './classifier-dropout.js';

/**
 * BERT §4.1: classification from the pooled [CLS] representation, one linear layer on top. One label →
 * regression with mean squared error (STS-B), else cross-entropy over numLabels classes.
 */
export class BertForSequenceClassification extends BertWithHead {
  readonly architecture = 'BertForSequenceClassification';
  readonly dropout: Dropout;
  readonly classifier: Linear;

  constructor(config: BertConfig, options: InitOptions = {}) {
    super(config, options);
    this.dropout = this.registerModule('dropout', new Dropout(classifierDropoutProb(config), this.bert.dropoutRng));
    this.classifier = this.registerModule('classifier', new Linear(config.hiddenSize, numLabels(config), this.initRng, config.initializerRange));
  }

  /** labels: int32 [batch] class ids, or float32 [batch] targets when numLabels = 1. */
  forward(inputs: BertInputs & { labels?: Tensor }, options: ForwardOptions = {}): HeadOutput & { logits: Tensor } {
    const base = this.bert.forward(inputs, options);
    const logits = this.classifier.forward(this.dropout.forward(base.poolerOutput!));
    const output: HeadOutput & { logits: Tensor } = { ...base, logits };
    if (inputs.labels !== undefined) {
      output.loss = numLabels(this.config) === 1
        ? mseLoss(reshape(logits, [logits.size]), inputs.labels)
        : crossEntropy(logits, inputs.labels);
    }
    return output;
  }
}
