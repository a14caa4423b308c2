/**
 * `tsbert distill` end to end as a user runs it: a tiny BERT teacher (built here, with bert-base-uncased's
 * vocabulary) distilled for a few steps into a 2-layer student on unmasked instance files; final/ is a Hugging Face
 * DistilBertForMaskedLM folder that loads strictly, metrics.jsonl holds the three loss parts, a run resumed from its
 * step-2 checkpoint ends bit-identical to the uninterrupted one, and bad teachers are one-line errors.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../helpers/node-runtime.js';
import { AutoModelForMaskedLM } from '../../src/model/auto.js';
import { bertConfigPreset } from '../../src/model/config.js';
import { DistilBertForMaskedLM } from '../../src/model/distilbert/for-masked-lm.js';
import { BertForMaskedLM } from '../../src/model/heads/masked-lm.js';
import { BertForSequenceClassification } from '../../src/model/heads/sequence-classification.js';
import { createPretrainingData } from '../../src/pretrain/create-pretraining-data.js';
import { runCli } from '../helpers/cli.js';
import { bertTokenizer, brownTextDocuments, writeCorpus } from '../pretrain/data-helpers.js';

const CONFIG = bertConfigPreset('tiny', { vocabSize: 30522, hiddenSize: 24, numAttentionHeads: 2, intermediateSize: 40, numHiddenLayers: 4, maxPositionEmbeddings: 32 });

const dir = mkdtempSync(join(tmpdir(), 'tsbert-distill-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const teacherDir = join(dir, 'teacher');
const data = join(dir, 'data.tsbpt');
const evalData = join(dir, 'eval.tsbpt');

test.before(async () => {
  new BertForMaskedLM(CONFIG, { seed: 1 }).savePretrained(teacherDir, bertTokenizer());
  const corpus = join(dir, 'corpus.txt');
  writeCorpus(corpus, brownTextDocuments(4, 8));
  // Unmasked files (create-pretraining-data --no-static-masks): distillation masks every batch afresh.
  await createPretrainingData({ inputs: [corpus], output: data, tokenizer: bertTokenizer(), maxSeqLength: 32, dupeFactor: 1, seed: 3, staticMasks: false });
  const evalCorpus = join(dir, 'eval.txt');
  writeCorpus(evalCorpus, brownTextDocuments(6, 8).slice(-3));
  await createPretrainingData({ inputs: [evalCorpus], output: evalData, tokenizer: bertTokenizer(), maxSeqLength: 32, dupeFactor: 1, seed: 4, staticMasks: false });
});

const args = (output: string, ...more: string[]): string[] => ['distill', '--teacher', teacherDir, '--data', data, '--output', output,
  '--student-layers', '2', '--steps', '4', '--batch-size', '4', '--save-every', '2', '--keep-last', '0', '--log-every', '1', '--seed', '7', ...more];

test('distill writes a loadable DistilBertForMaskedLM folder, the three loss parts, and resumes exactly', async () => {
  const whole = join(dir, 'whole');
  const run = await runCli(args(whole, '--eval-data', evalData, '--eval-every', '0'));
  assert.equal(run.status, 0, run.stderr);
  const config = JSON.parse(readFileSync(join(whole, 'final', 'config.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(config['model_type'], 'distilbert');
  assert.deepEqual(config['architectures'], ['DistilBertForMaskedLM']);
  assert.equal(config['n_layers'], 2);
  assert.equal(config['dim'], 24);
  assert.equal(config['hidden_dim'], 40);
  for (const file of ['vocab.txt', 'tokenizer.json', 'model.safetensors']) assert.ok(existsSync(join(whole, 'final', file)), file);
  const student = DistilBertForMaskedLM.fromPretrained(join(whole, 'final'));
  assert.deepEqual(student.loadingInfo, { missingKeys: [], unexpectedKeys: [] });
  assert.equal(AutoModelForMaskedLM.fromPretrained(join(whole, 'final')).architecture, 'DistilBertForMaskedLM');

  const entries = readFileSync(join(whole, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, number>);
  const steps = entries.filter((e) => 'loss' in e);
  assert.deepEqual(steps.map((e) => e['step']), [1, 2, 3, 4]);
  for (const e of steps) {
    for (const part of ['loss_ce', 'loss_mlm', 'loss_cos']) assert.ok(Number.isFinite(e[part]) && e[part]! > 0, `step ${e['step']} ${part}`);
    // The logged loss is the weighted sum of its parts (defaults 5 / 2 / 1).
    assert.ok(Math.abs(e['loss']! - (5 * e['loss_ce']! + 2 * e['loss_mlm']! + e['loss_cos']!)) < 1e-4 * e['loss']!, `step ${e['step']} loss`);
  }
  const evaluation = entries.find((e) => 'eval_mlm_accuracy' in e)!;
  assert.ok(evaluation['eval_teacher_mlm_accuracy']! >= 0 && evaluation['eval_teacher_mlm_loss']! > 0, 'the teacher is scored too');

  // Resume: a copy holding only checkpoint-2, continued with --resume, ends where the uninterrupted run did.
  const resumed = join(dir, 'resumed');
  cpSync(join(whole, 'checkpoint-2'), join(resumed, 'checkpoint-2'), { recursive: true });
  const again = await runCli(args(resumed, '--resume'));
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /resuming from .*checkpoint-2/);
  assert.ok(readFileSync(join(resumed, 'final', 'model.safetensors')).equals(readFileSync(join(whole, 'final', 'model.safetensors'))),
    'final weights are bit-identical');
});

/** A failed run: exit 1 and exactly one line on stderr, matching `pattern`. */
async function assertOneLineError(cliArgs: string[], pattern: RegExp): Promise<void> {
  const run = await runCli(cliArgs);
  assert.equal(run.status, 1, run.stderr);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0]!, pattern);
}

test('a teacher without an MLM head is a one-line ConfigError naming its config.json', async () => {
  const classifier = join(dir, 'classifier');
  new BertForSequenceClassification(CONFIG, { seed: 1 }).savePretrained(classifier, bertTokenizer());
  await assertOneLineError(['distill', '--teacher', classifier, '--data', data, '--output', join(dir, 'out-a')],
    /^tsbert: ConfigError: .*classifier\/config\.json: architectures \["BertForSequenceClassification"\]: the teacher needs an MLM head/);
});

test('--student-layers 0 or more than the teacher has is a one-line ConfigError', async () => {
  await assertOneLineError(args(join(dir, 'out-b'), '--student-layers', '5'), /^tsbert: ConfigError: distill: --student-layers 5 exceeds the teacher's 4 layers/);
  await assertOneLineError(args(join(dir, 'out-c'), '--student-layers', '0'), /^tsbert: ConfigError: --student-layers must be an integer ≥ 1, got "0"/);
});

test('a teacher folder without tokenizer files is a one-line error naming the folder', async () => {
  const bare = join(dir, 'bare');
  new BertForMaskedLM(CONFIG, { seed: 1 }).savePretrained(bare);
  await assertOneLineError(['distill', '--teacher', bare, '--data', data, '--output', join(dir, 'out-d')],
    /^tsbert: TokenizerError: .*bare: no tokenizer\.json or vocab\.txt in this folder/);
});
