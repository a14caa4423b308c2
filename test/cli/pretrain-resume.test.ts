/**
 * The resume contract, end to end through the CLI: a 40-step run SIGKILLed after its step-20 checkpoint
 * and resumed with --resume ends with weights bit-identical to an uninterrupted 40-step run.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runKilledAt } from '../helpers/killed-run.js';
import { createPretrainingData } from '../../src/pretrain/create-pretraining-data.js';
import { bertTokenizer, brownTextDocuments, VOCAB_PATH, writeCorpus } from '../pretrain/data-helpers.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js');

test('pretrain killed with SIGKILL after checkpoint-20 and resumed ends bit-identical to an uninterrupted run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-resume-'));
  try {
    const corpus = join(dir, 'corpus.txt');
    writeCorpus(corpus, brownTextDocuments(6, 8));
    const data = join(dir, 'data.tsbpt');
    await createPretrainingData({ inputs: [corpus], output: data, tokenizer: bertTokenizer(), maxSeqLength: 32, dupeFactor: 1, seed: 3 });
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({
      vocab_size: 30522, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 64, max_position_embeddings: 32,
    }));
    const args = (output: string): string[] => [CLI, 'pretrain', '--vocab', VOCAB_PATH, '--data', data, '--config', config, '--output', output,
      '--steps', '40', '--batch-size', '4', '--save-every', '20', '--keep-last', '0', '--lr', '1e-3', '--log-every', '5'];

    const whole = join(dir, 'whole');
    const uninterrupted = spawnSync(process.execPath, args(whole), { encoding: 'utf8' });
    assert.equal(uninterrupted.status, 0, uninterrupted.stderr);

    const broken = join(dir, 'broken');
    const { killed, stderr } = await runKilledAt(args(broken), 'checkpoint-20');
    assert.ok(killed, `the run was killed (stderr: ${stderr.slice(-500)})`);
    assert.ok(existsSync(join(broken, 'checkpoint-20', 'trainer_state.json')), 'checkpoint-20 is complete');
    assert.ok(!existsSync(join(broken, 'final')), 'the killed run did not finish');

    const resumed = spawnSync(process.execPath, [...args(broken), '--resume'], { encoding: 'utf8' });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming from .*checkpoint-20/);
    assert.ok(readFileSync(join(broken, 'final', 'model.safetensors')).equals(readFileSync(join(whole, 'final', 'model.safetensors'))),
      'final weights are bit-identical');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
