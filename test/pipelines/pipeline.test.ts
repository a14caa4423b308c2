/** pipeline(task, model): task names and aliases, folders and loaded models, and folders whose head is not the task's. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { BertModel } from '../../src/model/bert-model.js';
import { BertForMaskedLM } from '../../src/model/heads/masked-lm.js';
import { BertForQuestionAnswering } from '../../src/model/heads/question-answering.js';
import { BertForSequenceClassification } from '../../src/model/heads/sequence-classification.js';
import { BertForTokenClassification } from '../../src/model/heads/token-classification.js';
import { FeatureExtractionPipeline } from '../../src/pipelines/feature-extraction.js';
import { FillMaskPipeline } from '../../src/pipelines/fill-mask.js';
import { pipeline, PIPELINE_TASK_ALIASES } from '../../src/pipelines/pipeline.js';
import { QuestionAnsweringPipeline } from '../../src/pipelines/question-answering.js';
import { TextClassificationPipeline } from '../../src/pipelines/text-classification.js';
import { TokenClassificationPipeline } from '../../src/pipelines/token-classification.js';
import { fixturePath } from '../helpers/fixtures.js';
import { editConfigJson } from '../helpers/model-folders.js';
import { tempFolder, tinyConfig, tokenizer } from './pipeline-models.js';
import '../helpers/node-runtime.js';

const classifierDir = tempFolder('pipeline-classifier');
const classifierModel = new BertForSequenceClassification(tinyConfig(), { seed: 41 });
classifierModel.savePretrained(classifierDir, tokenizer);
const PRETRAINING = fixturePath('reference', 'bert-tiny');

test('task names and aliases: sentiment-analysis and classification are text-classification, embeddings feature-extraction', async () => {
  assert.equal(PIPELINE_TASK_ALIASES['classification'], 'text-classification');
  assert.equal(PIPELINE_TASK_ALIASES['ner'], 'token-classification');
  for (const task of ['text-classification', 'sentiment-analysis', 'classification']) {
    const classifier = await pipeline(task, classifierDir);
    assert.ok(classifier instanceof TextClassificationPipeline, task);
    assert.equal(classifier.task, 'text-classification');
  }
  assert.ok(await pipeline('embeddings', classifierDir) instanceof FeatureExtractionPipeline);
  assert.ok(await pipeline('fill-mask', PRETRAINING) instanceof FillMaskPipeline, 'a pre-training folder has the MLM head');
  await assert.rejects(pipeline('summarization', classifierDir), { name: 'ValueError', message: /^pipeline: unknown task "summarization"; tasks: fill-mask, text-classification, / });
});

test('a folder whose head is not the task\'s is a ConfigError naming the folder, its architectures and the task', async () => {
  await assert.rejects(pipeline('fill-mask', classifierDir), {
    name: 'ConfigError', message: `fill-mask: ${classifierDir} holds a BertForSequenceClassification (config.json's architectures), which has no fill-mask head`,
  });
  await assert.rejects(pipeline('text-classification', PRETRAINING), {
    name: 'ConfigError', message: `text-classification: ${PRETRAINING} holds a BertForPreTraining (config.json's architectures), which has no text-classification head`,
  });
  await assert.rejects(pipeline('zero-shot-classification', PRETRAINING), { name: 'ConfigError', message: /which has no zero-shot-classification head/ });
});

test('a folder without architectures must still hold the head\'s weights', async () => {
  const encoderOnly = tempFolder('pipeline-encoder');
  new BertModel(tinyConfig(), { seed: 42 }).savePretrained(encoderOnly, tokenizer);
  editConfigJson(encoderOnly, (json) => {
    delete json['architectures'];
  });
  await assert.rejects(pipeline('text-classification', encoderOnly), {
    name: 'ConfigError',
    message: `text-classification: ${encoderOnly} (architectures: none listed) lacks the BertForSequenceClassification weights "classifier.weight", "classifier.bias"`,
  });
  assert.ok(await pipeline('feature-extraction', encoderOnly) instanceof FeatureExtractionPipeline);
});

test('a loaded model with its tokenizer; without one, or of the wrong class, a typed error', async () => {
  const classifier = await pipeline('text-classification', classifierModel, { tokenizer });
  assert.ok(classifier instanceof TextClassificationPipeline);
  assert.equal((await classifier('fine')).length, 1);
  await assert.rejects(pipeline('text-classification', classifierModel), {
    name: 'ValueError', message: 'pipeline: text-classification over a loaded BertForSequenceClassification needs options.tokenizer',
  });
  await assert.rejects(pipeline('fill-mask', classifierModel, { tokenizer }), {
    name: 'ConfigError', message: 'fill-mask: the given BertForSequenceClassification is a BertForSequenceClassification; fill-mask needs a model with a masked-lm or pretraining head',
  });
  const masked = new BertForMaskedLM(tinyConfig(), { seed: 43 });
  assert.ok(await pipeline('feature-extraction', masked, { tokenizer }) instanceof FeatureExtractionPipeline, 'any head has its encoder');
});

test('token classification (ner) and question answering: folders through the registry, callable, equal to fromPretrained', async () => {
  const taggerDir = tempFolder('pipeline-tagger');
  new BertForTokenClassification(tinyConfig(), { seed: 44 }).savePretrained(taggerDir, tokenizer);
  const ner = await pipeline('ner', taggerDir);
  assert.ok(ner instanceof TokenClassificationPipeline);
  const text = 'Smith lives in Paris.';
  const entities = await ner(text, { ignore_labels: [] });
  assert.equal(entities.length, tokenizer.tokenize(text).length, 'one entity per token with aggregation none and nothing ignored');
  assert.deepEqual(TokenClassificationPipeline.fromPretrained(taggerDir).run(text, { ignore_labels: [] }), entities);

  const qaDir = tempFolder('pipeline-qa');
  new BertForQuestionAnswering(tinyConfig(), { seed: 45 }).savePretrained(qaDir, tokenizer);
  const qa = await pipeline('question-answering', qaDir);
  assert.ok(qa instanceof QuestionAnsweringPipeline);
  const answer = await qa('Where does Smith live?', text);
  assert.ok(!Array.isArray(answer) && text.slice(answer.start, answer.end) === answer.answer);
  assert.deepEqual(QuestionAnsweringPipeline.fromPretrained(qaDir).run({ question: 'Where does Smith live?', context: text }), answer);

  await assert.rejects(pipeline('question-answering', taggerDir), { name: 'ConfigError', message: /holds a BertForTokenClassification .* which has no question-answering head/ });
  await assert.rejects(pipeline('ner', classifierModel, { tokenizer }), {
    name: 'ConfigError', message: 'token-classification: the given BertForSequenceClassification is a BertForSequenceClassification; token-classification needs a model with a token-classification head',
  });
});
