import { ConfigError } from '../../errors.js';
import { Dropout } from '../../nn/dropout.js';
import { Linear } from '../../nn/linear.js';
import type { ForwardOptions } from '../encoder-model.js';
import {
  questionAnsweringForward, type QuestionAnsweringInputs, type QuestionAnsweringOutput,
} from '../heads/question-answering-forward.js';
import type { InitOptions } from '../init-options.js';
import { numLabels } from '../pretrained-config.js';
import type { DistilBertConfig } from './distilbert-config.js';
import { DistilBertWithHead } from './distilbert-with-head.js';

/**
 * DistilBertForQuestionAnswering: dropout (qa_dropout) on every hidden state, then qa_outputs [dim → 2] scores each
 * token as span start and end; loss as every family's (question-answering-forward.ts).
 */
export class DistilBertForQuestionAnswering extends DistilBertWithHead {
  readonly architecture = 'DistilBertForQuestionAnswering';
  readonly qa_outputs: Linear;
  readonly dropout: Dropout;

  constructor(config: DistilBertConfig, options: InitOptions = {}) {
    super(config, options);
    // Hugging Face builds qa_outputs with num_labels outputs and refuses any count but 2.
    if (numLabels(config) !== 2) throw new ConfigError(`DistilBertForQuestionAnswering: num_labels must be 2 (start, end), got ${numLabels(config)}`);
    this.qa_outputs = new Linear(this.params.at('qa_outputs'), config.dim, 2, config.initializerRange);
    this.dropout = new Dropout(this.params.at('dropout'), config.qaDropout, this.distilbert.dropoutRng);
  }

  /** start/end positions int32 [batch] → startLogits, endLogits [batch, seq]. */
  forward(inputs: QuestionAnsweringInputs, options: ForwardOptions = {}): QuestionAnsweringOutput {
    return questionAnsweringForward(this.distilbert, this.qa_outputs, inputs, options, this.dropout);
  }
}
