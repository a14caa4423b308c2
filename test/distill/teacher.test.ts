/** Which folders may teach: BERT with an MLM head; other families and heads are ConfigErrors naming config.json. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../helpers/node-runtime.js';
import { loadTeacher } from '../../src/distill/teacher.js';
import { ConfigError } from '../../src/errors.js';
import { bertConfigPreset } from '../../src/model/config.js';
import { distilBertConfig } from '../../src/model/distilbert/distilbert-config.js';
import { DistilBertForMaskedLM } from '../../src/model/distilbert/for-masked-lm.js';
import { BertForPreTraining } from '../../src/model/heads/pretraining.js';
import { BertForTokenClassification } from '../../src/model/heads/token-classification.js';
import { editConfigJson } from '../helpers/model-folders.js';

const dir = mkdtempSync(join(tmpdir(), 'tsbert-teacher-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const BERT = bertConfigPreset('tiny', { vocabSize: 30, hiddenSize: 8, numAttentionHeads: 2, intermediateSize: 12, maxPositionEmbeddings: 16 });

test('a BertForPreTraining folder loads as a teacher, in eval mode', () => {
  const folder = join(dir, 'pretraining');
  new BertForPreTraining(BERT, { seed: 1 }).savePretrained(folder);
  const teacher = loadTeacher(folder);
  assert.equal(teacher.architecture, 'BertForPreTraining');
  assert.equal(teacher.training, false);
});

test('a DistilBERT folder, a token-classification folder and one without architectures are ConfigErrors naming config.json', () => {
  const distil = join(dir, 'distil');
  new DistilBertForMaskedLM(distilBertConfig({ vocabSize: 30, dim: 8, nHeads: 2, hiddenDim: 12, nLayers: 1, maxPositionEmbeddings: 16 })).savePretrained(distil);
  assert.throws(() => loadTeacher(distil), (e: Error) => e instanceof ConfigError && /distil\/config\.json: model_type "distilbert": the teacher must be a BERT model/.test(e.message));
  const tagger = join(dir, 'tagger');
  new BertForTokenClassification(BERT, { seed: 1 }).savePretrained(tagger);
  assert.throws(() => loadTeacher(tagger), (e: Error) => e instanceof ConfigError && /tagger\/config\.json: architectures \["BertForTokenClassification"\]: the teacher needs an MLM head/.test(e.message));
  editConfigJson(tagger, (json) => { delete json['architectures']; });
  assert.throws(() => loadTeacher(tagger), (e: Error) => e instanceof ConfigError && /architectures null: the teacher needs an MLM head \(BertForMaskedLM or BertForPreTraining\)/.test(e.message));
});
