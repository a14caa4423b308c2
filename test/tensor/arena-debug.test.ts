/**
 * Arena debug mode: a tensor read after its arena was recycled reads NaN, not the next step's numbers — and the
 * training and evaluation paths, run in debug mode on every backend, read nothing stale (same result as without).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bertConfigPreset } from '../../src/model/config.js';
import { Arena, POISON_INT32, setArenaDebug, withArena } from '../../src/tensor/arena.js';
import { emptyLike, Tensor } from '../../src/tensor/tensor.js';
import { runPretraining } from '../../src/pretrain/trainer.js';
import { getBackend, setBackend } from '../../src/backend/select.js';
import { backendCases } from '../helpers/backends.js';
import { syntheticInstances } from '../helpers/synthetic-instances.js';
import '../helpers/node-runtime.js';

test('a tensor kept past reset() reads NaN (floats) or POISON_INT32 (ints) in debug mode, and its old values without it', () => {
  for (const poisonOnReset of [true, false]) {
    const arena = new Arena({ poisonOnReset });
    const kept = withArena(arena, () => emptyLike('float32', [4, 8]));
    kept.data.fill(1.5);
    const ids = withArena(arena, () => new Tensor(arena.allocate('int32', 16, true), [16]));
    ids.data.fill(3);
    arena.reset();
    const reused = withArena(arena, () => emptyLike('float32', [4, 8]));
    assert.equal(reused.data.buffer, kept.data.buffer, 'the same memory is handed out again');
    if (poisonOnReset) {
      assert.ok(Number.isNaN(kept.data[0]!) && Number.isNaN(kept.data[31]!));
      assert.equal(ids.data[5], POISON_INT32);
    } else {
      assert.equal(kept.data[0], 1.5);
    }
  }
});

test('pre-training and evaluation read no recycled buffer: debug mode changes neither losses nor weights', async (t) => {
  const config = bertConfigPreset('tiny', {
    vocabSize: 30, hiddenSize: 32, numAttentionHeads: 2, intermediateSize: 64, numHiddenLayers: 2, maxPositionEmbeddings: 32,
  });
  for (const backend of backendCases()) {
    await t.test(backend.name, { skip: backend.skip }, async () => {
      const finals: Buffer[] = [];
      const evals: number[] = [];
      for (const debug of [false, true]) {
        const dir = mkdtempSync(join(tmpdir(), 'tsbert-arena-'));
        setArenaDebug(debug);
        // Set for the whole run, not withBackend: the trainer awaits between steps.
        const previous = getBackend();
        setBackend(backend.backend!);
        try {
          const result = await runPretraining({
            config, train: syntheticInstances(32, 17, 30, 1), eval: syntheticInstances(8, 17, 30, 2), output: dir,
            batchSize: 4, gradAccum: 2, steps: 6, lr: 5e-3, warmupSteps: 1, weightDecay: 0.01, maxGradNorm: 1, seed: 7, padId: 0,
            logEvery: 2, evalEvery: 3, saveEvery: 0, keepLast: 0, resume: false,
          });
          assert.ok(Number.isFinite(result.lastEval!.eval_loss), `eval loss ${result.lastEval!.eval_loss} (debug ${debug})`);
          evals.push(result.lastEval!.eval_loss);
          finals.push(readFileSync(join(dir, 'final', 'model.safetensors')));
        } finally {
          setBackend(previous);
          setArenaDebug(false);
          rmSync(dir, { recursive: true, force: true });
        }
      }
      assert.equal(evals[0], evals[1]);
      assert.ok(finals[0]!.equals(finals[1]!), 'the same weights with and without poisoning');
    });
  }
});
