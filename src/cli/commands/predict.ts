/**
 * `tsbert predict`: a model folder's answers for a file of inputs (issue 12). JSON lines (`{"text"}`,
 * `{"text", "text_pair"}`, `{"question", "context"}`, `{"text", "labels"}`) go through the task's pipeline, streamed
 * (predict-json-lines.ts): one output line per input line, exactly what the pipeline returns for that input alone.
 * The fine-tuning data formats the pipelines do not read keep their fine-tuning task definitions
 * (finetune/tasks/): SQuAD JSON → `{id: answer}`, CoNLL → the tag as a last column, CSV/TSV, JSONL of
 * `{"tokens"}` and multiple choice → one JSON line per example.
 */
import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { readFileLines } from '../../data/line-reader.js';
import { delimiterFor } from '../../finetune/delimited.js';
import type { FinetuneTaskName } from '../../finetune/task-names.js';
import { checkInput } from '../../io/checked-file.js';
import { ENCODER_PADDINGS, type EncoderPadding } from '../../inference/encoder-padding.js';
import { DEFAULT_BATCH_PLAN } from '../../inference/length-batches.js';
import { numberFlag as number } from '../number-flag.js';
import { formatDuration, ProgressBar } from '../progress-bar.js';
import { addDataOptions } from '../data-options.js';
import { log } from '../log.js';
import type { FinetunedFlags } from './finetune.js';
import { predictJsonLines, type PredictionProgress } from './predict-json-lines.js';
import { applyModelDType, modelDTypeOf } from '../../model/quantization.js';
import { createPipeline } from '../../pipelines/pipeline.js';

/** transformers.js's task names, and the aliases `tsbert predict` accepts beside them. */
export const PREDICT_TASKS = ['text-classification', 'token-classification', 'question-answering', 'feature-extraction',
  'zero-shot-classification', 'fill-mask'] as const;
const TASK_HELP = `${PREDICT_TASKS.join(', ')}; aliases: classification, sentiment-analysis, ner; multiple-choice (fine-tuning JSONL)`;

interface PredictFlags extends FinetunedFlags {
  input: string;
  output?: string;
  nullOdds?: string;
  padding?: string;
  maxBatchTokens?: string;
  window?: string;
  dtype?: string;
  [pipelineFlag: string]: unknown;
}

/**
 * The pipeline options as flags: kebab case on the command line, snake case for `checkOptions` (the names of
 * transformers.js and Hugging Face's Python pipelines). `count`: an integer ≥ 0; `top-k` also takes `all` (null:
 * every label); `list`: comma-separated; `switch`: true when given.
 */
const PIPELINE_FLAGS = [
  { flag: '--top-k', value: '<n|all>', kind: 'top-k', help: 'answers per input (default: the task\'s; all: every label)' },
  { flag: '--function-to-apply', value: '<name>', kind: 'string', help: 'text-classification: softmax, sigmoid or none' },
  { flag: '--ignore-labels', value: '<labels>', kind: 'list', help: 'token-classification: labels left out, comma-separated (default O)' },
  { flag: '--aggregation-strategy', value: '<name>', kind: 'string', help: 'token-classification: none, simple, first, average or max' },
  { flag: '--stride', value: '<n>', kind: 'count', help: 'token-classification: read a text longer than --max-seq-len in windows overlapping by n tokens (needs an aggregation)' },
  { flag: '--pooling', value: '<name>', kind: 'string', help: 'feature-extraction: none, mean, cls or first_token' },
  { flag: '--normalize', value: '', kind: 'switch', help: 'feature-extraction: unit-length vectors' },
  { flag: '--max-answer-len', value: '<n>', kind: 'count', help: 'question-answering: longest answer in tokens (default 15)' },
  { flag: '--max-seq-len', value: '<n>', kind: 'count', help: 'question-answering: tokens per window (default 384); token-classification: tokens per text or window' },
  { flag: '--max-question-len', value: '<n>', kind: 'count', help: 'question-answering: question tokens kept (default 64)' },
  { flag: '--handle-impossible-answer', value: '', kind: 'switch', help: 'question-answering: "" is an answer when it scores best' },
  { flag: '--hypothesis-template', value: '<text>', kind: 'string', help: 'zero-shot-classification: default "This example is {}."' },
  { flag: '--multi-label', value: '', kind: 'switch', help: 'zero-shot-classification: score each label on its own' },
] as const;

/** `--doc-stride` is both a fine-tuning preprocessing flag and the question-answering pipeline's `doc_stride`. */
const SHARED_FLAGS = [{ flag: '--doc-stride', kind: 'count' }] as const;

/** Flags only the fine-tuning definitions read; given with JSON lines for a pipeline they are an error. */
const DEFINITION_ONLY_FLAGS = ['--max-seq-length', '--max-query-length', '--n-best', '--max-answer-length', '--null-score-diff-threshold',
  '--label-all-tokens', '--text-column', '--pair-column', '--label-column', '--tag-column', '--null-odds'];

/** Flags only the streaming pipeline path reads. */
const PIPELINE_ONLY_FLAGS = [...PIPELINE_FLAGS.map((f) => f.flag), '--padding', '--max-batch-tokens', '--window'];

/** `--top-k` → `topK` (commander's attribute), `top_k` (the pipelines' option). */
const camelCase = (flag: string): string => flag.slice(2).replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
const snakeCase = (flag: string): string => flag.slice(2).replaceAll('-', '_');

/** The pipeline options given on the command line, under the pipelines' snake-case names; absent flags are left out. */
export function pipelineOptions(flags: Record<string, unknown>): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const { flag, kind } of [...PIPELINE_FLAGS, ...SHARED_FLAGS]) {
    const given = flags[camelCase(flag)];
    if (given === undefined) continue;
    const key = snakeCase(flag);
    if (kind === 'switch') options[key] = given === true;
    else if (kind === 'list') options[key] = String(given).split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    else if (kind === 'top-k') options[key] = given === 'all' ? null : number(flag, String(given), true, 1);
    else if (kind === 'count') options[key] = number(flag, String(given), true, 0);
    else options[key] = String(given);
  }
  return options;
}

/** How a file is answered: streamed through the task's pipeline, or read whole by a fine-tuning definition. */
export type PredictRoute = { kind: 'pipeline' } | { kind: 'definition'; task: FinetuneTaskName; format: string };

/**
 * The route of `--task` over `input`, from the task and the file (as the fine-tuning readers tell formats apart):
 * multiple choice has no pipeline; `.csv`/`.tsv` is a classification table; for token classification a first
 * line that is not a JSON object is CoNLL and one with `"tokens"` is the fine-tuning JSONL; for question answering
 * a first line that is not a JSON object, or one with `"data"`, is SQuAD. Everything else is JSON lines for the
 * pipeline.
 */
export async function predictRoute(task: string, input: string): Promise<PredictRoute> {
  if (task === 'multiple-choice') return { kind: 'definition', task, format: 'multiple-choice JSONL' };
  if ((task === 'classification' || task === 'text-classification' || task === 'sentiment-analysis') && delimiterFor(input) !== undefined) {
    return { kind: 'definition', task: 'classification', format: 'a CSV/TSV table' };
  }
  if (task === 'token-classification' || task === 'ner') {
    const first = await firstObject(input);
    if (first === undefined) return { kind: 'definition', task: 'token-classification', format: 'CoNLL' };
    if (Object.hasOwn(first, 'tokens')) return { kind: 'definition', task: 'token-classification', format: 'JSONL of "tokens"' };
  }
  if (task === 'question-answering') {
    const first = await firstObject(input);
    if (first === undefined || Object.hasOwn(first, 'data')) return { kind: 'definition', task, format: 'SQuAD JSON' };
  }
  return { kind: 'pipeline' };
}

/** The first non-blank line of `path` as a JSON object, or undefined when it is not one. */
async function firstObject(path: string): Promise<object | undefined> {
  for await (const line of readFileLines(path, { role: { label: '--input' } })) {
    if (line.trim() === '') continue;
    try {
      const value = JSON.parse(line) as unknown;
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The flags of `names` that were given, for "does not apply" errors. */
function givenFlags(flags: PredictFlags, names: readonly string[]): string[] {
  return names.filter((flag) => flags[camelCase(flag)] !== undefined);
}

function batchSize(flags: PredictFlags): number {
  return number('--batch-size', flags.batchSize ?? '32', true, 1);
}

async function runPredictCommand(flags: PredictFlags): Promise<void> {
  checkInput(flags.input, { label: '--input' });
  const route = await predictRoute(flags.task, flags.input);
  if (route.kind === 'definition') return predictWithDefinition(flags, route);
  const wrong = givenFlags(flags, DEFINITION_ONLY_FLAGS);
  if (wrong.length > 0) {
    throw new ConfigError(`predict --task ${flags.task}: ${wrong.join(', ')} ${wrong.length === 1 ? 'applies' : 'apply'} to fine-tuning data files `
      + '(SQuAD, CoNLL, CSV/TSV), not to JSON lines for the pipeline (its options: --max-seq-len, --max-question-len, --max-answer-len, ...)');
  }
  const padding = flags.padding ?? 'none';
  if (!(ENCODER_PADDINGS as readonly string[]).includes(padding)) throw new ConfigError(`--padding must be one of ${ENCODER_PADDINGS.join(', ')}, got "${padding}"`);
  const pipeline = createPipeline(flags.task, flags.model, flags.dtype === undefined ? {} : { dtype: modelDTypeOf(flags.dtype, '--dtype') });
  const options = pipeline.checkOptions(pipelineOptions(flags));
  const plan = {
    window: number('--window', flags.window ?? String(DEFAULT_BATCH_PLAN.window), true, 1),
    maxBatchSize: batchSize(flags),
    tokenBudget: number('--max-batch-tokens', flags.maxBatchTokens ?? String(DEFAULT_BATCH_PLAN.tokenBudget), true, 1),
  };
  const bar = new ProgressBar();
  const done = await predictJsonLines(pipeline, {
    input: flags.input, output: flags.output, options, plan, padding: padding as EncoderPadding,
    onProgress: (p) => bar.update(p.lines, estimatedLines(p), progressDetails(p)),
    onWarning: (warning) => log(`predict: warning: ${warning}`),
  });
  bar.done();
  log(`predict: ${done.lines} line${done.lines === 1 ? '' : 's'} in ${formatDuration(done.seconds)} (${rate(done)} lines/s)`
    + (flags.output === undefined ? '' : `, written to ${flags.output}`));
}

/** The total lines, estimated from the share of the file read. */
function estimatedLines(p: PredictionProgress): number {
  return p.bytesRead >= p.bytesTotal || p.bytesRead === 0 ? p.lines : Math.round((p.lines * p.bytesTotal) / p.bytesRead);
}

function rate(p: PredictionProgress): number {
  return p.seconds > 0 ? Math.round(p.lines / p.seconds) : 0;
}

/** `lines, 340 lines/s, eta 1m20s`: the ETA from the bytes still to read. */
export function progressDetails(p: PredictionProgress): string {
  const eta = p.bytesRead > 0 ? (p.seconds * (p.bytesTotal - p.bytesRead)) / p.bytesRead : Infinity;
  return `lines, ${rate(p)} lines/s, eta ${formatDuration(eta)}`;
}

/** SQuAD, CoNLL, CSV/TSV, `{"tokens"}` JSONL and multiple choice: read whole, answered by the fine-tuning definition. */
async function predictWithDefinition(flags: PredictFlags, route: Extract<PredictRoute, { kind: 'definition' }>): Promise<void> {
  const wrong = givenFlags(flags, PIPELINE_ONLY_FLAGS);
  if (wrong.length > 0) {
    throw new ConfigError(`predict --task ${flags.task}: ${wrong.join(', ')} ${wrong.length === 1 ? 'applies' : 'apply'} to JSON lines for a pipeline, `
      + `not to ${route.format} (${flags.input})`);
  }
  if (flags.output === undefined) throw new ConfigError(`predict --task ${flags.task}: ${route.format} input needs --output FILE`);
  // Loaded here, not at start-up: the JSON-lines path never needs the fine-tuning modules (a sixth of the CLI's).
  const [{ prepareFinetuned }, { runOnFeatures }] = await Promise.all([import('./finetune.js'), import('../../finetune/run-features.js')]);
  const p = await prepareFinetuned({ ...flags, task: route.task }, flags.input, false);
  if (flags.dtype !== undefined) applyModelDType(p.runner.model, modelDTypeOf(flags.dtype, '--dtype'), flags.model);
  const bar = new ProgressBar();
  const run = runOnFeatures(p.runner, p.definition, p.features, p.context.scheme, batchSize(flags), p.tokenizer.padTokenId,
    (done, total) => bar.update(done, total, 'features'));
  bar.done();
  await p.definition.writePredictions(flags.output, { input: flags.input, ...(flags.nullOdds === undefined ? {} : { nullOdds: flags.nullOdds }) },
    p.examples, p.features, run.outputs, p.context);
  log(`predict: ${p.examples.length} predictions written to ${flags.output}`);
}

export function registerPredict(program: Command): void {
  const command = addDataOptions(program
    .command('predict')
    .description('a model folder\'s answers: JSON lines in → one JSON line per input, what the task\'s pipeline returns (streamed, '
      + 'in input order); SQuAD JSON → {id: answer}; CoNLL → the tag as a last column; CSV/TSV and multiple choice → one JSON line per example'),
  TASK_HELP)
    .requiredOption('--model <dir>', 'a model folder with the task\'s head (tsbert finetune --output, a Hugging Face folder)')
    .requiredOption('--input <file>', 'JSON lines, or a fine-tuning data file of the task (labels not needed)')
    .option('--output <file>', 'where to write (whole or not at all); JSON lines go to stdout when absent')
    .option('--batch-size <n>', 'inputs per batch (default 32)')
    .option('--window <n>', `JSON lines: inputs read and sorted by length together (default ${DEFAULT_BATCH_PLAN.window}; --window equal to --batch-size: batches in arrival order, as transformers.js runs them)`)
    .option('--max-batch-tokens <n>', `JSON lines: tokens per batch counted padded, batch × longest (default ${DEFAULT_BATCH_PLAN.tokenBudget})`)
    .option('--padding <none|max>', 'JSON lines: none packs the real tokens (default); max pads each batch to its longest (the baseline)')
    .option('--null-odds <file>', 'question-answering (SQuAD v2): also write {id: null odds}')
    .option('--dtype <fp32|int8|q8|bf16>', 'int8 (q8, transformers.js\'s name): quantize a float32 folder as it loads; bf16: cast its Linear weights to bfloat16 (docs/quantization.md); default: as the folder stores it');
  for (const { flag, value, help } of PIPELINE_FLAGS) command.option(value === '' ? flag : `${flag} ${value}`, help);
  command.addHelpText('after', `
JSON lines are read in windows of ${DEFAULT_BATCH_PLAN.window} inputs, sorted by length within a window and batched by --batch-size and
--max-batch-tokens; results come out in input order. Blank lines are skipped. A bad line is an error naming file and line,
and --output is then not written; on stdout the lines before it stay written.`);
  command.action(async (flags: PredictFlags) => runPredictCommand(flags));
}
