import type { Tensor } from '../../tensor/tensor.js';
import type { EncoderInputs, ForwardOptions } from '../encoder-model.js';
import type { HeadOutput } from '../heads/head-output.js';
import { multipleChoiceForward } from '../heads/multiple-choice-forward.js';
import type { InitOptions } from '../init-options.js';
import type { DistilBertConfig } from './distilbert-config.js';
import { DistilBertWithFirstTokenClassifier } from './first-token-classifier.js';

/**
 * DistilBertForMultipleChoice: each choice encoded as its own sequence, its first token scored by pre_classifier,
 * ReLU, dropout and a one-output classifier; softmax over the choices (multiple-choice-forward.ts).
 */
export class DistilBertForMultipleChoice extends DistilBertWithFirstTokenClassifier {
  readonly architecture = 'DistilBertForMultipleChoice';

  constructor(config: DistilBertConfig, options: InitOptions = {}) {
    super(config, options, 1);
  }

  /** input_ids, attention_mask [batch, choices, seq]; labels int32 [batch] → logits [batch, choices]. */
  forward(inputs: EncoderInputs & { labels?: Tensor }, options: ForwardOptions = {}): HeadOutput & { logits: Tensor } {
    return multipleChoiceForward('DistilBertForMultipleChoice', this.distilbert, this.dropout, this.classifier, inputs, options,
      (base) => this.pooled(base.lastHiddenState));
  }
}
