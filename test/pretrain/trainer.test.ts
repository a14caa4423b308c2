/** The pre-training loop: it learns, it resumes exactly, it writes what it promises, it stops on a NaN. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/errors.js';
import { bertConfigPreset } from '../../src/model/config.js';
import { runPretraining, TrainingDivergedError, type PretrainOptions } from '../../src/pretrain/trainer.js';
import { listCheckpoints } from '../../src/train/checkpoint.js';
import { dynamicMasker } from '../../src/pretrain/masking.js';
import { syntheticInstances } from '../helpers/synthetic-instances.js';
import '../helpers/node-runtime.js';

const config = bertConfigPreset('tiny', {
  vocabSize: 30, hiddenSize: 32, numAttentionHeads: 2, intermediateSize: 64, numHiddenLayers: 2, maxPositionEmbeddings: 32,
});

function options(output: string, overrides: Partial<PretrainOptions> = {}): PretrainOptions {
  return {
    config, train: syntheticInstances(64, 17, 30, 1), eval: syntheticInstances(16, 17, 30, 2), output,
    batchSize: 8, gradAccum: 1, steps: 40, lr: 5e-3, warmupSteps: 4, weightDecay: 0.01, maxGradNorm: 1, seed: 7, padId: 0,
    logEvery: 5, evalEvery: 20, saveEvery: 20, keepLast: 2, resume: false, ...overrides,
  };
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'tsbert-pretrain-'));
}

test('an interrupted run resumed from its step-20 checkpoint ends bit-identical to an uninterrupted one', async () => {
  const whole = scratch();
  const broken = scratch();
  try {
    await runPretraining(options(whole));
    // Stop after step 25 (as a kill would), then throw away what a kill would not have saved.
    let steps = 0;
    const first = await runPretraining(options(broken, { shouldStop: () => ++steps > 25 }));
    assert.equal(first.stoppedEarly, true);
    rmSync(join(broken, 'checkpoint-25'), { recursive: true });
    rmSync(join(broken, 'final'), { recursive: true });
    const resumed = await runPretraining(options(broken, { resume: true }));
    assert.equal(resumed.resumedFrom, 20);
    assert.deepEqual(readFileSync(join(broken, 'final', 'model.safetensors')), readFileSync(join(whole, 'final', 'model.safetensors')));
    // metrics.jsonl keeps one history: the killed run's entries past step 20 were dropped on resume.
    const steps_ = readFileSync(join(broken, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { step: number; loss?: number }))
      .filter((e) => e.loss !== undefined).map((e) => e.step);
    assert.deepEqual(steps_, [5, 10, 15, 20, 25, 30, 35, 40]);
  } finally {
    rmSync(whole, { recursive: true, force: true });
    rmSync(broken, { recursive: true, force: true });
  }
});

test('training lowers the loss, writes metrics, a loss curve, checkpoints (keeping the last N) and a final folder', async () => {
  const dir = scratch();
  try {
    const result = await runPretraining(options(dir, { steps: 60, saveEvery: 10, keepLast: 2 }));
    const entries = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    const losses = entries.filter((e) => e['loss'] !== undefined).map((e) => e['loss']!);
    assert.ok(losses[losses.length - 1]! < losses[0]! * 0.9, `loss ${losses[0]} → ${losses[losses.length - 1]}`);
    assert.ok(readFileSync(join(dir, 'loss-curve.svg'), 'utf8').startsWith('<svg'));
    assert.deepEqual(listCheckpoints(dir).map((c) => c.step), [50, 40]);
    assert.ok(existsSync(join(result.finalDir, 'model.safetensors')) && existsSync(join(result.finalDir, 'config.json')));
    assert.ok(result.lastEval !== undefined && (result.lastEval.eval_nsp_accuracy ?? 0) > 0.5, `NSP ${result.lastEval?.eval_nsp_accuracy}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a loss that becomes NaN stops with the step and a hint, and no checkpoint is written after it', async () => {
  const dir = scratch();
  try {
    await assert.rejects(runPretraining(options(dir, { lr: 1e30, maxGradNorm: 0, steps: 30, saveEvery: 1 })), (error) => {
      assert.ok(error instanceof TrainingDivergedError);
      assert.match(error.message, /at step \d+/);
      assert.match(error.message, /--lr/);
      return true;
    });
    for (const { dir: checkpoint } of listCheckpoints(dir)) {
      const weights = readFileSync(join(checkpoint, 'model.safetensors'));
      const floats = new Float32Array(weights.buffer, weights.byteOffset + weights.length - 64, 16);
      assert.ok(floats.every(Number.isFinite), `${checkpoint} holds finite weights`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with dynamic masking the masks change every read, and a resumed run still ends bit-identical', async () => {
  const masker = dynamicMasker({ maskedLmProb: 0.15, maxPredictionsPerSeq: 5, clsId: 1, sepId: 2, maskId: 3, vocabSize: 30 });
  const seen: string[] = [];
  const recording: typeof masker = (ids, rng) => {
    const masked = masker(ids, rng);
    seen.push(Array.from(masked.maskedPositions).join(','));
    return masked;
  };
  const whole = scratch();
  const broken = scratch();
  try {
    const small = { train: syntheticInstances(8, 17, 30, 1), steps: 12, saveEvery: 6, evalEvery: 0 };
    await runPretraining(options(whole, { ...small, dynamicMasking: recording }));
    // 12 steps × 8 instances read the 8 instances 12 times: their masks must not repeat epoch after epoch.
    assert.notDeepEqual(seen.slice(0, 8), seen.slice(8, 16));
    let steps = 0;
    await runPretraining(options(broken, { ...small, dynamicMasking: masker, shouldStop: () => ++steps > 8 }));
    rmSync(join(broken, 'checkpoint-8'), { recursive: true });
    rmSync(join(broken, 'final'), { recursive: true });
    const resumed = await runPretraining(options(broken, { ...small, dynamicMasking: masker, resume: true }));
    assert.equal(resumed.resumedFrom, 6);
    assert.deepEqual(readFileSync(join(broken, 'final', 'model.safetensors')), readFileSync(join(whole, 'final', 'model.safetensors')));
  } finally {
    rmSync(whole, { recursive: true, force: true });
    rmSync(broken, { recursive: true, force: true });
  }
});

test('a folder that holds a run is refused; --overwrite clears it; --resume without a checkpoint starts a clean run', async () => {
  const dir = scratch();
  try {
    const short = { steps: 10, saveEvery: 5, evalEvery: 0, logEvery: 5 };
    await runPretraining(options(dir, short));
    writeFileSync(join(dir, 'notes.txt'), 'the user\'s own file');
    await assert.rejects(runPretraining(options(dir, short)), (error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /already holds a training run \(checkpoint-5, final, loss-curve\.svg, metrics\.jsonl\).*--resume.*--overwrite/);
      return true;
    });
    // A longer run over the old one: nothing of the first run survives, the user's file does.
    await runPretraining(options(dir, { ...short, steps: 20, overwrite: true }));
    assert.deepEqual(listCheckpoints(dir).map((c) => c.step), [15, 10]);
    assert.deepEqual(loggedSteps(dir), [5, 10, 15, 20]);
    assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'the user\'s own file');

    // --resume where every checkpoint is gone: a fresh history, not the old run's metrics followed by new ones.
    for (const { dir: checkpoint } of listCheckpoints(dir)) rmSync(checkpoint, { recursive: true });
    const logs: string[] = [];
    const resumed = await runPretraining(options(dir, { ...short, resume: true, onLog: (m) => logs.push(m) }));
    assert.equal(resumed.resumedFrom, undefined);
    assert.ok(logs.some((m) => /no complete checkpoint/.test(m)), logs.join('\n'));
    assert.deepEqual(loggedSteps(dir), [5, 10]);
    assert.deepEqual(listCheckpoints(dir).map((c) => c.step), [5]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the loss curve is redrawn only at steps that log or evaluate, not every step after the first evaluation', async () => {
  const dir = scratch();
  try {
    const curve = join(dir, 'loss-curve.svg');
    // Each write renames a new file into place: a new inode or modification time marks one.
    const versions: string[] = [];
    const record = (): void => {
      if (!existsSync(curve)) return;
      const stat = statSync(curve, { bigint: true });
      const version = `${stat.ino}:${stat.mtimeNs}`;
      if (versions[versions.length - 1] !== version) versions.push(version);
    };
    await runPretraining(options(dir, { steps: 40, logEvery: 10, evalEvery: 8, saveEvery: 0, onProgress: record }));
    record();
    // Steps 8, 10, 16, 20, 24, 30, 32, 40 log or evaluate: 8 writes (onProgress runs before a step's write, so the
    // step-40 one is seen by the last record()). The bug redrew it at every step from 8 on: 33 writes.
    assert.equal(versions.length, 8);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function loggedSteps(dir: string): number[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n')
    .map((l) => JSON.parse(l) as { step: number; loss?: number }).filter((e) => e.loss !== undefined).map((e) => e.step);
}
