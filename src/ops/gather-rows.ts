import { ValueError } from '../errors.js';
import { emptyLike, record, Tensor } from '../tensor/tensor.js';

/**
 * out [n, cols] = rows of x (viewed as [rows, cols], cols = last dim) at indices [n]. Picks the [CLS] rows for
 * the pooler and the masked positions for the MLM head (the original BERT computes MLM logits only there).
 * Gradient: scatter-add back into x.
 */
export function gatherRows(x: Tensor, indices: Int32Array): Tensor {
  const op = 'gatherRows';
  const cols = x.shape[x.shape.length - 1] ?? 0;
  const rows = x.size / Math.max(cols, 1);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i]!;
    if (row < 0 || row >= rows) throw new ValueError(`${op}: index ${row} at position ${i} is outside the ${rows} rows`);
  }
  const xs = x.floats(op);
  const out = emptyLike(x.computeDType(op), [indices.length, cols]);
  const os = out.floats(op);
  for (let i = 0; i < indices.length; i++) os.set(xs.subarray(indices[i]! * cols, (indices[i]! + 1) * cols), i * cols);
  return record(out, op, [x], (o) => {
    const dy = o.grad!;
    const dx = x.ensureGrad();
    for (let i = 0; i < indices.length; i++) {
      const src = i * cols;
      const dst = indices[i]! * cols;
      for (let c = 0; c < cols; c++) dx[dst + c] = dx[dst + c]! + dy[src + c]!;
    }
  });
}

/** The flat row of position 0 (the [CLS] row) of each sequence of a [batch, seq] batch. */
export function firstTokenRows(batch: number, seq: number): Int32Array {
  const rows = new Int32Array(batch);
  for (let b = 0; b < batch; b++) rows[b] = b * seq;
  return rows;
}

/** x [batch, seq, cols] → [batch, cols]: position 0 of each sequence (the [CLS] rows). */
export function gatherFirstTokens(x: Tensor): Tensor {
  return gatherRows(x, firstTokenRows(x.shape[0]!, x.shape[1]!));
}

/** x [rows, cols] → [end - start, cols]: rows start .. end-1. */
export function sliceRows(x: Tensor, start: number, end: number): Tensor {
  const rows = new Int32Array(end - start);
  for (let i = 0; i < rows.length; i++) rows[i] = start + i;
  return gatherRows(x, rows);
}
