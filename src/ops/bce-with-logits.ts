import { newBuffer } from '../tensor/arena.js';
import { assertSameDType, assertSameShape, record, Tensor } from '../tensor/tensor.js';

/**
 * Mean binary cross-entropy of logits against targets in [0, 1], element by element (torch.nn.BCEWithLogitsLoss,
 * reduction "mean": multi-label classification). Written as max(x, 0) − x·y + log(1 + e^−|x|), the form that neither
 * overflows nor loses log's accuracy for large |x|; the gradient is (sigmoid(x) − y) / n.
 */
export function bceWithLogits(logits: Tensor, targets: Tensor): Tensor {
  const op = 'bceWithLogits';
  assertSameShape(op, logits, targets);
  assertSameDType(op, logits, targets);
  const xs = logits.floats(op);
  const ys = targets.floats(op);
  const n = Math.max(xs.length, 1);
  let total = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    total += Math.max(x, 0) - x * ys[i]! + Math.log1p(Math.exp(-Math.abs(x)));
  }
  const loss = new Tensor(newBuffer(logits.dtype, 1), []);
  loss.data[0] = total / n;
  return record(loss, op, [logits], (o) => {
    const dx = logits.ensureGrad();
    const factor = o.grad![0]! / n;
    for (let i = 0; i < xs.length; i++) dx[i] = dx[i]! + factor * (1 / (1 + Math.exp(-xs[i]!)) - ys[i]!);
  });
}
