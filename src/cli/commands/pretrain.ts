import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { bertConfigFromJson, bertConfigPreset, isPresetName, type BertConfig } from '../../model/config.js';
import { InstanceDataset } from '../../pretrain/instance-file.js';
import { continuationFlags, maskTokens } from '../../pretrain/masking.js';
import { runPretraining, type DynamicMasker, type PretrainResult } from '../../pretrain/trainer.js';
import { BertTokenizer } from '../../tokenizer/bert-tokenizer.js';
import { formatDuration, ProgressBar } from '../progress-bar.js';

export interface PretrainFlags {
  config: string;
  vocab: string;
  data: string[];
  output: string;
  batchSize: string;
  gradAccum: string;
  steps: string;
  lr: string;
  warmupSteps?: string;
  weightDecay: string;
  maxGradNorm: string;
  seed: string;
  evalData?: string[];
  evalEvery: string;
  saveEvery: string;
  keepLast: string;
  logEvery: string;
  resume?: boolean;
  dynamicMasking?: boolean;
  wholeWordMask?: boolean;
  maskedLmProb: string;
  maxPredictionsPerSeq: string;
  cased?: boolean;
  minutes?: string;
}

function number(flag: string, value: string, integer: boolean, min: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min) {
    throw new ConfigError(`${flag} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got "${value}"`);
  }
  return n;
}

/** A preset name or a config.json path, with vocab_size taken from the vocabulary. */
export function resolveConfig(spec: string, vocabSize: number): BertConfig {
  if (isPresetName(spec)) return bertConfigPreset(spec, { vocabSize });
  if (!existsSync(spec)) throw new ConfigError(`--config "${spec}" is neither a preset (tiny, mini, small, medium, base, large) nor a file`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(spec, 'utf8'));
  } catch (cause) {
    throw new ConfigError(`${spec}: not valid JSON`, { cause });
  }
  const config = bertConfigFromJson(json, spec);
  if (config.vocabSize !== vocabSize) throw new ConfigError(`${spec}: vocab_size ${config.vocabSize} differs from the vocabulary's ${vocabSize} tokens`);
  return config;
}

export function runPretrainCommand(flags: PretrainFlags): PretrainResult {
  const tokenizer = BertTokenizer.fromVocabFile(flags.vocab, { doLowerCase: !flags.cased });
  const vocabSize = tokenizer.vocab.size;
  const config = resolveConfig(flags.config, vocabSize);
  const train = InstanceDataset.open(flags.data);
  const evalData = flags.evalData !== undefined && flags.evalData.length > 0 ? InstanceDataset.open(flags.evalData) : undefined;
  if (train.header.vocabSize !== vocabSize) {
    throw new ConfigError(`${flags.data[0]}: made with a ${train.header.vocabSize}-token vocabulary, --vocab has ${vocabSize}`);
  }
  const steps = number('--steps', flags.steps, true, 1);
  let dynamicMasking: DynamicMasker | undefined;
  if (flags.dynamicMasking) {
    const options = {
      maskedLmProb: number('--masked-lm-prob', flags.maskedLmProb, false, 0),
      maxPredictionsPerSeq: number('--max-predictions-per-seq', flags.maxPredictionsPerSeq, true, 1),
      clsId: tokenizer.clsTokenId, sepId: tokenizer.sepTokenId, maskId: tokenizer.maskTokenId, vocabSize,
      ...(flags.wholeWordMask ? { isContinuation: continuationFlags(tokenizer.convertIdsToTokens(Array.from({ length: vocabSize }, (_, i) => i))) } : {}),
    };
    dynamicMasking = (ids, rng) => {
      const masked = maskTokens(ids, options, rng);
      return { inputIds: masked.inputIds, maskedPositions: masked.positions, maskedLmIds: masked.labels };
    };
  }
  const deadline = flags.minutes === undefined ? Infinity : Date.now() + number('--minutes', flags.minutes, false, 0) * 60_000;
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    process.stderr.write('\ntsbert pretrain: stopping at the end of this step and saving a checkpoint (Ctrl-C again to abort)\n');
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  const bar = new ProgressBar();
  try {
    const result = runPretraining({
      config, train, output: flags.output,
      ...(evalData !== undefined ? { eval: evalData } : {}),
      batchSize: number('--batch-size', flags.batchSize, true, 1),
      gradAccum: number('--grad-accum', flags.gradAccum, true, 1),
      steps,
      lr: number('--lr', flags.lr, false, 0),
      warmupSteps: flags.warmupSteps === undefined ? Math.round(steps * 0.1) : number('--warmup-steps', flags.warmupSteps, true, 0),
      weightDecay: number('--weight-decay', flags.weightDecay, false, 0),
      maxGradNorm: number('--max-grad-norm', flags.maxGradNorm, false, 0),
      seed: number('--seed', flags.seed, true, 0),
      padId: tokenizer.padTokenId,
      logEvery: number('--log-every', flags.logEvery, true, 1),
      evalEvery: number('--eval-every', flags.evalEvery, true, 0),
      saveEvery: number('--save-every', flags.saveEvery, true, 0),
      keepLast: number('--keep-last', flags.keepLast, true, 0),
      resume: flags.resume === true,
      tokenizer,
      ...(dynamicMasking !== undefined ? { dynamicMasking } : {}),
      shouldStop: () => interrupted || Date.now() > deadline,
      onProgress: (p) => bar.update(p.step, p.steps,
        `loss ${p.loss.toFixed(3)} mlm ${(100 * p.mlmAccuracy).toFixed(1)}% nsp ${(100 * p.nspAccuracy).toFixed(0)}% lr ${p.lr.toExponential(2)} ${Math.round(p.tokensPerSecond)} tok/s eta ${formatDuration(p.etaSeconds)}`),
      onLog: (message) => {
        bar.done();
        process.stderr.write(`${message}\n`);
      },
    });
    bar.done();
    process.stderr.write(`pretrain: ${result.stoppedEarly ? 'stopped' : 'finished'} at step ${result.step}; model saved to ${result.finalDir}\n`);
    return result;
  } finally {
    process.removeListener('SIGINT', onSignal);
    train.close();
    evalData?.close();
  }
}

export function addPretrainOptions(command: Command): Command {
  return command
    .option('--config <preset|file>', 'model size: tiny, mini, small, medium, base, large, or a config.json', 'mini')
    .option('--batch-size <n>', 'sequences per micro-batch', '32')
    .option('--grad-accum <n>', 'micro-batches per optimizer step', '1')
    .option('--steps <n>', 'optimizer steps (the schedule decays to 0 at the last)', '1000')
    .option('--lr <x>', 'peak learning rate (BERT: 1e-4)', '1e-4')
    .option('--warmup-steps <n>', 'linear warmup steps (default: 10% of --steps)')
    .option('--weight-decay <x>', 'AdamW decay, not applied to biases and LayerNorm', '0.01')
    .option('--max-grad-norm <x>', 'clip the global gradient norm (0: off)', '1.0')
    .option('--seed <n>', 'seed of initialisation, data order, dropout and masking', '12345')
    .option('--eval-every <n>', 'evaluate on --eval-data every n steps (0: only at the end)', '200')
    .option('--save-every <n>', 'write checkpoint-<step>/ every n steps (0: never)', '500')
    .option('--keep-last <n>', 'keep only the newest n checkpoints (0: all)', '3')
    .option('--log-every <n>', 'append to metrics.jsonl every n steps', '10')
    .option('--resume', 'continue from the newest complete checkpoint in --output')
    .option('--dynamic-masking', 're-mask every instance each time it is read (RoBERTa) instead of the stored masks')
    .option('--whole-word-mask', 'with --dynamic-masking: mask whole words')
    .option('--masked-lm-prob <x>', 'with --dynamic-masking: share of tokens to predict', '0.15')
    .option('--max-predictions-per-seq <n>', 'with --dynamic-masking: cap on predictions per instance', '20')
    .option('--minutes <x>', 'stop (saving a checkpoint and the model) after this many minutes')
    .option('--cased', 'the vocabulary is cased (no lowercasing)');
}

export function registerPretrain(program: Command): void {
  addPretrainOptions(program
    .command('pretrain')
    .description('pre-train BERT (masked LM + next sentence prediction) on instance files from create-pretraining-data')
    .requiredOption('--vocab <file>', 'vocab.txt the data was made with')
    .requiredOption('--data <files...>', 'instance files (shards) from create-pretraining-data')
    .requiredOption('--output <dir>', 'folder for checkpoint-<step>/, metrics.jsonl, loss-curve.svg and final/')
    .option('--eval-data <files...>', 'held-out instance files for MLM / NSP accuracy'))
    .action((flags: PretrainFlags) => {
      runPretrainCommand(flags);
    });
}
