/**
 * PyTorch's CosineEmbeddingLoss with target 1 and reduction "mean" (aten cosine_embedding_loss), as distiller.py
 * aligns the student's last hidden states with the teacher's (Sanh et al. 2019 §2, "cosine embedding loss"):
 *
 *   (1 / rows) · Σ_rows (1 − cos),   cos = ⟨s, t⟩ / √((|s|² + ε)(|t|² + ε)),   ε = 1e-12 (aten's EPSILON)
 *
 * Gradient: ∂(1 − cos)/∂s = −(t / denom − cos · s / (|s|² + ε)); the teacher's states take none.
 */
import { ShapeError, shapeString } from '../errors.js';
import { newBuffer } from '../tensor/arena.js';
import { record, Tensor } from '../tensor/tensor.js';

/** aten's cosine_embedding_loss EPSILON, added to each squared norm. */
const EPSILON = 1e-12;

/** student, teacher [rows, dim] → scalar mean over rows of 1 − cos(student_row, teacher_row). */
export function cosineEmbeddingLoss(student: Tensor, teacher: Tensor): Tensor {
  const op = 'cosineEmbeddingLoss';
  if (student.shape.length !== 2 || teacher.shape.length !== 2 || student.shape[0] !== teacher.shape[0] || student.shape[1] !== teacher.shape[1]) {
    throw new ShapeError(`${op}: student ${shapeString(student.shape)} and teacher ${shapeString(teacher.shape)} must be the same [rows, dim]`);
  }
  const [rows, dim] = student.shape as [number, number];
  const s = student.floats(op);
  const t = teacher.floats(op);
  // Per row: cos, 1 / denom and 1 / (|s|² + ε), kept for the backward.
  const cos = new Float64Array(rows);
  const invDenom = new Float64Array(rows);
  const invSquareS = new Float64Array(rows);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * dim;
    let dot = 0, ss = EPSILON, tt = EPSILON;
    for (let c = 0; c < dim; c++) {
      const a = s[base + c]!, b = t[base + c]!;
      dot += a * b;
      ss += a * a;
      tt += b * b;
    }
    invDenom[r] = 1 / Math.sqrt(ss * tt);
    invSquareS[r] = 1 / ss;
    cos[r] = dot * invDenom[r]!;
    total += 1 - cos[r]!;
  }
  const perRow = rows === 0 ? 0 : 1 / rows;
  const loss = new Tensor(newBuffer(student.computeDType(op), 1), []);
  loss.data[0] = total * perRow;
  return record(loss, op, [student], (o) => {
    const ds = student.ensureGrad();
    const factor = o.grad![0]! * perRow;
    for (let r = 0; r < rows; r++) {
      const base = r * dim;
      for (let c = 0; c < dim; c++) {
        ds[base + c] = ds[base + c]! - factor * (t[base + c]! * invDenom[r]! - cos[r]! * s[base + c]! * invSquareS[r]!);
      }
    }
  });
}
