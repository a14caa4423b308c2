import { add, scale } from '../../ops/add.js';
import { crossEntropy } from '../../ops/cross-entropy.js';
import { selectColumn } from '../../ops/select-column.js';
import type { Dropout } from '../../nn/dropout.js';
import type { Linear } from '../../nn/linear.js';
import { Tensor } from '../../tensor/tensor.js';
import type { EncoderInputs, EncoderModel, ForwardOptions } from '../encoder-model.js';
import type { HeadOutput } from './head-output.js';

export type QuestionAnsweringInputs = EncoderInputs & { startPositions?: Tensor; endPositions?: Tensor };
export type QuestionAnsweringOutput = HeadOutput & { startLogits: Tensor; endLogits: Tensor };

/**
 * BERT §4.2 (SQuAD), as every family's ForQuestionAnswering computes it: start and end vectors S, E (qa_outputs)
 * score every token; a span's score is S·Tᵢ + E·Tⱼ. Loss = (CE(start) + CE(end)) / 2; positions outside the
 * sequence are clamped to seq and ignored, as in Hugging Face.
 */
export function questionAnsweringForward(
  encoder: EncoderModel, qaOutputs: Linear, inputs: QuestionAnsweringInputs, options: ForwardOptions, dropout?: Dropout,
): QuestionAnsweringOutput {
  const base = encoder.forward(inputs, options);
  // dropout: DistilBERT's qa_dropout before qa_outputs; BERT and RoBERTa have none there.
  const logits = qaOutputs.forward(dropout === undefined ? base.lastHiddenState : dropout.forward(base.lastHiddenState));
  const startLogits = selectColumn(logits, 0);
  const endLogits = selectColumn(logits, 1);
  const output: QuestionAnsweringOutput = { ...base, startLogits, endLogits };
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
