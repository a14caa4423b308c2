/**
 * RoBERTa folders in and out: Hugging Face's names and shapes both ways (the reference folders of
 * make_roberta_fixtures.py as the oracle), model_type "roberta", position ids from padding_idx + 1, and the typed
 * errors — a missing encoder weight, a BERT folder given to a RoBERTa class, a setting RoBERTa cannot compute.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError, ConfigError, ValueError } from '../../src/errors.js';
import { readSafetensors, toFloat32, writeSafetensors, type SafetensorsTensor } from '../../src/io/safetensors.js';
import { AutoModel, AutoModelForMaskedLM, AutoModelForSequenceClassification } from '../../src/model/auto.js';
import { BertModel } from '../../src/model/bert-model.js';
import { bertConfigPreset } from '../../src/model/config.js';
import { modelClassFor, registeredModelTypes } from '../../src/model/registry.js';
import { robertaConfig, robertaConfigFromJson } from '../../src/model/roberta/roberta-config.js';
import { positionIdsFromInputIds } from '../../src/model/roberta/roberta-embeddings.js';
import { RobertaForMaskedLM } from '../../src/model/roberta/roberta-masked-lm.js';
import { RobertaModel } from '../../src/model/roberta/roberta-model.js';
import { RobertaForSequenceClassification } from '../../src/model/roberta/roberta-sequence-classification.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { fixturePath } from '../helpers/fixtures.js';
import { editConfigJson } from '../helpers/model-folders.js';
import '../helpers/node-runtime.js';

function withCopy(folder: string, body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-roberta-'));
  try {
    cpSync(fixturePath('reference', 'roberta', folder), dir, { recursive: true });
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function shapes(tensors: ReadonlyMap<string, SafetensorsTensor>): Record<string, number[]> {
  return Object.fromEntries([...tensors].map(([name, tensor]) => [name, [...tensor.shape]]));
}

test('a RoBERTa folder round-trips with Hugging Face names, shapes and model_type roberta', () => {
  for (const folder of ['masked-lm', 'sequence-classification', 'base']) {
    const source = fixturePath('reference', 'roberta', folder);
    const reference = readSafetensors(join(source, 'model.safetensors')).tensors;
    const auto = folder === 'base' ? AutoModel : folder === 'masked-lm' ? AutoModelForMaskedLM : AutoModelForSequenceClassification;
    const model = auto.fromPretrained(source, { quiet: true });
    assert.equal(model.family.modelType, 'roberta');
    const out = mkdtempSync(join(tmpdir(), 'tsbert-roberta-out-'));
    try {
      model.savePretrained(out);
      const saved = readSafetensors(join(out, 'model.safetensors')).tensors;
      // What Hugging Face saves: the reference's tensors less the position_ids buffer (the tied lm_head.decoder.* are
      // in neither).
      const expected = shapes(reference);
      delete expected['roberta.embeddings.position_ids'];
      assert.deepEqual(shapes(saved), expected, `${folder}: names and shapes`);
      for (const [name, tensor] of saved) assert.deepEqual(toFloat32(tensor, name), toFloat32(reference.get(name)!, name), `${folder}: ${name}`);
      const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
      const original = JSON.parse(readFileSync(join(source, 'config.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(config['model_type'], 'roberta');
      assert.deepEqual(config['architectures'], [model.architecture]);
      for (const key of ['max_position_embeddings', 'type_vocab_size', 'layer_norm_eps', 'pad_token_id', 'bos_token_id', 'eos_token_id', 'id2label']) {
        assert.deepEqual(config[key], original[key], `${folder}: config.json ${key}`);
      }
      const again = AutoModelForSequenceClassification.fromPretrained(out, { quiet: true });
      assert.ok(again instanceof RobertaForSequenceClassification, 'the Auto class reads model_type roberta');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
});

test('position ids count real tokens from pad_token_id + 1; padding sits at pad_token_id (create_position_ids_from_input_ids)', () => {
  const model = new RobertaModel(robertaConfig({ vocabSize: 20, hiddenSize: 8, numAttentionHeads: 2, intermediateSize: 16, numHiddenLayers: 1, maxPositionEmbeddings: 10 }));
  const ids = Tensor.fromArray([0, 7, 8, 2, 1, 1, 0, 9, 2, 1, 1, 1], [2, 6], 'int32');
  assert.deepEqual([...positionIdsFromInputIds(ids, 1).data], [2, 3, 4, 5, 1, 1, 2, 3, 4, 1, 1, 1]);
  assert.equal(model.maxInputTokens, 8, 'max_position_embeddings - pad_token_id - 1');
  const tooLong = Tensor.fromArray(new Array<number>(9).fill(5), [1, 9], 'int32');
  assert.throws(() => model.forward({ inputIds: tooLong }), ValueError);
});

test('a RoBERTa checkpoint without an encoder weight is a CheckpointError naming it', () => withCopy('sequence-classification', (dir) => {
  const path = join(dir, 'model.safetensors');
  const tensors = Object.fromEntries(readSafetensors(path).tensors);
  delete tensors['roberta.encoder.layer.1.output.dense.weight'];
  writeSafetensors(path, tensors);
  assert.throws(() => RobertaForSequenceClassification.fromPretrained(dir, { quiet: true }), (error: Error) => {
    assert.ok(error instanceof CheckpointError);
    assert.match(error.message, /lacks the encoder weight roberta\.encoder\.layer\.1\.output\.dense\.weight — it is not a RobertaForSequenceClassification checkpoint/);
    assert.ok(!error.message.includes('\n'));
    return true;
  });
}));

test('an unexpected key is reported as Hugging Face reports it; a new head is initialised and reported', () => withCopy('masked-lm', (dir) => {
  const path = join(dir, 'model.safetensors');
  const tensors = Object.fromEntries(readSafetensors(path).tensors);
  tensors['lm_head.extra.weight'] = { dtype: 'F32', shape: [2], data: new Float32Array(2) };
  writeSafetensors(path, tensors);
  const masked = RobertaForMaskedLM.fromPretrained(dir, { quiet: true });
  assert.deepEqual(masked.loadingInfo, { missingKeys: [], unexpectedKeys: ['lm_head.extra.weight'] });
  const classifier = AutoModelForSequenceClassification.fromPretrained(dir, { quiet: true });
  assert.ok(classifier instanceof RobertaForSequenceClassification);
  assert.deepEqual(classifier.loadingInfo?.missingKeys, ['classifier.dense.weight', 'classifier.dense.bias', 'classifier.out_proj.weight', 'classifier.out_proj.bias']);
}));

test('a checkpoint holding only the tied lm_head.decoder.bias gives it to lm_head.bias', () => withCopy('masked-lm', (dir) => {
  const path = join(dir, 'model.safetensors');
  const tensors = Object.fromEntries(readSafetensors(path).tensors);
  const bias = tensors['lm_head.bias']!;
  delete tensors['lm_head.bias'];
  tensors['lm_head.decoder.bias'] = bias;
  writeSafetensors(path, tensors);
  const model = AutoModelForMaskedLM.fromPretrained(dir, { quiet: true });
  assert.ok(model instanceof RobertaForMaskedLM);
  assert.deepEqual(model.loadingInfo, { missingKeys: [], unexpectedKeys: [] });
  assert.deepEqual(model.lm_head.bias.data, toFloat32(bias, 'lm_head.decoder.bias'));
}));

test('RoBERTa settings it cannot compute, and folders of another family, are ConfigErrors naming the field', () => {
  const base = JSON.parse(readFileSync(fixturePath('reference', 'roberta', 'base', 'config.json'), 'utf8')) as Record<string, unknown>;
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ position_embedding_type: 'relative_key' }, /position_embedding_type is "relative_key": relative position embeddings/],
    [{ is_decoder: true }, /is_decoder is true/],
    [{ bos_token_id: 43 }, /bos_token_id must be an id below vocab_size 43, got 43/],
    [{ max_position_embeddings: 2 }, /max_position_embeddings 2 leaves no position after pad_token_id 1 \+ 1/],
    [{ model_type: 'bert' }, /model_type is "bert", not "roberta": this is not a RoBERTa folder/],
  ];
  for (const [edit, message] of cases) {
    assert.throws(() => robertaConfigFromJson({ ...base, ...edit }, 'config.json'), (error: Error) =>
      error instanceof ConfigError && message.test(error.message) && error.message.startsWith('config.json: '), JSON.stringify(edit));
  }
  withCopy('base', (dir) => {
    assert.throws(() => BertModel.fromPretrained(dir), /model_type is "roberta", not "bert"/);
    editConfigJson(dir, (json) => void (json['model_type'] = 'bert'));
    assert.throws(() => RobertaModel.fromPretrained(dir), /model_type is "bert", not "roberta"/);
  });
});

test('the registry builds each family from its own config and refuses another family\'s', () => {
  assert.deepEqual(registeredModelTypes(), ['bert', 'roberta', 'distilbert', 'albert']);
  const config = robertaConfig({ vocabSize: 30, hiddenSize: 8, numAttentionHeads: 2, intermediateSize: 16, numHiddenLayers: 1 });
  assert.ok(modelClassFor('roberta', 'masked-lm', 'test').create(config) instanceof RobertaForMaskedLM);
  assert.throws(() => modelClassFor('roberta', 'base', 'test').create(bertConfigPreset('tiny')), (error: Error) =>
    error instanceof ConfigError && /RobertaModel: the config's model_type is "bert", not "roberta"/.test(error.message));
  assert.throws(() => modelClassFor('roberta', 'next-sentence-prediction', 'config.json'), /model_type "roberta" has no next-sentence-prediction class/);
});
