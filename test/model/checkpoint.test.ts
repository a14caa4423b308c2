/** Hugging Face folders: round trips, name variants, loading reports and bad checkpoints. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError, ConfigError } from '../../src/errors.js';
import { readConfig } from '../../src/model/bert-checkpoint.js';
import { openSafetensors, readSafetensors, writeSafetensors, type SafetensorsTensor } from '../../src/io/safetensors.js';
import { bertConfigPreset, type BertConfig } from '../../src/model/config.js';
import { BertModel } from '../../src/model/bert-model.js';
import { BertForPreTraining } from '../../src/model/heads/pretraining.js';
import { BertForSequenceClassification } from '../../src/model/heads/sequence-classification.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { fixturePath } from '../helpers/fixtures.js';
import '../helpers/node-runtime.js';

const tinyConfig: BertConfig = bertConfigPreset('tiny', { vocabSize: 50, hiddenSize: 24, numAttentionHeads: 3, intermediateSize: 40, maxPositionEmbeddings: 16 });
const inputs = {
  inputIds: Tensor.fromArray([2, 7, 9, 3, 11, 3, 2, 8, 3, 0, 0, 0], [2, 6], 'int32'),
  tokenTypeIds: Tensor.fromArray([0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0], [2, 6], 'int32'),
  attentionMask: Tensor.fromArray([1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0], [2, 6], 'int32'),
};

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'tsbert-ckpt-'));
}

test('save → load gives bit-identical outputs', () => {
  const dir = scratch();
  try {
    const model = new BertForPreTraining(tinyConfig, { seed: 3 }).eval();
    const before = model.forward(inputs);
    model.savePretrained(dir);
    const loaded = BertForPreTraining.fromPretrained(dir);
    assert.deepEqual(loaded.loadingInfo, { missingKeys: [], unexpectedKeys: [] });
    const after = loaded.forward(inputs);
    assert.deepEqual(after.predictionLogits.data, before.predictionLogits.data);
    assert.deepEqual(after.seqRelationshipLogits.data, before.seqRelationshipLogits.data);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a saved folder has exactly Hugging Face BertForPreTraining's tensor names and shapes", () => {
  const dir = scratch();
  try {
    const reference = openSafetensors(fixturePath('reference', 'bert-tiny', 'model.safetensors'));
    const expected = reference.tensorInfos.map((t) => `${t.name} ${t.shape.join('x')}`).sort();
    reference.close();
    BertForPreTraining.fromPretrained(fixturePath('reference', 'bert-tiny')).savePretrained(dir);
    const saved = openSafetensors(join(dir, 'model.safetensors'));
    assert.deepEqual(saved.tensorInfos.map((t) => `${t.name} ${t.shape.join('x')}`).sort(), expected);
    saved.close();
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(config['architectures'], ['BertForPreTraining']);
    assert.equal(config['model_type'], 'bert');
    assert.equal(config['hidden_size'], 48);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('checkpoints without the bert. prefix, with legacy gamma/beta, or with tied copies load the same', () => {
  const dir = scratch();
  try {
    const source = readSafetensors(fixturePath('reference', 'bert-tiny', 'model.safetensors'));
    const renamed: Record<string, SafetensorsTensor> = {};
    for (const [name, tensor] of source.tensors) {
      const key = name.replace(/^bert\./, '').replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta');
      renamed[key] = tensor;
      if (name === 'bert.embeddings.word_embeddings.weight') renamed['cls.predictions.decoder.weight'] = tensor;
    }
    writeFileSync(join(dir, 'config.json'), readFileSync(fixturePath('reference', 'bert-tiny', 'config.json')));
    writeSafetensors(join(dir, 'model.safetensors'), renamed);
    const fromVariant = BertForPreTraining.fromPretrained(dir);
    const fromOriginal = BertForPreTraining.fromPretrained(fixturePath('reference', 'bert-tiny'));
    assert.deepEqual(fromVariant.loadingInfo, { missingKeys: [], unexpectedKeys: [] });
    assert.deepEqual(fromVariant.forward(inputs).predictionLogits.data, fromOriginal.forward(inputs).predictionLogits.data);
    // A bare BertModel takes the prefixed checkpoint too, and reports the heads as unexpected.
    const encoder = BertModel.fromPretrained(fixturePath('reference', 'bert-tiny'));
    assert.deepEqual(encoder.loadingInfo!.missingKeys, []);
    assert.ok(encoder.loadingInfo!.unexpectedKeys.includes('cls.seq_relationship.weight'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a task head on a pre-training checkpoint reports its new weights as missing, as Hugging Face does', () => {
  const model = BertForSequenceClassification.fromPretrained(fixturePath('reference', 'bert-tiny'), { quiet: true });
  assert.deepEqual(model.loadingInfo!.missingKeys.sort(), ['classifier.bias', 'classifier.weight']);
  assert.ok(model.loadingInfo!.unexpectedKeys.includes('cls.predictions.bias'));
});

test('bad checkpoints and configs give typed errors naming the file and the field or tensor', () => {
  const dir = scratch();
  try {
    const config = JSON.parse(readFileSync(fixturePath('reference', 'bert-tiny', 'config.json'), 'utf8')) as Record<string, unknown>;
    const withConfig = (patch: Record<string, unknown>): void => writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...config, ...patch }));
    writeFileSync(join(dir, 'model.safetensors'), readFileSync(fixturePath('reference', 'bert-tiny', 'model.safetensors')));

    withConfig({ num_attention_heads: 0 });
    assert.throws(() => BertForPreTraining.fromPretrained(dir), (e) => e instanceof ConfigError && /num_attention_heads/.test(e.message) && e.message.includes(dir));
    withConfig({ num_attention_heads: 5 });
    assert.throws(() => BertForPreTraining.fromPretrained(dir), (e) => e instanceof ConfigError && /not divisible/.test(e.message));
    withConfig({ hidden_size: 'big' });
    assert.throws(() => BertForPreTraining.fromPretrained(dir), (e) => e instanceof ConfigError && /hidden_size/.test(e.message));
    withConfig({ hidden_act: 'swish' });
    assert.throws(() => BertForPreTraining.fromPretrained(dir), (e) => e instanceof ConfigError && /hidden_act/.test(e.message));
    withConfig({ classifier_dropout: 1.5 });
    assert.throws(() => BertForPreTraining.fromPretrained(dir), (e) => e instanceof ConfigError && /classifier_dropout/.test(e.message));
    withConfig({ problem_type: 'ranking' });
    assert.throws(() => BertForPreTraining.fromPretrained(dir), (e) => e instanceof ConfigError && /problem_type/.test(e.message));
    writeFileSync(join(dir, 'config.json'), '{ not json');
    assert.throws(() => BertForPreTraining.fromPretrained(dir), (e) => e instanceof ConfigError && /config\.json/.test(e.message));

    withConfig({ intermediate_size: 101 });
    assert.throws(() => BertForPreTraining.fromPretrained(dir),
      (e) => e instanceof CheckpointError && /intermediate\.dense\.(weight|bias)/.test(e.message) && /has shape \[100/.test(e.message));

    withConfig({});
    const bytes = readFileSync(fixturePath('reference', 'bert-tiny', 'model.safetensors'));
    writeFileSync(join(dir, 'model.safetensors'), bytes.subarray(0, bytes.length - 100));
    assert.throws(() => BertForPreTraining.fromPretrained(dir), (e) => e instanceof CheckpointError && e.message.includes('model.safetensors'));
    rmSync(join(dir, 'model.safetensors'));
    assert.throws(() => BertForPreTraining.fromPretrained(dir), (e) => e instanceof CheckpointError && /no such file/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('config.json values that crashed or exhausted the reader are ConfigErrors on one line (found by npm run fuzz)', () => {
  const dir = scratch();
  const deep = '['.repeat(50_000) + ']'.repeat(50_000);
  const rejects = (text: string, pattern: RegExp): void => {
    writeFileSync(join(dir, 'config.json'), text);
    assert.throws(() => readConfig(dir), (e: unknown) => e instanceof ConfigError && e.message.includes(join(dir, 'config.json')) && !e.message.includes('\n') && pattern.test(e.message), text.slice(0, 60));
  };
  try {
    // num_labels sized an array of that many labels: 10^9 built a billion labels (gigabytes, minutes), 10^12 threw
    // RangeError: Invalid array length.
    rejects('{"num_labels": 1e12}', /num_labels must be an integer from 1 to 100000, got 1000000000000/);
    rejects('{"num_labels": 1e9}', /num_labels/);
    rejects('{"num_labels": 2.5}', /num_labels/);
    rejects('{"num_labels": "3"}', /num_labels/);
    // Messages quoted the value with JSON.stringify, and id2label names went through String(): both overflow the
    // stack on a value nested 50,000 deep.
    rejects(`{"hidden_size": ${deep}}`, /hidden_size must be a positive integer, got \[\[\[\.\.\.\]\]\]/);
    rejects(`{"layer_norm_eps": ${deep}}`, /layer_norm_eps/);
    rejects(`{"id2label": {"0": ${deep}}}`, /id2label\["0"\] must be a label name/);
    rejects('{"id2label": {"0": {"name": "a"}}}', /id2label\["0"\] must be a label name, got \{"name": "a"\}/);
    // Classifier row i is label i: a gap in the ids shifted every later label by one, a key "x" gave an undefined label.
    rejects('{"id2label": {"0": "a", "1": "b", "3": "c"}}', /id2label's keys must be the ids 0\.\.2; it has "3"/);
    rejects('{"id2label": {"0": "a", "x": "b"}}', /id2label's keys must be the ids 0\.\.1; it has "x"/);
    rejects('{"id2label": {"0": "a", "01": "b"}}', /id2label's keys must be the ids 0\.\.1; it has "01"/);
    // V8's JSON.parse message quotes the text around the error, line breaks included.
    rejects('{"vocab_size": 99,\n\n"hidden_size" 48}', /not valid JSON/);
    writeFileSync(join(dir, 'config.json'), '{"num_labels": 3, "hidden_size": 64, "num_attention_heads": 4}');
    assert.deepEqual(readConfig(dir).id2label, { '0': 'LABEL_0', '1': 'LABEL_1', '2': 'LABEL_2' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
