import { Dropout } from '../../nn/dropout.js';
import { Linear } from '../../nn/linear.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { EncoderInputs, ForwardOptions } from '../encoder-model.js';
import { classifierDropoutProb } from '../heads/classifier-dropout.js';
import type { HeadOutput } from '../heads/head-output.js';
import { tokenClassificationForward } from '../heads/token-classification-forward.js';
import type { InitOptions } from '../init-options.js';
import { numLabels } from '../pretrained-config.js';
import type { RobertaConfig } from './roberta-config.js';
import { RobertaWithHead } from './roberta-with-head.js';

/** A label per token (token-classification-forward.ts): dropout (classifier_dropout, else hidden) and `classifier`, no pooler. */
export class RobertaForTokenClassification extends RobertaWithHead {
  readonly architecture = 'RobertaForTokenClassification';
  readonly dropout: Dropout;
  readonly classifier: Linear;

  constructor(config: RobertaConfig, options: InitOptions = {}) {
    super(config, { ...options, addPoolingLayer: false });
    this.dropout = new Dropout(this.params.at('dropout'), classifierDropoutProb(config), this.roberta.dropoutRng);
    this.classifier = new Linear(this.params.at('classifier'), config.hiddenSize, numLabels(config), config.initializerRange);
  }

  /** labels: int32 [batch, seq]. Returns logits [batch, seq, numLabels]. */
  forward(inputs: EncoderInputs & { labels?: Tensor }, options: ForwardOptions = {}): HeadOutput & { logits: Tensor } {
    return tokenClassificationForward(this.roberta, this.dropout, this.classifier, inputs, options);
  }
}
