/**
 * `tsbert create-pretraining-data` and `tsbert pretrain` for RoBERTa's (`--objective mlm`) and ALBERT's
 * (`--objective albert`) objectives, as a user runs them: instances made with the family's tokenizer (a byte-level BPE
 * tokenizer.json, a SentencePiece .model), a few steps on the family's tiny preset, a final/ folder that loads as the
 * family, and a run SIGKILLed after its step-20 checkpoint and resumed that ends bit-identical to an uninterrupted
 * one (as BERT's pretrain-resume.test.ts). Mixing an instance file with another objective is a one-line error.
 */
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runKilledAt } from '../helpers/killed-run.js';
import { AutoModelForMaskedLM, AutoModelForPreTraining } from '../../src/model/auto.js';
import { InstanceFile } from '../../src/pretrain/instance-file.js';
import { loadPretrainingTokenizer } from '../../src/pretrain/pretraining-tokenizer.js';
import { brownTextDocuments, writeCorpus } from '../pretrain/data-helpers.js';
import { fixturePath } from '../helpers/fixtures.js';
import '../helpers/node-runtime.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js');
const STEPS = 40;

const FAMILIES = [
  {
    objective: 'mlm', modelType: 'roberta', tokenizer: fixturePath('tokenizer', 'bpe', 'tokenizer.json'),
    architecture: 'RobertaForMaskedLM', auto: AutoModelForMaskedLM, pairMetric: undefined,
  },
  {
    objective: 'albert', modelType: 'albert', tokenizer: fixturePath('reference', 'unigram', 'albert-3000.model'),
    architecture: 'AlbertForPreTraining', auto: AutoModelForPreTraining, pairMetric: 'eval_sop_accuracy',
  },
] as const;

let dir = '';
let corpus = '';

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

function data(objective: string): string {
  return join(dir, `${objective}.tsbpt`);
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsbert-objectives-'));
  corpus = join(dir, 'corpus.txt');
  writeCorpus(corpus, brownTextDocuments(6, 8));
  for (const family of FAMILIES) {
    const made = run(['create-pretraining-data', '--input', corpus, '--objective', family.objective, '--tokenizer', family.tokenizer,
      '--output', data(family.objective), '--max-seq-length', '32', '--dupe-factor', '1', '--seed', '3', '--no-progress']);
    assert.equal(made.status, 0, made.stderr);
  }
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('create-pretraining-data --objective mlm: <s> text </s> instances, one segment, no stored masks, objective recorded', () => {
  const file = InstanceFile.open(data('mlm'));
  try {
    assert.equal(file.header.objective, 'mlm');
    assert.equal(file.header.staticMasks, false);
    assert.ok(file.length > 20);
    let separators = 0;
    for (let i = 0; i < file.length; i++) {
      const instance = file.get(i);
      const ids = instance.originalIds;
      assert.ok(ids.length <= 32);
      assert.deepEqual([ids[0], ids[ids.length - 1]], [0, 2], '<s> … </s> (ids of the tokenizer.json)');
      assert.ok(instance.tokenTypeIds.every((t) => t === 0) && instance.nextSentenceLabel === 0 && instance.maskedPositions.length === 0);
      for (let k = 1; k < ids.length - 1; k++) if (ids[k] === 2) separators++;
    }
    assert.ok(separators > 0, 'documents meet inside instances, separated by </s>');
  } finally {
    file.close();
  }
});

test('create-pretraining-data --objective albert: sentence-order pairs, ~half swapped, n-gram masks of whole words stored', () => {
  const file = InstanceFile.open(data('albert'));
  try {
    assert.equal(file.header.objective, 'albert');
    assert.equal(file.header.maxNgram, 3);
    assert.ok(file.header.wholeWordMask && file.header.staticMasks);
    const continues = loadPretrainingTokenizer({ tokenizer: FAMILIES[1].tokenizer }, 'test').continuationFlags();
    let swapped = 0;
    for (let i = 0; i < file.length; i++) {
      const instance = file.get(i);
      swapped += instance.nextSentenceLabel;
      assert.ok(instance.maskedPositions.length > 0);
      // Whole words: a piece that continues a word is masked exactly when the piece before it is.
      const masked = new Set(instance.maskedPositions);
      const ids = instance.originalIds;
      for (let k = 2; k < ids.length - 1; k++) {
        if (continues[ids[k]!] === 1 && ids[k - 1] !== file.header.sepId) assert.equal(masked.has(k), masked.has(k - 1), `instance ${i}: word split at ${k}`);
      }
    }
    assert.ok(swapped > 0 && swapped < file.length, `${swapped} of ${file.length} swapped`);
  } finally {
    file.close();
  }
});

for (const family of FAMILIES) {
  test(`pretrain --objective ${family.objective}: final/ loads as ${family.modelType}, and --resume is bit-identical`, async () => {
    const args = (output: string): string[] => ['pretrain', '--objective', family.objective, '--model-type', family.modelType,
      '--tokenizer', family.tokenizer, '--data', data(family.objective), '--eval-data', data(family.objective), '--config', 'tiny',
      '--output', output, '--steps', String(STEPS), '--batch-size', '4', '--save-every', '20', '--keep-last', '0', '--eval-every', '0', '--lr', '1e-3', '--log-every', '1'];
    const whole = join(dir, `${family.objective}-whole`);
    const uninterrupted = run(args(whole));
    assert.equal(uninterrupted.status, 0, uninterrupted.stderr);
    const final = join(whole, 'final');
    const config = JSON.parse(readFileSync(join(final, 'config.json'), 'utf8')) as { model_type: string; architectures: string[] };
    assert.equal(config.model_type, family.modelType);
    assert.deepEqual(config.architectures, [family.architecture]);
    const model = family.auto.fromPretrained(final);
    assert.equal(model.architecture, family.architecture);
    assert.deepEqual(model.loadingInfo, { missingKeys: [], unexpectedKeys: [] });
    const metrics = readFileSync(join(whole, 'metrics.jsonl'), 'utf8');
    assert.ok(!metrics.includes('nsp_'), 'no NSP metrics');
    if (family.pairMetric !== undefined) assert.ok(metrics.includes(family.pairMetric), `${family.pairMetric} is reported`);
    else assert.ok(!metrics.includes('sop_') && metrics.includes('eval_mlm_loss'));

    const broken = join(dir, `${family.objective}-broken`);
    const { killed, stderr } = await runKilledAt([CLI, ...args(broken)], 'checkpoint-20');
    assert.ok(killed, `the run was killed (stderr: ${stderr.slice(-500)})`);
    assert.ok(!existsSync(join(broken, 'final')), 'the killed run did not finish');
    const resumed = run([...args(broken), '--resume']);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming from .*checkpoint-20/);
    assert.ok(readFileSync(join(broken, 'final', 'model.safetensors')).equals(readFileSync(join(final, 'model.safetensors'))), 'final weights are bit-identical');
  });
}

test('an instance file of another objective is a one-line error naming the file and both objectives', () => {
  const output = join(dir, 'mixed');
  const mixed = run(['pretrain', '--objective', 'albert', '--tokenizer', FAMILIES[0].tokenizer, '--data', data('mlm'), '--config', 'tiny', '--output', output, '--steps', '1']);
  assert.equal(mixed.status, 1);
  const lines = mixed.stderr.trim().split('\n');
  assert.equal(lines.length, 1, mixed.stderr);
  assert.match(lines[0]!, /^tsbert: ConfigError: .*mlm\.tsbpt: instances for the mlm objective, not --objective albert/);
  assert.ok(!existsSync(join(output, 'final')));
  const wrongFamily = run(['pretrain', '--objective', 'albert', '--model-type', 'roberta', '--tokenizer', FAMILIES[1].tokenizer, '--data', data('albert'), '--output', output]);
  assert.equal(wrongFamily.status, 1);
  assert.match(wrongFamily.stderr, /--model-type: the albert objective trains albert, not "roberta"/);
});
