import { getBackend } from '../backend/select.js';
import { ShapeError, ValueError, shapeString } from '../errors.js';
import { allocate, newBuffer } from '../tensor/arena.js';
import type { FloatArray } from '../backend/backend.js';
import { record, Tensor } from '../tensor/tensor.js';

/** Hugging Face's (and PyTorch's) default ignore label: -100 marks positions that carry no loss. */
export const IGNORE_INDEX = -100;

/**
 * Mean cross-entropy of logits [..., classes] against int32 labels [...], over the rows whose label is not
 * ignoreIndex (torch.nn.CrossEntropyLoss, reduction "mean"). When every row is ignored the loss is 0 with zero
 * gradient, where PyTorch would give NaN: a batch without targets should not poison training.
 */
export function crossEntropy(logits: Tensor, labels: Tensor, ignoreIndex = IGNORE_INDEX): Tensor {
  const op = 'crossEntropy';
  const classes = logits.shape[logits.shape.length - 1] ?? 0;
  const rows = logits.size / Math.max(classes, 1);
  const labelData = labels.ints(op);
  if (labelData.length !== rows) {
    throw new ShapeError(`${op}: logits ${shapeString(logits.shape)} have ${rows} rows but labels ${shapeString(labels.shape)} have ${labelData.length}`);
  }
  for (let i = 0; i < rows; i++) {
    const label = labelData[i]!;
    if (label !== ignoreIndex && (label < 0 || label >= classes)) {
      throw new ValueError(`${op}: label ${label} at row ${i} is outside [0, ${classes}) and is not the ignore index ${ignoreIndex}`);
    }
  }
  const backend = getBackend();
  const dtype = logits.computeDType(op);
  const probs = allocate(dtype, logits.size, false) as FloatArray;
  const { lossSum, count } = backend.crossEntropyForward(probs, logits.floats(op), labelData, rows, classes, ignoreIndex);
  const loss = new Tensor(newBuffer(dtype, 1), []);
  loss.data[0] = count === 0 ? 0 : lossSum / count;
  return record(loss, op, [logits], (o) => {
    if (count === 0) return;
    backend.crossEntropyBackward(logits.ensureGrad(), probs, labelData, rows, classes, ignoreIndex, o.grad![0]! / count);
  });
}
