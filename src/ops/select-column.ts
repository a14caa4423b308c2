import { ValueError } from '../errors.js';
import { emptyLike, record, Tensor } from '../tensor/tensor.js';

/** out [...] = x [..., cols][..., column]: splits the QA head's [batch, seq, 2] into start and end logits. */
export function selectColumn(x: Tensor, column: number): Tensor {
  const op = 'selectColumn';
  const cols = x.shape[x.shape.length - 1] ?? 0;
  if (!Number.isInteger(column) || column < 0 || column >= cols) throw new ValueError(`${op}: column ${column} outside [0, ${cols})`);
  const rows = x.size / cols;
  const xs = x.floats(op);
  const out = emptyLike(x.computeDType(op), x.shape.slice(0, -1));
  const os = out.floats(op);
  for (let r = 0; r < rows; r++) os[r] = xs[r * cols + column]!;
  return record(out, op, [x], (o) => {
    const dy = o.grad!;
    const dx = x.ensureGrad();
    for (let r = 0; r < rows; r++) dx[r * cols + column] = dx[r * cols + column]! + dy[r]!;
  });
}
