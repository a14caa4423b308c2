/**
 * The training loop of every objective (pre-training; fine-tuning and distillation next), as Hugging Face's
 * Trainer: the task supplies micro-batches, their forward (loss + metric sums), evaluation and its own state; the
 * trainer owns the rest — gradient accumulation, clipping, the lr schedule, log / eval / save cadence,
 * metrics.jsonl and the loss curve, checkpoints with exact resume, the run-folder rule, a clean stop at a step
 * boundary, and the final model.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TsbertError } from '../errors.js';
import type { SavableTokenizer } from '../io/model-folder.js';
import type { PreTrainedModel } from '../model/pretrained-model.js';
import { autocast, type Precision } from '../ops/autocast.js';
import type { AdamW } from '../optim/adamw.js';
import type { LrSchedule } from '../optim/schedule.js';
import { Arena } from '../tensor/arena.js';
import { listCheckpoints, loadTrainingCheckpoint, pruneCheckpoints, saveTrainingCheckpoint, writeFolderAtomic, type TaskState } from './checkpoint.js';
import { writeLossCurve } from './loss-curve.js';
import { MetricsLog, type MetricsEntry } from './metrics-log.js';
import { assertNoRun, BEST_MODEL_DIR, clearRun } from './run-folder.js';
import { addMetricSums, NonFiniteLossError, trainStep, type MetricSums, type MicroBatchOutput } from './train-step.js';

/** Evaluation metrics, named `eval_…` as metrics.jsonl stores them. */
export type EvalMetrics = Record<string, number>;

/** An objective: its model, data and metrics. The trainer calls these and nothing else of it. */
export interface TrainingTask<Batch, Eval extends EvalMetrics = EvalMetrics> {
  readonly model: PreTrainedModel;
  /** The next micro-batch in the task's data order (the task keeps the position and saves it in state()). */
  nextBatch(): Batch;
  /** One micro-batch's forward in training mode (the trainer records the graph and runs the backward). */
  forward(batch: Batch): MicroBatchOutput;
  /** Held-out metrics (names starting `eval_`), computed in eval mode; the task restores the training mode. */
  evaluate?: (() => Eval) | undefined;
  /** Everything besides weights and optimizer that an exact resume needs: data position, Rng states. */
  state(): TaskState;
  /** Restores state() from a checkpoint; throws CheckpointError when it is not this task's. */
  restore(state: TaskState): void;
  /** Where in the data the micro-batches just drawn came from, for errors ("instances 96..127 of the data order"). */
  describeRecentBatches?(count: number): string;
  /** One line for the log after an evaluation (default: every metric). */
  describeEval?(metrics: Eval): string;
}

export interface TrainerOptions {
  output: string;
  steps: number;
  gradAccum: number;
  schedule: LrSchedule;
  optimizer: AdamW;
  maxGradNorm: number;
  logEvery: number;
  /** Evaluate every n steps and at the end; 0: only at the end. */
  evalEvery: number;
  /** Write checkpoint-<step>/ every n steps; 0: never (a stop still saves). */
  saveEvery: number;
  /** Keep the newest n checkpoints; 0: all. */
  keepLast: number;
  /** Continue from the newest complete checkpoint in `output` (with none: say so and start a clean run). */
  resume: boolean;
  /** Delete a run already in `output` and start over; without it (or `resume`) such a folder is refused. */
  overwrite?: boolean;
  /** Settings that must equal the checkpoint's to resume (the rest — eval, logging, save cadence — may change). */
  settings: Record<string, unknown>;
  /** Saved with the final model so the folder is complete. */
  tokenizer?: SavableTokenizer;
  /**
   * Keep the model of the best evaluation (Hugging Face's `load_best_model_at_end` + `metric_for_best_model`): it is
   * written to best/ whenever `metric` improves and becomes the final model; with `patience`, training stops after
   * that many evaluations in a row without improvement (EarlyStoppingCallback).
   */
  best?: BestModelOptions;
  /** Where the final model goes (default: `output`/final). The output folder itself is allowed (fine-tuning). */
  finalDir?: string;
  /** Title of loss-curve.svg. */
  curveTitle: string;
  /** Names the command in errors and logs ("pretrain"). */
  commandName: string;
  /**
   * 'bf16': forward (and evaluation) inside autocast('bf16') — Linear products on bfloat16 operands, float32 master
   * weights, optimizer state, LayerNorm, softmax and losses (docs/quantization.md); default 'fp32'.
   */
  precision?: Precision;
  /**
   * Stops cleanly (checkpoint, final model) at the next step boundary once it returns true. The loop gives the event
   * loop a turn after every step, so a signal listener or timer that sets the flag runs in time.
   */
  shouldStop?: () => boolean;
  onProgress?: (progress: TrainingProgress) => void;
  onLog?: (message: string) => void;
}

export interface BestModelOptions {
  /** An evaluation metric's name as evaluate() returns it (`eval_accuracy`). */
  metric: string;
  greaterIsBetter: boolean;
  /** Stop after this many evaluations without improvement; 0 or absent: never. */
  patience?: number;
}

/** The best evaluation so far, kept in checkpoints so a resumed run compares against it. */
export interface BestEvaluation {
  metric: string;
  value: number;
  step: number;
  /** Every metric of that evaluation. */
  metrics: EvalMetrics;
}

export interface TrainingProgress {
  step: number;
  steps: number;
  loss: number;
  /** The step's metrics (numerator / denominator). */
  metrics: Record<string, number>;
  lr: number;
  tokensPerSecond: number;
  etaSeconds: number;
}

export interface TrainResult<Eval extends EvalMetrics = EvalMetrics> {
  step: number;
  finalDir: string;
  lastEval?: Eval;
  resumedFrom?: number;
  stoppedEarly: boolean;
  /** With `best`: the evaluation whose model is the final one. */
  best?: BestEvaluation;
  /** With `best.patience`: training stopped because the metric stopped improving. */
  earlyStopped?: boolean;
}

/** The loss stopped being finite: names the step and the data, and says what to try. */
export class TrainingDivergedError extends TsbertError {
  override readonly name = 'TrainingDivergedError';
}

/** One turn of the event loop (signal listeners, timers); setTimeout where setImmediate does not exist. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

function ratios(sums: MetricSums): Record<string, number> {
  return Object.fromEntries(Object.entries(sums).map(([name, [numerator, denominator]]) => [name, numerator / Math.max(denominator, 1e-30)]));
}

/** Accumulates the steps between two metrics.jsonl entries. */
class LogWindow {
  private loss = 0;
  private gradNorm = 0;
  private steps = 0;
  private tokens = 0;
  private metrics: MetricSums = {};
  private start = performance.now();

  add(loss: number, gradNorm: number, tokens: number, metrics: MetricSums): void {
    this.loss += loss;
    this.gradNorm += gradNorm;
    this.tokens += tokens;
    this.steps++;
    addMetricSums(this.metrics, metrics);
  }

  tokensPerSecond(): number {
    return this.tokens / Math.max((performance.now() - this.start) / 1000, 1e-9);
  }

  /** The window's entry (metrics in the task's order, then grad_norm, lr, throughput); starts a new window. */
  close(step: number, lr: number, elapsedSeconds: number): MetricsEntry {
    const entry: MetricsEntry = {
      step, loss: this.loss / this.steps, ...ratios(this.metrics), grad_norm: this.gradNorm / this.steps, lr,
      tokens_per_s: this.tokensPerSecond(), elapsed_s: elapsedSeconds,
    };
    Object.assign(this, { loss: 0, gradNorm: 0, steps: 0, tokens: 0, metrics: {}, start: performance.now() });
    return entry;
  }
}

export async function train<Batch, Eval extends EvalMetrics>(task: TrainingTask<Batch, Eval>, options: TrainerOptions): Promise<TrainResult<Eval>> {
  const log = options.onLog ?? (() => {});
  const { model } = task;
  const { optimizer, output } = options;
  const finalDir = options.finalDir ?? join(output, 'final');
  const modelAtRoot = resolve(finalDir) === resolve(output);
  if (options.best !== undefined && task.evaluate === undefined) {
    throw new TsbertError(`${options.commandName}: choosing the best model by ${options.best.metric} needs evaluation data`);
  }
  if (options.overwrite === true) clearRun(output, modelAtRoot);
  else if (!options.resume) assertNoRun(output, modelAtRoot);
  mkdirSync(output, { recursive: true });
  const metrics = new MetricsLog(join(output, 'metrics.jsonl'));
  const curvePath = join(output, 'loss-curve.svg');

  let step = 0;
  let resumedFrom: number | undefined;
  let best: BestEvaluation | undefined;
  let badEvaluations = 0;
  let earlyStopped = false;
  if (options.resume) {
    for (const candidate of listCheckpoints(output)) {
      let state;
      try {
        state = loadTrainingCheckpoint(candidate.dir, model, optimizer);
        task.restore(state);
      } catch (error) {
        if (!(error instanceof TsbertError)) throw error;
        log(`skipping ${candidate.dir}: ${error.message}`);
        continue;
      }
      const mismatch = Object.entries(options.settings).filter(([k, v]) => JSON.stringify(state.settings[k]) !== JSON.stringify(v));
      if (mismatch.length > 0) {
        throw new TsbertError(`${options.commandName} --resume: ${candidate.dir} was made with other settings: `
          + `${mismatch.map(([k, v]) => `${k} ${JSON.stringify(state.settings[k])} → ${JSON.stringify(v)}`).join(', ')}`);
      }
      step = state.step;
      resumedFrom = step;
      best = bestFromState(state[BEST_STATE_KEY]);
      badEvaluations = typeof state[BAD_EVALUATIONS_KEY] === 'number' ? state[BAD_EVALUATIONS_KEY] : 0;
      metrics.truncateAfter(step);
      log(`resuming from ${candidate.dir} (step ${step})`);
      break;
    }
    if (resumedFrom === undefined) {
      log(`--resume: no complete checkpoint in ${output}: starting a new run there`);
      clearRun(output, modelAtRoot);
    }
  }

  const arena = new Arena();
  const save = (): string => {
    const trainerState = { [BEST_STATE_KEY]: best ?? null, [BAD_EVALUATIONS_KEY]: badEvaluations };
    const dir = saveTrainingCheckpoint(output, model, optimizer, { ...task.state(), ...trainerState, version: 1, step, settings: options.settings });
    pruneCheckpoints(output, options.keepLast);
    return dir;
  };

  let lastEval: Eval | undefined;
  const evaluate = task.evaluate?.bind(task);
  const precision = options.precision ?? 'fp32';
  let stoppedEarly = false;
  const window = new LogWindow();
  const runStart = performance.now();
  const startStep = step;
  while (step < options.steps) {
    if (options.shouldStop?.() === true) {
      stoppedEarly = true;
      break;
    }
    optimizer.lr = options.schedule.lr(step);
    const microBatches = Array.from({ length: options.gradAccum }, () => task.nextBatch());
    let result;
    try {
      result = trainStep(model, optimizer, microBatches, (batch) => autocast(precision, () => task.forward(batch)), arena, options.maxGradNorm);
    } catch (error) {
      if (error instanceof NonFiniteLossError) {
        const where = task.describeRecentBatches?.(options.gradAccum);
        throw new TrainingDivergedError(
          `${options.commandName}: at step ${step + 1}${where === undefined ? '' : ` (${where})`} the ${error.message}; `
          + `no checkpoint was written after it. Try a lower --lr (now ${options.schedule.peakLr}), more --warmup-steps `
          + `(now ${options.schedule.warmupSteps}) or --max-grad-norm 1.0, and resume from the last checkpoint with --resume.`,
          { cause: error });
      }
      throw error;
    }
    step++;
    window.add(result.loss, result.gradNorm, result.tokens, result.metrics);
    const elapsed = (performance.now() - runStart) / 1000;
    options.onProgress?.({
      step, steps: options.steps, loss: result.loss, metrics: ratios(result.metrics), lr: optimizer.lr,
      tokensPerSecond: window.tokensPerSecond(), etaSeconds: (elapsed / (step - startStep)) * (options.steps - step),
    });

    const logNow = step % options.logEvery === 0 || step === options.steps;
    if (logNow) metrics.append(window.close(step, optimizer.lr, elapsed));
    const evaluated = evaluate !== undefined && ((options.evalEvery > 0 && step % options.evalEvery === 0) || step === options.steps);
    if (evaluated) {
      lastEval = autocast(precision, evaluate);
      metrics.append({ step, ...lastEval });
      const line = task.describeEval?.(lastEval) ?? Object.entries(lastEval).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ');
      log(`step ${step}: ${line}`);
      if (options.best !== undefined) {
        const value = metricValue(lastEval, options.best.metric, options.commandName);
        // NaN (a correlation of constant predictions) never counts as an improvement, and anything beats it.
        const improved = best === undefined || (Number.isNaN(best.value) && !Number.isNaN(value))
          || (options.best.greaterIsBetter ? value > best.value : value < best.value);
        if (improved) {
          best = { metric: options.best.metric, value, step, metrics: lastEval };
          badEvaluations = 0;
          writeFolderAtomic(join(output, BEST_MODEL_DIR), (dir) => model.savePretrained(dir, options.tokenizer));
        } else if (options.best.patience !== undefined && options.best.patience > 0 && ++badEvaluations >= options.best.patience) {
          log(`step ${step}: ${options.best.metric} has not improved on ${best!.value.toFixed(4)} (step ${best!.step}) `
            + `for ${badEvaluations} evaluations: stopping early`);
          earlyStopped = true;
        }
      }
    }
    // Only when something was logged: redrawing every step (from the whole history) made a run quadratic.
    if (logNow || evaluated) writeLossCurve(curvePath, metrics.entries, options.curveTitle);
    if (options.saveEvery > 0 && step % options.saveEvery === 0 && step < options.steps) log(`saved ${save()}`);
    if (earlyStopped) break;
    await yieldToEventLoop();
  }
  if (stoppedEarly && step > startStep) log(`stopped at step ${step}: saved ${save()}`);
  writeLossCurve(curvePath, metrics.entries, options.curveTitle);
  const bestDir = join(output, BEST_MODEL_DIR);
  model.eval();
  if (best !== undefined && existsSync(bestDir)) moveModelFolder(bestDir, finalDir);
  else model.savePretrained(finalDir, options.tokenizer);
  const result: TrainResult<Eval> = { step, finalDir, stoppedEarly };
  if (best !== undefined) result.best = best;
  if (earlyStopped) result.earlyStopped = true;
  if (lastEval !== undefined) result.lastEval = lastEval;
  if (resumedFrom !== undefined) result.resumedFrom = resumedFrom;
  return result;
}

const BEST_STATE_KEY = 'best_evaluation';
const BAD_EVALUATIONS_KEY = 'evaluations_without_improvement';

function bestFromState(value: unknown): BestEvaluation | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { metric, value: v, step, metrics } = value as Partial<BestEvaluation>;
  return typeof metric === 'string' && typeof v === 'number' && typeof step === 'number' && typeof metrics === 'object' && metrics !== null
    ? { metric, value: v, step, metrics } : undefined;
}

function metricValue(metrics: EvalMetrics, name: string, command: string): number {
  const value = metrics[name];
  if (value === undefined) {
    throw new TsbertError(`${command}: the evaluation has no metric "${name}" to choose the best model by (it has ${Object.keys(metrics).join(', ')})`);
  }
  return value;
}

/** The best model's folder becomes the final one: renamed, or its files moved when the final folder is the output. */
function moveModelFolder(from: string, to: string): void {
  if (!existsSync(to) || readdirSync(to).length === 0) {
    rmSync(to, { recursive: true, force: true });
    renameSync(from, to);
    return;
  }
  for (const name of readdirSync(from)) {
    rmSync(join(to, name), { recursive: true, force: true });
    renameSync(join(from, name), join(to, name));
  }
  rmSync(from, { recursive: true, force: true });
}
