import type { Command } from 'commander';
import { backendInfo, getBackend } from '../../backend/select.js';
import { ConfigError } from '../../errors.js';
import { bertConfigPreset, isPresetName, numLabels, type BertConfig } from '../../model/config.js';
import { BertForPreTraining } from '../../model/heads/pretraining.js';
import { TASK_HEADS, type TaskHeadName } from '../../model/heads/task-heads.js';
import { applyModelDType, modelDTypeOf, weightBitsFrom } from '../../model/quantization.js';
import { modelClassFor } from '../../model/registry.js';
import { FINETUNE_TASKS, isFinetuneTaskName } from '../../finetune/task-names.js';
import { FINETUNE_TASK_DEFINITIONS } from '../../finetune/tasks/index.js';
import { trainStep } from '../../train/train-step.js';
import { AdamW } from '../../optim/adamw.js';
import { bertParamGroups } from '../../optim/param-groups.js';
import { pretrainStep, type PretrainBatch } from '../../pretrain/train-step.js';
import { autocast, precisionOf, type Precision } from '../../ops/autocast.js';
import { Arena, withArena } from '../../tensor/arena.js';
import { Rng } from '../../tensor/rng.js';
import { noGrad, Tensor } from '../../tensor/tensor.js';

interface ModelBenchFlags {
  config: string;
  task?: string;
  batch: string;
  seq: string;
  rounds: string;
  threads?: string;
  json?: boolean;
  dtype?: string;
  weightBits?: string;
  precision?: string;
}

function presetConfig(name: string): BertConfig {
  if (!isPresetName(name)) throw new ConfigError(`--config must be one of tiny, mini, small, medium, base, large; got "${name}"`);
  return bertConfigPreset(name);
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

/** A full-length batch of random ids (no padding, so every engine does the same work), MLM at 15% as BERT. */
export function randomPretrainBatch(config: BertConfig, batch: number, seq: number, rng: Rng): PretrainBatch {
  const ids = new Int32Array(batch * seq);
  const types = new Int32Array(batch * seq);
  const labels = new Int32Array(batch * seq).fill(-100);
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < seq; s++) {
      const i = b * seq + s;
      ids[i] = 1000 + rng.int(config.vocabSize - 1000);
      types[i] = s < seq / 2 ? 0 : 1;
      if (s > 0 && rng.random() < 0.15) labels[i] = ids[i]!;
    }
  }
  const nsp = new Int32Array(batch);
  for (let b = 0; b < batch; b++) nsp[b] = rng.int(2);
  return {
    inputIds: new Tensor(ids, [batch, seq]),
    tokenTypeIds: new Tensor(types, [batch, seq]),
    attentionMask: new Tensor(new Int32Array(batch * seq).fill(1), [batch, seq]),
    labels: new Tensor(labels, [batch, seq]),
    nextSentenceLabel: new Tensor(nsp, [batch]),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function report(flags: ModelBenchFlags, task: string, batch: number, seq: number, times: number[]): void {
  const ms = median(times);
  const info = backendInfo();
  const result = {
    engine: 'tsbert', task, config: flags.config, batch, seq,
    backend: info.name, isa: info.isa, threads: info.threads,
    tokens_per_s: Math.round((batch * seq) / (ms / 1000)),
    ms_per_iter: Math.round(ms * 10) / 10,
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    rounds: times.length,
  };
  if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${task} ${flags.config} ${batch}×${seq}: ${result.tokens_per_s} tokens/s (${result.ms_per_iter} ms/iter, ${info.name}/${info.isa}, ${info.threads} threads, peak RSS ${result.peak_rss_mb} MB)\n`);
}

const PRECISION_HELP = 'bf16: mixed precision, every Linear\'s products on bfloat16 operands (docs/quantization.md)';

/** The report's task name: a step in bf16 mixed precision is told apart by a suffix. */
function taskName(task: string, precision: Precision): string {
  return precision === 'fp32' ? task : `${task}-${precision}`;
}

function setup(flags: ModelBenchFlags): { config: BertConfig; batch: number; seq: number; rounds: number; precision: Precision } {
  if (flags.threads !== undefined) getBackend().setThreads(positiveInt('--threads', flags.threads));
  return {
    config: presetConfig(flags.config),
    batch: positiveInt('--batch', flags.batch),
    seq: positiveInt('--seq', flags.seq),
    rounds: positiveInt('--rounds', flags.rounds),
    precision: precisionOf(flags.precision ?? 'fp32', '--precision'),
  };
}

/** BertForPreTraining inference (eval, no graph), one warm-up pass then `rounds` timed passes. */
export function benchForward(flags: ModelBenchFlags): void {
  const { config, batch, seq, rounds } = setup(flags);
  const dtype = modelDTypeOf(flags.dtype ?? 'fp32', '--dtype');
  const weightBits = flags.weightBits === undefined ? undefined : weightBitsFrom(flags.weightBits, '--weight-bits');
  const model = applyModelDType(new BertForPreTraining(config, { seed: 1 }).eval(), dtype, `bench forward --config ${flags.config}`, { weightBits });
  const inputs = randomPretrainBatch(config, batch, seq, new Rng(2));
  const arena = new Arena();
  const times: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    arena.reset();
    const start = performance.now();
    withArena(arena, () => noGrad(() => model.bert.forward(inputs)));
    if (round > 0) times.push(performance.now() - start);
  }
  report(flags, dtype === 'fp32' ? 'forward' : dtype === 'bf16' ? 'forward-bf16' : 'forward-int8', batch, seq, times);
}

/** A pre-training step: forward (MLM logits at masked positions only), backward, clipping, AdamW. */
export function benchTrainStep(flags: ModelBenchFlags): void {
  const { config, batch, seq, rounds, precision } = setup(flags);
  const model = new BertForPreTraining(config, { seed: 1 }).train();
  const optimizer = new AdamW(bertParamGroups(model.namedParameters(), 0.01), { lr: 1e-4, eps: 1e-6 });
  const inputs = randomPretrainBatch(config, batch, seq, new Rng(2));
  const arena = new Arena();
  const times: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    const start = performance.now();
    pretrainStep(model, optimizer, [inputs], arena, 1.0, precision);
    if (round > 0) times.push(performance.now() - start);
  }
  report(flags, taskName('train-step', precision), batch, seq, times);
}

/** The loss arguments of a fine-tuning head for a full batch of random examples. */
function randomTargets(head: TaskHeadName, config: BertConfig, batch: number, seq: number, rng: Rng): Map<string, Tensor> {
  const ints = (n: number, bound: number): Int32Array => Int32Array.from({ length: n }, () => rng.int(bound));
  switch (head) {
    case 'token-classification': return new Map([['labels', new Tensor(ints(batch * seq, numLabels(config)), [batch, seq])]]);
    case 'question-answering': return new Map([['start_positions', new Tensor(ints(batch, seq), [batch])], ['end_positions', new Tensor(ints(batch, seq), [batch])]]);
    case 'multiple-choice': return new Map([['labels', new Tensor(ints(batch, MULTIPLE_CHOICES), [batch])]]);
    default: return new Map([['labels', new Tensor(ints(batch, numLabels(config)), [batch])]]);
  }
}

const MULTIPLE_CHOICES = 4;

/**
 * A fine-tuning step of a task's head: forward, backward, clipping, AdamW (Hugging Face Trainer's defaults), on a
 * full batch of random ids — multiple choice runs `batch` examples of 4 choices, so 4·batch sequences.
 */
export function benchFinetuneStep(flags: ModelBenchFlags): void {
  const { config, batch, seq, rounds, precision } = setup(flags);
  const task = flags.task ?? 'classification';
  if (!isFinetuneTaskName(task)) throw new ConfigError(`--task must be one of ${FINETUNE_TASKS.join(', ')}, got "${task}"`);
  const headName = FINETUNE_TASK_DEFINITIONS[task].head;
  const head = TASK_HEADS[headName];
  const Model = modelClassFor('bert', headName, 'bench');
  const runner = head.wrap(Model.create(config, { seed: 1 }).train());
  const optimizer = new AdamW(bertParamGroups(runner.model.namedParameters(), 0.01), { lr: 3e-5 });
  const rng = new Rng(2);
  const sequences = task === 'multiple-choice' ? batch * MULTIPLE_CHOICES : batch;
  const base = randomPretrainBatch(config, sequences, seq, rng);
  const shape = task === 'multiple-choice' ? [batch, MULTIPLE_CHOICES, seq] : [batch, seq];
  const args = new Map<string, Tensor>([
    ['input_ids', new Tensor(base.inputIds.data, shape)],
    ['token_type_ids', new Tensor(base.tokenTypeIds!.data, shape)],
    ['attention_mask', new Tensor(base.attentionMask!.data, shape)],
    ...randomTargets(head.name, config, batch, seq, rng),
  ]);
  const arena = new Arena();
  const times: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    const start = performance.now();
    trainStep(runner.model, optimizer, [args], (a) => autocast(precision, () => ({ loss: runner.forward(a)['loss']!, metrics: {}, tokens: sequences * seq })), arena, 1.0);
    if (round > 0) times.push(performance.now() - start);
  }
  report(flags, taskName(`finetune-${task}`, precision), sequences, seq, times);
}

/** Adds `bench forward` and `bench train-step` under the `bench` command (creating it if absent). */
export function registerBenchModel(program: Command): void {
  const bench = program.commands.find((c) => c.name() === 'bench') ?? program.command('bench').description('measure tsbert on this machine');
  const common = (command: Command, defaults: { config: string; batch: string; seq: string }): Command => command
    .option('--config <preset>', 'tiny | mini | small | medium | base | large', defaults.config)
    .option('--batch <n>', 'sequences per batch', defaults.batch)
    .option('--seq <n>', 'tokens per sequence', defaults.seq)
    .option('--rounds <n>', 'timed iterations after one warm-up (the median is reported)', '3')
    .option('--threads <n>', 'native threads (default: all cores)')
    .option('--json', 'print one JSON object');
  common(bench.command('forward').description('BERT inference throughput (tokens/s) and peak memory'), { config: 'base', batch: '8', seq: '128' })
    .option('--dtype <fp32|int8|q8|bf16>', 'int8 (q8): every Linear on int8 weights, activations quantized per row; bf16: on bfloat16 weights and activations (docs/quantization.md)', 'fp32')
    .option('--weight-bits <7|8>', 'int8 weights\' levels (default: 7 on AVX2, else 8; tsbert quantize --help)')
    .action((flags: ModelBenchFlags) => benchForward(flags));
  common(bench.command('train-step').description('pre-training step throughput (forward + backward + AdamW)'), { config: 'small', batch: '32', seq: '128' })
    .option('--precision <fp32|bf16>', PRECISION_HELP, 'fp32')
    .action((flags: ModelBenchFlags) => benchTrainStep(flags));
  common(bench.command('finetune').description('fine-tuning step throughput of a task head (forward + backward + AdamW)'), { config: 'base', batch: '32', seq: '128' })
    .option('--task <task>', `${FINETUNE_TASKS.join(' | ')}`, 'classification')
    .option('--precision <fp32|bf16>', PRECISION_HELP, 'fp32')
    .action((flags: ModelBenchFlags) => benchFinetuneStep(flags));
}
