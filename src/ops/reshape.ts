import { getBackend } from '../backend/select.js';
import { ShapeError, shapeString } from '../errors.js';
import { record, sizeOf, Tensor } from '../tensor/tensor.js';

/** A view with another shape over the same data (no copy); the gradient passes through unchanged. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  if (sizeOf(shape) !== x.size) throw new ShapeError(`reshape: cannot view ${shapeString(x.shape)} as ${shapeString(shape)}`);
  const out = new Tensor(x.data, shape);
  return record(out, 'reshape', [x], (o) => getBackend().axpby(x.ensureGrad(), o.grad!, x.size, 1, 1));
}
