/**
 * DistilBERT's training loss (Sanh et al. 2019 §2; Hugging Face's distiller.py step() for MLM, with its BERT →
 * DistilBERT settings: restrict_ce_to_mask off, alpha_clm 0, alpha_mse 0):
 *
 *   loss = alpha_ce · T² · KL(softmax(teacher / T) ‖ softmax(student / T))   over every real (non-pad) position
 *        + alpha_mlm · cross-entropy(student, labels)                         over the masked positions
 *        + alpha_cos · (1 − cos(student last hidden, teacher last hidden))    over every real position
 *
 * Each part is a mean over its rows. The caller hands over the real positions' rows only (realTokenRows): the
 * student's and teacher's heads never score padding, and no part can average over it.
 */
import { add, scale } from '../ops/add.js';
import { crossEntropy, IGNORE_INDEX } from '../ops/cross-entropy.js';
import { ValueError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { cosineEmbeddingLoss } from './cosine-embedding-loss.js';
import { softTargetLoss } from './soft-target-loss.js';

export interface DistillationWeights {
  /** Softmax temperature of both models' logits in the soft-target part. */
  temperature: number;
  alphaCe: number;
  alphaMlm: number;
  alphaCos: number;
}

/** distiller.py's BERT → DistilBERT run (the research project's README: T 2, alpha_ce 5, alpha_mlm 2, alpha_cos 1). */
export const DISTILBERT_WEIGHTS: DistillationWeights = { temperature: 2, alphaCe: 5, alphaMlm: 2, alphaCos: 1 };

/**
 * One batch's scored rows: both models' last hidden states at the real positions, and their logits at the real
 * positions (or, with restrict_ce_to_mask, the masked ones alone) with the MLM labels there.
 */
export interface DistillationRows {
  /** [logitRows, vocab] */
  studentLogits: Tensor;
  /** [logitRows, vocab], computed without a graph. */
  teacherLogits: Tensor;
  /** [rows, dim] */
  studentHidden: Tensor;
  /** [rows, dim] */
  teacherHidden: Tensor;
  /** int32 [logitRows]: the original id at masked positions, -100 elsewhere. */
  labels: Tensor;
}

export interface DistillationLoss {
  /** The weighted sum, a scalar of the recorded graph. */
  loss: Tensor;
  /** T² · KL, before alpha_ce. */
  ce: Tensor;
  mlm: Tensor;
  cos: Tensor;
}

export function validateDistillationWeights(weights: DistillationWeights): void {
  const { temperature, alphaCe, alphaMlm, alphaCos } = weights;
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new ValueError(`distillation: temperature must be a positive number, got ${temperature}`);
  for (const [name, value] of [['alpha_ce', alphaCe], ['alpha_mlm', alphaMlm], ['alpha_cos', alphaCos]] as const) {
    if (!(value >= 0) || !Number.isFinite(value)) throw new ValueError(`distillation: ${name} must be a number ≥ 0, got ${value}`);
  }
  if (alphaCe + alphaMlm + alphaCos <= 0) throw new ValueError('distillation: alpha_ce, alpha_mlm and alpha_cos are all 0: nothing to train on');
}

export function distillationLoss(rows: DistillationRows, weights: DistillationWeights): DistillationLoss {
  const ce = softTargetLoss(rows.studentLogits, rows.teacherLogits, weights.temperature);
  const mlm = crossEntropy(rows.studentLogits, rows.labels);
  const cos = cosineEmbeddingLoss(rows.studentHidden, rows.teacherHidden);
  const loss = add(add(scale(ce, weights.alphaCe), scale(mlm, weights.alphaMlm)), scale(cos, weights.alphaCos));
  return { loss, ce, mlm, cos };
}

/** The flat rows ([batch·seq] order) where attention_mask [batch, seq] is 1: the real tokens. */
export function realTokenRows(attentionMask: Tensor): Int32Array {
  const mask = attentionMask.ints('realTokenRows attention_mask');
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) count++;
  const rows = new Int32Array(count);
  for (let i = 0, j = 0; i < mask.length; i++) if (mask[i] !== 0) rows[j++] = i;
  return rows;
}

/**
 * The rows a batch is scored at: `rows`, its real tokens (flat [batch·seq] rows of attention_mask [batch, seq]; the
 * cosine part), and where the logits are taken — every real row, or with restrict_ce_to_mask (distiller.py's flag)
 * the masked ones alone (`logitRows`, indices into `rows`) — with the MLM labels [batch, seq] at the logits' rows.
 */
export function scoredRows(attentionMask: Tensor, labels: Tensor, restrictToMask: boolean): { rows: Int32Array; logitRows: Int32Array | null; labels: Tensor } {
  const rows = realTokenRows(attentionMask);
  const all = labels.ints('scoredRows labels');
  let logitRows: Int32Array | null = null;
  if (restrictToMask) {
    const picked: number[] = [];
    for (let i = 0; i < rows.length; i++) if (all[rows[i]!] !== IGNORE_INDEX) picked.push(i);
    logitRows = Int32Array.from(picked);
  }
  const at = logitRows === null ? rows : Int32Array.from(logitRows, (i) => rows[i]!);
  return { rows, logitRows, labels: new Tensor(Int32Array.from(at, (row) => all[row]!), [at.length]) };
}
