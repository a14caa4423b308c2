import { Linear } from '../../../nn/linear.js';
import type { ForwardOptions } from '../../encoder-model.js';
import {
  questionAnsweringForward, type QuestionAnsweringInputs, type QuestionAnsweringOutput,
} from '../../heads/question-answering-forward.js';
import type { InitOptions } from '../../init-options.js';
import type { AlbertConfig } from '../albert-config.js';
import { AlbertWithHead } from './albert-with-head.js';

/** AlbertForQuestionAnswering: `qa_outputs` scores each token as a span's start and end (question-answering-forward.ts). No pooler. */
export class AlbertForQuestionAnswering extends AlbertWithHead {
  readonly architecture = 'AlbertForQuestionAnswering';
  readonly qa_outputs: Linear;

  constructor(config: AlbertConfig, options: InitOptions = {}) {
    super(config, { ...options, addPoolingLayer: false });
    this.qa_outputs = new Linear(this.params.at('qa_outputs'), config.hiddenSize, 2, config.initializerRange);
  }

  forward(inputs: QuestionAnsweringInputs, options: ForwardOptions = {}): QuestionAnsweringOutput {
    return questionAnsweringForward(this.albert, this.qa_outputs, inputs, options);
  }
}
