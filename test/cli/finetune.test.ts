/**
 * `tsbert finetune`, `evaluate` and `predict` as a user runs them (child processes, real files), for every task type
 * on the small fixtures: the folder is a Hugging Face folder of the task's class with its labels and preprocessing;
 * `evaluate` on the dev file gives back the best evaluation the run reported (so the saved model is the best one);
 * `predict` writes one prediction per input in the task's format. Then bad input: one line naming file and line,
 * nothing written.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, lastJsonLine, runCli } from '../helpers/cli.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const VOCAB = join(ROOT, 'assets', 'bert-base-uncased-vocab.txt');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'finetune');
const SQUAD = join(ROOT, 'test', 'fixtures', 'squad');

const work = mkdtempSync(join(tmpdir(), 'tsbert-finetune-cli-'));
test.after(() => rmSync(work, { recursive: true, force: true }));
const CONFIG = join(work, 'tiny-config.json');
writeFileSync(CONFIG, JSON.stringify({
  vocab_size: 30522, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 64, max_position_embeddings: 128,
}));

interface Case {
  name: string;
  task: string;
  train: string;
  dev: string;
  architecture: string;
  /** Keys `evaluate` must print. */
  metrics: string[];
  labels?: Record<string, string>;
  flags?: string[];
  /** Flags of `predict` (JSON lines go through the pipeline and take its options). */
  predictFlags?: string[];
  /** Checks the prediction file of `predict --input dev`. */
  predictions(text: string): void;
}

const jsonLines = (text: string): unknown[] => text.trim().split('\n').map((line) => JSON.parse(line) as unknown);
const lineCount = (path: string): number => readFileSync(path, 'utf8').trim().split('\n').length;

const CASES: Case[] = [
  {
    name: 'single sentences (JSONL)', task: 'classification', train: join(FIXTURES, 'sst-tiny.jsonl'), dev: join(FIXTURES, 'sst-tiny-dev.jsonl'),
    architecture: 'BertForSequenceClassification', metrics: ['accuracy', 'macro_f1', 'matthews_correlation', 'f1'], labels: { 0: 'neg', 1: 'pos' },
    predictions: (text) => {
      const lines = jsonLines(text) as Array<Array<{ label: string; score: number }>>;
      assert.equal(lines.length, lineCount(join(FIXTURES, 'sst-tiny-dev.jsonl')));
      for (const [{ label, score }] of lines as Array<[{ label: string; score: number }]>) {
        assert.ok(['neg', 'pos'].includes(label) && score >= 0.5 && score <= 1);
      }
    },
  },
  {
    name: 'pairs (TSV)', task: 'classification', train: join(FIXTURES, 'pairs-tiny.tsv'), dev: join(FIXTURES, 'pairs-tiny-dev.tsv'),
    architecture: 'BertForSequenceClassification', metrics: ['accuracy', 'macro_f1', 'matthews_correlation'],
    predictions: (text) => assert.equal(jsonLines(text).length, lineCount(join(FIXTURES, 'pairs-tiny-dev.tsv')) - 1),
  },
  {
    name: 'regression', task: 'classification', train: join(FIXTURES, 'regression-tiny.jsonl'), dev: join(FIXTURES, 'regression-tiny-dev.jsonl'),
    architecture: 'BertForSequenceClassification', metrics: ['pearson', 'spearmanr', 'mse'], labels: { 0: 'LABEL_0' },
    predictions: (text) => assert.ok((jsonLines(text) as Array<[{ score: number }]>).every(([p]) => Number.isFinite(p.score))),
  },
  {
    name: 'multi-label', task: 'classification', train: join(FIXTURES, 'multilabel-tiny.jsonl'), dev: join(FIXTURES, 'multilabel-tiny-dev.jsonl'),
    architecture: 'BertForSequenceClassification', metrics: ['subset_accuracy', 'micro_f1', 'macro_f1'], predictFlags: ['--top-k', 'all'],
    predictions: (text) => {
      const lines = jsonLines(text) as Array<Array<{ score: number }>>;
      assert.ok(lines.every((l) => l.length > 1 && l.every((p, i) => i === 0 || p.score <= l[i - 1]!.score)), 'every label, best first');
    },
  },
  {
    name: 'CoNLL', task: 'token-classification', train: join(FIXTURES, 'ner-tiny.conll'), dev: join(FIXTURES, 'ner-tiny-dev.conll'),
    architecture: 'BertForTokenClassification', metrics: ['overall_precision', 'overall_recall', 'overall_f1', 'overall_accuracy'],
    predictions: (text) => {
      // conlleval layout: each token line of the input with one more column; blank lines and -DOCSTART- kept.
      const input = readFileSync(join(FIXTURES, 'ner-tiny-dev.conll'), 'utf8').split(/\r?\n/);
      const output = text.split('\n');
      assert.equal(output.length, input.length);
      input.forEach((line, i) => {
        if (line.trim() === '' || line.startsWith('-DOCSTART-')) assert.equal(output[i]!.trim(), line.trim());
        else assert.equal(output[i]!.split(/\s+/).length, line.trim().split(/\s+/).length + 1);
      });
    },
  },
  {
    name: 'JSONL tags', task: 'token-classification', train: join(FIXTURES, 'ner-tiny.jsonl'), dev: join(FIXTURES, 'ner-tiny-dev.jsonl'),
    architecture: 'BertForTokenClassification', metrics: ['overall_f1', 'overall_accuracy'], flags: ['--label-all-tokens'],
    predictions: (text) => {
      for (const line of jsonLines(text) as Array<{ tokens: string[]; tags: string[] }>) assert.equal(line.tags.length, line.tokens.length);
    },
  },
  {
    name: 'SWAG-style', task: 'multiple-choice', train: join(FIXTURES, 'swag-tiny.jsonl'), dev: join(FIXTURES, 'swag-tiny-dev.jsonl'),
    architecture: 'BertForMultipleChoice', metrics: ['accuracy'],
    predictions: (text) => {
      for (const line of jsonLines(text) as Array<{ label: number; scores: number[] }>) {
        assert.equal(line.scores.length, 4);
        assert.ok(Math.abs(line.scores.reduce((a, b) => a + b) - 1) < 1e-9);
      }
    },
  },
  {
    // Unanswerable questions and an answer in the second window of its context (20 tokens, stride 4, query 8).
    name: 'SQuAD v2.0', task: 'question-answering', train: join(SQUAD, 'v2.json'), dev: join(SQUAD, 'v2.json'),
    architecture: 'BertForQuestionAnswering', metrics: ['exact', 'f1', 'HasAns_exact', 'NoAns_exact', 'best_f1', 'best_f1_thresh'],
    flags: ['--max-seq-length', '20', '--doc-stride', '4', '--max-query-length', '8'],
    predictions: (text) => {
      const answers = JSON.parse(text) as Record<string, string>;
      assert.deepEqual(Object.keys(answers).sort(), ['v2-bridge-cost', 'v2-ferry', 'v2-keeper-name', 'v2-keeper-wife', 'v2-town-built']);
      assert.ok(Object.values(answers).every((a) => typeof a === 'string'));
    },
  },
];


for (const c of CASES) {
  test(`${c.task}, ${c.name}: finetune → a Hugging Face folder; evaluate gives back its best evaluation; predict`, async () => {
    const out = join(work, c.name.replace(/\W+/g, '-'));
    const run = await runCli(['finetune', '--task', c.task, '--config', CONFIG, '--vocab', VOCAB, '--train', c.train, '--dev', c.dev,
      '--output', out, '--epochs', '2', '--batch-size', '4', '--lr', '1e-3', '--eval-every', '2', ...(c.flags ?? [])]);
    assert.equal(run.status, 0, run.stderr);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(config['architectures'], [c.architecture]);
    if (c.labels !== undefined) assert.deepEqual(config['id2label'], c.labels);
    assert.equal((config['tsbert_finetuning'] as Record<string, unknown>)['task'], c.task);
    for (const file of ['model.safetensors', 'vocab.txt', 'tokenizer.json', 'metrics.jsonl', 'loss-curve.svg']) assert.ok(existsSync(join(out, file)), file);
    const best = lastJsonLine(run.stdout);

    // The preprocessing comes from the folder: evaluate is given no --max-seq-length etc.
    const evaluation = await runCli(['evaluate', '--task', c.task, '--model', out, '--data', c.dev]);
    assert.equal(evaluation.status, 0, evaluation.stderr);
    const metrics = lastJsonLine(evaluation.stdout);
    for (const key of c.metrics) assert.equal(typeof metrics[key], 'number', `${key} in ${JSON.stringify(metrics)}`);
    for (const [key, value] of Object.entries(metrics)) {
      const reported = best[`eval_${key}`];
      if (typeof value === 'number' && Number.isFinite(value)) assert.ok(Math.abs((reported as number) - value) < 1e-5, `${key}: evaluate ${value}, the run's best ${String(reported)}`);
    }

    const predictions = join(work, `${c.name.replace(/\W+/g, '-')}-predictions`);
    const predict = await runCli(['predict', '--task', c.task, '--model', out, '--input', c.dev, '--output', predictions, ...(c.predictFlags ?? [])]);
    assert.equal(predict.status, 0, predict.stderr);
    c.predictions(readFileSync(predictions, 'utf8'));
  });
}

/** One stderr line `tsbert: <Error>: …` matching `pattern`, exit 1. */
function assertOneLineError(run: { status: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(run.status, 1, run.stderr);
  const lines = run.stderr.trim().split('\n').filter((l) => l.startsWith('tsbert:'));
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0]!, pattern);
}

function file(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

test('bad input: one line naming file and line, and no output folder', async () => {
  const finetune = (task: string, train: string, dev: string, extra: string[] = []): ReturnType<typeof runCli> => runCli(['finetune', '--task', task,
    '--config', CONFIG, '--vocab', VOCAB, '--train', train, '--dev', dev, '--output', join(work, 'refused'), '--epochs', '1', ...extra]);
  const sst = join(FIXTURES, 'sst-tiny.jsonl');
  const cases: Array<[Promise<{ status: number | null; stderr: string }>, RegExp]> = [
    [finetune('classification', sst, file('unseen.jsonl', '{"text": "fine", "label": "pos"}\n{"text": "meh", "label": "neutral"}\n')),
      /DataError: .*unseen\.jsonl:2: label "neutral" never appears in .*sst-tiny\.jsonl/],
    [finetune('classification', file('empty.jsonl', ''), sst), /DataError: .*empty\.jsonl.*empty/],
    [finetune('classification', file('not-json.jsonl', '{"text": "a", "label": "pos"}\n{"text": oops}\n'), sst), /DataError: .*not-json\.jsonl:2: /],
    [finetune('token-classification', file('missing-tag.conll', 'EU B-ORG\nrejects O\nGerman\n\n'), join(FIXTURES, 'ner-tiny-dev.conll')),
      /DataError: .*missing-tag\.conll:3: /],
    // A question of 8 tokens leaves a 12-token window too little room to overlap by 8 context tokens.
    [finetune('question-answering', join(SQUAD, 'v1.json'), join(SQUAD, 'v1.json'), ['--max-seq-length', '12', '--doc-stride', '8']),
      /DataError: .*v1\.json.*--max-seq-length 12/],
  ];
  for (const [pending, pattern] of cases) assertOneLineError(await pending, pattern);
  assert.ok(!existsSync(join(work, 'refused', 'config.json')) && !existsSync(join(work, 'refused', 'metrics.jsonl')), 'nothing written');
});

test('a SQuAD answer that does not match its answer_start is skipped and counted', async () => {
  const out = join(work, 'squad-skip');
  const run = await runCli(['finetune', '--task', 'question-answering', '--config', CONFIG, '--vocab', VOCAB, '--train', join(SQUAD, 'v1.json'),
    '--output', out, '--epochs', '1', '--max-seq-length', '40', '--doc-stride', '8', '--max-query-length', '12']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /v1\.json: skipped 1 example: 1 answer text does not match the context at answer_start/);
});

test('evaluate: a folder of another head, a bad --dtype and a folder without a tokenizer are refused; --dtype int8 runs', async () => {
  const out = join(work, 'single-sentences-JSONL-');
  const folder = existsSync(join(out, 'config.json')) ? out : undefined;
  assert.ok(folder !== undefined, 'runs after the classification case');
  assertOneLineError(await runCli(['evaluate', '--task', 'token-classification', '--model', folder, '--data', join(FIXTURES, 'ner-tiny-dev.conll')]),
    /ConfigError: .*holds BertForSequenceClassification, not the BertForTokenClassification that --task token-classification needs/);
  // evaluate --dtype int8 quantizes the folder as it loads (docs/quantization.md), as predict does.
  const sstDev = join(FIXTURES, 'sst-tiny-dev.jsonl');
  const int8 = await runCli(['evaluate', '--task', 'classification', '--model', folder, '--data', sstDev, '--dtype', 'int8']);
  assert.equal(int8.status, 0, int8.stderr);
  assert.equal(typeof lastJsonLine(int8.stdout)['accuracy'], 'number');
  assertOneLineError(await runCli(['evaluate', '--task', 'classification', '--model', folder, '--data', sstDev, '--dtype', 'int4']),
    /ConfigError: --dtype must be one of fp32, int8, q8, bf16, got "int4"/);
  const bare = join(work, 'no-tokenizer');
  await runCli(['finetune', '--task', 'classification', '--config', CONFIG, '--vocab', VOCAB, '--train', join(FIXTURES, 'sst-tiny.jsonl'), '--output', bare, '--epochs', '1']);
  for (const name of ['vocab.txt', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) unlinkSync(join(bare, name));
  assertOneLineError(await runCli(['evaluate', '--task', 'classification', '--model', bare, '--data', join(FIXTURES, 'sst-tiny-dev.jsonl')]), /no-tokenizer/);
});

test('Ctrl-C stops fine-tuning at a step, saves a checkpoint and the best model so far; --resume continues from it', async () => {
  const out = join(work, 'interrupted');
  const argv = [CLI, 'finetune', '--task', 'classification', '--config', CONFIG, '--vocab', VOCAB, '--train', join(FIXTURES, 'sst-tiny.jsonl'),
    '--dev', join(FIXTURES, 'sst-tiny-dev.jsonl'), '--output', out, '--epochs', '400', '--batch-size', '2', '--eval-every', '3', '--log-every', '1'];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  // Wait for the first evaluation (a best model exists), then interrupt.
  while (!/step 3: eval_/.test(stderr)) {
    assert.equal(child.exitCode, null, stderr);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGINT');
  assert.equal(await exit, 130, stderr);
  assert.match(stderr, /finetune: stopped at step \d+/);
  assert.ok(readdirSync(out).some((name) => /^checkpoint-\d+$/.test(name)), readdirSync(out).join(', '));
  assert.ok(existsSync(join(out, 'config.json')) && existsSync(join(out, 'model.safetensors')), 'the best model so far is saved');
  // Resuming with fewer epochs would change the schedule: refused, naming the setting.
  const changed = await runCli([...argv.slice(1, -6), '--epochs', '2', '--batch-size', '2', '--eval-every', '3', '--log-every', '1', '--resume']);
  assertOneLineError(changed, /other settings: epochs 400 → 2/);
  // The same command with --resume continues (here for a moment: --minutes is not a setting of the run).
  const resumed = await runCli([...argv.slice(1), '--resume', '--minutes', '0.02']);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming from .*checkpoint-\d+ \(step \d+\)/);
});
