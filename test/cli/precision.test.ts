/**
 * `--precision bf16` and `--dtype bf16` as a user runs them: fine-tuning a tiny classifier in mixed precision
 * finishes with finite losses and a float32 model folder (the master weights), which `predict --dtype bf16` runs;
 * an unknown precision is one line naming the flag, and no output folder.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors } from '../../src/io/safetensors.js';
import { runCli } from '../helpers/cli.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const VOCAB = join(ROOT, 'assets', 'bert-base-uncased-vocab.txt');
const TRAIN = join(ROOT, 'test', 'fixtures', 'finetune', 'sst-tiny.jsonl');
const DEV = join(ROOT, 'test', 'fixtures', 'finetune', 'sst-tiny-dev.jsonl');

const work = mkdtempSync(join(tmpdir(), 'tsbert-precision-cli-'));
test.after(() => rmSync(work, { recursive: true, force: true }));
const CONFIG = join(work, 'tiny-config.json');
writeFileSync(CONFIG, JSON.stringify({
  vocab_size: 30522, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 64, max_position_embeddings: 128,
}));

const finetune = (output: string, precision: string): ReturnType<typeof runCli> => runCli(['finetune', '--task', 'classification',
  '--config', CONFIG, '--vocab', VOCAB, '--train', TRAIN, '--dev', DEV, '--output', output, '--epochs', '1', '--precision', precision]);

test('finetune --precision bf16 trains float32 master weights; predict --dtype bf16 runs the folder', async () => {
  const out = join(work, 'bf16');
  const run = await finetune(out, 'bf16');
  assert.equal(run.status, 0, run.stderr);
  const losses = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => typeof entry['loss'] === 'number').map((entry) => entry['loss'] as number);
  assert.ok(losses.length > 0 && losses.every(Number.isFinite), `finite losses: ${losses.join(', ')}`);
  assert.equal(readSafetensors(join(out, 'model.safetensors')).get('bert.encoder.layer.0.output.dense.weight').dtype, 'F32', 'the saved model is the float32 master');
  const predict = await runCli(['predict', '--task', 'classification', '--model', out, '--input', DEV, '--output', join(work, 'p.jsonl'), '--dtype', 'bf16']);
  assert.equal(predict.status, 0, predict.stderr);
  assert.ok(readFileSync(join(work, 'p.jsonl'), 'utf8').trim().split('\n').length > 0);
});

test('an unknown --precision is one line naming the flag, and no output folder', async () => {
  const out = join(work, 'fp16');
  const run = await finetune(out, 'fp16');
  assert.equal(run.status, 1);
  assert.match(run.stderr.trim(), /^tsbert: ConfigError: --precision must be one of fp32, bf16, got "fp16"$/);
  assert.ok(!existsSync(out));
});
