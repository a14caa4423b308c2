/**
 * The fine-tuning loop on the generic trainer, with a tiny model and a synthetic sentiment set: it learns; the folder
 * it leaves is the best evaluation's model (not the last step's) with its labels; early stopping stops; a run
 * stopped and resumed ends with the same weights as one that ran through.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bertConfigPreset } from '../../src/model/config.js';
import { BertTokenizer } from '../../src/tokenizer/bert-tokenizer.js';
import { Rng } from '../../src/tensor/rng.js';
import type { ClassificationExample } from '../../src/finetune/examples.js';
import type { ClassificationInput } from '../../src/finetune/classification-data.js';
import { evaluateFeatures, runFinetuning, type FinetuneOptions } from '../../src/finetune/finetuning-task.js';
import { finetuningModel, loadFinetuned } from '../../src/finetune/model-setup.js';
import type { FeatureContext } from '../../src/finetune/task-definition.js';
import { classificationTask, type ClassificationFeature } from '../../src/finetune/tasks/classification.js';

const tokenizer = BertTokenizer.fromVocabFile(new URL('../../../assets/bert-base-uncased-vocab.txt', import.meta.url).pathname);
const config = bertConfigPreset('tiny', { vocabSize: tokenizer.vocab.size, hiddenSize: 64, numAttentionHeads: 2, intermediateSize: 128 });

const GOOD = ['wonderful', 'great', 'superb', 'lovely', 'brilliant'];
const BAD = ['awful', 'dreadful', 'boring', 'terrible', 'poor'];
const FILLER = ['the', 'film', 'was', 'really', 'quite', 'acting', 'story', 'and', 'plot'];

function examples(n: number, seed: number): ClassificationExample[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const positive = rng.random() < 0.5;
    const words = Array.from({ length: 2 + rng.int(8) }, () => FILLER[rng.int(FILLER.length)]!);
    words.splice(rng.int(words.length + 1), 0, (positive ? GOOD : BAD)[rng.int(5)]!);
    return { source: `synthetic:${i + 1}`, text: words.join(' '), label: positive ? 'pos' : 'neg' };
  });
}

const train = examples(96, 1);
const dev = examples(32, 2);
const scheme = classificationTask.labelScheme(train, 'train')!;
const preprocessing = { task: 'classification' as const, maxSeqLength: 32 };
const context: FeatureContext = { tokenizer, scheme, preprocessing, training: true };
const trainFeatures = classificationTask.features(train, context).features;
const devFeatures = classificationTask.features(dev, { ...context, training: false }).features;

function options(output: string, overrides: Partial<FinetuneOptions<ClassificationInput, ClassificationFeature>> = {}): FinetuneOptions<ClassificationInput, ClassificationFeature> {
  return {
    definition: classificationTask, runner: finetuningModel(classificationTask as never, { config }, scheme, preprocessing, 4),
    tokenizer, context, train: trainFeatures, dev: { examples: dev, features: devFeatures },
    output, epochs: 4, batchSize: 8, gradAccum: 1, lr: 3e-3, warmupRatio: 0.1, weightDecay: 0.01, maxGradNorm: 1, seed: 4,
    evalEvery: 6, best: { metric: 'accuracy', greaterIsBetter: true }, groupByLength: true, padId: tokenizer.padTokenId,
    logEvery: 2, keepLast: 0, resume: false, overwrite: false, settings: {}, ...overrides,
  };
}

function evalEntries(dir: string): Array<Record<string, number>> {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>)
    .filter((e) => e['eval_accuracy'] !== undefined);
}

test('fine-tuning learns, and the folder it leaves is the best evaluation\'s model with its labels', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-ft-'));
  try {
    const result = await runFinetuning(options(dir));
    assert.equal(result.stepsPerEpoch, 12); // 96 / 8
    assert.equal(result.step, 48);
    const evals = evalEntries(dir);
    assert.equal(evals.length, 8);
    const best = evals.reduce((a, b) => (b['eval_accuracy']! > a['eval_accuracy']! ? b : a));
    assert.equal(result.best!.step, best['step']);
    assert.ok(result.best!.step < result.step, 'the best evaluation is not the last, so keeping the last model would fail below');
    assert.ok(best['eval_accuracy']! >= 0.9, `best dev accuracy ${best['eval_accuracy']}`);
    // The saved folder, evaluated afresh, gives the best evaluation's numbers, not the last one's.
    const { runner, scheme: loaded } = loadFinetuned(classificationTask as never, dir);
    assert.deepEqual({ ...loaded, source: 'train' }, scheme);
    const again = evaluateFeatures(runner, classificationTask, dev, devFeatures, { ...context, training: false }, 8, tokenizer.padTokenId);
    assert.equal(again['eval_accuracy'], best['eval_accuracy']);
    assert.ok(Math.abs(again['eval_loss']! - best['eval_loss']!) < 1e-6, `${again['eval_loss']} vs ${best['eval_loss']}`);
    const saved = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(saved['architectures'], ['BertForSequenceClassification']);
    assert.deepEqual(saved['id2label'], { 0: 'neg', 1: 'pos' });
    assert.equal(saved['problem_type'], 'single_label_classification');
    assert.deepEqual(saved['tsbert_finetuning'], { task: 'classification', max_seq_length: 32 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('early stopping ends the run after `patience` evaluations without improvement', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-ft-'));
  try {
    // A learning rate of 0 never improves on the first evaluation.
    const result = await runFinetuning(options(dir, { lr: 0, evalEvery: 1, best: { metric: 'accuracy', greaterIsBetter: true, patience: 2 } }));
    assert.equal(result.earlyStopped, true);
    assert.equal(result.step, 3);
    assert.equal(result.best!.step, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run stopped and resumed ends with the weights of a run that went through', async () => {
  const straight = mkdtempSync(join(tmpdir(), 'tsbert-ft-'));
  const resumed = mkdtempSync(join(tmpdir(), 'tsbert-ft-'));
  try {
    const noBest = { best: undefined, evalEvery: 6, epochs: 1, gradAccum: 2 } as const;
    await runFinetuning({ ...options(straight), ...noBest });
    let steps = 0;
    await runFinetuning({ ...options(resumed), ...noBest, shouldStop: () => steps++ >= 4 });
    const second = await runFinetuning({ ...options(resumed), ...noBest, resume: true });
    assert.equal(second.resumedFrom, 4);
    assert.ok(readFileSync(join(straight, 'model.safetensors')).equals(readFileSync(join(resumed, 'model.safetensors'))));
  } finally {
    rmSync(straight, { recursive: true, force: true });
    rmSync(resumed, { recursive: true, force: true });
  }
});
