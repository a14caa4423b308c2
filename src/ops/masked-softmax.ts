import { getBackend } from '../backend/select.js';
import { ShapeError, shapeString } from '../errors.js';
import { emptyLike, record, Tensor } from '../tensor/tensor.js';

/**
 * probs = softmax(scale · scores + mask) over the last axis; scores [batch, heads, queries, keys], mask [batch,
 * keys] additive or null. The attention op fuses this; it stands alone for tests and for variants that need it.
 */
export function maskedSoftmax(scores: Tensor, mask: Tensor | null, scale = 1): Tensor {
  const op = 'maskedSoftmax';
  if (scores.shape.length !== 4) throw new ShapeError(`${op}: scores must be [batch, heads, queries, keys], got ${shapeString(scores.shape)}`);
  const [batch, heads, queries, keys] = scores.shape as [number, number, number, number];
  if (mask !== null && (mask.shape.length !== 2 || mask.shape[0] !== batch || mask.shape[1] !== keys)) {
    throw new ShapeError(`${op}: mask must be [${batch}, ${keys}], got ${shapeString(mask.shape)}`);
  }
  const backend = getBackend();
  const out = emptyLike(scores.computeDType(op), scores.shape);
  const ps = out.floats(op);
  backend.softmaxForward(ps, scores.floats(op), mask?.floats(op) ?? null, batch, heads, queries, keys, scale);
  return record(out, op, [scores], (o) => backend.softmaxBackward(scores.ensureGrad(), ps, o.grad!, batch * heads * queries, keys, scale));
}
