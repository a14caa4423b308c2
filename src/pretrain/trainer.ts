/**
 * The pre-training loop (BERT §3.1, §A.2): batches of instances in a seeded order, MLM + NSP loss, AdamW with
 * linear warmup and decay, gradient clipping, periodic evaluation, metrics.jsonl + loss curve, atomic
 * checkpoints and exact resume. Everything random is drawn from Rngs whose states the checkpoint stores.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TsbertError } from '../errors.js';
import type { SavableTokenizer } from '../io/checkpoint.js';
import type { BertConfig } from '../model/config.js';
import { BertForPreTraining } from '../model/heads/pretraining.js';
import { AdamW } from '../optim/adamw.js';
import { bertParamGroups } from '../optim/param-groups.js';
import { linearWarmupDecay } from '../optim/schedule.js';
import { Arena, withArena } from '../tensor/arena.js';
import { Rng } from '../tensor/rng.js';
import { noGrad } from '../tensor/tensor.js';
import { IGNORE_INDEX } from '../ops/cross-entropy.js';
import { countCorrect } from './accuracy.js';
import { collatePretrainBatch } from './collate.js';
import { DataOrder } from './data-order.js';
import { unmaskedIds, type InstanceSource, type TrainingInstance } from './instance-source.js';
import { writeLossCurve } from './loss-curve.js';
import { MetricsLog, type MetricsEntry } from './metrics-log.js';
import { NonFiniteLossError, pretrainStep } from './train-step.js';
import { assertNoRun, clearRun } from './run-folder.js';
import { listCheckpoints, loadTrainingCheckpoint, pruneCheckpoints, saveTrainingCheckpoint, type TrainerState } from './training-checkpoint.js';

/** Re-masks unmasked ids on the fly (RoBERTa's dynamic masking); returns positions and original ids. */
export type DynamicMasker = (ids: Int32Array, rng: Rng) => { inputIds: Int32Array; maskedPositions: Int32Array; maskedLmIds: Int32Array };

export interface PretrainOptions {
  config: BertConfig;
  train: InstanceSource;
  eval?: InstanceSource;
  output: string;
  batchSize: number;
  gradAccum: number;
  steps: number;
  lr: number;
  warmupSteps: number;
  weightDecay: number;
  maxGradNorm: number;
  seed: number;
  padId: number;
  logEvery: number;
  evalEvery: number;
  saveEvery: number;
  keepLast: number;
  /** Continue from the newest complete checkpoint in `output` (with none: say so and start a clean run). */
  resume: boolean;
  /** Delete a run already in `output` and start over; without it (or `resume`) such a folder is refused. */
  overwrite?: boolean;
  dynamicMasking?: DynamicMasker;
  /** Saved with the final model so the folder is complete. */
  tokenizer?: SavableTokenizer;
  /**
   * Stops cleanly (checkpoint, final model) at the next step boundary once it returns true. The loop gives the event
   * loop a turn after every step, so a signal listener or timer that sets the flag runs in time.
   */
  shouldStop?: () => boolean;
  onProgress?: (progress: TrainingProgress) => void;
  onLog?: (message: string) => void;
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

export interface EvalResult {
  eval_loss: number;
  eval_mlm_loss: number;
  eval_nsp_loss: number;
  eval_mlm_accuracy: number;
  eval_nsp_accuracy: number;
  /** Accuracy of always predicting the most frequent masked token of the evaluation set. */
  eval_mlm_majority_baseline: number;
}

export interface PretrainResult {
  step: number;
  finalDir: string;
  lastEval?: EvalResult;
  resumedFrom?: number;
  stoppedEarly: boolean;
}

/** The loss stopped being finite: names the step and the instances, and says what to try. */
export class TrainingDivergedError extends TsbertError {
  override readonly name = 'TrainingDivergedError';
}

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

/** One turn of the event loop (signal listeners, timers); setTimeout where setImmediate does not exist. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

export async function runPretraining(options: PretrainOptions): Promise<PretrainResult> {
  const log = options.onLog ?? (() => {});
  if (options.train.length === 0) throw new TsbertError('pretrain: the training data holds no instances');
  if (options.overwrite === true) clearRun(options.output);
  else if (!options.resume) assertNoRun(options.output);
  mkdirSync(options.output, { recursive: true });
  const model = new BertForPreTraining(options.config, { seed: options.seed }).train();
  const optimizer = new AdamW(bertParamGroups(model.namedParameters(), options.weightDecay), { lr: options.lr, eps: 1e-6 });
  const maskingRng = new Rng((options.seed ^ 0x2545f491) >>> 0);
  const metrics = new MetricsLog(join(options.output, 'metrics.jsonl'));
  const curvePath = join(options.output, 'loss-curve.svg');
  const settings = resumeSettings(options);

  let step = 0;
  let consumed = 0;
  let resumedFrom: number | undefined;
  if (options.resume) {
    for (const candidate of listCheckpoints(options.output)) {
      try {
        const state = loadTrainingCheckpoint(candidate.dir, model, optimizer);
        const mismatch = Object.entries(settings).filter(([k, v]) => JSON.stringify(state.settings[k]) !== JSON.stringify(v));
        if (mismatch.length > 0) {
          throw new TsbertError(`pretrain --resume: ${candidate.dir} was made with other settings: ${mismatch.map(([k, v]) => `${k} ${JSON.stringify(state.settings[k])} → ${JSON.stringify(v)}`).join(', ')}`);
        }
        step = state.step;
        consumed = state.consumed;
        model.bert.dropoutRng.setState(state.dropoutRng);
        maskingRng.setState(state.maskingRng);
        resumedFrom = step;
        metrics.truncateAfter(step);
        log(`resuming from ${candidate.dir} (step ${step})`);
        break;
      } catch (error) {
        if (error instanceof TsbertError && error.message.startsWith('pretrain --resume')) throw error;
        log(`skipping ${candidate.dir}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (resumedFrom === undefined) {
      log(`--resume: no complete checkpoint in ${options.output}: starting a new run there`);
      clearRun(options.output);
    }
  }

  const order = new DataOrder(options.seed, options.train.length);
  const arena = new Arena();
  const save = (): string => {
    const state: TrainerState = {
      version: 1, step, consumed, dropoutRng: model.bert.dropoutRng.getState(), maskingRng: maskingRng.getState(), settings,
    };
    const dir = saveTrainingCheckpoint(options.output, model, optimizer, state);
    pruneCheckpoints(options.output, options.keepLast);
    return dir;
  };
  const nextInstance = (): TrainingInstance => {
    const instance = options.train.get(order.indexAt(consumed++));
    if (options.dynamicMasking === undefined) return instance;
    const masked = options.dynamicMasking(unmaskedIds(instance), maskingRng);
    return { ...instance, ...masked };
  };

  let lastEval: EvalResult | undefined;
  let stoppedEarly = false;
  let windowStart = performance.now();
  let windowTokens = 0;
  let window = { loss: 0, mlmLoss: 0, nspLoss: 0, mlmCorrect: 0, mlmTotal: 0, nspCorrect: 0, nspTotal: 0, gradNorm: 0, steps: 0 };
  const runStart = performance.now();
  const startStep = step;
  while (step < options.steps) {
    if (options.shouldStop?.() === true) {
      stoppedEarly = true;
      break;
    }
    optimizer.lr = options.lr * linearWarmupDecay(step, options.warmupSteps, options.steps);
    const firstInstance = consumed;
    const microBatches = Array.from({ length: options.gradAccum }, () =>
      collatePretrainBatch(Array.from({ length: options.batchSize }, nextInstance), options.padId));
    let stepMetrics;
    try {
      stepMetrics = pretrainStep(model, optimizer, microBatches, arena, options.maxGradNorm);
    } catch (error) {
      if (error instanceof NonFiniteLossError) {
        throw new TrainingDivergedError(
          `pretrain: at step ${step + 1} (instances ${firstInstance}..${consumed - 1} of the data order) the ${error.message}; `
          + `no checkpoint was written after it. Try a lower --lr (now ${options.lr}), more --warmup-steps (now ${options.warmupSteps}) `
          + `or --max-grad-norm 1.0, and resume from the last checkpoint with --resume.`, { cause: error });
      }
      throw error;
    }
    step++;
    window.loss += stepMetrics.loss;
    window.mlmLoss += stepMetrics.mlmLoss;
    window.nspLoss += stepMetrics.nspLoss;
    window.mlmCorrect += stepMetrics.mlmCorrect;
    window.mlmTotal += stepMetrics.mlmTotal;
    window.nspCorrect += stepMetrics.nspCorrect;
    window.nspTotal += stepMetrics.nspTotal;
    window.gradNorm += stepMetrics.gradNorm;
    window.steps++;
    windowTokens += stepMetrics.tokens;

    const elapsed = (performance.now() - runStart) / 1000;
    const secondsPerStep = elapsed / (step - startStep);
    options.onProgress?.({
      step, steps: options.steps, loss: stepMetrics.loss,
      mlmAccuracy: stepMetrics.mlmCorrect / Math.max(stepMetrics.mlmTotal, 1),
      nspAccuracy: stepMetrics.nspCorrect / Math.max(stepMetrics.nspTotal, 1),
      lr: optimizer.lr, tokensPerSecond: windowTokens / Math.max((performance.now() - windowStart) / 1000, 1e-9),
      etaSeconds: secondsPerStep * (options.steps - step),
    });

    const logNow = step % options.logEvery === 0 || step === options.steps;
    if (logNow) {
      const seconds = (performance.now() - windowStart) / 1000;
      const entry: MetricsEntry = {
        step,
        loss: window.loss / window.steps,
        mlm_loss: window.mlmLoss / window.steps,
        nsp_loss: window.nspLoss / window.steps,
        mlm_accuracy: window.mlmCorrect / Math.max(window.mlmTotal, 1),
        nsp_accuracy: window.nspCorrect / Math.max(window.nspTotal, 1),
        grad_norm: window.gradNorm / window.steps,
        lr: optimizer.lr,
        tokens_per_s: windowTokens / Math.max(seconds, 1e-9),
        elapsed_s: elapsed,
      };
      metrics.append(entry);
      window = { loss: 0, mlmLoss: 0, nspLoss: 0, mlmCorrect: 0, mlmTotal: 0, nspCorrect: 0, nspTotal: 0, gradNorm: 0, steps: 0 };
      windowStart = performance.now();
      windowTokens = 0;
    }
    const evalData = options.eval;
    const evaluated = evalData !== undefined && ((options.evalEvery > 0 && step % options.evalEvery === 0) || step === options.steps);
    if (evaluated) {
      lastEval = evaluatePretraining(model, evalData, options.batchSize, options.padId);
      metrics.append({ step, ...lastEval });
      log(`step ${step}: eval MLM accuracy ${(100 * lastEval.eval_mlm_accuracy).toFixed(1)}% (majority baseline ${(100 * lastEval.eval_mlm_majority_baseline).toFixed(1)}%), NSP ${(100 * lastEval.eval_nsp_accuracy).toFixed(1)}%, loss ${lastEval.eval_loss.toFixed(3)}`);
    }
    if (logNow || evaluated) writeLossCurve(curvePath, metrics.entries, `tsbert pre-training: ${options.output}`);
    if (options.saveEvery > 0 && step % options.saveEvery === 0 && step < options.steps) log(`saved ${save()}`);
    await yieldToEventLoop();
  }
  if (stoppedEarly && step > startStep) log(`stopped at step ${step}: saved ${save()}`);
  writeLossCurve(curvePath, metrics.entries, `tsbert pre-training: ${options.output}`);
  const finalDir = join(options.output, 'final');
  model.eval().savePretrained(finalDir, options.tokenizer);
  const result: PretrainResult = { step, finalDir, stoppedEarly };
  if (lastEval !== undefined) result.lastEval = lastEval;
  if (resumedFrom !== undefined) result.resumedFrom = resumedFrom;
  return result;
}
