/**
 * The generic trainer with a task other than pre-training: sequence classification on synthetic data (label 1
 * when token 7 occurs). It learns; with gradient accumulation, dropout and a cosine schedule, a run stopped and
 * resumed ends bit-identical; the lr it logs is the schedule's.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError } from '../../src/errors.js';
import { bertConfigPreset } from '../../src/model/config.js';
import { BertForSequenceClassification } from '../../src/model/heads/sequence-classification.js';
import { AdamW } from '../../src/optim/adamw.js';
import { bertParamGroups } from '../../src/optim/param-groups.js';
import { LrSchedule } from '../../src/optim/schedule.js';
import { Rng, type RngState } from '../../src/tensor/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import type { TaskState } from '../../src/train/checkpoint.js';
import type { MicroBatchOutput } from '../../src/train/train-step.js';
import { train, type TrainerOptions, type TrainingTask } from '../../src/train/trainer.js';
import '../helpers/node-runtime.js';

const VOCAB = 20;
const SEQ = 8;
const BATCH = 8;
const config = bertConfigPreset('tiny', {
  vocabSize: VOCAB, hiddenSize: 32, numAttentionHeads: 2, intermediateSize: 64, numHiddenLayers: 2, maxPositionEmbeddings: SEQ,
  hiddenDropoutProb: 0.1, attentionProbsDropoutProb: 0.1,
});

interface Batch {
  inputIds: Tensor;
  labels: Tensor;
}

class ContainsSevenTask implements TrainingTask<Batch> {
  readonly model = new BertForSequenceClassification(config, { seed: 3 }).train();
  private readonly data = new Rng(11);

  nextBatch(): Batch {
    const ids = new Int32Array(BATCH * SEQ);
    const labels = new Int32Array(BATCH);
    for (let b = 0; b < BATCH; b++) {
      for (let t = 0; t < SEQ; t++) ids[b * SEQ + t] = 1 + this.data.int(VOCAB - 1);
      labels[b] = ids.subarray(b * SEQ, (b + 1) * SEQ).includes(7) ? 1 : 0;
    }
    return { inputIds: new Tensor(ids, [BATCH, SEQ]), labels: new Tensor(labels, [BATCH]) };
  }

  forward(batch: Batch): MicroBatchOutput {
    const out = this.model.forward(batch);
    const logits = out.logits.data;
    let correct = 0;
    batch.labels.ints('labels').forEach((label, b) => {
      if ((logits[2 * b + 1]! > logits[2 * b]! ? 1 : 0) === label) correct++;
    });
    return { loss: out.loss!, metrics: { accuracy: [correct, BATCH] }, tokens: BATCH * SEQ };
  }

  state(): TaskState {
    return { data: this.data.getState(), dropout: this.model.bert.dropoutRng.getState() };
  }

  restore(state: TaskState): void {
    if (!Array.isArray(state['data']) || !Array.isArray(state['dropout'])) throw new CheckpointError('not a ContainsSevenTask state');
    this.data.setState(state['data'] as RngState);
    this.model.bert.dropoutRng.setState(state['dropout'] as RngState);
  }
}

function run(output: string, overrides: Partial<TrainerOptions> = {}, steps = 60): { task: ContainsSevenTask; done: ReturnType<typeof train> } {
  const task = new ContainsSevenTask();
  const done = train(task, {
    output, steps, gradAccum: 2, schedule: new LrSchedule(3e-3, 6, steps, 'cosine'),
    optimizer: new AdamW(bertParamGroups(task.model.namedParameters(), 0.01), { lr: 3e-3 }), maxGradNorm: 1,
    logEvery: 5, evalEvery: 0, saveEvery: 10, keepLast: 0, resume: false, settings: { steps }, curveTitle: 'test', commandName: 'test',
    ...overrides,
  });
  return { task, done };
}

function entries(dir: string): Record<string, number>[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, number>);
}

test('a classification task learns on the generic trainer, and the logged lr is the schedule\'s', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-trainer-'));
  try {
    await run(dir).done;
    const log = entries(dir);
    const first = log[0]!['accuracy']!;
    const last = log[log.length - 1]!['accuracy']!;
    assert.ok(last >= 0.85 && last > first + 0.2, `accuracy ${first} → ${last}`);
    const schedule = new LrSchedule(3e-3, 6, 60, 'cosine');
    // An entry's lr is the one its last step used: the schedule at that (0-based) step.
    for (const entry of log) assert.equal(entry['lr'], schedule.lr(entry['step']! - 1), `step ${entry['step']}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stopped at step 23 and resumed from checkpoint-20, a run with accumulation and dropout ends bit-identical', async () => {
  const whole = mkdtempSync(join(tmpdir(), 'tsbert-trainer-'));
  const broken = mkdtempSync(join(tmpdir(), 'tsbert-trainer-'));
  try {
    await run(whole, {}, 40).done;
    let steps = 0;
    const stopped = await run(broken, { shouldStop: () => ++steps > 23 }, 40).done;
    assert.equal(stopped.stoppedEarly, true);
    rmSync(join(broken, 'checkpoint-23'), { recursive: true });
    const resumed = await run(broken, { resume: true }, 40).done;
    assert.equal(resumed.resumedFrom, 20);
    assert.ok(readFileSync(join(broken, 'final', 'model.safetensors')).equals(readFileSync(join(whole, 'final', 'model.safetensors'))));
  } finally {
    rmSync(whole, { recursive: true, force: true });
    rmSync(broken, { recursive: true, force: true });
  }
});
