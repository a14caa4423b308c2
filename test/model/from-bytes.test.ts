/**
 * fromBytes (the core's loader: a config.json object + a model.safetensors image) against fromPretrained on the same
 * folder (the Node path, reading the files): the same parameters bit for bit, the same loading report, the same new
 * head drawn from the same seed; and bad bytes or a bad config are typed one-line errors naming the source.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError, ConfigError } from '../../src/errors.js';
import { AutoModelForMaskedLM, AutoModelForSequenceClassification } from '../../src/model/auto.js';
import { BertModel } from '../../src/model/bert-model.js';
import { BertForMaskedLM } from '../../src/model/heads/masked-lm.js';
import { BertForSequenceClassification } from '../../src/model/heads/sequence-classification.js';
import type { PreTrainedModel } from '../../src/model/pretrained-model.js';
import type { ModelClass } from '../../src/model/registry.js';
import { fixturePath } from '../helpers/fixtures.js';
import '../helpers/node-runtime.js';

const BERT_TINY = fixturePath('reference', 'bert-tiny');
const SEQUENCE_CLASSIFICATION = fixturePath('reference', 'heads', 'sequence-classification');

function folderBytes(dir: string): { configJson: unknown; weights: Uint8Array } {
  return {
    configJson: JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as unknown,
    weights: new Uint8Array(readFileSync(join(dir, 'model.safetensors'))),
  };
}

function assertSameParameters(actual: PreTrainedModel, expected: PreTrainedModel): void {
  const want = new Map(expected.namedParameters());
  const got = [...actual.namedParameters()];
  assert.deepEqual(got.map(([name]) => name), [...want.keys()]);
  for (const [name, param] of got) assert.deepEqual(param.data, want.get(name)!.data, name);
}

const CASES: [string, string, ModelClass][] = [
  ['BertModel from a pre-training checkpoint (bert. prefix removed)', BERT_TINY, BertModel],
  ['BertForMaskedLM from a pre-training checkpoint (NSP unexpected)', BERT_TINY, BertForMaskedLM],
  ['BertForSequenceClassification from a pre-training checkpoint (a new head, seed 0)', BERT_TINY, BertForSequenceClassification],
  ['BertForSequenceClassification from its own checkpoint', SEQUENCE_CLASSIFICATION, BertForSequenceClassification],
];

for (const [name, dir, ModelClass] of CASES) {
  test(`fromBytes equals fromPretrained: ${name}`, () => {
    const { configJson, weights } = folderBytes(dir);
    const fromFolder = ModelClass.fromPretrained(dir, { quiet: true });
    const fromBytes = ModelClass.fromBytes(configJson, weights, { quiet: true });
    assert.equal(fromBytes.training, false, 'eval mode, as fromPretrained');
    assertSameParameters(fromBytes, fromFolder);
    assert.deepEqual(fromBytes.loadingInfo, fromFolder.loadingInfo);
  });
}

test('fromBytes takes an ArrayBuffer, and bytes at an odd offset (an unaligned view is copied)', () => {
  const { configJson, weights } = folderBytes(BERT_TINY);
  const expected = BertModel.fromBytes(configJson, weights, { quiet: true });
  const buffer = new ArrayBuffer(weights.byteLength);
  new Uint8Array(buffer).set(weights);
  assertSameParameters(BertModel.fromBytes(configJson, buffer, { quiet: true }), expected);
  const shifted = new Uint8Array(weights.length + 1);
  shifted.set(weights, 1);
  assertSameParameters(BertModel.fromBytes(configJson, shifted.subarray(1), { quiet: true }), expected);
});

function assertOneLine(fn: () => unknown, ErrorClass: typeof CheckpointError | typeof ConfigError, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ErrorClass, String(error));
    assert.ok(!error.message.includes('\n'), error.message);
    assert.match(error.message, pattern);
    return true;
  });
}

test('bad bytes or a bad config are typed one-line errors naming the source', () => {
  const { configJson, weights } = folderBytes(BERT_TINY);
  assertOneLine(() => BertModel.fromBytes(configJson, weights.subarray(0, weights.length - 4), { source: 'https://host/m.safetensors' }),
    CheckpointError, /^https:\/\/host\/m\.safetensors: .*after the last tensor|^https:\/\/host\/m\.safetensors: .*outside the data section/);
  assertOneLine(() => BertModel.fromBytes(configJson, new Uint8Array(3)), CheckpointError, /^model\.safetensors: 3 bytes is too short/);
  assertOneLine(() => BertModel.fromBytes({ ...(configJson as object), hidden_size: 24 }, weights),
    CheckpointError, /^model\.safetensors: tensor "bert\.embeddings\.word_embeddings\.weight" has shape \[99, 48\], the model expects \[99, 24\]/);
  assertOneLine(() => BertModel.fromBytes([1, 2], weights), ConfigError, /^config\.json: expected a JSON object/);
  assertOneLine(() => BertModel.fromBytes({ ...(configJson as object), model_type: 'roberta' }, weights), ConfigError, /model_type is "roberta"/);
});

test('Auto classes load from bytes the class of the config\'s model type for their task', () => {
  const tiny = folderBytes(BERT_TINY);
  const masked = AutoModelForMaskedLM.fromBytes(tiny.configJson, tiny.weights, { quiet: true });
  assert.ok(masked instanceof BertForMaskedLM, masked.constructor.name);
  assertSameParameters(masked, BertForMaskedLM.fromPretrained(BERT_TINY, { quiet: true }));
  const { configJson, weights } = folderBytes(SEQUENCE_CLASSIFICATION);
  const { model_type: _, ...withoutModelType } = configJson as Record<string, unknown>;
  const classifier = AutoModelForSequenceClassification.fromBytes(withoutModelType, weights, { quiet: true });
  assert.ok(classifier instanceof BertForSequenceClassification, 'model type from architectures');
  assertOneLine(() => AutoModelForMaskedLM.fromBytes({ ...withoutModelType, architectures: ['GPT2LMHeadModel'] }, weights), ConfigError, /^config\.json: no model_type/);
});
