/**
 * The distillation loss against reference/make_distill_fixtures.py (distiller.py's loss in PyTorch: KLDivLoss
 * batchmean · T², CrossEntropyLoss, CosineEmbeddingLoss over the attention_mask rows) at T 2.5 with random padding
 * rows: the three parts, their weighted sum and the gradients of the student's logits and hidden states. A missing T²,
 * a reversed KL, an average over padding or a cosine on padding each move the loss by ≥ 2% (the golden's manifest).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { DISTILBERT_WEIGHTS, distillationLoss, scoredRows, validateDistillationWeights } from '../../src/distill/distillation-loss.js';
import { softTargetLoss } from '../../src/distill/soft-target-loss.js';
import { cosineEmbeddingLoss } from '../../src/distill/cosine-embedding-loss.js';
import { ValueError } from '../../src/errors.js';
import { gatherRows } from '../../src/ops/gather-rows.js';
import { backward, Tensor } from '../../src/tensor/tensor.js';
import { assertAllClose } from '../helpers/assert-close.js';
import { floatTensor, intTensor, readFixture } from '../helpers/fixtures.js';

/** Losses within 1e-5 relative: float32 inputs, float64 sums on both sides. */
const LOSS_TOLERANCE = 1e-5;
/** Gradients within 1e-3 relative (the bar); floor 1e-5, about 1e-3 of their typical size. */
const GRAD_TOLERANCE = 1e-3;

const golden = readFixture('reference', 'distill', 'loss.safetensors');
const scalar = (name: string): number => floatTensor(golden, name).item();

function leaf(name: string): Tensor {
  const t = floatTensor(golden, name);
  return new Tensor(t.data, t.shape, true);
}

test('the distillation loss and its gradients match distiller.py (PyTorch) at T 2.5 with padding', () => {
  const mask = intTensor(golden, 'attention_mask');
  const { rows, logitRows, labels } = scoredRows(mask, intTensor(golden, 'labels'), false);
  assert.equal(logitRows, null);
  const [alphaCe, alphaMlm, alphaCos] = Array.from(floatTensor(golden, 'alphas').data);
  const weights = { temperature: scalar('temperature'), alphaCe: alphaCe!, alphaMlm: alphaMlm!, alphaCos: alphaCos! };
  assert.notEqual(weights.temperature, 1, 'the golden tests T ≠ 1');
  const studentLogits = leaf('student_logits');
  const studentHidden = leaf('student_hidden');
  const parts = distillationLoss({
    studentLogits: gatherRows(studentLogits, rows),
    teacherLogits: gatherRows(floatTensor(golden, 'teacher_logits'), rows),
    studentHidden: gatherRows(studentHidden, rows),
    teacherHidden: gatherRows(floatTensor(golden, 'teacher_hidden'), rows),
    labels,
  }, weights);
  for (const [name, value] of [['loss_ce', parts.ce], ['loss_mlm', parts.mlm], ['loss_cos', parts.cos], ['loss', parts.loss]] as const) {
    assertAllClose([value.item()], [scalar(name)], LOSS_TOLERANCE, name);
  }
  backward(parts.loss);
  assertAllClose(studentLogits.grad!, floatTensor(golden, 'grad_student_logits').data, GRAD_TOLERANCE, 'd loss / d student logits', 1e-5);
  assertAllClose(studentHidden.grad!, floatTensor(golden, 'grad_student_hidden').data, GRAD_TOLERANCE, 'd loss / d student hidden', 1e-5);
  const maskData = mask.ints('mask');
  const [, , vocab] = studentLogits.shape as [number, number, number];
  for (let r = 0; r < maskData.length; r++) {
    if (maskData[r] === 1) continue;
    assert.ok(studentLogits.grad!.subarray(r * vocab, (r + 1) * vocab).every((g) => g === 0), `padding row ${r} takes no gradient`);
  }
});

test('with restrict_ce_to_mask the soft-target part is taken at the masked positions alone, as distiller.py does', () => {
  const { rows, logitRows, labels } = scoredRows(intTensor(golden, 'attention_mask'), intTensor(golden, 'labels'), true);
  assert.ok(logitRows !== null && labels.ints('labels').every((label) => label >= 0), 'only labelled rows carry logits');
  const at = Int32Array.from(logitRows, (i) => rows[i]!);
  const studentLogits = leaf('student_logits');
  const loss = softTargetLoss(gatherRows(studentLogits, at), gatherRows(floatTensor(golden, 'teacher_logits'), at), scalar('temperature'));
  assertAllClose([loss.item()], [scalar('loss_ce_restricted')], LOSS_TOLERANCE, 'loss_ce (restricted)');
  backward(loss);
  assertAllClose(studentLogits.grad!, floatTensor(golden, 'grad_student_logits_restricted').data, GRAD_TOLERANCE, 'd loss_ce / d student logits', 1e-5);
});

test('the soft-target loss is 0 when the student equals the teacher, and T² · KL of two known distributions', () => {
  const logits = new Tensor(Float32Array.from([1, 2, 3, -1, 0, 4]), [2, 3], true);
  assert.ok(Math.abs(softTargetLoss(logits, new Tensor(Float32Array.from(logits.data), [2, 3]), 3).item()) < 1e-12);
  // One row, two classes: p = softmax([0, ln 3] / 1) = [1/4, 3/4], q uniform: KL = 1/4 ln(1/2) + 3/4 ln(3/2); T = 1.
  const kl = 0.25 * Math.log(0.5) + 0.75 * Math.log(1.5);
  const loss = softTargetLoss(new Tensor(Float32Array.from([0, 0]), [1, 2]), new Tensor(Float32Array.from([0, Math.log(3)]), [1, 2]), 1);
  assertAllClose([loss.item()], [kl], 1e-6, 'KL of [1/4, 3/4] from uniform');
});

test('the cosine loss is 0 for parallel rows, 1 for orthogonal ones, 2 for opposite ones', () => {
  const s = new Tensor(Float32Array.from([1, 0, 2, 2, 0, 3]), [3, 2]);
  const t = new Tensor(Float32Array.from([2, 0, -1, 1, 0, -1]), [3, 2]);
  assertAllClose([cosineEmbeddingLoss(s, t).item()], [(0 + 1 + 2) / 3], 1e-7, 'mean of 1 − cos');
});

test('bad temperatures and weights are one-line ValueErrors naming the setting', () => {
  validateDistillationWeights(DISTILBERT_WEIGHTS);
  assert.throws(() => validateDistillationWeights({ ...DISTILBERT_WEIGHTS, temperature: 0 }), (e: Error) => e instanceof ValueError && /temperature/.test(e.message));
  assert.throws(() => validateDistillationWeights({ ...DISTILBERT_WEIGHTS, alphaCos: -1 }), (e: Error) => e instanceof ValueError && /alpha_cos/.test(e.message));
  assert.throws(() => validateDistillationWeights({ temperature: 2, alphaCe: 0, alphaMlm: 0, alphaCos: 0 }), /nothing to train on/);
});
