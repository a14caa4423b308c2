import { Dropout } from '../../../nn/dropout.js';
import { Linear } from '../../../nn/linear.js';
import type { Tensor } from '../../../tensor/tensor.js';
import type { EncoderInputs, ForwardOptions } from '../../encoder-model.js';
import type { HeadOutput } from '../../heads/head-output.js';
import { multipleChoiceForward } from '../../heads/multiple-choice-forward.js';
import type { InitOptions } from '../../init-options.js';
import { albertClassifierDropoutProb, type AlbertConfig } from '../albert-config.js';
import { AlbertWithHead } from './albert-with-head.js';

/** AlbertForMultipleChoice: each choice its own sequence, its pooled output scored by `classifier` (multiple-choice-forward.ts). */
export class AlbertForMultipleChoice extends AlbertWithHead {
  readonly architecture = 'AlbertForMultipleChoice';
  readonly dropout: Dropout;
  readonly classifier: Linear;

  constructor(config: AlbertConfig, options: InitOptions = {}) {
    super(config, options);
    this.dropout = new Dropout(this.params.at('dropout'), albertClassifierDropoutProb(config), this.albert.dropoutRng);
    this.classifier = new Linear(this.params.at('classifier'), config.hiddenSize, 1, config.initializerRange);
  }

  /** inputs [batch, choices, seq]; returns logits [batch, choices]; labels: int32 [batch], the right choice. */
  forward(inputs: EncoderInputs & { labels?: Tensor }, options: ForwardOptions = {}): HeadOutput & { logits: Tensor } {
    return multipleChoiceForward(this.architecture, this.albert, this.dropout, this.classifier, inputs, options);
  }
}
