import { Dropout } from '../../nn/dropout.js';
import { Linear } from '../../nn/linear.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { EncoderInputs, ForwardOptions } from '../encoder-model.js';
import type { HeadOutput } from '../heads/head-output.js';
import { multipleChoiceForward } from '../heads/multiple-choice-forward.js';
import type { InitOptions } from '../init-options.js';
import type { RobertaConfig } from './roberta-config.js';
import { RobertaWithHead } from './roberta-with-head.js';

/**
 * One score per choice from the pooled `<s>` (multiple-choice-forward.ts). Hugging Face's RobertaForMultipleChoice
 * drops out with hidden_dropout_prob, not classifier_dropout.
 */
export class RobertaForMultipleChoice extends RobertaWithHead {
  readonly architecture = 'RobertaForMultipleChoice';
  readonly dropout: Dropout;
  readonly classifier: Linear;

  constructor(config: RobertaConfig, options: InitOptions = {}) {
    super(config, options);
    this.dropout = new Dropout(this.params.at('dropout'), config.hiddenDropoutProb, this.roberta.dropoutRng);
    this.classifier = new Linear(this.params.at('classifier'), config.hiddenSize, 1, config.initializerRange);
  }

  forward(inputs: EncoderInputs & { labels?: Tensor }, options: ForwardOptions = {}): HeadOutput & { logits: Tensor } {
    return multipleChoiceForward('RobertaForMultipleChoice', this.roberta, this.dropout, this.classifier, inputs, options);
  }
}
