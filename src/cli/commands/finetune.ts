/**
 * `tsbert finetune` and `tsbert evaluate` for the task types of BERT §4 (`tsbert predict` is predict.ts). Options
 * and defaults are Hugging Face Trainer's (run_glue.py, run_ner.py, run_qa.py, run_swag.py); the output folder is
 * the best checkpoint as a Hugging Face folder with its labels and the preprocessing it was trained with.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { numberFlag as number } from '../number-flag.js';
import { ConfigError } from '../../errors.js';
import { checkOutputDirectory } from '../../io/checked-file.js';
import { FINETUNE_TASK_DEFINITIONS, type AnyTaskDefinition } from '../../finetune/tasks/index.js';
import { FINETUNE_TASKS, isFinetuneTaskName } from '../../finetune/task-names.js';
import { checkSequenceLength, finetuningModel, loadFinetuned, type ModelSource } from '../../finetune/model-setup.js';
import { evaluateFeatures, runFinetuning } from '../../finetune/finetuning-task.js';
import { recordedPreprocessing, type Preprocessing } from '../../finetune/preprocessing.js';
import type { SkipCounts } from '../../finetune/examples.js';
import type { FeatureContext, ReadOptions } from '../../finetune/task-definition.js';
import { isNewModelType, newModelConfig, NEW_MODEL_TYPES } from '../../finetune/new-model-config.js';
import { taskTokenizer, type TokenizerFiles } from '../../finetune/task-tokenizer.js';
import { applyModelDType, modelDTypeOf } from '../../model/quantization.js';
import type { PresetTokenizer } from '../../tokenizer/auto-tokenizer.js';
import { formatDuration, ProgressBar } from '../progress-bar.js';
import { openStopScope } from '../signals.js';
import { precisionOf } from '../../ops/autocast.js';
import { addPrecisionFlag, addRunFlags } from '../run-flags.js';
import { addDataOptions } from '../data-options.js';
import { log } from '../log.js';

export interface DataFlags {
  task: string;
  maxSeqLength?: string;
  docStride?: string;
  maxQueryLength?: string;
  labelAllTokens?: boolean;
  nBest?: string;
  maxAnswerLength?: string;
  nullScoreDiffThreshold?: string;
  textColumn?: string;
  pairColumn?: string;
  labelColumn?: string;
  tagColumn?: string;
  batchSize?: string;
}

export interface FinetuneFlags extends DataFlags {
  model?: string;
  config?: string;
  modelType?: string;
  vocab?: string;
  merges?: string;
  tokenizer?: string;
  cased?: boolean;
  train: string;
  dev?: string;
  output: string;
  epochs: string;
  lr: string;
  gradAccum: string;
  warmupRatio: string;
  weightDecay: string;
  maxGradNorm: string;
  precision: string;
  seed: string;
  evalEvery: string;
  metric?: string;
  earlyStopping?: string;
  minutes?: string;
  groupByLength: boolean;
  logEvery: string;
  keepLast: string;
  resume?: boolean;
  overwrite?: boolean;
}

/** `modelType` → `--model-type`. */
function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * The tokenizer files of a new model, as its family reads them: BERT and DistilBERT a WordPiece vocab.txt (--vocab,
 * --cased), RoBERTa vocab.json + merges.txt (--vocab, --merges), ALBERT a SentencePiece model (--vocab x.model);
 * any family a tokenizer.json (--tokenizer) instead.
 */
function newTokenizerFiles(flags: FinetuneFlags, modelType: string): TokenizerFiles {
  const wrong = (message: string): never => {
    throw new ConfigError(`finetune --model-type ${modelType}: ${message}`);
  };
  if (flags.tokenizer !== undefined) {
    if (flags.vocab !== undefined || flags.merges !== undefined) wrong('give --tokenizer tokenizer.json or --vocab (and --merges), not both');
    if (flags.cased !== undefined) wrong('--cased goes with --vocab vocab.txt (a tokenizer.json says how it normalizes)');
    return { family: modelType, tokenizerJson: flags.tokenizer };
  }
  const vocab = flags.vocab ?? wrong('--config needs the new model\'s tokenizer: --vocab FILE or --tokenizer tokenizer.json');
  if (flags.merges !== undefined && modelType !== 'roberta') wrong('--merges is for byte-level BPE (--model-type roberta)');
  if (flags.cased !== undefined && modelType !== 'bert' && modelType !== 'distilbert') wrong('--cased is for a WordPiece vocab.txt (bert, distilbert)');
  switch (modelType) {
    case 'roberta': return { family: 'roberta', vocabJson: vocab, merges: flags.merges ?? wrong('--vocab vocab.json needs --merges merges.txt') };
    case 'albert': return { family: 'albert', sentencePiece: vocab };
    case 'distilbert': return { family: 'distilbert', vocabTxt: vocab, lowercase: flags.cased !== true };
    default: return { family: 'bert', vocabTxt: vocab, lowercase: flags.cased !== true };
  }
}

export function taskDefinition(name: string): AnyTaskDefinition {
  if (!isFinetuneTaskName(name)) throw new ConfigError(`--task must be one of ${FINETUNE_TASKS.join(', ')}, got "${name}"`);
  const definition = FINETUNE_TASK_DEFINITIONS[name];
  if (definition === undefined) throw new ConfigError(`--task ${name} is not implemented yet`);
  return definition;
}

export function readOptions(flags: DataFlags): ReadOptions {
  const options: ReadOptions = {};
  if (flags.textColumn !== undefined) options.textColumn = flags.textColumn;
  if (flags.pairColumn !== undefined) options.pairColumn = flags.pairColumn;
  if (flags.labelColumn !== undefined) options.labelColumn = flags.labelColumn;
  if (flags.tagColumn !== undefined) options.tagColumn = number('--tag-column', flags.tagColumn, true, 0);
  return options;
}

/** The preprocessing flags over a base (the task's defaults, or what a fine-tuned folder recorded). */
export function preprocessingFrom(flags: DataFlags, base: Preprocessing): Preprocessing {
  const p: Preprocessing = { ...base };
  if (flags.maxSeqLength !== undefined) p.maxSeqLength = number('--max-seq-length', flags.maxSeqLength, true, 8);
  if (flags.docStride !== undefined) p.docStride = number('--doc-stride', flags.docStride, true, 0);
  if (flags.maxQueryLength !== undefined) p.maxQueryLength = number('--max-query-length', flags.maxQueryLength, true, 1);
  if (flags.labelAllTokens === true) p.labelAllTokens = true;
  if (flags.nBest !== undefined) p.nBest = number('--n-best', flags.nBest, true, 1);
  if (flags.maxAnswerLength !== undefined) p.maxAnswerLength = number('--max-answer-length', flags.maxAnswerLength, true, 1);
  if (flags.nullScoreDiffThreshold !== undefined) p.nullScoreDiffThreshold = number('--null-score-diff-threshold', flags.nullScoreDiffThreshold, false, -Infinity);
  return p;
}

export function defaultPreprocessing(definition: AnyTaskDefinition): Preprocessing {
  const p: Preprocessing = { task: definition.name, maxSeqLength: definition.defaultMaxSeqLength };
  // run_qa.py's defaults.
  if (definition.name === 'question-answering') Object.assign(p, { docStride: 128, maxQueryLength: 64, nBest: 20, maxAnswerLength: 30, nullScoreDiffThreshold: 0 });
  if (definition.name === 'token-classification') p.labelAllTokens = false;
  return p;
}

export function reportSkipped(file: string, skipped: SkipCounts, log: (line: string) => void): void {
  const entries = Object.entries(skipped).filter(([, n]) => n > 0);
  if (entries.length === 0) return;
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  log(`${file}: skipped ${total} example${total === 1 ? '' : 's'}: ${entries.map(([why, n]) => `${n} ${why}`).join(', ')}`);
}

async function runFinetuneCommand(flags: FinetuneFlags): Promise<void> {
  const precision = precisionOf(flags.precision, '--precision');
  if (flags.resume === true && flags.overwrite === true) throw new ConfigError('finetune: --resume and --overwrite exclude each other');
  const definition = taskDefinition(flags.task);
  if ((flags.model === undefined) === (flags.config === undefined)) {
    throw new ConfigError('finetune: give --model DIR (a pre-trained folder) or --config NAME --vocab FILE (random initialisation), not both');
  }
  checkOutputDirectory(flags.output, { label: '--output', error: ConfigError });
  const words = definition.encodesWords === true;
  let source: ModelSource;
  let tokenizer: PresetTokenizer;
  if (flags.model !== undefined) {
    const misplaced = (['modelType', 'vocab', 'merges', 'tokenizer', 'cased'] as const).filter((key) => flags[key] !== undefined);
    if (misplaced.length > 0) throw new ConfigError(`finetune: ${misplaced.map(flagName).join(', ')} go with --config (a new model); --model's folder has its own`);
    tokenizer = taskTokenizer({ folder: flags.model }, words);
    source = { dir: flags.model };
  } else {
    const modelType = flags.modelType ?? 'bert';
    if (!isNewModelType(modelType)) throw new ConfigError(`--model-type must be one of ${NEW_MODEL_TYPES.join(', ')}, got "${modelType}"`);
    tokenizer = taskTokenizer(newTokenizerFiles(flags, modelType), words);
    source = { config: newModelConfig(modelType, flags.config!, tokenizer) };
  }
  const options = readOptions(flags);
  const train = await definition.read(flags.train, options, true);
  reportSkipped(flags.train, train.skipped, log);
  const scheme = definition.labelScheme(train.examples, flags.train);
  const dev = flags.dev === undefined ? undefined : await definition.read(flags.dev, options, true);
  if (dev !== undefined) {
    reportSkipped(flags.dev!, dev.skipped, log);
    if (scheme !== undefined) definition.checkLabels?.(dev.examples, scheme);
  }
  const flagged = preprocessingFrom(flags, defaultPreprocessing(definition));
  const preprocessing = definition.adjustPreprocessing?.(train.examples, flagged) ?? flagged;
  const seed = number('--seed', flags.seed, true, 0);
  const runner = finetuningModel(definition, source, scheme, preprocessing, seed);
  checkSequenceLength(runner, preprocessing);
  const context: FeatureContext = { tokenizer, scheme, preprocessing, training: true };
  const trainFeatures = definition.features(train.examples, context);
  reportSkipped(`${flags.train} (features)`, trainFeatures.skipped, log);
  const evalContext: FeatureContext = { ...context, training: false };
  const devFeatures = dev === undefined ? undefined : definition.features(dev.examples, evalContext);
  if (devFeatures !== undefined) reportSkipped(`${flags.dev} (features)`, devFeatures.skipped, log);
  const best = definition.bestMetric(scheme);
  const metric = flags.metric ?? best.metric;
  const patience = flags.earlyStopping === undefined ? 0 : number('--early-stopping', flags.earlyStopping, true, 1);
  if (patience > 0 && dev === undefined) throw new ConfigError('finetune: --early-stopping needs --dev');
  const deadline = flags.minutes === undefined ? Infinity : Date.now() + number('--minutes', flags.minutes, false, 0) * 60_000;
  const batchSize = number('--batch-size', flags.batchSize ?? '32', true, 1);
  const evalEvery = flags.evalEvery === 'epoch' ? 'epoch' : number('--eval-every', flags.evalEvery, true, 1);
  log(`finetune: ${definition.name}${scheme === undefined ? '' : ` (${scheme.problemType ?? 'labels'}: ${scheme.labels.length} label${scheme.labels.length === 1 ? '' : 's'})`}, `
    + `${trainFeatures.features.length} training features${devFeatures === undefined ? '' : `, ${devFeatures.features.length} dev features`}; Ctrl-C stops and saves`);
  const stop = openStopScope('finetune: stopping at the end of this step and saving a checkpoint');
  const bar = new ProgressBar();
  try {
    const result = await runFinetuning({
      definition, runner, tokenizer, context,
      train: trainFeatures.features,
      ...(dev !== undefined && devFeatures !== undefined ? { dev: { examples: dev.examples, features: devFeatures.features } } : {}),
      output: flags.output,
      epochs: number('--epochs', flags.epochs, false, 0),
      batchSize,
      gradAccum: number('--grad-accum', flags.gradAccum, true, 1),
      lr: number('--lr', flags.lr, false, 0),
      warmupRatio: number('--warmup-ratio', flags.warmupRatio, false, 0),
      weightDecay: number('--weight-decay', flags.weightDecay, false, 0),
      maxGradNorm: number('--max-grad-norm', flags.maxGradNorm, false, 0),
      precision,
      seed,
      evalEvery,
      best: { metric, greaterIsBetter: flags.metric === undefined ? best.greaterIsBetter : !/loss|mse/.test(metric), ...(patience > 0 ? { patience } : {}) },
      groupByLength: flags.groupByLength,
      padId: tokenizer.padTokenId,
      logEvery: number('--log-every', flags.logEvery, true, 1),
      keepLast: number('--keep-last', flags.keepLast, true, 0),
      resume: flags.resume === true,
      overwrite: flags.overwrite === true,
      settings: { task: definition.name, model: flags.model ?? flags.config, train: flags.train, dev: flags.dev ?? null, preprocessing },
      shouldStop: () => stop.requested || Date.now() > deadline,
      onProgress: (p) => bar.update(p.step, p.steps,
        `loss ${p.loss.toFixed(4)} lr ${p.lr.toExponential(2)} ${Math.round(p.tokensPerSecond)} tok/s eta ${formatDuration(p.etaSeconds)}`),
      onLog: (message) => {
        bar.done();
        log(message);
      },
    });
    bar.done();
    const bestNote = result.best === undefined ? '' : ` (best ${result.best.metric} ${result.best.value.toFixed(4)} at step ${result.best.step})`;
    log(`finetune: ${result.stoppedEarly ? 'stopped' : result.earlyStopped === true ? 'stopped early' : 'finished'} at step ${result.step} `
      + `(${result.stepsPerEpoch} steps per epoch); model saved to ${result.finalDir}${bestNote}`);
    if (stop.requested) log('finetune: the same command with --resume continues the run');
    // The saved model's evaluation: the best one's, else the last.
    const evaluation = result.best?.metrics ?? result.lastEval;
    if (evaluation !== undefined) process.stdout.write(`${JSON.stringify(evaluation)}\n`);
  } finally {
    stop.close();
  }
}

/** The flags of a command that runs a fine-tuned folder (evaluate, predict). */
export interface FinetunedFlags extends DataFlags {
  model: string;
}

interface EvaluateFlags extends FinetunedFlags {
  data: string;
  dtype?: string;
}

/** The folder's model, tokenizer, labels and preprocessing (recorded, then flags), and the data file's features. */
export async function prepareFinetuned(flags: FinetunedFlags, file: string, labelled: boolean) {
  const definition = taskDefinition(flags.task);
  const { runner, scheme } = loadFinetuned(definition, flags.model);
  const tokenizer = taskTokenizer({ folder: flags.model }, definition.encodesWords === true);
  const recorded = recordedPreprocessing(runner.model.config, join(flags.model, 'config.json'));
  if (recorded !== undefined && recorded.task !== definition.name) {
    throw new ConfigError(`${flags.model}: fine-tuned for ${recorded.task}, not --task ${definition.name}`);
  }
  const preprocessing = preprocessingFrom(flags, recorded ?? defaultPreprocessing(definition));
  checkSequenceLength(runner, preprocessing);
  const data = await definition.read(file, readOptions(flags), labelled);
  reportSkipped(file, data.skipped, log);
  if (labelled && scheme !== undefined) definition.checkLabels?.(data.examples, scheme);
  const context: FeatureContext = { tokenizer, scheme, preprocessing, training: false };
  const { features, skipped } = definition.features(data.examples, context);
  reportSkipped(`${file} (features)`, skipped, log);
  return { definition, runner, tokenizer, context, examples: data.examples, features };
}

async function runEvaluateCommand(flags: EvaluateFlags): Promise<void> {
  const p = await prepareFinetuned(flags, flags.data, true);
  if (flags.dtype !== undefined) applyModelDType(p.runner.model, modelDTypeOf(flags.dtype, '--dtype'), flags.model);
  const bar = new ProgressBar();
  const metrics = evaluateFeatures(p.runner, p.definition, p.examples, p.features, p.context,
    number('--batch-size', flags.batchSize ?? '32', true, 1), p.tokenizer.padTokenId, (done, total) => bar.update(done, total, 'features'));
  bar.done();
  // The official scripts' names: without the `eval_` prefix the trainer's log gives them.
  process.stdout.write(`${JSON.stringify(Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k.replace(/^eval_/, ''), v])))}\n`);
}

export function registerFinetune(program: Command): void {
  addPrecisionFlag(addRunFlags(addDataOptions(program
    .command('finetune')
    .description('fine-tune a model folder (BERT, RoBERTa, DistilBERT, ALBERT; or a new model) on a task: classification (JSONL, CSV, TSV), token-classification '
      + '(CoNLL, JSONL), question-answering (SQuAD v1.1/v2.0 JSON), multiple-choice (JSONL); writes the best model to --output')), { keepLast: 2 }))
    .option('--model <dir>', 'the pre-trained model folder to start from (a pretrain run\'s final/, a Hugging Face folder)')
    .option('--config <preset|file>', 'instead of --model: a new randomly initialised model of this size (tiny, mini, ...) or config.json — for comparisons')
    .option('--model-type <type>', `with --config: the new model's family: ${NEW_MODEL_TYPES.join(', ')} (default bert)`)
    .option('--vocab <file>', 'with --config: the vocabulary (bert, distilbert: vocab.txt; roberta: vocab.json with --merges; albert: a SentencePiece .model)')
    .option('--merges <file>', 'with --model-type roberta --vocab vocab.json: merges.txt')
    .option('--tokenizer <file>', 'with --config, instead of --vocab: a tokenizer.json of the family')
    .option('--cased', 'with --vocab vocab.txt: do not lowercase')
    .requiredOption('--train <file>', 'the training data')
    .option('--dev <file>', 'held-out data: evaluated every --eval-every, picks the best model')
    .requiredOption('--output <dir>', 'the run folder: the best model as a Hugging Face folder, checkpoints, metrics.jsonl, loss-curve.svg')
    .option('--epochs <x>', 'passes over the training data', '3')
    .option('--lr <x>', 'peak learning rate', '3e-5')
    .option('--batch-size <n>', 'examples per micro-batch (default 32)')
    .option('--warmup-ratio <x>', 'share of the steps in linear warmup', '0.1')
    .option('--weight-decay <x>', 'AdamW decay, not applied to biases and LayerNorm', '0.01')
    .option('--max-grad-norm <x>', 'clip the global gradient norm (0: off)', '1.0')
    .option('--seed <n>', 'seed of the new head, data order and dropout', '42')
    .option('--eval-every <n|epoch>', 'evaluate on --dev every n steps, or each epoch, and at the end', 'epoch')
    .option('--metric <name>', 'the dev metric that picks the best model (default: the task\'s: accuracy, pearson, micro_f1, overall_f1, f1)')
    .option('--early-stopping <patience>', 'stop after this many evaluations without improvement')
    .option('--minutes <x>', 'stop (saving a checkpoint and the best model) after this many minutes')
    .option('--no-group-by-length', 'plain random batches instead of batches of similar lengths')
    .action(async (flags: FinetuneFlags) => runFinetuneCommand(flags));

  addDataOptions(program
    .command('evaluate')
    .description('the task\'s official metrics of a fine-tuned folder on labelled data: one JSON object on the last line of stdout'))
    .requiredOption('--model <dir>', 'a fine-tuned folder (tsbert finetune --output, or a Hugging Face folder with the task\'s head)')
    .requiredOption('--data <file>', 'labelled data in the task\'s format')
    .option('--batch-size <n>', 'examples per batch (default 32)')
    .option('--dtype <fp32|int8|q8>', 'int8 (q8): quantize a float32 folder as it loads (docs/quantization.md); default: as the folder stores it')
    .action(async (flags: EvaluateFlags) => runEvaluateCommand(flags));
}

