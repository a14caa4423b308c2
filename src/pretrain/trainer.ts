/**
 * Pre-training (BERT §3.1, §A.2) as a task of the generic trainer: instances in a seeded order, MLM + NSP loss,
 * AdamW with linear warmup and decay, held-out MLM / NSP accuracy. Everything random is drawn from Rngs whose
 * states the checkpoint stores, so a resumed run is bit-identical to an uninterrupted one.
 */
import { CheckpointError, TsbertError } from '../errors.js';
import type { BertConfig } from '../model/config.js';
import { BertForPreTraining } from '../model/heads/pretraining.js';
import { AdamW } from '../optim/adamw.js';
import { bertParamGroups } from '../optim/param-groups.js';
import { LrSchedule } from '../optim/schedule.js';
import { Arena, withArena } from '../tensor/arena.js';
import { Rng, type RngState } from '../tensor/rng.js';
import { noGrad } from '../tensor/tensor.js';
import { IGNORE_INDEX } from '../ops/cross-entropy.js';
import type { TaskState } from '../train/checkpoint.js';
import type { MicroBatchOutput } from '../train/train-step.js';
import { train, type TrainerOptions, type TrainingTask, type TrainResult } from '../train/trainer.js';
import { countCorrect } from './accuracy.js';
import { collatePretrainBatch } from './collate.js';
import { DataOrder } from './data-order.js';
import { unmaskedIds, type InstanceSource, type TrainingInstance } from './instance-source.js';
import { pretrainingForward, type PretrainBatch } from './train-step.js';

export { TrainingDivergedError } from '../train/trainer.js';

/** Re-masks unmasked ids on the fly (RoBERTa's dynamic masking); returns positions and original ids. */
export type DynamicMasker = (ids: Int32Array, rng: Rng) => { inputIds: Int32Array; maskedPositions: Int32Array; maskedLmIds: Int32Array };

/** The trainer's options that pre-training passes through as they are (see TrainerOptions). */
const PASSED_TRAINER_OPTIONS = [
  'output', 'steps', 'gradAccum', 'maxGradNorm', 'logEvery', 'evalEvery', 'saveEvery', 'keepLast', 'resume', 'overwrite', 'tokenizer',
  'shouldStop', 'onLog',
] as const satisfies readonly (keyof TrainerOptions)[];
type PassedTrainerOptions = (typeof PASSED_TRAINER_OPTIONS)[number];

export interface PretrainOptions extends Pick<TrainerOptions, PassedTrainerOptions> {
  config: BertConfig;
  train: InstanceSource;
  eval?: InstanceSource;
  batchSize: number;
  /** Peak learning rate of the linear warmup + linear decay schedule. */
  lr: number;
  warmupSteps: number;
  weightDecay: number;
  seed: number;
  padId: number;
  dynamicMasking?: DynamicMasker;
  onProgress?: (progress: TrainingProgress) => void;
}

export interface TrainingProgress {
  step: number;
  steps: number;
  loss: number;
  mlmAccuracy: number;
  nspAccuracy: number;
  lr: number;
  tokensPerSecond: number;
  etaSeconds: number;
}

export type EvalResult = {
  eval_loss: number;
  eval_mlm_loss: number;
  eval_nsp_loss: number;
  eval_mlm_accuracy: number;
  eval_nsp_accuracy: number;
  /** Accuracy of always predicting the most frequent masked token of the evaluation set. */
  eval_mlm_majority_baseline: number;
};

export type PretrainResult = TrainResult<EvalResult>;

/** Settings that must match to resume (the rest — eval, logging, save cadence — may change). */
function resumeSettings(options: PretrainOptions): Record<string, unknown> {
  return {
    batchSize: options.batchSize, gradAccum: options.gradAccum, lr: options.lr, warmupSteps: options.warmupSteps,
    weightDecay: options.weightDecay, maxGradNorm: options.maxGradNorm, seed: options.seed, steps: options.steps,
    dataSize: options.train.length, dynamicMasking: options.dynamicMasking !== undefined,
    hiddenSize: options.config.hiddenSize, layers: options.config.numHiddenLayers, vocabSize: options.config.vocabSize,
  };
}

export function evaluatePretraining(model: BertForPreTraining, data: InstanceSource, batchSize: number, padId: number): EvalResult {
  const wasTraining = model.training;
  model.eval();
  const arena = new Arena();
  let mlmLoss = 0;
  let nspLoss = 0;
  let batches = 0;
  let mlmCorrect = 0;
  let mlmTotal = 0;
  let nspCorrect = 0;
  const labelCounts = new Map<number, number>();
  for (let start = 0; start < data.length; start += batchSize) {
    const instances: TrainingInstance[] = [];
    for (let i = start; i < Math.min(data.length, start + batchSize); i++) instances.push(data.get(i));
    const batch = collatePretrainBatch(instances, padId);
    arena.reset();
    withArena(arena, () => noGrad(() => {
      const out = model.forward(batch, { onlyMaskedPositions: true });
      mlmLoss += out.mlmLoss!.item();
      nspLoss += out.nspLoss!.item();
      batches++;
      const labels = batch.labels.ints('labels');
      const mlm = countCorrect(out.predictionLogits, labels, true);
      const nsp = countCorrect(out.seqRelationshipLogits, batch.nextSentenceLabel.ints('next_sentence_label'), false);
      mlmCorrect += mlm.correct;
      mlmTotal += mlm.total;
      nspCorrect += nsp.correct;
      for (const label of labels) if (label !== IGNORE_INDEX) labelCounts.set(label, (labelCounts.get(label) ?? 0) + 1);
    }));
  }
  model.train(wasTraining);
  const majority = Math.max(0, ...labelCounts.values());
  return {
    eval_loss: (mlmLoss + nspLoss) / Math.max(batches, 1),
    eval_mlm_loss: mlmLoss / Math.max(batches, 1),
    eval_nsp_loss: nspLoss / Math.max(batches, 1),
    eval_mlm_accuracy: mlmCorrect / Math.max(mlmTotal, 1),
    eval_nsp_accuracy: nspCorrect / Math.max(data.length, 1),
    eval_mlm_majority_baseline: majority / Math.max(mlmTotal, 1),
  };
}

/** The pre-training objective over an instance source, for the generic trainer. */
class PretrainingTask implements TrainingTask<PretrainBatch, EvalResult> {
  readonly model: BertForPreTraining;
  private readonly order: DataOrder;
  private readonly maskingRng: Rng;
  /** Instances consumed from the data order. */
  private consumed = 0;

  /** Held-out MLM / NSP metrics; absent without evaluation data (the trainer then skips evaluation). */
  readonly evaluate: (() => EvalResult) | undefined;

  constructor(private readonly options: PretrainOptions) {
    this.model = new BertForPreTraining(options.config, { seed: options.seed }).train();
    this.order = new DataOrder(options.seed, options.train.length);
    this.maskingRng = new Rng((options.seed ^ 0x2545f491) >>> 0);
    const evalData = options.eval;
    this.evaluate = evalData === undefined ? undefined : () => evaluatePretraining(this.model, evalData, options.batchSize, options.padId);
  }

  nextBatch(): PretrainBatch {
    return collatePretrainBatch(Array.from({ length: this.options.batchSize }, () => this.nextInstance()), this.options.padId);
  }

  private nextInstance(): TrainingInstance {
    const instance = this.options.train.get(this.order.indexAt(this.consumed++));
    if (this.options.dynamicMasking === undefined) return instance;
    return { ...instance, ...this.options.dynamicMasking(unmaskedIds(instance), this.maskingRng) };
  }

  forward(batch: PretrainBatch): MicroBatchOutput {
    return pretrainingForward(this.model, batch);
  }

  describeEval(e: EvalResult): string {
    const percent = (name: keyof EvalResult): string => (100 * e[name]).toFixed(1);
    return `eval MLM accuracy ${percent('eval_mlm_accuracy')}% (majority baseline ${percent('eval_mlm_majority_baseline')}%), `
      + `NSP ${percent('eval_nsp_accuracy')}%, loss ${e.eval_loss.toFixed(3)}`;
  }

  describeRecentBatches(count: number): string {
    return `instances ${this.consumed - count * this.options.batchSize}..${this.consumed - 1} of the data order`;
  }

  state(): TaskState {
    return { consumed: this.consumed, dropoutRng: this.model.bert.dropoutRng.getState(), maskingRng: this.maskingRng.getState() };
  }

  restore(state: TaskState): void {
    const { consumed, dropoutRng, maskingRng } = state;
    if (typeof consumed !== 'number' || !Array.isArray(dropoutRng) || !Array.isArray(maskingRng)) {
      throw new CheckpointError('its trainer state holds no pre-training position (consumed, dropoutRng, maskingRng)');
    }
    this.consumed = consumed;
    this.model.bert.dropoutRng.setState(dropoutRng as RngState);
    this.maskingRng.setState(maskingRng as RngState);
  }
}

export async function runPretraining(options: PretrainOptions): Promise<PretrainResult> {
  if (options.train.length === 0) throw new TsbertError('pretrain: the training data holds no instances');
  const task = new PretrainingTask(options);
  const passed = Object.fromEntries(PASSED_TRAINER_OPTIONS.filter((key) => options[key] !== undefined).map((key) => [key, options[key]]));
  const { lr, onProgress } = options;
  const result = await train(task, {
    ...(passed as Pick<TrainerOptions, PassedTrainerOptions>),
    schedule: new LrSchedule(lr, options.warmupSteps, options.steps, 'linear'),
    optimizer: new AdamW(bertParamGroups(task.model.namedParameters(), options.weightDecay), { lr, eps: 1e-6 }),
    settings: resumeSettings(options), curveTitle: `tsbert pre-training: ${options.output}`, commandName: 'pretrain',
    ...(onProgress !== undefined ? {
      onProgress: ({ metrics, ...progress }) => onProgress({
        ...progress, mlmAccuracy: metrics['mlm_accuracy'] ?? 0, nspAccuracy: metrics['nsp_accuracy'] ?? 0,
      }),
    } : {}),
  });
  return result;
}
