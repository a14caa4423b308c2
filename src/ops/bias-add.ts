import { getBackend } from '../backend/select.js';
import { ShapeError, shapeString } from '../errors.js';
import { assertSameDType, emptyLike, record, Tensor } from '../tensor/tensor.js';

/** out [..., cols] = x + bias [cols], broadcast over rows. */
export function biasAdd(x: Tensor, bias: Tensor): Tensor {
  const op = 'biasAdd';
  const cols = x.shape[x.shape.length - 1] ?? 0;
  if (bias.shape.length !== 1 || bias.shape[0] !== cols) {
    throw new ShapeError(`${op}: x is ${shapeString(x.shape)} but bias is ${shapeString(bias.shape)} (expected [${cols}])`);
  }
  assertSameDType(op, x, bias);
  const backend = getBackend();
  const rows = x.size / Math.max(cols, 1);
  const out = emptyLike(x.computeDType(op), x.shape);
  const os = out.floats(op);
  os.set(x.floats(op));
  backend.addBiasInPlace(os, bias.floats(op), rows, cols);
  return record(out, op, [x, bias], (o) => {
    const dy = o.grad!;
    if (x.requiresGrad) backend.axpby(x.ensureGrad(), dy, dy.length, 1, 1);
    if (bias.requiresGrad) backend.sumRowsAccumulate(bias.ensureGrad(), dy, rows, cols);
  });
}
