/**
 * `tsbert predict` over JSON lines through the real pipelines, end to end (child processes, saved folders): for
 * every task, each output line equals what the pipeline returns when called on that line's input alone (the
 * callable form, in this process: the oracle), in input order; batching by length (--batch-size 2, a small
 * --max-batch-tokens) and `--padding max` give the same answers.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from '../../src/pipelines/pipeline.js';
import { bertConfigPreset, type BertConfig } from '../../src/model/config.js';
import { BertModel } from '../../src/model/bert-model.js';
import { BertForMaskedLM } from '../../src/model/heads/masked-lm.js';
import { BertForQuestionAnswering } from '../../src/model/heads/question-answering.js';
import { BertForSequenceClassification } from '../../src/model/heads/sequence-classification.js';
import { BertForTokenClassification } from '../../src/model/heads/token-classification.js';
import { BertTokenizer } from '../../src/tokenizer/bert-tokenizer.js';
import { runCli } from '../helpers/cli.js';
import { BERT_BASE_UNCASED_VOCAB } from '../helpers/fixtures.js';
import '../helpers/node-runtime.js';


/** Batched (packed or padded) and single runs differ by float32 summation order only. */
const TOLERANCE = 1e-5;

const work = mkdtempSync(join(tmpdir(), 'tsbert-predict-pipelines-'));
test.after(() => rmSync(work, { recursive: true, force: true }));
const tokenizer = BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB);

/** A tiny model folder; a large init range keeps scores apart, so no near-tie can reorder a top-k list. */
function folder(name: string, build: (config: BertConfig) => { savePretrained(dir: string, t: BertTokenizer): void }, labels?: string[]): string {
  const dir = join(work, name);
  if (existsSync(join(dir, 'config.json'))) return dir;
  const config = bertConfigPreset('tiny', {
    vocabSize: tokenizer.vocab.size, hiddenSize: 32, numAttentionHeads: 2, intermediateSize: 64, numHiddenLayers: 2, maxPositionEmbeddings: 128,
    initializerRange: 0.3,
    ...(labels === undefined ? {} : {
      id2label: Object.fromEntries(labels.map((label, i) => [String(i), label])),
      label2id: Object.fromEntries(labels.map((label, i) => [label, i])),
    }),
  });
  build(config).savePretrained(dir, tokenizer);
  return dir;
}

type Line = Record<string, unknown>;
type Callable = (...args: unknown[]) => Promise<unknown>;

interface Case {
  task: string;
  dir: () => string;
  lines: Line[];
  flags: string[];
  options: Record<string, unknown>;
  /** The pipeline called on one line's input, as a user of the library calls it. */
  call(pipe: Callable, line: Line, options: Record<string, unknown>): Promise<unknown>;
}

const SENTENCES = [
  'A fine film.',
  'The jokes are flat and the plot is a mess, though the actors try hard to save a script that gives them nothing to do.',
  'Dull.',
  'Smith visited Paris on Monday with his sister from New York.',
  'The European Commission fined Acme Corporation for breaking the rules of the single market last year.',
  'ok',
];
const textLines = SENTENCES.map((text) => ({ text }));
const single = (pipe: Callable, line: Line, options: Record<string, unknown>): Promise<unknown> => pipe(line['text'], options);

const sentiment = (): string => folder('sentiment', (c) => new BertForSequenceClassification(c, { seed: 1 }), ['neg', 'neu', 'pos']);

const CASES: Case[] = [
  {
    task: 'text-classification', dir: sentiment,
    lines: [...textLines, { text: 'A man plays a guitar.', text_pair: 'Someone is playing music.' }],
    flags: ['--top-k', '2'], options: { top_k: 2 },
    call: (pipe, line, options) => pipe(line['text_pair'] === undefined ? line['text'] : { text: line['text'], text_pair: line['text_pair'] }, options),
  },
  {
    task: 'classification', dir: sentiment, lines: textLines, flags: ['--function-to-apply', 'sigmoid'],
    options: { function_to_apply: 'sigmoid' }, call: single,
  },
  {
    task: 'token-classification',
    dir: () => folder('ner', (c) => new BertForTokenClassification(c, { seed: 2 }), ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG']),
    lines: textLines, flags: ['--aggregation-strategy', 'simple', '--ignore-labels', 'O'],
    options: { aggregation_strategy: 'simple', ignore_labels: ['O'] }, call: single,
  },
  {
    // Long texts in overlapping windows: --stride reaches the pipeline as stride.
    task: 'ner',
    dir: () => folder('ner', (c) => new BertForTokenClassification(c, { seed: 2 }), ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG']),
    lines: textLines, flags: ['--aggregation-strategy', 'first', '--max-seq-len', '12', '--stride', '4'],
    options: { aggregation_strategy: 'first', max_seq_len: 12, stride: 4 }, call: single,
  },
  {
    task: 'question-answering', dir: () => folder('qa', (c) => new BertForQuestionAnswering(c, { seed: 3 })),
    lines: [
      { question: 'Where did Smith go?', context: SENTENCES[3] },
      { question: 'Who fined Acme?', context: `${SENTENCES[4]} ${SENTENCES[1]} ${SENTENCES[4]}` },
      { question: 'What?', context: 'Nothing.' },
    ],
    flags: ['--top-k', '2', '--max-seq-len', '32', '--doc-stride', '8', '--max-question-len', '8', '--max-answer-len', '6'],
    options: { top_k: 2, max_seq_len: 32, doc_stride: 8, max_question_len: 8, max_answer_len: 6 },
    call: (pipe, line, options) => pipe(line['question'], line['context'], options),
  },
  {
    task: 'feature-extraction', dir: () => folder('encoder', (c) => new BertModel(c, { seed: 4 })),
    lines: textLines, flags: ['--pooling', 'mean', '--normalize'], options: { pooling: 'mean', normalize: true }, call: single,
  },
  {
    task: 'zero-shot-classification',
    dir: () => folder('nli', (c) => new BertForSequenceClassification(c, { seed: 5 }), ['contradiction', 'neutral', 'entailment']),
    lines: SENTENCES.slice(0, 4).map((text) => ({ text, labels: ['cinema', 'travel', 'politics'] })),
    flags: ['--multi-label', '--hypothesis-template', 'This text is about {}.'],
    options: { multi_label: true, hypothesis_template: 'This text is about {}.' },
    call: (pipe, line, options) => pipe(line['text'], line['labels'], options),
  },
  {
    task: 'fill-mask', dir: () => folder('mlm', (c) => new BertForMaskedLM(c, { seed: 6 })),
    lines: [{ text: 'The man went to the [MASK].' }, { text: 'Paris is the [MASK] of [MASK], a country in Europe with a long history.' }],
    flags: ['--top-k', '3'], options: { top_k: 3 }, call: single,
  },
];

/** A pipeline result as its JSON line holds it (a Tensor-like result as its nested list). */
function asJson(value: unknown): unknown {
  const tolist = typeof value === 'object' && value !== null ? Reflect.get(value, 'tolist') : undefined;
  return JSON.parse(JSON.stringify(typeof tolist === 'function' ? (tolist as () => unknown).call(value) : value)) as unknown;
}

/** Equal JSON values, numbers within TOLERANCE; `at` names the place of a difference. */
function assertCloseJson(actual: unknown, expected: unknown, at: string): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    assert.ok(Math.abs(actual - expected) <= TOLERANCE, `${at}: ${actual} vs ${expected}`);
  } else if (Array.isArray(expected) && Array.isArray(actual)) {
    assert.equal(actual.length, expected.length, `${at}: length`);
    expected.forEach((item, i) => assertCloseJson(actual[i], item, `${at}[${i}]`));
  } else if (typeof expected === 'object' && expected !== null && typeof actual === 'object' && actual !== null) {
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${at}: keys`);
    for (const [key, value] of Object.entries(expected)) assertCloseJson((actual as Record<string, unknown>)[key], value, `${at}.${key}`);
  } else {
    assert.deepEqual(actual, expected, at);
  }
}

for (const c of CASES) {
  test(`predict --task ${c.task}: each line is the pipeline's answer for that input alone, in order; batched, packed or padded`, async () => {
    const dir = c.dir();
    const input = join(work, `${c.task}.jsonl`);
    writeFileSync(input, c.lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    const pipe = (await pipeline(c.task, dir)) as unknown as Callable;
    const expected: unknown[] = [];
    for (const line of c.lines) expected.push(asJson(await c.call(pipe, line, c.options)));

    for (const extra of [[], ['--batch-size', '2', '--max-batch-tokens', '40'], ['--padding', 'max']]) {
      const output = join(work, `${c.task}.out.jsonl`);
      const run = await runCli(['predict', '--task', c.task, '--model', dir, '--input', input, '--output', output, ...c.flags, ...extra]);
      assert.equal(run.status, 0, run.stderr);
      const lines = readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
      assert.equal(lines.length, c.lines.length);
      lines.forEach((line, i) => assertCloseJson(line, expected[i], `${c.task} ${extra.join(' ')} line ${i + 1}`));
    }
  });
}

test('predict to stdout, and a line missing its field is one error naming file and line', async () => {
  const dir = sentiment();
  const input = join(work, 'stdout.jsonl');
  writeFileSync(input, textLines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  const run = await runCli(['predict', '--task', 'text-classification', '--model', dir, '--input', input]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim().split('\n').length, textLines.length);
  const bad = join(work, 'bad.jsonl');
  writeFileSync(bad, '{"text": "fine"}\n{"question": "no text here"}\n');
  const refused = await runCli(['predict', '--task', 'text-classification', '--model', dir, '--input', bad, '--output', join(work, 'bad.out')]);
  assert.equal(refused.status, 1, refused.stderr);
  assert.match(refused.stderr, /^tsbert: DataError: .*bad\.jsonl:2: .*text/m);
});
