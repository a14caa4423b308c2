import { getBackend } from '../backend/select.js';
import { emptyLike, record, Tensor } from '../tensor/tensor.js';

/** tanh, as BERT's pooler applies it to the [CLS] projection; backward uses the saved output. */
export function tanh(x: Tensor): Tensor {
  const op = 'tanh';
  const backend = getBackend();
  const out = emptyLike(x.computeDType(op), x.shape);
  const ys = out.floats(op);
  backend.tanhForward(ys, x.floats(op), x.size);
  return record(out, op, [x], (o) => backend.tanhBackward(x.ensureGrad(), ys, o.grad!, x.size));
}
