/**
 * Pre-training (BERT §3.1, §A.2) as a task of the generic trainer: instances in a seeded order, the objective's loss
 * (objective.ts: MLM + NSP, MLM alone, MLM + SOP) on its model (pretraining-model.ts), AdamW with linear warmup and
 * decay, held-out MLM and NSP / SOP accuracy. Everything random is drawn from Rngs whose states the checkpoint
 * stores, so a resumed run is bit-identical to an uninterrupted one.
 */
import { CheckpointError, TsbertError } from '../errors.js';
import type { BertForPreTraining } from '../model/heads/pretraining.js';
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
import { PAIR_TASK, type PretrainObjective } from './objective.js';
import { createPretrainingModel, MODEL_TYPES_OF, pretrainingModelOf, type PretrainConfig, type PretrainingModel, type PretrainModelType } from './pretraining-model.js';
import { pretrainingForward, type PretrainBatch } from './train-step.js';

export { TrainingDivergedError } from '../train/trainer.js';

/** Re-masks unmasked ids on the fly (RoBERTa's dynamic masking); returns positions and original ids. */
export type DynamicMasker = (ids: Int32Array, rng: Rng) => { inputIds: Int32Array; maskedPositions: Int32Array; maskedLmIds: Int32Array };

/** The trainer's options that pre-training passes through as they are (see TrainerOptions). */
const PASSED_TRAINER_OPTIONS = [
  'output', 'steps', 'gradAccum', 'maxGradNorm', 'logEvery', 'evalEvery', 'saveEvery', 'keepLast', 'resume', 'overwrite', 'tokenizer',
  'shouldStop', 'onLog', 'precision',
] as const satisfies readonly (keyof TrainerOptions)[];
type PassedTrainerOptions = (typeof PASSED_TRAINER_OPTIONS)[number];

export interface PretrainOptions extends Pick<TrainerOptions, PassedTrainerOptions> {
  /** Default `bert` (MLM + NSP). `mlm` needs dynamicMasking: its instances hold no masks. */
  objective?: PretrainObjective;
  /** Default: the objective's own family (bert → bert, mlm → roberta, albert → albert). */
  modelType?: PretrainModelType;
  /** A config of `modelType`'s family. */
  config: PretrainConfig;
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
  /** NSP or SOP accuracy (0 for the mlm objective). */
  pairAccuracy: number;
  lr: number;
  tokensPerSecond: number;
  etaSeconds: number;
}

/** Held-out metrics; the pair ones are `eval_nsp_*` for BERT's objective, `eval_sop_*` for ALBERT's, absent for mlm. */
export type EvalResult = {
  eval_loss: number;
  eval_mlm_loss: number;
  eval_mlm_accuracy: number;
  /** Accuracy of always predicting the most frequent masked token of the evaluation set. */
  eval_mlm_majority_baseline: number;
  eval_nsp_loss?: number;
  eval_nsp_accuracy?: number;
  eval_sop_loss?: number;
  eval_sop_accuracy?: number;
};

export type PretrainResult = TrainResult<EvalResult>;

/** Settings that must match to resume (the rest — eval, logging, save cadence — may change). */
function resumeSettings(options: PretrainOptions): Record<string, unknown> {
  return {
    batchSize: options.batchSize, gradAccum: options.gradAccum, lr: options.lr, warmupSteps: options.warmupSteps,
    weightDecay: options.weightDecay, maxGradNorm: options.maxGradNorm, seed: options.seed, steps: options.steps,
    dataSize: options.train.length, dynamicMasking: options.dynamicMasking !== undefined,
    // Only other objectives record theirs, so runs checkpointed before objectives existed still resume.
    ...((options.objective ?? 'bert') !== 'bert' ? { objective: options.objective, modelType: options.modelType ?? MODEL_TYPES_OF[options.objective!][0] } : {}),
    hiddenSize: options.config.hiddenSize, layers: options.config.numHiddenLayers, vocabSize: options.config.vocabSize,
  };
}

/**
 * Held-out loss and accuracies of `model` (a PretrainingModel, or a BertForPreTraining for BERT's objective) on
 * `data`, in eval mode; the objective names the pair task's metrics (`nsp` for bert, `sop` for albert, none for mlm).
 */
export function evaluatePretraining(model: PretrainingModel | BertForPreTraining, data: InstanceSource, batchSize: number, padId: number,
  objectiveName: PretrainObjective = 'bert'): EvalResult {
  const pair = PAIR_TASK[objectiveName];
  const objective = 'forward' in model && 'dropoutRng' in model && 'model' in model ? model : pretrainingModelOf(model);
  const module = objective.model;
  const wasTraining = module.training;
  module.eval();
  const arena = new Arena();
  let mlmLoss = 0;
  let pairLoss = 0;
  let batches = 0;
  let mlmCorrect = 0;
  let mlmTotal = 0;
  let pairCorrect = 0;
  const labelCounts = new Map<number, number>();
  for (let start = 0; start < data.length; start += batchSize) {
    const instances: TrainingInstance[] = [];
    for (let i = start; i < Math.min(data.length, start + batchSize); i++) instances.push(data.get(i));
    const batch = collatePretrainBatch(instances, padId);
    arena.reset();
    withArena(arena, () => noGrad(() => {
      const out = objective.forward(batch);
      mlmLoss += out.mlmLoss.item();
      batches++;
      const labels = batch.labels.ints('labels');
      const mlm = countCorrect(out.mlmLogits, labels, true);
      mlmCorrect += mlm.correct;
      mlmTotal += mlm.total;
      if (pair !== undefined && out.pairLoss !== undefined && out.pairLogits !== undefined) {
        pairLoss += out.pairLoss.item();
        pairCorrect += countCorrect(out.pairLogits, batch.nextSentenceLabel.ints('next_sentence_label'), false).correct;
      }
      for (const label of labels) if (label !== IGNORE_INDEX) labelCounts.set(label, (labelCounts.get(label) ?? 0) + 1);
    }));
  }
  module.train(wasTraining);
  const majority = Math.max(0, ...labelCounts.values());
  const per = Math.max(batches, 1);
  const result: EvalResult = {
    eval_loss: (mlmLoss + pairLoss) / per,
    eval_mlm_loss: mlmLoss / per,
    eval_mlm_accuracy: mlmCorrect / Math.max(mlmTotal, 1),
    eval_mlm_majority_baseline: majority / Math.max(mlmTotal, 1),
  };
  if (pair !== undefined) {
    result[`eval_${pair}_loss`] = pairLoss / per;
    result[`eval_${pair}_accuracy`] = pairCorrect / Math.max(data.length, 1);
  }
  return result;
}

/** The pre-training objective over an instance source, for the generic trainer. */
class PretrainingTask implements TrainingTask<PretrainBatch, EvalResult> {
  readonly objective: PretrainingModel;
  readonly model: PretrainingModel['model'];
  readonly pair: 'nsp' | 'sop' | undefined;
  private readonly objectiveName: PretrainObjective;
  private readonly order: DataOrder;
  private readonly maskingRng: Rng;
  /** Instances consumed from the data order. */
  private consumed = 0;

  /** Held-out MLM / NSP metrics; absent without evaluation data (the trainer then skips evaluation). */
  readonly evaluate: (() => EvalResult) | undefined;

  constructor(private readonly options: PretrainOptions) {
    const objective = options.objective ?? 'bert';
    this.objective = createPretrainingModel(objective, options.modelType ?? MODEL_TYPES_OF[objective][0]!, options.config, options.seed);
    this.model = this.objective.model.train();
    this.objectiveName = objective;
    this.pair = PAIR_TASK[objective];
    this.order = new DataOrder(options.seed, options.train.length);
    this.maskingRng = new Rng((options.seed ^ 0x2545f491) >>> 0);
    const evalData = options.eval;
    const masker = options.dynamicMasking;
    // Held-out instances stored unmasked get one fixed mask each (seeded by their index), so evaluations compare.
    const heldOut = evalData === undefined || masker === undefined ? evalData : {
      length: evalData.length,
      get: (i: number): TrainingInstance => {
        const instance = evalData.get(i);
        if (instance.maskedPositions.length > 0) return instance;
        return { ...instance, ...masker(instance.inputIds, new Rng((options.seed * 1_000_003 + i * 7_919 + 0x5bd1e995) >>> 0)) };
      },
    };
    this.evaluate = heldOut === undefined ? undefined : () => evaluatePretraining(this.objective, heldOut, options.batchSize, options.padId, this.objectiveName);
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
    return pretrainingForward(this.objective, batch, this.objectiveName);
  }

  describeEval(e: EvalResult): string {
    const percent = (value: number | undefined): string => (100 * (value ?? 0)).toFixed(1);
    const pair = this.pair === undefined ? '' : `${this.pair.toUpperCase()} ${percent(e[`eval_${this.pair}_accuracy`])}%, `;
    return `eval MLM accuracy ${percent(e.eval_mlm_accuracy)}% (majority baseline ${percent(e.eval_mlm_majority_baseline)}%), `
      + `${pair}MLM loss ${e.eval_mlm_loss.toFixed(3)}, loss ${e.eval_loss.toFixed(3)}`;
  }

  describeRecentBatches(count: number): string {
    return `instances ${this.consumed - count * this.options.batchSize}..${this.consumed - 1} of the data order`;
  }

  state(): TaskState {
    return { consumed: this.consumed, dropoutRng: this.objective.dropoutRng.getState(), maskingRng: this.maskingRng.getState() };
  }

  restore(state: TaskState): void {
    const { consumed, dropoutRng, maskingRng } = state;
    if (typeof consumed !== 'number' || !Array.isArray(dropoutRng) || !Array.isArray(maskingRng)) {
      throw new CheckpointError('its trainer state holds no pre-training position (consumed, dropoutRng, maskingRng)');
    }
    this.consumed = consumed;
    this.objective.dropoutRng.setState(dropoutRng as RngState);
    this.maskingRng.setState(maskingRng as RngState);
  }
}

export async function runPretraining(options: PretrainOptions): Promise<PretrainResult> {
  if (options.train.length === 0) throw new TsbertError('pretrain: the training data holds no instances');
  if (options.objective === 'mlm' && options.dynamicMasking === undefined) {
    throw new TsbertError('pretrain: the mlm objective masks each instance when it is read (RoBERTa §4.1): give dynamicMasking');
  }
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
        ...progress, mlmAccuracy: metrics['mlm_accuracy'] ?? 0, pairAccuracy: metrics[`${task.pair ?? 'nsp'}_accuracy`] ?? 0,
      }),
    } : {}),
  });
  return result;
}
