import { crossEntropy, IGNORE_INDEX } from '../../ops/cross-entropy.js';
import { ShapeError, shapeString } from '../../errors.js';
import { gatherRows, sliceRows } from '../../ops/gather-rows.js';
import { Tensor } from '../../tensor/tensor.js';
import type { EncoderInputs, EncoderModel, EncoderModelOutput, ForwardOptions } from '../encoder-model.js';

export interface MlmResult {
  /** [batch, seq, vocab], or [masked, vocab] when only the masked positions were scored. */
  logits: Tensor;
  loss?: Tensor;
}

/** The flat rows that carry a label ([batch·seq] order) and their target ids. */
export function maskedPositions(labels: Tensor, rows: number): { positions: Int32Array; targets: Tensor } {
  const labelData = labels.ints('masked LM labels');
  if (labelData.length !== rows) throw new ShapeError(`masked LM: labels ${shapeString(labels.shape)} do not match the ${rows} hidden rows`);
  let count = 0;
  for (let i = 0; i < labelData.length; i++) if (labelData[i] !== IGNORE_INDEX) count++;
  const positions = new Int32Array(count);
  const picked = new Int32Array(count);
  for (let i = 0, j = 0; i < labelData.length; i++) {
    if (labelData[i] === IGNORE_INDEX) continue;
    positions[j] = i;
    picked[j++] = labelData[i]!;
  }
  return { positions, targets: new Tensor(picked, [count]) };
}

/**
 * The encoder run of a masked-LM head and the hidden rows its vocabulary projection needs. With `onlyMasked` and
 * labels, only the rows that carry a label are scored, as the original BERT's gather_indexes does (the vocabulary
 * projection is the largest matrix product of a small BERT; the loss is identical because ignored positions carry
 * none) — and the encoder's last layer runs at those rows alone (ForwardOptions.lastLayerRows), after `leadingRows`
 * (the [CLS] rows when the model has a pooler). Otherwise every position is scored, as Hugging Face's heads do.
 */
export function encodeForMaskedLm(
  bert: EncoderModel,
  inputs: EncoderInputs & { labels?: Tensor },
  options: ForwardOptions,
  onlyMasked: boolean,
  leadingRows: Int32Array,
): { base: EncoderModelOutput; mlmHidden: Tensor; targets?: Tensor } {
  const { labels } = inputs;
  if (!onlyMasked || labels === undefined) {
    const base = bert.forward(inputs, options);
    return labels === undefined ? { base, mlmHidden: base.lastHiddenState } : { base, mlmHidden: base.lastHiddenState, targets: labels };
  }
  const { positions, targets } = maskedPositions(labels, inputs.inputIds.size);
  if (options.outputHiddenStates === true) {
    const base = bert.forward(inputs, options);
    return { base, mlmHidden: gatherRows(base.lastHiddenState, positions), targets };
  }
  const rows = new Int32Array(leadingRows.length + positions.length);
  rows.set(leadingRows);
  rows.set(positions, leadingRows.length);
  const base = bert.forward(inputs, { ...options, lastLayerRows: rows });
  return { base, mlmHidden: sliceRows(base.lastHiddenState, leadingRows.length, rows.length), targets };
}

/** Logits over the vocabulary for hidden rows [..., hidden], and the cross-entropy against targets when given. */
export function maskedLmForward(head: { forward(hidden: Tensor): Tensor }, hidden: Tensor, targets: Tensor | undefined): MlmResult {
  const logits = head.forward(hidden);
  return targets === undefined ? { logits } : { logits, loss: crossEntropy(logits, targets) };
}
