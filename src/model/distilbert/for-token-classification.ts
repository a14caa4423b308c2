import { Dropout } from '../../nn/dropout.js';
import { Linear } from '../../nn/linear.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { EncoderInputs, ForwardOptions } from '../encoder-model.js';
import type { HeadOutput } from '../heads/head-output.js';
import { tokenClassificationForward } from '../heads/token-classification-forward.js';
import type { InitOptions } from '../init-options.js';
import { numLabels } from '../pretrained-config.js';
import type { DistilBertConfig } from './distilbert-config.js';
import { DistilBertWithHead } from './distilbert-with-head.js';

/** DistilBertForTokenClassification: dropout (the config's `dropout`) and a label per token; -100 labels are ignored. */
export class DistilBertForTokenClassification extends DistilBertWithHead {
  readonly architecture = 'DistilBertForTokenClassification';
  readonly dropout: Dropout;
  readonly classifier: Linear;

  constructor(config: DistilBertConfig, options: InitOptions = {}) {
    super(config, options);
    this.dropout = new Dropout(this.params.at('dropout'), config.dropout, this.distilbert.dropoutRng);
    this.classifier = new Linear(this.params.at('classifier'), config.dim, numLabels(config), config.initializerRange);
  }

  /** labels: int32 [batch, seq]. Returns logits [batch, seq, numLabels]. */
  forward(inputs: EncoderInputs & { labels?: Tensor }, options: ForwardOptions = {}): HeadOutput & { logits: Tensor } {
    return tokenClassificationForward(this.distilbert, this.dropout, this.classifier, inputs, options);
  }
}
