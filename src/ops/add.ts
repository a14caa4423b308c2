import { getBackend } from '../backend/select.js';
import { ShapeError } from '../errors.js';
import { assertSameDType, assertSameShape, emptyLike, record, Tensor } from '../tensor/tensor.js';

/** out = a + b, same shapes (residual connections, summed embeddings, summed losses). */
export function add(a: Tensor, b: Tensor): Tensor {
  const op = 'add';
  assertSameShape(op, a, b);
  assertSameDType(op, a, b);
  const as = a.floats(op);
  const bs = b.floats(op);
  const out = emptyLike(a.computeDType(op), a.shape);
  const os = out.floats(op);
  const backend = getBackend();
  os.set(as);
  backend.axpby(os, bs, os.length, 1, 1);
  return record(out, op, [a, b], (o) => {
    const dy = o.grad!;
    for (const input of [a, b]) if (input.requiresGrad) backend.axpby(input.ensureGrad(), dy, dy.length, 1, 1);
  });
}

/** out = factor · x (loss weighting, averaging). */
export function scale(x: Tensor, factor: number): Tensor {
  const op = 'scale';
  if (!Number.isFinite(factor)) throw new ShapeError(`${op}: factor must be finite, got ${factor}`);
  const xs = x.floats(op);
  const out = emptyLike(x.computeDType(op), x.shape);
  const os = out.floats(op);
  const backend = getBackend();
  backend.axpby(os, xs, os.length, factor, 0);
  return record(out, op, [x], (o) => backend.axpby(x.ensureGrad(), o.grad!, os.length, factor, 1));
}
