import { Linear } from '../../nn/linear.js';
import type { ForwardOptions, InitOptions } from '../bert-model.js';
import type { BertConfig } from '../config.js';
import { BertWithHead } from './base.js';
import { questionAnsweringForward, type QuestionAnsweringInputs, type QuestionAnsweringOutput } from './question-answering-forward.js';

/** BERT §4.2 (SQuAD): span start and end scores per token (question-answering-forward.ts), no pooler. */
export class BertForQuestionAnswering extends BertWithHead {
  readonly architecture = 'BertForQuestionAnswering';
  readonly qa_outputs: Linear;

  constructor(config: BertConfig, options: InitOptions = {}) {
    super(config, { ...options, addPoolingLayer: false });
    this.qa_outputs = new Linear(this.params.at('qa_outputs'), config.hiddenSize, 2, config.initializerRange);
  }

  forward(inputs: QuestionAnsweringInputs, options: ForwardOptions = {}): QuestionAnsweringOutput {
    return questionAnsweringForward(this.bert, this.qa_outputs, inputs, options);
  }
}
