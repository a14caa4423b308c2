/**
 * Fine-tuning (BERT §4) as a task of the generic trainer: features in length-grouped, seeded batches padded per
 * batch, the head's own loss, the task's official metrics on the dev set, the best model kept. Hyper-parameters
 * and their defaults are Hugging Face Trainer's (AdamW eps 1e-8, linear decay after warmup_ratio).
 */
import { CheckpointError, ConfigError } from '../errors.js';
import type { HeadRunner } from '../model/heads/task-heads.js';
import { AdamW } from '../optim/adamw.js';
import { bertParamGroups } from '../optim/param-groups.js';
import { LrSchedule } from '../optim/schedule.js';
import type { RngState } from '../tensor/rng.js';
import type { SavableTokenizer } from '../io/model-folder.js';
import type { TaskState } from '../train/checkpoint.js';
import type { MicroBatchOutput } from '../train/train-step.js';
import { train, type EvalMetrics, type TrainerOptions, type TrainingTask, type TrainResult } from '../train/trainer.js';
import { collateInputs } from './collate.js';
import type { Feature } from './features.js';
import { LengthGroupedOrder } from './length-grouped-order.js';
import { runOnFeatures } from './run-features.js';
import type { FeatureContext, FinetuneTaskDefinition } from './task-definition.js';

/** The trainer's options fine-tuning passes through as they are. */
const PASSED_TRAINER_OPTIONS = ['output', 'maxGradNorm', 'logEvery', 'keepLast', 'resume', 'overwrite', 'shouldStop', 'onLog', 'onProgress', 'precision'] as const satisfies readonly (keyof TrainerOptions)[];
type PassedTrainerOptions = (typeof PASSED_TRAINER_OPTIONS)[number];

export interface FinetuneOptions<Example, F extends Feature> extends Pick<TrainerOptions, PassedTrainerOptions> {
  definition: FinetuneTaskDefinition<Example, F>;
  /** The head's model (from a pre-trained folder or a config) with its labels, and its forward under HF names. */
  runner: HeadRunner;
  tokenizer: SavableTokenizer;
  context: FeatureContext;
  train: F[];
  dev?: { examples: readonly Example[]; features: F[] };
  epochs: number;
  batchSize: number;
  gradAccum: number;
  lr: number;
  /** Share of all steps spent in linear warmup. */
  warmupRatio: number;
  weightDecay: number;
  seed: number;
  /** Evaluate every n steps; 'epoch': at the end of each epoch. Always at the end. */
  evalEvery: number | 'epoch';
  /** A metric of the task, without `eval_`; with patience: early stopping. */
  best?: { metric: string; greaterIsBetter: boolean; patience?: number };
  /** Batches of similar lengths (LengthGroupedSampler); false: plain random batches. */
  groupByLength: boolean;
  padId: number;
  /** Settings that must also match to resume (file names, model source, preprocessing). */
  settings: Record<string, unknown>;
}

export interface FinetuneResult extends TrainResult<EvalMetrics> {
  stepsPerEpoch: number;
}

/** How many optimizer steps an epoch takes: micro-batches flow on across epochs, so the last step may span two. */
export function stepsPerEpoch(examples: number, batchSize: number, gradAccum: number): number {
  return Math.max(1, Math.ceil(Math.ceil(examples / batchSize) / gradAccum));
}

class FinetuningTask<Example, F extends Feature> implements TrainingTask<readonly F[]> {
  readonly model;
  private readonly order: LengthGroupedOrder;
  /** Micro-batches consumed from the order. */
  private consumed = 0;
  readonly evaluate: (() => EvalMetrics) | undefined;

  constructor(private readonly options: FinetuneOptions<Example, F>) {
    this.model = options.runner.model.train();
    this.order = new LengthGroupedOrder(options.seed, options.train.map((f) => f.length), options.batchSize, options.groupByLength);
    const dev = options.dev;
    this.evaluate = dev === undefined ? undefined : () => evaluateFeatures(options.runner, options.definition, dev.examples, dev.features, options.context, options.batchSize, options.padId);
  }

  nextBatch(): readonly F[] {
    return Array.from(this.order.batchAt(this.consumed++), (i) => this.options.train[i]!);
  }

  forward(batch: readonly F[]): MicroBatchOutput {
    const { definition, context } = this.options;
    const { args, seqLength, tokens } = collateInputs(batch, this.options.padId, this.options.runner);
    const targets = definition.targets(batch, seqLength, context.scheme);
    if (targets === undefined) throw new ConfigError(`finetune: ${definition.name} training features carry no targets`);
    for (const [name, tensor] of targets) args.set(name, tensor);
    const out = this.options.runner.forward(args);
    return { loss: out['loss']!, metrics: {}, tokens };
  }

  describeRecentBatches(count: number): string {
    return `training batches ${this.consumed - count}..${this.consumed - 1} of the data order`;
  }

  state(): TaskState {
    return { consumedBatches: this.consumed, dropoutRng: this.model.encoderModel().dropoutRng.getState() };
  }

  restore(state: TaskState): void {
    const { consumedBatches, dropoutRng } = state;
    if (typeof consumedBatches !== 'number' || !Array.isArray(dropoutRng)) {
      throw new CheckpointError('its trainer state holds no fine-tuning position (consumedBatches, dropoutRng)');
    }
    this.consumed = consumedBatches;
    this.model.encoderModel().dropoutRng.setState(dropoutRng as RngState);
  }
}

/** The task's metrics on labelled examples, named `eval_…`, with `eval_loss` when the features carry targets. */
export function evaluateFeatures<Example, F extends Feature>(
  runner: HeadRunner, definition: FinetuneTaskDefinition<Example, F>, examples: readonly Example[], features: readonly F[],
  context: FeatureContext, batchSize: number, padId: number, onBatch?: (done: number, total: number) => void,
): EvalMetrics {
  const run = runOnFeatures(runner, definition, features, context.scheme, batchSize, padId, onBatch);
  const metrics = definition.metrics(examples, features, run.outputs, context);
  const named: EvalMetrics = {};
  if (run.loss !== undefined) named['eval_loss'] = run.loss;
  for (const [name, value] of Object.entries(metrics)) named[`eval_${name}`] = value;
  return named;
}

export async function runFinetuning<Example, F extends Feature>(options: FinetuneOptions<Example, F>): Promise<FinetuneResult> {
  if (options.train.length === 0) throw new ConfigError('finetune: the training data holds no examples');
  const task = new FinetuningTask(options);
  const perEpoch = stepsPerEpoch(options.train.length, options.batchSize, options.gradAccum);
  const steps = Math.max(1, Math.round(perEpoch * options.epochs));
  const passed = Object.fromEntries(PASSED_TRAINER_OPTIONS.filter((key) => options[key] !== undefined).map((key) => [key, options[key]]));
  const evalEvery = options.evalEvery === 'epoch' ? perEpoch : options.evalEvery;
  const model = options.runner.model;
  const result = await train(task, {
    ...(passed as Pick<TrainerOptions, PassedTrainerOptions>),
    steps,
    gradAccum: options.gradAccum,
    schedule: new LrSchedule(options.lr, Math.round(options.warmupRatio * steps), steps, 'linear'),
    optimizer: new AdamW(bertParamGroups(model.namedParameters(), options.weightDecay), { lr: options.lr }),
    evalEvery,
    // A checkpoint at every evaluation, as Hugging Face's save_strategy follows eval_strategy with the best model kept.
    saveEvery: options.dev === undefined ? perEpoch : evalEvery,
    keepLast: options.keepLast,
    tokenizer: options.tokenizer,
    finalDir: options.output,
    ...(options.best !== undefined && options.dev !== undefined ? { best: { ...options.best, metric: `eval_${options.best.metric}` } } : {}),
    settings: {
      ...options.settings, epochs: options.epochs, batchSize: options.batchSize, gradAccum: options.gradAccum, lr: options.lr,
      warmupRatio: options.warmupRatio, weightDecay: options.weightDecay, maxGradNorm: options.maxGradNorm, seed: options.seed,
      groupByLength: options.groupByLength, trainFeatures: options.train.length,
    },
    curveTitle: `tsbert fine-tuning (${options.definition.name}): ${options.output}`,
    commandName: 'finetune',
  });
  return { ...result, stepsPerEpoch: perEpoch };
}
