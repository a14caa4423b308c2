import { Linear } from '../../nn/linear.js';
import type { ForwardOptions } from '../encoder-model.js';
import { questionAnsweringForward, type QuestionAnsweringInputs, type QuestionAnsweringOutput } from '../heads/question-answering-forward.js';
import type { InitOptions } from '../init-options.js';
import type { RobertaConfig } from './roberta-config.js';
import { RobertaWithHead } from './roberta-with-head.js';

/** Span start and end scores per token (question-answering-forward.ts): `qa_outputs`, no pooler. */
export class RobertaForQuestionAnswering extends RobertaWithHead {
  readonly architecture = 'RobertaForQuestionAnswering';
  readonly qa_outputs: Linear;

  constructor(config: RobertaConfig, options: InitOptions = {}) {
    super(config, { ...options, addPoolingLayer: false });
    this.qa_outputs = new Linear(this.params.at('qa_outputs'), config.hiddenSize, 2, config.initializerRange);
  }

  forward(inputs: QuestionAnsweringInputs, options: ForwardOptions = {}): QuestionAnsweringOutput {
    return questionAnsweringForward(this.roberta, this.qa_outputs, inputs, options);
  }
}
