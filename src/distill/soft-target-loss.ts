/**
 * The distillation loss of Hinton et al. 2015 §2 as DistilBERT trains with it (Sanh et al. 2019 §2; Hugging Face's
 * distiller.py: `KLDivLoss(reduction="batchmean")(log_softmax(s / T), softmax(t / T)) · T²`):
 *
 *   T² · (1 / rows) · Σ_rows Σ_v p_v (log p_v − log q_v),   p = softmax(teacher / T), q = softmax(student / T)
 *
 * — KL(teacher ‖ student): the teacher's distribution weighs the terms. The T² keeps the gradient's size independent
 * of T (Hinton §2: the soft targets' gradients scale as 1/T²). Gradient: ∂/∂student = T · (q − p) / rows; the
 * teacher's logits take none (it is frozen).
 */
import { ShapeError, ValueError, shapeString } from '../errors.js';
import { newBuffer } from '../tensor/arena.js';
import { record, Tensor } from '../tensor/tensor.js';

/** student, teacher [rows, vocab] logits → scalar T² · KL(softmax(teacher/T) ‖ softmax(student/T)), mean over rows. */
export function softTargetLoss(student: Tensor, teacher: Tensor, temperature: number): Tensor {
  const op = 'softTargetLoss';
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new ValueError(`${op}: temperature must be a positive number, got ${temperature}`);
  if (student.shape.length !== 2 || teacher.shape.length !== 2 || student.shape[0] !== teacher.shape[0] || student.shape[1] !== teacher.shape[1]) {
    throw new ShapeError(`${op}: student ${shapeString(student.shape)} and teacher ${shapeString(teacher.shape)} must be the same [rows, vocab]`);
  }
  const [rows, vocab] = student.shape as [number, number];
  const s = student.floats(op);
  const t = teacher.floats(op);
  // q − p per value, kept for the backward.
  const qMinusP = new Float64Array(rows * vocab);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * vocab;
    const logZs = logSumExp(s, base, vocab, temperature);
    const logZt = logSumExp(t, base, vocab, temperature);
    for (let v = 0; v < vocab; v++) {
      const logQ = s[base + v]! / temperature - logZs;
      const logP = t[base + v]! / temperature - logZt;
      const p = Math.exp(logP);
      // PyTorch's kl_div takes 0 · log 0 as 0 (xlogy).
      if (p > 0) total += p * (logP - logQ);
      qMinusP[base + v] = Math.exp(logQ) - p;
    }
  }
  const loss = new Tensor(newBuffer(student.computeDType(op), 1), []);
  const perRow = rows === 0 ? 0 : 1 / rows;
  loss.data[0] = temperature * temperature * total * perRow;
  return record(loss, op, [student], (o) => {
    const ds = student.ensureGrad();
    const factor = o.grad![0]! * temperature * perRow;
    for (let i = 0; i < qMinusP.length; i++) ds[i] = ds[i]! + factor * qMinusP[i]!;
  });
}

/** log Σ_v exp(x_v / T) over one row, in float64 with the maximum subtracted. */
function logSumExp(x: ArrayLike<number>, base: number, vocab: number, temperature: number): number {
  let max = -Infinity;
  for (let v = 0; v < vocab; v++) max = Math.max(max, x[base + v]! / temperature);
  let sum = 0;
  for (let v = 0; v < vocab; v++) sum += Math.exp(x[base + v]! / temperature - max);
  return max + Math.log(sum);
}
