import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { numberFlag as number } from '../number-flag.js';
import { ConfigError } from '../../errors.js';
import { checkOutputDirectory, ensureDirectory } from '../../io/checked-file.js';
import type { BertConfig } from '../../model/config.js';
import { InstanceDataset, vocabFingerprint } from '../../pretrain/instance-file.js';
import { dynamicMasker, maskingOptionsFromHeader } from '../../pretrain/masking.js';
import { PAIR_TASK, parseObjective, PRETRAIN_OBJECTIVES } from '../../pretrain/objective.js';
import { pretrainingConfig } from '../../pretrain/pretraining-config.js';
import { MODEL_TYPES_OF, parseModelType } from '../../pretrain/pretraining-model.js';
import { loadPretrainingTokenizer } from '../../pretrain/pretraining-tokenizer.js';
import { assertNoRun, clearRun } from '../../train/run-folder.js';
import { runPretraining, type DynamicMasker, type PretrainResult } from '../../pretrain/trainer.js';
import { BertTokenizer } from '../../tokenizer/bert-tokenizer.js';
import { DEFAULT_JOB_FILE, ensureDefaultData, rememberedSteps, showFillMask, stepsForMinutes } from '../default-job.js';
import { formatDuration, ProgressBar } from '../progress-bar.js';
import { openStopScope, stopExitCode } from '../signals.js';
import { precisionOf } from '../../ops/autocast.js';
import { addPrecisionFlag, addRunFlags } from '../run-flags.js';

/**
 * Defaults of `tsbert pretrain --data ...`, and those of the default job (no --data: `npm start`) where they
 * differ. Both show in --help; commander gets no default for these, so a flag the user gave is told apart.
 */
const PRETRAIN_DEFAULTS = { batchSize: '32', lr: '1e-4', evalEvery: '200', saveEvery: '500' } as const;
/** The default job's settings (`npm start`); the showcase's pre-training on its own corpus uses them too. */
export const DEFAULT_JOB_DEFAULTS = {
  // Small models take a larger learning rate than BERT-base's 1e-4 (Turc et al. 2019 tune up to 5e-4..1e-3).
  lr: '1e-3',
  // In a 10-minute budget more, smaller updates learn more than fewer large ones (measured: batch 16 beats 32).
  batchSize: '16',
  evalEvery: '100',
  saveEvery: '100',
  output: 'tsbert-run',
  minutes: '10',
} as const;
type ModeDefault = keyof typeof PRETRAIN_DEFAULTS;

function modeHelp(key: ModeDefault): string {
  return `(default: ${PRETRAIN_DEFAULTS[key]}; the default job: ${DEFAULT_JOB_DEFAULTS[key]})`;
}

export interface PretrainFlags {
  config: string;
  vocab?: string;
  tokenizer?: string;
  objective?: string;
  modelType?: string;
  data?: string[];
  output?: string;
  batchSize?: string;
  gradAccum: string;
  steps: string;
  lr?: string;
  warmupSteps?: string;
  weightDecay: string;
  maxGradNorm: string;
  precision: string;
  seed: string;
  evalData?: string[];
  evalEvery?: string;
  saveEvery?: string;
  keepLast: string;
  logEvery: string;
  resume?: boolean;
  overwrite?: boolean;
  dynamicMasking?: boolean;
  cased?: boolean;
  minutes?: string;
}

/** A BERT preset name or a config.json path, with vocab_size taken from the vocabulary (pretraining-config.ts). */
export function resolveConfig(spec: string, vocabSize: number): BertConfig {
  return pretrainingConfig('bert', spec, { vocabSize });
}

/**
 * `--steps auto --minutes x`: the steps that fit x minutes, timed on the model (stepsForMinutes) and remembered in
 * the output folder, so --resume keeps the schedule.
 */
function autoSteps(flags: PretrainFlags, output: string, compute: () => number): number {
  if (flags.minutes === undefined) throw new ConfigError('pretrain: --steps auto fits the schedule to --minutes; give --minutes');
  if (flags.overwrite === true) rmSync(join(output, DEFAULT_JOB_FILE), { force: true });
  ensureDirectory(output, { label: '--output', error: ConfigError });
  return rememberedSteps(output, () => {
    const steps = compute();
    process.stderr.write(`pretrain: ${steps} steps fit ${flags.minutes} minutes (timed on this model)\n`);
    return steps;
  });
}

/** `resumeHint` is printed when a signal stopped the run: how to continue it. */
export async function runPretrainCommand(flags: PretrainFlags, stepsOverride?: number,
  resumeHint = 'the same command with --resume continues the run'): Promise<PretrainResult> {
  if (flags.resume === true && flags.overwrite === true) throw new ConfigError('pretrain: --resume and --overwrite exclude each other');
  if ((flags.vocab === undefined && flags.tokenizer === undefined) || flags.data === undefined || flags.output === undefined) {
    throw new ConfigError('pretrain: --vocab (or --tokenizer), --data and --output go together (leave all three out for the default job)');
  }
  checkOutputDirectory(flags.output, { label: '--output', error: ConfigError });
  const precision = precisionOf(flags.precision, '--precision');
  const objective = parseObjective(flags.objective ?? 'bert');
  const modelType = parseModelType(flags.modelType ?? MODEL_TYPES_OF[objective][0]!, objective);
  const tokenizer = loadPretrainingTokenizer(flags, 'pretrain');
  const train = InstanceDataset.open(flags.data);
  const evalData = flags.evalData !== undefined && flags.evalData.length > 0 ? InstanceDataset.open(flags.evalData) : undefined;
  const vocabHash = vocabFingerprint(tokenizer.vocabTokens);
  for (const dataset of evalData === undefined ? [train] : [train, evalData]) {
    const path = dataset.files[0]!.path;
    if (dataset.header.vocabHash !== vocabHash) throw new ConfigError(`${path}: made with another vocabulary than ${tokenizer.source}`);
    if (dataset.header.objective !== objective) {
      throw new ConfigError(`${path}: instances for the ${dataset.header.objective} objective, not --objective ${objective} (make them with create-pretraining-data --objective ${objective})`);
    }
  }
  const config = pretrainingConfig(modelType, flags.config, {
    vocabSize: tokenizer.vocabSize, padId: tokenizer.padId, clsId: tokenizer.clsId, sepId: tokenizer.sepId, maxSeqLength: train.header.maxSeqLength,
  });
  const steps = stepsOverride ?? (flags.steps === 'auto'
    ? autoSteps(flags, flags.output, () => stepsForMinutes(config, number('--batch-size', flags.batchSize ?? PRETRAIN_DEFAULTS.batchSize, true, 1)
      * number('--grad-accum', flags.gradAccum, true, 1), train.header.maxSeqLength, number('--minutes', flags.minutes ?? '', false, 0), objective, modelType))
    : number('--steps', flags.steps, true, 1));
  let dynamicMasking: DynamicMasker | undefined;
  // Files written without stored masks (all mlm files) can only be trained with masks drawn on the fly.
  if (flags.dynamicMasking || !train.header.staticMasks) {
    const header = train.header;
    dynamicMasking = dynamicMasker(maskingOptionsFromHeader(header, header.wholeWordMask ? tokenizer.continuationFlags() : undefined));
  }
  const deadline = flags.minutes === undefined ? Infinity : Date.now() + number('--minutes', flags.minutes, false, 0) * 60_000;
  const pairName = PAIR_TASK[objective];
  const stop = openStopScope('pretrain: stopping at the end of this step and saving a checkpoint');
  const bar = new ProgressBar();
  try {
    const result = await runPretraining({
      objective, modelType, config, train, output: flags.output,
      ...(evalData !== undefined ? { eval: evalData } : {}),
      batchSize: number('--batch-size', flags.batchSize ?? PRETRAIN_DEFAULTS.batchSize, true, 1),
      gradAccum: number('--grad-accum', flags.gradAccum, true, 1),
      steps,
      lr: number('--lr', flags.lr ?? PRETRAIN_DEFAULTS.lr, false, 0),
      warmupSteps: flags.warmupSteps === undefined ? Math.round(steps * 0.1) : number('--warmup-steps', flags.warmupSteps, true, 0),
      weightDecay: number('--weight-decay', flags.weightDecay, false, 0),
      maxGradNorm: number('--max-grad-norm', flags.maxGradNorm, false, 0),
      precision,
      seed: number('--seed', flags.seed, true, 0),
      padId: tokenizer.padId,
      logEvery: number('--log-every', flags.logEvery, true, 1),
      evalEvery: number('--eval-every', flags.evalEvery ?? PRETRAIN_DEFAULTS.evalEvery, true, 0),
      saveEvery: number('--save-every', flags.saveEvery ?? PRETRAIN_DEFAULTS.saveEvery, true, 0),
      keepLast: number('--keep-last', flags.keepLast, true, 0),
      resume: flags.resume === true,
      overwrite: flags.overwrite === true,
      tokenizer,
      ...(dynamicMasking !== undefined ? { dynamicMasking } : {}),
      shouldStop: () => stop.requested || Date.now() > deadline,
      onProgress: (p) => bar.update(p.step, p.steps,
        `loss ${p.loss.toFixed(3)} mlm ${(100 * p.mlmAccuracy).toFixed(1)}%${pairName === undefined ? '' : ` ${pairName} ${(100 * p.pairAccuracy).toFixed(0)}%`} lr ${p.lr.toExponential(2)} ${Math.round(p.tokensPerSecond)} tok/s eta ${formatDuration(p.etaSeconds)}`),
      onLog: (message) => {
        bar.done();
        process.stderr.write(`${message}\n`);
      },
    });
    bar.done();
    process.stderr.write(`pretrain: ${result.stoppedEarly ? 'stopped' : 'finished'} at step ${result.step}; model saved to ${result.finalDir}\n`);
    if (stop.requested) process.stderr.write(`pretrain: ${resumeHint}\n`);
    return result;
  } finally {
    stop.close();
    train.close();
    evalData?.close();
  }
}

export function addPretrainOptions(command: Command): Command {
  return addPrecisionFlag(addRunFlags(command, { keepLast: 3 }))
    .option('--config <preset|file>', "model size: tiny, mini, small, medium, base, large (in --model-type's family), or a config.json", 'mini')
    .option('--objective <name>', `${PRETRAIN_OBJECTIVES.join(', ')}: MLM + NSP (BERT), MLM alone on packed full sentences with dynamic masks (RoBERTa), MLM with n-gram masks + sentence order (ALBERT); the data must be made for it`, 'bert')
    .option('--model-type <type>', "the family to train: bert (objective bert), roberta or bert or albert (mlm), albert (albert); default the objective's own")
    .option('--batch-size <n>', `sequences per micro-batch ${modeHelp('batchSize')}`)
    .option('--steps <n>', 'optimizer steps (the schedule decays to 0 at the last); auto: as many as fit --minutes', '1000')
    .option('--lr <x>', `peak learning rate ${modeHelp('lr')}`)
    .option('--warmup-steps <n>', 'linear warmup steps (default: 10% of --steps)')
    .option('--weight-decay <x>', 'AdamW decay, not applied to biases and LayerNorm', '0.01')
    .option('--max-grad-norm <x>', 'clip the global gradient norm (0: off)', '1.0')
    .option('--seed <n>', 'seed of initialisation, data order, dropout and masking', '12345')
    .option('--eval-every <n>', `evaluate on --eval-data every n steps and at the end (0: only at the end) ${modeHelp('evalEvery')}`)
    .option('--save-every <n>', `write checkpoint-<step>/ every n steps (0: never) ${modeHelp('saveEvery')}`)
    .option('--dynamic-masking', "re-mask every instance each time it is read (RoBERTa), with the data file's masking settings")
    .option('--minutes <x>', `stop (saving a checkpoint and the model) after this many minutes (the default job: ${DEFAULT_JOB_DEFAULTS.minutes})`)
    .option('--cased', 'the vocabulary is cased (no lowercasing)');
}

/** Without --data: the default corpus, BERT-mini, a time budget (10 minutes), then fill-mask predictions. */
async function runDefaultJob(flags: PretrainFlags, command: Command): Promise<void> {
  const log = (message: string): void => void process.stderr.write(`${message}\n`);
  if (flags.resume === true && flags.overwrite === true) throw new ConfigError('pretrain: --resume and --overwrite exclude each other');
  const given = (key: string): boolean => ![undefined, 'default'].includes(command.getOptionValueSource(key));
  const output = flags.output ?? DEFAULT_JOB_DEFAULTS.output;
  // Settle the folder before the (long, first-time) data build, so a refusal comes at once.
  if (flags.overwrite === true) {
    clearRun(output);
    rmSync(join(output, DEFAULT_JOB_FILE), { force: true });
  } else if (flags.resume !== true) {
    assertNoRun(output);
  }
  const seed = number('--seed', flags.seed, true, 0);
  const data = await ensureDefaultData(log, seed);
  ensureDirectory(output, { label: '--output', error: ConfigError });
  const minutes = number('--minutes', flags.minutes ?? DEFAULT_JOB_DEFAULTS.minutes, false, 0);
  const jobFlags: PretrainFlags = {
    ...flags, vocab: data.vocab, data: [data.train], evalData: [data.eval], output, minutes: String(minutes + 1),
    lr: flags.lr ?? DEFAULT_JOB_DEFAULTS.lr,
    batchSize: flags.batchSize ?? DEFAULT_JOB_DEFAULTS.batchSize,
    evalEvery: flags.evalEvery ?? DEFAULT_JOB_DEFAULTS.evalEvery,
    saveEvery: flags.saveEvery ?? DEFAULT_JOB_DEFAULTS.saveEvery,
    // The folder was settled above; a resume without a checkpoint starts a new run there.
    overwrite: false,
  };
  const batchSize = number('--batch-size', jobFlags.batchSize ?? DEFAULT_JOB_DEFAULTS.batchSize, true, 1) * number('--grad-accum', flags.gradAccum, true, 1);
  const vocabSize = BertTokenizer.fromVocabFile(data.vocab).vocab.size;
  const steps = given('steps')
    ? number('--steps', flags.steps, true, 1)
    : rememberedSteps(output, () => {
      log(`timing a step of BERT-${flags.config} to fit ${minutes} minutes...`);
      return stepsForMinutes(resolveConfig(flags.config, vocabSize), batchSize, 128, minutes);
    });
  log(`pre-training BERT-${flags.config} for ${steps} steps of ${batchSize} × 128 tokens (about ${minutes} minutes); Ctrl-C stops and saves`);
  const result = await runPretrainCommand(jobFlags, steps,
    `resume with: npm start -- --resume${flags.output === undefined ? '' : ` --output ${output}`}`);
  if (stopExitCode() !== undefined) return;
  if (result.lastEval !== undefined) {
    const e = result.lastEval;
    process.stdout.write(`held-out MLM accuracy ${(100 * e.eval_mlm_accuracy).toFixed(1)}% (most-frequent-token baseline ${(100 * e.eval_mlm_majority_baseline).toFixed(1)}%), NSP accuracy ${(100 * (e.eval_nsp_accuracy ?? 0)).toFixed(1)}%\n`);
  }
  process.stdout.write(`loss curve: ${join(output, 'loss-curve.svg')}; model: ${result.finalDir}\n\nfill-mask:\n`);
  showFillMask(result.finalDir, (line) => void process.stdout.write(`${line}\n`));
}

export function registerPretrain(program: Command): void {
  addPretrainOptions(program
    .command('pretrain')
    .description('pre-train BERT (masked LM + next sentence prediction), RoBERTa (--objective mlm) or ALBERT (--objective albert) on instance files from create-pretraining-data; '
      + 'without --data: the default job (BERT-mini on the Brown corpus + nlp-corpus for --minutes, then fill-mask)')
    .option('--vocab <file>', 'vocab.txt the data was made with')
    .option('--tokenizer <file>', 'tokenizer.json the data was made with (instead of --vocab)')
    .option('--data <files...>', 'instance files (shards) from create-pretraining-data')
    .option('--output <dir>', 'folder for checkpoint-<step>/, metrics.jsonl, loss-curve.svg and final/ (default job: tsbert-run)')
    .option('--eval-data <files...>', 'held-out instance files for MLM / NSP accuracy'))
    .action(async (flags: PretrainFlags, command: Command) => {
      if (flags.data === undefined) await runDefaultJob(flags, command);
      else await runPretrainCommand(flags);
    });
}
