import { add, scale } from '../../ops/add.js';
import { crossEntropy } from '../../ops/cross-entropy.js';
import { selectColumn } from '../../ops/select-column.js';
import { Linear } from '../../nn/linear.js';
import { Tensor } from '../../tensor/tensor.js';
import type { BertInputs, ForwardOptions, InitOptions } from '../bert-model.js';
import type { BertConfig } from '../config.js';
import { BertWithHead, type HeadOutput } from './base.js';

/**
 * BERT §4.2 (SQuAD): start and end vectors S, E score every token; a span's score is S·Tᵢ + E·Tⱼ.
 * Loss = (CE(start) + CE(end)) / 2; positions outside the sequence are clamped to seq and ignored, as in
 * Hugging Face.
 */
export class BertForQuestionAnswering extends BertWithHead {
  readonly architecture = 'BertForQuestionAnswering';
  readonly qa_outputs: Linear;

  constructor(config: BertConfig, options: InitOptions = {}) {
    super(config, { ...options, addPoolingLayer: false });
    this.qa_outputs = new Linear(this.params.at('qa_outputs'), config.hiddenSize, 2, config.initializerRange);
  }

  forward(inputs: BertInputs & { startPositions?: Tensor; endPositions?: Tensor }, options: ForwardOptions = {}):
    HeadOutput & { startLogits: Tensor; endLogits: Tensor } {
    const base = this.bert.forward(inputs, options);
    const logits = this.qa_outputs.forward(base.lastHiddenState);
    const startLogits = selectColumn(logits, 0);
    const endLogits = selectColumn(logits, 1);
    const output: HeadOutput & { startLogits: Tensor; endLogits: Tensor } = { ...base, startLogits, endLogits };
    if (inputs.startPositions !== undefined && inputs.endPositions !== undefined) {
      const seq = startLogits.shape[1]!;
      const clamp = (positions: Tensor): Tensor => {
        const data = positions.ints('question answering positions');
        const clamped = new Int32Array(data.length);
        for (let i = 0; i < data.length; i++) clamped[i] = Math.min(Math.max(data[i]!, 0), seq);
        return new Tensor(clamped, positions.shape);
      };
      const startLoss = crossEntropy(startLogits, clamp(inputs.startPositions), seq);
      const endLoss = crossEntropy(endLogits, clamp(inputs.endPositions), seq);
      output.loss = scale(add(startLoss, endLoss), 0.5);
    }
    return output;
  }
}
