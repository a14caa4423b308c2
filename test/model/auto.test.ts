/** The Auto classes pick the registry's class from config.json's model_type (or architectures), whatever head was saved. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/errors.js';
import { AutoModel, AutoModelForMaskedLM, AutoModelForSequenceClassification, AutoModelForTokenClassification } from '../../src/model/auto.js';
import { BertModel } from '../../src/model/bert-model.js';
import { bertConfigPreset } from '../../src/model/config.js';
import { BertForMaskedLM } from '../../src/model/heads/masked-lm.js';
import { BertForPreTraining } from '../../src/model/heads/pretraining.js';
import { BertForSequenceClassification } from '../../src/model/heads/sequence-classification.js';
import { BertForTokenClassification } from '../../src/model/heads/token-classification.js';
import { editConfigJson } from '../helpers/model-folders.js';
import '../helpers/node-runtime.js';

const config = bertConfigPreset('tiny', { vocabSize: 40, hiddenSize: 16, numAttentionHeads: 2, intermediateSize: 32, maxPositionEmbeddings: 16 });

function withPreTrainingFolder(body: (dir: string, saved: BertForPreTraining) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-auto-'));
  try {
    const saved = new BertForPreTraining(config, { seed: 4 });
    saved.savePretrained(dir);
    body(dir, saved);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('each Auto class loads its task class from a pre-training folder, with the saved encoder', () => withPreTrainingFolder((dir, saved) => {
  const cases = [
    [AutoModel, BertModel], [AutoModelForMaskedLM, BertForMaskedLM],
    [AutoModelForSequenceClassification, BertForSequenceClassification], [AutoModelForTokenClassification, BertForTokenClassification],
  ] as const;
  for (const [auto, expected] of cases) {
    const model = auto.fromPretrained(dir, { quiet: true });
    assert.ok(model instanceof expected, `${model.architecture} is a ${expected.name}`);
    assert.deepEqual(model.encoderModel().embeddings.word_embeddings.weight.data, saved.bert.embeddings.word_embeddings.weight.data);
  }
}));

test('without model_type the architectures entry tells the model type', () => withPreTrainingFolder((dir) => {
  editConfigJson(dir, (json) => void delete json['model_type']);
  assert.ok(AutoModel.fromPretrained(dir) instanceof BertModel);
  editConfigJson(dir, (json) => void (json['architectures'] = ['SomethingElse']));
  assert.throws(() => AutoModel.fromPretrained(dir), /no model_type, and no architectures entry tsbert knows/);
}));

test('a model type tsbert does not implement is a ConfigError naming it and what is known', () => withPreTrainingFolder((dir) => {
  editConfigJson(dir, (json) => void (json['model_type'] = 'electra'));
  assert.throws(() => AutoModelForMaskedLM.fromPretrained(dir), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /config\.json: model_type "electra" is not implemented \(tsbert knows bert(, [a-z]+)*\)/);
    assert.match(error.message, /knows .*roberta/);
    assert.match(error.message, /knows .*distilbert/);
    assert.match(error.message, /knows .*albert/);
    return true;
  });
}));
