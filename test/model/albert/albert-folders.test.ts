/**
 * ALBERT folders in and out: a save writes exactly Hugging Face's names, shapes and config.json (model_type "albert",
 * every field kept) and loads back bit for bit; a pre-training folder feeds every head through the Auto classes;
 * the tied decoder keys Hugging Face's own files may carry load as nothing; a missing or misshapen encoder weight
 * and every setting tsbert cannot compute are typed one-line errors naming the field or tensor.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError, ConfigError } from '../../../src/errors.js';
import { readSafetensors, writeSafetensors } from '../../../src/io/safetensors.js';
import {
  ALBERT_DEFAULTS, AlbertForMaskedLM, AlbertForPreTraining, AlbertForQuestionAnswering, AlbertForSequenceClassification,
  ALBERT_FAMILY, AlbertModel,
} from '../../../src/model/albert/index.js';
import { AutoModel, AutoModelForMultipleChoice, AutoModelForTokenClassification } from '../../../src/model/auto.js';
import { BertModel } from '../../../src/model/bert-model.js';
import type { ModelClass } from '../../../src/model/registry.js';
import type { Module } from '../../../src/nn/module.js';
import { fixturePath } from '../../helpers/fixtures.js';
import '../../helpers/node-runtime.js';

const PRETRAINING = fixturePath('reference', 'albert', 'pretraining');
const MODEL = fixturePath('reference', 'albert', 'model-g2-i2');

function withTempDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-albert-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A copy of `from` with config.json edited and model.safetensors' tensors edited. */
function editedFolder(dir: string, from: string, config: (json: Record<string, unknown>) => void, weights: (tensors: Map<string, unknown>) => void = () => {}): string {
  const json = JSON.parse(readFileSync(join(from, 'config.json'), 'utf8')) as Record<string, unknown>;
  config(json);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(json));
  const tensors = new Map<string, unknown>(readSafetensors(join(from, 'model.safetensors')).tensors);
  weights(tensors);
  writeSafetensors(join(dir, 'model.safetensors'), Object.fromEntries(tensors) as Parameters<typeof writeSafetensors>[1]);
  return dir;
}

function assertSameParameters(actual: Module, expected: Module): void {
  const want = new Map(expected.namedParameters());
  assert.deepEqual(actual.namedParameters().map(([name]) => name).sort(), [...want.keys()].sort());
  for (const [name, param] of actual.namedParameters()) assert.deepEqual(param.data, want.get(name)!.data, name);
}

const ROUND_TRIPS: [string, string, ModelClass][] = [['AlbertForPreTraining', PRETRAINING, AlbertForPreTraining], ['AlbertModel', MODEL, AlbertModel]];
for (const [what, folder, Model] of ROUND_TRIPS) {
  test(`${what} round trip: Hugging Face's names, shapes and config.json, and the same weights back`, () => withTempDir((dir) => {
    const model = Model.fromPretrained(folder);
    model.savePretrained(dir);
    const original = readSafetensors(join(folder, 'model.safetensors'));
    const saved = readSafetensors(join(dir, 'model.safetensors'));
    assert.deepEqual([...saved.tensors.keys()].sort(), [...original.tensors.keys()].sort(), 'exactly the reference folder\'s keys');
    for (const [name, tensor] of saved.tensors) {
      assert.deepEqual(tensor.shape, original.get(name).shape, `${name} shape`);
      assert.deepEqual(tensor.data, original.get(name).data, `${name} values`);
    }
    const json = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    const reference = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(json['model_type'], 'albert');
    assert.deepEqual(json['architectures'], [what]);
    for (const [key, value] of Object.entries(reference)) assert.deepEqual(json[key], value, `config.json ${key}`);
    assertSameParameters(AutoModel.fromPretrained(dir).encoderModel(), model.encoderModel());
  }));
}

test('a pre-training folder feeds every head: the encoder is shared, the heads\' own weights are new and reported', () => {
  const pretraining = AlbertForPreTraining.fromPretrained(PRETRAINING);
  const base = AutoModel.fromPretrained(PRETRAINING);
  assert.ok(base instanceof AlbertModel);
  assert.deepEqual(base.loadingInfo!.missingKeys, []);
  assert.deepEqual(base.loadingInfo!.unexpectedKeys.sort(), ['predictions.LayerNorm.bias', 'predictions.LayerNorm.weight', 'predictions.bias',
    'predictions.dense.bias', 'predictions.dense.weight', 'sop_classifier.classifier.bias', 'sop_classifier.classifier.weight']);
  assertSameParameters(base, pretraining.albert);
  const masked = AlbertForMaskedLM.fromPretrained(PRETRAINING);
  assert.deepEqual(masked.loadingInfo!.missingKeys, []);
  assert.ok(masked.loadingInfo!.unexpectedKeys.includes('albert.pooler.weight'), 'AlbertForMaskedLM has no pooler');
  const tokens = AutoModelForTokenClassification.fromPretrained(PRETRAINING, { quiet: true });
  assert.deepEqual(tokens.loadingInfo!.missingKeys, ['classifier.weight', 'classifier.bias']);
  const choices = AutoModelForMultipleChoice.fromPretrained(PRETRAINING, { quiet: true });
  assert.deepEqual(choices.loadingInfo!.missingKeys, ['classifier.weight', 'classifier.bias']);
  assertSameParameters(choices.encoderModel(), pretraining.albert);
});

test('the tied decoder and buffer keys Hugging Face\'s files may hold load as nothing', () => withTempDir((dir) => {
  editedFolder(dir, PRETRAINING, () => {}, (tensors) => {
    const word = tensors.get('albert.embeddings.word_embeddings.weight') as { shape: number[] };
    tensors.set('predictions.decoder.weight', word);
    tensors.set('predictions.decoder.bias', tensors.get('predictions.bias'));
    tensors.set('albert.embeddings.position_ids', { dtype: 'I64', shape: [1, 20], data: new BigInt64Array(20) });
  });
  const model = AlbertForPreTraining.fromPretrained(dir);
  assert.deepEqual(model.loadingInfo, { missingKeys: [], unexpectedKeys: [] });
}));

test('a checkpoint without an encoder weight, or with one of the wrong shape, is a CheckpointError naming it', () => withTempDir((dir) => {
  const layer = 'albert.encoder.albert_layer_groups.1.albert_layers.0.ffn.weight';
  editedFolder(dir, PRETRAINING, () => {}, (tensors) => tensors.delete(layer));
  assert.throws(() => AlbertForPreTraining.fromPretrained(dir), (e: Error) => e instanceof CheckpointError && e.message.includes(layer));
  editedFolder(dir, PRETRAINING, (json) => { json['embedding_size'] = 12; });
  assert.throws(() => AlbertForPreTraining.fromPretrained(dir), (e: Error) => e instanceof CheckpointError && e.message.includes('word_embeddings'));
}));

test('settings tsbert\'s ALBERT cannot compute are ConfigErrors naming the field', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ model_type: 'bert' }, /model_type is "bert", not "albert"/],
    [{ position_embedding_type: 'relative_key' }, /position_embedding_type/],
    [{ num_hidden_groups: 0 }, /num_hidden_groups must be a positive integer/],
    [{ num_hidden_layers: 2, num_hidden_groups: 3 }, /num_hidden_groups 3 exceeds num_hidden_layers 2/],
    [{ inner_group_num: 1.5 }, /inner_group_num must be a positive integer/],
    [{ embedding_size: 'x' }, /embedding_size must be a positive integer/],
    [{ classifier_dropout_prob: 1 }, /classifier_dropout_prob must be null or in \[0, 1\)/],
    [{ hidden_act: 'swish' }, /hidden_act "swish" is not supported/],
    [{ vocab_size: 10, eos_token_id: 10 }, /eos_token_id must be null or an id below vocab_size 10/],
    [{ hidden_size: 20, num_attention_heads: 3 }, /hidden_size 20 is not divisible by num_attention_heads 3/],
  ];
  for (const [json, pattern] of cases) {
    assert.throws(() => ALBERT_FAMILY.configFromJson({ ...json }, 'albert/config.json'), (e: Error) => e instanceof ConfigError
      && e.message.startsWith('albert/config.json: ') && pattern.test(e.message) && !e.message.includes('\n'), JSON.stringify(json));
  }
});

test('a missing field takes AlbertConfig\'s default (gelu_new, no dropout, E 128), as Hugging Face reads config.json', () => {
  const config = ALBERT_FAMILY.configFromJson({ model_type: 'albert' }, 'config.json');
  const { extra, ...fields } = config;
  assert.deepEqual(fields, ALBERT_DEFAULTS);
  assert.deepEqual(extra, {});
});

test('an ALBERT folder is not a BERT one, nor a BERT folder an ALBERT one', () => {
  assert.throws(() => BertModel.fromPretrained(MODEL), (e: Error) => e instanceof ConfigError && /not "bert"/.test(e.message));
  const bert = fixturePath('reference', 'heads', 'sequence-classification');
  assert.throws(() => AlbertForSequenceClassification.fromPretrained(bert), (e: Error) => e instanceof ConfigError && /not "albert"/.test(e.message));
  assert.throws(() => AlbertForQuestionAnswering.create(BertModel.fromPretrained(bert.replace('sequence-classification', 'question-answering')).config),
    (e: Error) => e instanceof ConfigError && /model_type is "bert", not "albert"/.test(e.message));
});
