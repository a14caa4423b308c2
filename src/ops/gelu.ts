import type { GeluApproximation } from '../backend/backend.js';
import { getBackend } from '../backend/select.js';
import { emptyLike, record, Tensor } from '../tensor/tensor.js';

/** GELU (Hendrycks & Gimpel); BERT's "gelu" is the exact erf form, "gelu_new"/"gelu_pytorch_tanh" the tanh one. */
export function gelu(x: Tensor, approximate: GeluApproximation = 'none'): Tensor {
  const op = 'gelu';
  const backend = getBackend();
  const xs = x.floats(op);
  const out = emptyLike(x.computeDType(op), x.shape);
  backend.geluForward(out.floats(op), xs, x.size, approximate);
  return record(out, op, [x], (o) => backend.geluBackward(x.ensureGrad(), xs, o.grad!, x.size, approximate));
}
