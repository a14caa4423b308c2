/**
 * `tsbert pretrain` as a user runs it. Ctrl-C and SIGTERM as a user sends them: a real `tsbert pretrain` child process and a real signal. The run stops
 * within a step, saves a checkpoint, exits 130 / 143, and `--resume` ends bit-identical to an uninterrupted run;
 * a second signal aborts at once. (The bug: a synchronous loop never let the SIGINT listener run, and the
 * listener had switched off Node's default exit, so Ctrl-C did nothing at all.)
 */
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPretrainingData } from '../../src/pretrain/create-pretraining-data.js';
import { listCheckpoints } from '../../src/train/checkpoint.js';
import { bertTokenizer, brownTextDocuments, VOCAB_PATH, writeCorpus } from '../pretrain/data-helpers.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js');
const STEPS = 120;

let dir = '';
let data = '';
let config = '';
let whole = '';

function args(output: string, steps = STEPS, configPath = config): string[] {
  return [CLI, 'pretrain', '--vocab', VOCAB_PATH, '--data', data, '--config', configPath, '--output', output,
    '--steps', String(steps), '--batch-size', '4', '--save-every', '100000', '--eval-every', '0', '--lr', '1e-3', '--log-every', '1'];
}

function loggedSteps(output: string): number[] {
  const path = join(output, 'metrics.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((line) => line.startsWith('{"step"') && line.endsWith('}'))
    .map((line) => (JSON.parse(line) as { step: number }).step);
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Starts the child; `onStderr` sees the whole stderr so far after each chunk. */
function start(argv: string[], onStderr: (stderr: string, child: ChildProcess) => void = () => {}): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    onStderr(stderr, child);
  });
  const exit = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  return { child, exit };
}

/** Resolves once the run has logged `steps` steps (it polls metrics.jsonl, which --log-every 1 appends per step). */
async function waitForSteps(output: string, steps: number, exit: Promise<Exit>): Promise<number> {
  let exited = false;
  void exit.then(() => (exited = true));
  for (;;) {
    const logged = loggedSteps(output);
    if (logged.length >= steps) return logged[logged.length - 1]!;
    if (exited) throw new Error(`the run ended before step ${steps}: ${(await exit).stderr.slice(-400)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tsbert-signals-'));
  const corpus = join(dir, 'corpus.txt');
  writeCorpus(corpus, brownTextDocuments(6, 8));
  data = join(dir, 'data.tsbpt');
  await createPretrainingData({ inputs: [corpus], output: data, tokenizer: bertTokenizer(), maxSeqLength: 32, dupeFactor: 1, seed: 3 });
  config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({
    vocab_size: 30522, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 64, max_position_embeddings: 32,
  }));
  whole = join(dir, 'whole');
  const uninterrupted = spawnSync(process.execPath, args(whole), { encoding: 'utf8' });
  assert.equal(uninterrupted.status, 0, uninterrupted.stderr);
});

after(() => rmSync(dir, { recursive: true, force: true }));

for (const [signal, exitCode] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`pretrain stops within a step on ${signal}, saves, exits ${exitCode}; --resume ends bit-identical`, async () => {
    const output = join(dir, `stopped-${signal}`);
    const { child, exit } = start(args(output));
    const seen = await waitForSteps(output, 10, exit);
    child.kill(signal);
    const stopped = await exit;
    assert.equal(stopped.code, exitCode, stopped.stderr);
    assert.match(stopped.stderr, /stopping at the end of this step and saving a checkpoint/);
    const checkpoints = listCheckpoints(output).map((c) => c.step);
    assert.equal(checkpoints.length, 1, `one checkpoint: ${checkpoints.join(', ')}`);
    // The step in flight when the signal came finishes; no further one starts (one more may have begun between
    // reading metrics.jsonl and the signal's delivery).
    assert.ok(checkpoints[0]! >= seen && checkpoints[0]! <= seen + 2, `stopped at ${checkpoints[0]}, signalled after step ${seen}`);
    assert.ok(checkpoints[0]! < STEPS, 'the run did not simply finish');
    assert.match(stopped.stderr, new RegExp(`stopped at step ${checkpoints[0]}`));

    const resumed = spawnSync(process.execPath, [...args(output), '--resume'], { encoding: 'utf8' });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`resuming from .*checkpoint-${checkpoints[0]}`));
    assert.ok(readFileSync(join(output, 'final', 'model.safetensors')).equals(readFileSync(join(whole, 'final', 'model.safetensors'))),
      'final weights are bit-identical to the uninterrupted run');
    assert.deepEqual(loggedSteps(output), Array.from({ length: STEPS }, (_, i) => i + 1), 'one unbroken metrics history');
  });
}

test('a second Ctrl-C aborts at once, without waiting for the save', async () => {
  // A larger model, so saving its checkpoint takes long enough for the second signal to land in the middle of it.
  const bigConfig = join(dir, 'config-128.json');
  writeFileSync(bigConfig, JSON.stringify({
    vocab_size: 30522, hidden_size: 256, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 512, max_position_embeddings: 32,
  }));
  const output = join(dir, 'aborted');
  let signalled = 0;
  const { child, exit } = start(args(output, STEPS, bigConfig), (stderr, process) => {
    if (signalled === 1 && stderr.includes('Ctrl-C again to abort')) {
      signalled = 2;
      process.kill('SIGINT');
    }
  });
  await waitForSteps(output, 3, exit);
  signalled = 1;
  child.kill('SIGINT');
  const aborted = await exit;
  assert.equal(signalled, 2, aborted.stderr);
  // Node's default action for the second SIGINT: the process dies by the signal, no final model is written.
  assert.equal(aborted.signal, 'SIGINT', `code ${aborted.code}, stderr ${aborted.stderr.slice(-300)}`);
  assert.ok(!existsSync(join(output, 'final')), 'no final model after an abort');
});

test('a second run in a run folder is refused with one line; --overwrite replaces it; --resume and --overwrite conflict', () => {
  const output = join(dir, 'twice');
  const first = spawnSync(process.execPath, args(output, 4), { encoding: 'utf8' });
  assert.equal(first.status, 0, first.stderr);
  const again = spawnSync(process.execPath, args(output, 6), { encoding: 'utf8' });
  assert.equal(again.status, 1);
  assert.match(again.stderr, /^tsbert: ConfigError: --output .*twice already holds a training run \(final, loss-curve\.svg, metrics\.jsonl\): add --resume .* --overwrite/);
  assert.equal(again.stderr.trim().split('\n').length, 1, again.stderr);
  assert.deepEqual(loggedSteps(output), [1, 2, 3, 4], 'the refused run wrote nothing');
  const both = spawnSync(process.execPath, [...args(output, 6), '--resume', '--overwrite'], { encoding: 'utf8' });
  assert.equal(both.status, 1);
  assert.match(both.stderr, /--resume and --overwrite exclude each other/);
  const replaced = spawnSync(process.execPath, [...args(output, 6), '--overwrite'], { encoding: 'utf8' });
  assert.equal(replaced.status, 0, replaced.stderr);
  assert.deepEqual(loggedSteps(output), [1, 2, 3, 4, 5, 6]);
});
