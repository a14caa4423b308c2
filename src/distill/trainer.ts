/**
 * Distillation (Sanh et al. 2019) as a task of the generic trainer: a DistilBERT student, initialised from its BERT
 * teacher (student-init.ts), learns from the frozen teacher's soft targets and last hidden states and from the MLM
 * labels (distillation-loss.ts), on pre-training instances masked afresh each time they are read (distiller.py masks
 * every batch: 15%, 80/10/10). Each instance is one sequence; its token types are not used (DistilBERT has none, and
 * distiller.py feeds the teacher none). Every Rng's state is in the checkpoint, so a resumed run is exact.
 */
import { CheckpointError, TsbertError } from '../errors.js';
import type { DistilBertForMaskedLM } from '../model/distilbert/for-masked-lm.js';
import { maskedPositions } from '../model/heads/mlm-loss.js';
import { AdamW } from '../optim/adamw.js';
import { bertParamGroups } from '../optim/param-groups.js';
import { LrSchedule } from '../optim/schedule.js';
import { crossEntropy } from '../ops/cross-entropy.js';
import { gatherRows } from '../ops/gather-rows.js';
import { countCorrect } from '../pretrain/accuracy.js';
import { collatePretrainBatch } from '../pretrain/collate.js';
import type { InstanceSource, TrainingInstance } from '../pretrain/instance-source.js';
import type { PretrainBatch } from '../pretrain/train-step.js';
import type { DynamicMasker } from '../pretrain/trainer.js';
import { Arena, withArena } from '../tensor/arena.js';
import { Rng, type RngState } from '../tensor/rng.js';
import { noGrad, Tensor } from '../tensor/tensor.js';
import type { TaskState } from '../train/checkpoint.js';
import type { MicroBatchOutput } from '../train/train-step.js';
import { train, type TrainerOptions, type TrainingTask, type TrainResult } from '../train/trainer.js';
import { InstanceStream, remask } from './instance-stream.js';
import { distillationLoss, scoredRows, validateDistillationWeights, type DistillationWeights } from './distillation-loss.js';
import { teacherRows, type MlmTeacher } from './teacher.js';

/** The generic trainer's options a distillation passes through as they are: steps, cadences, output, resume, signals. */
export type DistillRunOptions = Omit<TrainerOptions, 'schedule' | 'optimizer' | 'settings' | 'curveTitle' | 'commandName' | 'best' | 'finalDir'>;

/** What the student reads: unmasked (or re-masked) instances in micro-batches padded with `padId`. */
export interface DistillData {
  train: InstanceSource;
  eval?: InstanceSource;
  masker: DynamicMasker;
  batchSize: number;
  padId: number;
}

/** AdamW's schedule: peak lr after linear warmup, then linear decay to 0; decay off for biases and LayerNorms. */
export interface DistillOptimization {
  lr: number;
  warmupSteps: number;
  weightDecay: number;
}

export interface DistillOptions {
  teacher: MlmTeacher;
  student: DistilBertForMaskedLM;
  weights: DistillationWeights;
  /** distiller.py's restrict_ce_to_mask: the soft-target part only at masked positions (default: every real one). */
  restrictCeToMask: boolean;
  data: DistillData;
  optimization: DistillOptimization;
  /** Data order, masking and dropout. */
  seed: number;
  run: DistillRunOptions;
  /** Settings besides these that must match to resume (the teacher, the student's layers). */
  settings: Record<string, unknown>;
}

export type DistillEval = {
  eval_mlm_loss: number;
  eval_mlm_accuracy: number;
  eval_teacher_mlm_loss: number;
  eval_teacher_mlm_accuracy: number;
};

/** The student's last hidden states [rows, dim] at the flat `rows` of a batch, and its logits [rows or logitRows, vocab]. */
function studentRows(student: DistilBertForMaskedLM, batch: PretrainBatch, rows: Int32Array, logitRows: Int32Array | null = null): { hidden: Tensor; logits: Tensor } {
  const hidden = student.distilbert.forward({ inputIds: batch.inputIds, attentionMask: batch.attentionMask }, { lastLayerRows: rows }).lastHiddenState;
  return { hidden, logits: student.predict(logitRows === null ? hidden : gatherRows(hidden, logitRows)) };
}

class DistillationTask implements TrainingTask<PretrainBatch, DistillEval> {
  readonly model: DistilBertForMaskedLM;
  readonly evaluate: (() => DistillEval) | undefined;
  private readonly stream: InstanceStream;
  /** The teacher's held-out scores: the same masks every evaluation, so computed once. */
  private teacherEval: { loss: number; accuracy: number } | undefined;

  constructor(private readonly options: DistillOptions) {
    this.model = options.student.train();
    this.stream = new InstanceStream(options.data.train, options.data.masker, options.seed);
    const evalData = options.data.eval;
    this.evaluate = evalData === undefined ? undefined : () => this.evaluateOn(evalData);
  }

  nextBatch(): PretrainBatch {
    return collatePretrainBatch(Array.from({ length: this.options.data.batchSize }, () => this.stream.next()), this.options.data.padId);
  }

  forward(batch: PretrainBatch): MicroBatchOutput {
    const { rows, logitRows, labels } = scoredRows(batch.attentionMask, batch.labels, this.options.restrictCeToMask);
    const student = studentRows(this.model, batch, rows, logitRows);
    const teacher = teacherRows(this.options.teacher, batch.inputIds, batch.attentionMask, rows, logitRows);
    const parts = distillationLoss({
      studentLogits: student.logits, teacherLogits: teacher.logits, studentHidden: student.hidden, teacherHidden: teacher.hidden, labels,
    }, this.options.weights);
    const accuracy = countCorrect(student.logits, labels.ints('labels'), false);
    const [ce, mlm, cos] = [parts.ce.item(), parts.mlm.item(), parts.cos.item()];
    return {
      loss: parts.loss,
      metrics: { loss_ce: [ce, 1], loss_mlm: [mlm, 1], loss_cos: [cos, 1], mlm_accuracy: [accuracy.correct, accuracy.total] },
      tokens: rows.length,
      describeLoss: () => `soft-target ${ce}, MLM ${mlm}, cosine ${cos}`,
    };
  }

  /** Student (and, once, teacher) MLM loss and accuracy on held-out data, masked with a fixed Rng each time. */
  private evaluateOn(data: InstanceSource): DistillEval {
    const { seed, teacher } = this.options;
    const { batchSize, padId, masker } = this.options.data;
    const wasTraining = this.model.training;
    this.model.eval();
    const arena = new Arena();
    const rng = new Rng((seed ^ 0x68e31da4) >>> 0);
    const sums = { loss: 0, correct: 0, teacherLoss: 0, teacherCorrect: 0, total: 0, batches: 0 };
    const withTeacher = this.teacherEval === undefined;
    for (let start = 0; start < data.length; start += batchSize) {
      const instances: TrainingInstance[] = [];
      for (let i = start; i < Math.min(data.length, start + batchSize); i++) instances.push(remask(data.get(i), masker, rng));
      const batch = collatePretrainBatch(instances, padId);
      arena.reset();
      withArena(arena, () => noGrad(() => {
        // Only the masked rows are scored (all are real tokens): their logits are all an MLM score needs.
        const { positions: rows, targets: labels } = maskedPositions(batch.labels, batch.inputIds.size);
        const labelData = labels.ints('labels');
        const student = studentRows(this.model, batch, rows);
        sums.loss += crossEntropy(student.logits, labels).item();
        sums.correct += countCorrect(student.logits, labelData, true).correct;
        sums.total += labelData.length;
        sums.batches++;
        if (withTeacher) {
          const logits = teacherRows(teacher, batch.inputIds, batch.attentionMask, rows).logits;
          sums.teacherLoss += crossEntropy(logits, labels).item();
          sums.teacherCorrect += countCorrect(logits, labelData, true).correct;
        }
      }));
    }
    this.model.train(wasTraining);
    const batches = Math.max(sums.batches, 1);
    const total = Math.max(sums.total, 1);
    this.teacherEval ??= { loss: sums.teacherLoss / batches, accuracy: sums.teacherCorrect / total };
    return {
      eval_mlm_loss: sums.loss / batches,
      eval_mlm_accuracy: sums.correct / total,
      eval_teacher_mlm_loss: this.teacherEval.loss,
      eval_teacher_mlm_accuracy: this.teacherEval.accuracy,
    };
  }

  describeEval(e: DistillEval): string {
    return `eval MLM accuracy: student ${(100 * e.eval_mlm_accuracy).toFixed(1)}%, teacher ${(100 * e.eval_teacher_mlm_accuracy).toFixed(1)}%; `
      + `MLM loss student ${e.eval_mlm_loss.toFixed(3)}, teacher ${e.eval_teacher_mlm_loss.toFixed(3)}`;
  }

  describeRecentBatches(count: number): string {
    return this.stream.describeLast(count * this.options.data.batchSize);
  }

  state(): TaskState {
    return { ...this.stream.state(), dropoutRng: this.model.distilbert.dropoutRng.getState() };
  }

  restore(state: TaskState): void {
    this.stream.restore(state, 'distillation');
    const { dropoutRng } = state;
    if (!Array.isArray(dropoutRng)) throw new CheckpointError('its trainer state holds no dropout Rng state (dropoutRng)');
    this.model.distilbert.dropoutRng.setState(dropoutRng as RngState);
  }
}

/**
 * Trains the student; AdamW (eps 1e-6, no decay on biases and LayerNorms) with linear warmup and decay, as
 * distiller.py. The final model (output/final) is the student as a Hugging Face DistilBertForMaskedLM folder.
 */
export async function runDistillation(options: DistillOptions): Promise<TrainResult<DistillEval>> {
  if (options.data.train.length === 0) throw new TsbertError('distill: the training data holds no instances');
  validateDistillationWeights(options.weights);
  const { run, data, optimization: { lr, warmupSteps, weightDecay } } = options;
  const task = new DistillationTask(options);
  return train(task, {
    ...run,
    schedule: new LrSchedule(lr, warmupSteps, run.steps, 'linear'),
    optimizer: new AdamW(bertParamGroups(task.model.namedParameters(), weightDecay), { lr, eps: 1e-6 }),
    settings: {
      ...options.settings, ...options.weights, restrictCeToMask: options.restrictCeToMask, batchSize: data.batchSize, gradAccum: run.gradAccum, lr, warmupSteps, weightDecay,
      maxGradNorm: run.maxGradNorm, seed: options.seed, steps: run.steps, dataSize: data.train.length,
    },
    curveTitle: `tsbert distillation: ${run.output}`,
    commandName: 'distill',
  });
}
