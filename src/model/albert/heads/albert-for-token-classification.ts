import { Dropout } from '../../../nn/dropout.js';
import { Linear } from '../../../nn/linear.js';
import type { Tensor } from '../../../tensor/tensor.js';
import type { EncoderInputs, ForwardOptions } from '../../encoder-model.js';
import type { HeadOutput } from '../../heads/head-output.js';
import { tokenClassificationForward } from '../../heads/token-classification-forward.js';
import type { InitOptions } from '../../init-options.js';
import { numLabels } from '../../pretrained-config.js';
import { albertClassifierDropoutProb, type AlbertConfig } from '../albert-config.js';
import { AlbertWithHead } from './albert-with-head.js';

/** AlbertForTokenClassification: a label per token (token-classification-forward.ts), no pooler. */
export class AlbertForTokenClassification extends AlbertWithHead {
  readonly architecture = 'AlbertForTokenClassification';
  readonly dropout: Dropout;
  readonly classifier: Linear;

  constructor(config: AlbertConfig, options: InitOptions = {}) {
    super(config, { ...options, addPoolingLayer: false });
    this.dropout = new Dropout(this.params.at('dropout'), albertClassifierDropoutProb(config), this.albert.dropoutRng);
    this.classifier = new Linear(this.params.at('classifier'), config.hiddenSize, numLabels(config), config.initializerRange);
  }

  forward(inputs: EncoderInputs & { labels?: Tensor }, options: ForwardOptions = {}): HeadOutput & { logits: Tensor } {
    return tokenClassificationForward(this.albert, this.dropout, this.classifier, inputs, options);
  }
}
