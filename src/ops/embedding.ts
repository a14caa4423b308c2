import { getBackend } from '../backend/select.js';
import { ShapeError, ValueError, shapeString } from '../errors.js';
import { emptyLike, record, Tensor } from '../tensor/tensor.js';

/**
 * out [...ids, dim] = table [vocab, dim] rows at ids (int32). Gradient is a scatter-add into the table; like
 * nn.Embedding(padding_idx) — and so Hugging Face's word embeddings — the paddingIdx row gets none from here.
 */
export function embedding(ids: Tensor, table: Tensor, paddingIdx = -1): Tensor {
  const op = 'embedding';
  const idData = ids.ints(op);
  if (table.shape.length !== 2) throw new ShapeError(`${op}: table must be [vocab, dim], got ${shapeString(table.shape)}`);
  const [vocab, dim] = table.shape as [number, number];
  for (let i = 0; i < idData.length; i++) {
    const id = idData[i]!;
    if (id < 0 || id >= vocab) throw new ValueError(`${op}: id ${id} at position ${i} is outside the table's ${vocab} rows`);
  }
  const backend = getBackend();
  const out = emptyLike(table.computeDType(op), [...ids.shape, dim]);
  backend.embeddingForward(out.floats(op), table.floats(op), idData, idData.length, dim);
  // Only the ids' rows get a gradient, so the table's gradient is kept as rows touched (zeroing and clipping's norm
  // visit those alone).
  return record(out, op, [table], (o) => backend.embeddingBackward(table.ensureGradRows(idData, paddingIdx), o.grad!, idData, idData.length, dim, paddingIdx));
}
