import { crossEntropy } from '../../ops/cross-entropy.js';
import { reshape } from '../../ops/reshape.js';
import { firstTokenRows } from '../../ops/gather-rows.js';
import type { Dropout } from '../../nn/dropout.js';
import type { Linear } from '../../nn/linear.js';
import { ShapeError, shapeString } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';
import type { EncoderInputs, EncoderModel, EncoderModelOutput, ForwardOptions } from '../encoder-model.js';
import { encoderOutputs, type HeadOutput } from './head-output.js';

/**
 * BERT §4.4 (SWAG), as every family's ForMultipleChoice computes it: each choice is encoded as its own sequence; one
 * learned vector scores each pooled first token and a softmax runs over the choices. Inputs are
 * [batch, choices, seq]; logits [batch, choices]. `name` (the class) names the model in errors. `pooled`: each
 * choice's representation from the encoder's output — the pooler's by default; DistilBERT's pre_classifier + ReLU.
 */
export function multipleChoiceForward(
  name: string, encoder: EncoderModel, dropout: Dropout, classifier: Linear, inputs: EncoderInputs & { labels?: Tensor }, options: ForwardOptions,
  pooled: (base: EncoderModelOutput) => Tensor = (base) => base.poolerOutput!,
): HeadOutput & { logits: Tensor } {
  if (inputs.inputIds.shape.length !== 3) {
    throw new ShapeError(`${name}: input_ids must be [batch, choices, seq], got ${shapeString(inputs.inputIds.shape)}`);
  }
  const [batch, choices, seq] = inputs.inputIds.shape as [number, number, number];
  // Each choice is a sequence of its own: [batch, choices, seq] → [batch·choices, seq], as Hugging Face's view(-1, seq).
  const flat = (t: Tensor, what: string): Tensor => {
    if (t.shape.length !== 3 || t.shape.some((dim, i) => dim !== inputs.inputIds.shape[i])) {
      throw new ShapeError(`${name}: ${what} ${shapeString(t.shape)} must match input_ids ${shapeString(inputs.inputIds.shape)}`);
    }
    return new Tensor(t.data, [batch * choices, seq]);
  };
  const flatInputs: EncoderInputs = { inputIds: flat(inputs.inputIds, 'input_ids') };
  if (inputs.tokenTypeIds !== undefined) flatInputs.tokenTypeIds = flat(inputs.tokenTypeIds, 'token_type_ids');
  if (inputs.attentionMask !== undefined) flatInputs.attentionMask = flat(inputs.attentionMask, 'attention_mask');
  const base = encoder.forward(flatInputs, { ...options, lastLayerRows: firstTokenRows(batch * choices, seq) });
  const scores = classifier.forward(dropout.forward(pooled(base))); // [batch·choices, 1]
  const logits = reshape(scores, [batch, choices]); // choice scores of one example are adjacent rows
  const output: HeadOutput & { logits: Tensor } = { ...encoderOutputs(base), logits };
  if (inputs.labels !== undefined) output.loss = crossEntropy(logits, inputs.labels);
  return output;
}
