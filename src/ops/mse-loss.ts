import { assertSameDType, assertSameShape, record, Tensor } from '../tensor/tensor.js';
import { newBuffer } from '../tensor/arena.js';

/** Mean squared error (regression heads: Hugging Face's num_labels = 1 sequence classification). */
export function mseLoss(predictions: Tensor, targets: Tensor): Tensor {
  const op = 'mseLoss';
  assertSameShape(op, predictions, targets);
  assertSameDType(op, predictions, targets);
  const ps = predictions.floats(op);
  const ts = targets.floats(op);
  let total = 0;
  for (let i = 0; i < ps.length; i++) total += (ps[i]! - ts[i]!) ** 2;
  const loss = new Tensor(newBuffer(predictions.dtype, 1), []);
  loss.data[0] = total / Math.max(ps.length, 1);
  return record(loss, op, [predictions], (o) => {
    const dx = predictions.ensureGrad();
    const factor = (2 * o.grad![0]!) / Math.max(ps.length, 1);
    for (let i = 0; i < ps.length; i++) dx[i] = dx[i]! + factor * (ps[i]! - ts[i]!);
  });
}
