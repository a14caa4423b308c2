/**
 * DistilBERT folders in and out with exactly Hugging Face's names and shapes (model_type "distilbert"), strict
 * loading (a missing encoder weight, another family's folder, a setting tsbert does not compute: typed errors naming
 * the key or field), the Auto classes, and sinusoidal_pos_embds: create_sinusoidal_embeddings' table, never trained.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError, ConfigError, ShapeError, ValueError } from '../../../src/errors.js';
import { readSafetensors, writeSafetensors, type SafetensorsTensor } from '../../../src/io/safetensors.js';
import {
  AutoModel, AutoModelForMaskedLM, AutoModelForMultipleChoice, AutoModelForPreTraining, AutoModelForQuestionAnswering,
  AutoModelForSequenceClassification, AutoModelForTokenClassification,
} from '../../../src/model/auto.js';
import { BertModel } from '../../../src/model/bert-model.js';
import { bertConfigPreset } from '../../../src/model/config.js';
import { modelClassFor } from '../../../src/model/registry.js';
import { distilBertConfig } from '../../../src/model/distilbert/distilbert-config.js';
import { DistilBertModel } from '../../../src/model/distilbert/distilbert-model.js';
import { DistilBertForMaskedLM } from '../../../src/model/distilbert/for-masked-lm.js';
import { DistilBertForQuestionAnswering } from '../../../src/model/distilbert/for-question-answering.js';
import { DistilBertForSequenceClassification } from '../../../src/model/distilbert/for-sequence-classification.js';
import { matmul } from '../../../src/ops/matmul.js';
import { reshape } from '../../../src/ops/reshape.js';
import { backward, Tensor } from '../../../src/tensor/tensor.js';
import { maxAbsoluteError } from '../../helpers/assert-close.js';
import { fixturePath, floatTensor, intTensor, readFixture } from '../../helpers/fixtures.js';
import { HEAD_OUTPUT_ABS_TOLERANCE } from '../../helpers/head-goldens.js';
import { editConfigJson } from '../../helpers/model-folders.js';
import { GOLDEN_HEADS, GOLDENS, goldenDir, readGolden } from './distilbert-goldens.js';
import '../../helpers/node-runtime.js';

/** A copy of a golden folder in a temporary directory, removed afterwards. */
function withCopy(folder: string, body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-distilbert-'));
  try {
    cpSync(goldenDir(folder), dir, { recursive: true });
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function rewriteWeights(dir: string, edit: (tensors: Record<string, SafetensorsTensor>) => void): void {
  const path = join(dir, 'model.safetensors');
  const file = readSafetensors(path);
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const name of file.tensors.keys()) tensors[name] = file.get(name);
  edit(tensors);
  writeSafetensors(path, tensors);
}

function headerOf(path: string): Record<string, number[]> {
  const file = readSafetensors(path);
  return Object.fromEntries([...file.tensors.keys()].sort().map((name) => [name, [...file.get(name).shape]]));
}

for (const { folder, head } of GOLDENS) {
  test(`DistilBERT ${folder}: saved with exactly the folder's keys, shapes and config, and reloaded unchanged`, () => withCopy(folder, (out) => {
    const model = GOLDEN_HEADS[head]!.load(goldenDir(folder));
    model.savePretrained(out);
    assert.deepEqual(headerOf(join(out, 'model.safetensors')), headerOf(join(goldenDir(folder), 'model.safetensors')));
    const original = JSON.parse(readFileSync(join(goldenDir(folder), 'config.json'), 'utf8')) as Record<string, unknown>;
    const saved = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    for (const [key, value] of Object.entries(original)) assert.deepEqual(saved[key], value, `config.json ${key}`);
    assert.equal(saved['model_type'], 'distilbert');
    const reloaded = GOLDEN_HEADS[head]!.load(out);
    const params = new Map(model.namedParameters());
    for (const [name, param] of reloaded.namedParameters()) assert.deepEqual(param.data, params.get(name)!.data, name);
  }));
}

test('an older checkpoint holding the tied vocab_projector.weight loads it as nothing: no unexpected key', () => withCopy('masked-lm', (dir) => {
  rewriteWeights(dir, (tensors) => void (tensors['vocab_projector.weight'] = tensors['distilbert.embeddings.word_embeddings.weight']!));
  assert.deepEqual(DistilBertForMaskedLM.fromPretrained(dir).loadingInfo, { missingKeys: [], unexpectedKeys: [] });
}));

test('a head loads a DistilBertModel folder (bare keys): the encoder loads, the head is new and reported', () => {
  const model = DistilBertForSequenceClassification.fromPretrained(goldenDir('model'), { quiet: true });
  assert.deepEqual(model.loadingInfo!.missingKeys.sort(), ['classifier.bias', 'classifier.weight', 'pre_classifier.bias', 'pre_classifier.weight']);
  const base = DistilBertModel.fromPretrained(goldenDir('model'));
  assert.deepEqual(model.distilbert.wordEmbeddings().data, base.wordEmbeddings().data);
});

test('DistilBertModel loads a head\'s folder: the head\'s keys are unexpected, as Hugging Face reports them', () => {
  const model = DistilBertModel.fromPretrained(goldenDir('sequence-classification'));
  assert.deepEqual(model.loadingInfo!.unexpectedKeys.sort(), ['classifier.bias', 'classifier.weight', 'pre_classifier.bias', 'pre_classifier.weight']);
});

test('a checkpoint without an encoder weight is a CheckpointError naming it', () => withCopy('sequence-classification', (dir) => {
  rewriteWeights(dir, (tensors) => void delete tensors['distilbert.transformer.layer.1.ffn.lin1.weight']);
  assert.throws(() => DistilBertForSequenceClassification.fromPretrained(dir), (error: unknown) => {
    assert.ok(error instanceof CheckpointError, String(error));
    assert.match(error.message, /lacks the encoder weight distilbert\.transformer\.layer\.1\.ffn\.lin1\.weight/);
    return true;
  });
}));

test('a key no parameter takes is reported unexpected', () => withCopy('question-answering', (dir) => {
  rewriteWeights(dir, (tensors) => void (tensors['distilbert.transformer.layer.7.attention.q_lin.weight'] = tensors['qa_outputs.weight']!));
  assert.deepEqual(DistilBertForQuestionAnswering.fromPretrained(dir).loadingInfo!.unexpectedKeys, ['distilbert.transformer.layer.7.attention.q_lin.weight']);
}));

const UNSUPPORTED: [string, unknown, RegExp][] = [
  ['model_type', 'bert', /model_type is "bert", not "distilbert"/],
  ['activation', 'silu', /activation "silu" is not supported/],
  ['tie_word_embeddings', false, /tie_word_embeddings is false: vocab_projector is always tied/],
  ['n_heads', 4, /dim 15 is not divisible by n_heads 4/],
  ['sinusoidal_pos_embds', 'yes', /sinusoidal_pos_embds must be true or false/],
  ['n_layers', 0, /n_layers must be a positive integer/],
  ['seq_classif_dropout', 1.5, /seq_classif_dropout must be in \[0, 1\)/],
];
for (const [field, value, message] of UNSUPPORTED) {
  test(`config.json ${field}: ${JSON.stringify(value)} is a ConfigError naming the field`, () => withCopy('sequence-classification', (dir) => {
    editConfigJson(dir, (json) => void (json[field] = value));
    assert.throws(() => DistilBertForSequenceClassification.fromPretrained(dir), (error: unknown) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, /config\.json: /);
      assert.match(error.message, message);
      return true;
    });
  }));
}

test('tie_weights_ (the original configs\' key) is ignored as Hugging Face ignores it, and kept for the round trip', () => withCopy('masked-lm', (dir) => {
  editConfigJson(dir, (json) => void (json['tie_weights_'] = false));
  const model = DistilBertForMaskedLM.fromPretrained(dir);
  assert.equal(model.config.extra['tie_weights_'], false);
  const golden = readGolden('masked-lm');
  const logits = model.forward({ inputIds: intTensor(golden, 'input_ids'), attentionMask: intTensor(golden, 'attention_mask') }).logits;
  assert.ok(maxAbsoluteError(logits.data, floatTensor(golden, 'logits').data) <= HEAD_OUTPUT_ABS_TOLERANCE, 'vocab_projector still tied');
}));

test('question answering needs 2 labels, as Hugging Face\'s constructor checks', () => {
  assert.throws(() => new DistilBertForQuestionAnswering(distilBertConfig({ id2label: { 0: 'a', 1: 'b', 2: 'c' }, label2id: { a: 0, b: 1, c: 2 } })),
    (error: unknown) => error instanceof ConfigError && /num_labels must be 2/.test(error.message));
});

test('a DistilBERT folder given to BertModel, and a BERT folder given to DistilBertModel, are ConfigErrors naming model_type', () => {
  assert.throws(() => BertModel.fromPretrained(goldenDir('model')), (error: unknown) => error instanceof ConfigError && /model_type is "distilbert", not "bert"/.test(error.message));
  assert.throws(() => DistilBertModel.fromPretrained(fixturePath('reference', 'heads', 'masked-lm')),
    (error: unknown) => error instanceof ConfigError && /model_type is "bert", not "distilbert"/.test(error.message));
});

test('the Auto classes load each DistilBERT folder into its DistilBERT class', () => {
  const cases = [
    [AutoModel, 'model', 'DistilBertModel'],
    [AutoModelForMaskedLM, 'masked-lm', 'DistilBertForMaskedLM'],
    [AutoModelForSequenceClassification, 'sequence-classification', 'DistilBertForSequenceClassification'],
    [AutoModelForTokenClassification, 'token-classification', 'DistilBertForTokenClassification'],
    [AutoModelForQuestionAnswering, 'question-answering', 'DistilBertForQuestionAnswering'],
    [AutoModelForMultipleChoice, 'multiple-choice', 'DistilBertForMultipleChoice'],
  ] as const;
  for (const [Auto, folder, architecture] of cases) {
    const model = Auto.fromPretrained(goldenDir(folder));
    assert.equal(model.architecture, architecture);
    assert.deepEqual(model.loadingInfo, { missingKeys: [], unexpectedKeys: [] }, folder);
  }
  assert.throws(() => AutoModelForPreTraining.fromPretrained(goldenDir('model')),
    (error: unknown) => error instanceof ConfigError && /model_type "distilbert" has no pretraining class/.test(error.message));
});

test('sinusoidal_pos_embds: a fresh model has create_sinusoidal_embeddings\' table (odd dim), which takes no gradient', () => {
  const expected = floatTensor(readFixture('reference', 'distilbert', 'sinusoidal.safetensors'), 'position_embeddings');
  const model = new DistilBertModel(distilBertConfig({ vocabSize: 37, maxPositionEmbeddings: 13, dim: 15, nHeads: 3, hiddenDim: 26, nLayers: 1, sinusoidalPosEmbds: true }), { seed: 3 });
  const table = model.embeddings.position_embeddings.weight;
  assert.deepEqual([...table.shape], [13, 15]);
  for (let i = 0; i < table.size; i++) assert.ok(Math.abs(table.data[i]! - expected.data[i]!) <= 1e-7, `position table [${Math.floor(i / 15)}, ${i % 15}]`);
  const golden = readGolden('model');
  const last = model.train().forward({ inputIds: intTensor(golden, 'input_ids'), attentionMask: intTensor(golden, 'attention_mask') }).lastHiddenState;
  backward(matmul(reshape(last, [1, last.size]), reshape(floatTensor(golden, 'probe'), [last.size, 1])));
  assert.equal(table.grad, null, 'the sinusoidal table is never trained');
  assert.ok(model.embeddings.word_embeddings.weight.grad !== null, 'the word embeddings are');
});

test('sinusoidal_pos_embds: a checkpoint keeps its own position table, as Hugging Face loads it', () => withCopy('model', (dir) => {
  editConfigJson(dir, (json) => void (json['sinusoidal_pos_embds'] = true));
  const model = DistilBertModel.fromPretrained(dir);
  const stored = floatTensor(readSafetensors(join(dir, 'model.safetensors')), 'embeddings.position_embeddings.weight');
  assert.deepEqual(model.embeddings.position_embeddings.weight.data, stored.data);
  assert.equal(model.embeddings.position_embeddings.weight.requiresGrad, false);
}));

test('bad inputs are typed one-line errors naming what is wrong', () => {
  const model = DistilBertModel.fromPretrained(goldenDir('model'));
  const ids = (values: number[], shape: number[]): Tensor => Tensor.fromArray(values, shape, 'int32');
  assert.throws(() => model.forward({ inputIds: ids(new Array(14).fill(5), [1, 14]) }),
    (error: unknown) => error instanceof ValueError && /DistilBertEmbeddings: sequence length 14 exceeds max_position_embeddings 13/.test(error.message));
  assert.throws(() => model.forward({ inputIds: ids([2, 40, 3], [1, 3]) }),
    (error: unknown) => error instanceof ValueError && /id 40 at position 1 is outside the table's 37 rows/.test(error.message));
  assert.throws(() => model.forward({ inputIds: ids([2, 5, 3], [3]) }),
    (error: unknown) => error instanceof ShapeError && /DistilBertModel: input_ids must be \[batch, seq\], got \[3\]/.test(error.message));
  assert.throws(() => model.forward({ inputIds: ids([2, 5, 3], [1, 3]), attentionMask: ids([1, 1], [1, 2]) }),
    (error: unknown) => error instanceof ShapeError && /attention_mask \[1, 2\] differ from input_ids \[1, 3\]/.test(error.message));
});

test('the registry builds a fresh DistilBERT of each task from a config, and refuses a BERT config for it', () => {
  const config = distilBertConfig({ vocabSize: 37, maxPositionEmbeddings: 13, dim: 15, nHeads: 3, hiddenDim: 26, nLayers: 2 });
  for (const task of ['base', 'masked-lm', 'sequence-classification', 'token-classification', 'question-answering', 'multiple-choice'] as const) {
    const model = modelClassFor('distilbert', task, 'test').create(config, { seed: 1 });
    assert.equal(model.family.modelType, 'distilbert');
    assert.ok(model.namedParameters().every(([name]) => !name.startsWith('bert.')), task);
  }
  assert.throws(() => modelClassFor('distilbert', 'base', 'test').create(bertConfigPreset('tiny')),
    (error: unknown) => error instanceof ConfigError && /model_type is "bert", not "distilbert"/.test(error.message));
});
