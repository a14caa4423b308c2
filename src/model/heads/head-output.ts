import type { Tensor } from '../../tensor/tensor.js';
import type { EncoderModelOutput } from '../encoder-model.js';

/** Task outputs: the encoder's outputs, the head's logits and, with labels, the loss. */
export interface HeadOutput extends Omit<EncoderModelOutput, 'lastHiddenState' | 'poolerOutput'> {
  loss?: Tensor;
}

/** The encoder's outputs a head passes on: hidden states and attentions when asked for, not its last state or pool. */
export function encoderOutputs(base: EncoderModelOutput): HeadOutput {
  const { lastHiddenState: _last, poolerOutput: _pooled, ...rest } = base;
  return rest;
}
