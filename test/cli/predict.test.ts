/**
 * `tsbert predict`'s command layer (src/cli/commands/predict.ts): which files go to the streaming pipeline path and
 * which to the fine-tuning definitions (SQuAD, CoNLL, CSV/TSV, `{"tokens"}` JSONL, multiple choice), the pipeline
 * flags in kebab case → the pipelines' snake-case options, and flags given to the wrong path refused in one line
 * before any model is loaded. The runs through real models are test/cli/finetune.test.ts (fine-tuning files) and
 * test/cli/predict-pipelines.test.ts (JSON lines).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipelineOptions, predictRoute, progressDetails } from '../../src/cli/commands/predict.js';
import { ConfigError } from '../../src/errors.js';
import { runCli } from '../helpers/cli.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'finetune');
const SQUAD = join(ROOT, 'test', 'fixtures', 'squad');
const work = mkdtempSync(join(tmpdir(), 'tsbert-predict-cli-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

const texts = file('texts.jsonl', '{"text": "a fine film"}\n{"text": "dull"}\n');
const questions = file('questions.jsonl', '\n{"question": "Where?", "context": "Here."}\n');
const minifiedSquad = file('minified-squad.json', '{"version": "1.1", "data": []}\n');

test('route: JSON lines go to the pipeline; SQuAD, CoNLL, CSV/TSV, {"tokens"} JSONL and multiple choice to the fine-tuning definitions', async () => {
  const cases: Array<[string, string, string]> = [
    ['text-classification', texts, 'pipeline'],
    ['classification', join(FIXTURES, 'sst-tiny-dev.jsonl'), 'pipeline'],
    ['classification', join(FIXTURES, 'pairs-tiny-dev.tsv'), 'definition classification'],
    ['text-classification', join(FIXTURES, 'pairs-tiny-dev.tsv'), 'definition classification'],
    ['token-classification', texts, 'pipeline'],
    ['token-classification', join(FIXTURES, 'ner-tiny-dev.conll'), 'definition token-classification'],
    ['ner', join(FIXTURES, 'ner-tiny-dev.conll'), 'definition token-classification'],
    ['token-classification', join(FIXTURES, 'ner-tiny-dev.jsonl'), 'definition token-classification'],
    ['question-answering', questions, 'pipeline'],
    ['question-answering', join(SQUAD, 'v2.json'), 'definition question-answering'],
    ['question-answering', minifiedSquad, 'definition question-answering'],
    ['multiple-choice', join(FIXTURES, 'swag-tiny-dev.jsonl'), 'definition multiple-choice'],
    ['feature-extraction', texts, 'pipeline'],
    ['zero-shot-classification', texts, 'pipeline'],
  ];
  for (const [task, input, expected] of cases) {
    const route = await predictRoute(task, input);
    assert.equal(route.kind === 'pipeline' ? 'pipeline' : `definition ${route.task}`, expected, `${task} over ${input}`);
  }
});

test('pipeline flags: kebab case in, the pipelines\' snake-case options out; only the flags given', () => {
  assert.deepEqual(pipelineOptions({
    topK: 'all', ignoreLabels: 'O, MISC,', normalize: true, docStride: '64', maxAnswerLen: '20', maxSeqLen: '256', maxQuestionLen: '32',
    handleImpossibleAnswer: true, hypothesisTemplate: 'It is about {}.', multiLabel: true, pooling: 'mean', aggregationStrategy: 'first',
    functionToApply: 'none', batchSize: '8', model: 'dir',
  }), {
    top_k: null, ignore_labels: ['O', 'MISC'], normalize: true, doc_stride: 64, max_answer_len: 20, max_seq_len: 256, max_question_len: 32,
    handle_impossible_answer: true, hypothesis_template: 'It is about {}.', multi_label: true, pooling: 'mean', aggregation_strategy: 'first',
    function_to_apply: 'none',
  });
  assert.deepEqual(pipelineOptions({ topK: '3' }), { top_k: 3 });
  assert.deepEqual(pipelineOptions({}), {});
  assert.throws(() => pipelineOptions({ topK: '0' }), (e: unknown) => e instanceof ConfigError && /--top-k must be an integer ≥ 1, got "0"/.test(e.message));
  assert.throws(() => pipelineOptions({ maxAnswerLen: 'ten' }), /--max-answer-len/);
});

test('progress: lines/s, and the ETA from the share of the file still to read', () => {
  // A quarter of the bytes in 10 s → three quarters left take 30 s more.
  assert.equal(progressDetails({ lines: 100, bytesRead: 250, bytesTotal: 1000, seconds: 10 }), 'lines, 10 lines/s, eta 0m30s');
  assert.equal(progressDetails({ lines: 0, bytesRead: 0, bytesTotal: 1000, seconds: 0 }), 'lines, 0 lines/s, eta ?');
});

/** One stderr line `tsbert: <Error>: …` matching `pattern`, exit 1. */
function assertOneLineError(run: { status: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(run.status, 1, run.stderr);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0]!, pattern);
}

test('a flag of the other path, a bad --padding, SQuAD without --output: one line, before any model is loaded', async () => {
  const nowhere = join(work, 'no-model');
  const predict = (task: string, input: string, extra: string[]): ReturnType<typeof runCli> => runCli(['predict', '--task', task, '--model', nowhere, '--input', input, ...extra]);
  assertOneLineError(await predict('text-classification', texts, ['--max-seq-length', '64']),
    /ConfigError: predict --task text-classification: --max-seq-length applies to fine-tuning data files .*--max-seq-len/);
  assertOneLineError(await predict('token-classification', join(FIXTURES, 'ner-tiny-dev.conll'), ['--top-k', '2', '--padding', 'max', '--output', join(work, 'o')]),
    /ConfigError: predict --task token-classification: --top-k, --padding apply to JSON lines for a pipeline, not to CoNLL \(.*ner-tiny-dev\.conll\)/);
  assertOneLineError(await predict('question-answering', join(SQUAD, 'v1.json'), []), /ConfigError: predict --task question-answering: SQuAD JSON input needs --output FILE/);
  assertOneLineError(await predict('feature-extraction', texts, ['--padding', 'wide']), /ConfigError: --padding must be one of none, max, got "wide"/);
  assertOneLineError(await predict('feature-extraction', join(work, 'missing.jsonl'), []), /missing\.jsonl/);
});

test('--help names the pipeline options in kebab case', async () => {
  const help = await runCli(['predict', '--help']);
  assert.equal(help.status, 0, help.stderr);
  for (const flag of ['--top-k <n|all>', '--function-to-apply', '--ignore-labels', '--aggregation-strategy', '--pooling', '--normalize', '--doc-stride',
    '--max-answer-len', '--max-seq-len', '--handle-impossible-answer', '--hypothesis-template', '--multi-label', '--batch-size', '--padding']) {
    assert.ok(help.stdout.includes(flag), flag);
  }
});
