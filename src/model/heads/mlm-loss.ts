import { crossEntropy, IGNORE_INDEX } from '../../ops/cross-entropy.js';
import { gatherRows } from '../../ops/gather-rows.js';
import { ShapeError, shapeString } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';
import type { BertLMPredictionHead } from './prediction-head.js';

export interface MlmResult {
  /** [batch, seq, vocab], or [masked, vocab] when only the masked positions were scored. */
  logits: Tensor;
  loss?: Tensor;
}

/**
 * Masked-LM logits and loss. With onlyMasked (and labels), the vocabulary projection — the largest matrix
 * product of a small BERT — runs only at the positions that carry a label, as the original BERT's
 * gather_indexes does; the loss is identical because ignored positions carry none.
 */
export function maskedLmForward(head: BertLMPredictionHead, hidden: Tensor, labels: Tensor | undefined, onlyMasked: boolean): MlmResult {
  if (labels === undefined) return { logits: head.forward(hidden) };
  const labelData = labels.ints('masked LM labels');
  const [batch, seq] = hidden.shape as [number, number];
  if (labelData.length !== batch * seq) {
    throw new ShapeError(`masked LM: labels ${shapeString(labels.shape)} do not match hidden states ${shapeString(hidden.shape)}`);
  }
  if (!onlyMasked) {
    const logits = head.forward(hidden);
    return { logits, loss: crossEntropy(logits, labels) };
  }
  let count = 0;
  for (let i = 0; i < labelData.length; i++) if (labelData[i] !== IGNORE_INDEX) count++;
  const positions = new Int32Array(count);
  const picked = new Int32Array(count);
  for (let i = 0, j = 0; i < labelData.length; i++) {
    if (labelData[i] === IGNORE_INDEX) continue;
    positions[j] = i;
    picked[j++] = labelData[i]!;
  }
  const logits = head.forward(gatherRows(hidden, positions));
  return { logits, loss: crossEntropy(logits, new Tensor(picked, [count])) };
}
