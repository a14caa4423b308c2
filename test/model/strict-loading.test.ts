/**
 * Strict loading: a folder of another architecture, a config setting tsbert does not compute, or a checkpoint
 * without an encoder weight is a typed error naming the field or tensor; only a head (or pooler) may be new, and
 * that is reported in Hugging Face's words. (Before: a RoBERTa folder loaded into BertModel with every weight
 * missing and silently random.)
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError, ConfigError } from '../../src/errors.js';
import { readSafetensors, writeSafetensors, type SafetensorsTensor } from '../../src/io/safetensors.js';
import { bertConfigPreset } from '../../src/model/config.js';
import { BertModel } from '../../src/model/bert-model.js';
import { BertForMaskedLM } from '../../src/model/heads/masked-lm.js';
import { BertForSequenceClassification } from '../../src/model/heads/sequence-classification.js';
import { editConfigJson } from '../helpers/model-folders.js';
import '../helpers/node-runtime.js';

const config = bertConfigPreset('tiny', { vocabSize: 40, hiddenSize: 16, numAttentionHeads: 2, intermediateSize: 32, maxPositionEmbeddings: 16 });

function withFolder(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-strict-'));
  try {
    new BertForMaskedLM(config, { seed: 1 }).savePretrained(dir);
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const modelType of ['roberta', 'distilbert', 'deberta']) {
  test(`a ${modelType} folder given to BertModel is a ConfigError naming model_type`, () => withFolder((dir) => {
    editConfigJson(dir, (json) => void (json['model_type'] = modelType));
    assert.throws(() => BertModel.fromPretrained(dir), (error: unknown) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, new RegExp(`config\\.json: model_type is "${modelType}", not "bert"`));
      return true;
    });
  }));
}

for (const [field, value] of [['position_embedding_type', 'relative_key'], ['is_decoder', true], ['tie_word_embeddings', false]] as const) {
  test(`${field}: ${JSON.stringify(value)} is a ConfigError naming the field`, () => withFolder((dir) => {
    editConfigJson(dir, (json) => void (json[field] = value));
    assert.throws(() => BertForMaskedLM.fromPretrained(dir), (error: unknown) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, new RegExp(`config\\.json: ${field} is ${JSON.stringify(value)}: .*not implemented|config\\.json: ${field} is ${JSON.stringify(value)}: the MLM decoder`));
      return true;
    });
  }));
}

test('a checkpoint without bert.encoder.layer.0.output.dense.weight is a CheckpointError naming it', () => withFolder((dir) => {
  const path = join(dir, 'model.safetensors');
  const file = readSafetensors(path);
  const kept: Record<string, SafetensorsTensor> = {};
  for (const name of file.tensors.keys()) if (name !== 'bert.encoder.layer.0.output.dense.weight') kept[name] = file.get(name);
  writeSafetensors(path, kept);
  for (const load of [() => BertForMaskedLM.fromPretrained(dir), () => BertForSequenceClassification.fromPretrained(dir), () => BertModel.fromPretrained(dir)]) {
    assert.throws(load, (error: unknown) => {
      assert.ok(error instanceof CheckpointError, String(error));
      assert.match(error.message, /lacks the encoder weight (bert\.)?encoder\.layer\.0\.output\.dense\.weight/);
      return true;
    });
  }
}));

test('a new head is initialised and reported as Hugging Face reports it; the encoder loads', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning.message);
  process.on('warning', onWarning);
  try {
    const dir = mkdtempSync(join(tmpdir(), 'tsbert-strict-'));
    try {
      const mlm = new BertForMaskedLM(config, { seed: 1 });
      mlm.savePretrained(dir);
      const classifier = BertForSequenceClassification.fromPretrained(dir);
      assert.deepEqual(classifier.loadingInfo!.missingKeys.sort(),
        ['bert.pooler.dense.bias', 'bert.pooler.dense.weight', 'classifier.bias', 'classifier.weight']);
      assert.deepEqual(classifier.bert.embeddings.word_embeddings.weight.data, mlm.bert.embeddings.word_embeddings.weight.data);
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(warnings.some((w) => /^Some weights of BertForSequenceClassification were not initialized from the model checkpoint at .* and are newly initialized: \[.*classifier\.weight.*\]\. You should probably TRAIN/.test(w)), warnings.join('\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    process.removeListener('warning', onWarning);
  }
});
