/**
 * Zero-shot classification against the formulas of Hugging Face's ZeroShotClassificationPipeline, applied here to
 * the pair logits of BertForSequenceClassification's own forward on (text, hypothesis) with type ids laid out here.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { BertForSequenceClassification } from '../../src/model/heads/sequence-classification.js';
import { pipeline } from '../../src/pipelines/pipeline.js';
import {
  ZeroShotClassificationPipeline, type ZeroShotClassificationCallOptions, type ZeroShotClassificationResult,
} from '../../src/pipelines/zero-shot-classification.js';
import { editConfigJson } from '../helpers/model-folders.js';
import { forwardOne, referenceInputs, SCORE_TOLERANCE, softmax64, spreadOut, tempFolder, tinyConfig, tokenizer } from './pipeline-models.js';
import '../helpers/node-runtime.js';

const NLI = { 0: 'contradiction', 1: 'neutral', 2: 'entailment' };
const model = new BertForSequenceClassification(tinyConfig({ id2label: NLI, label2id: { contradiction: 0, neutral: 1, entailment: 2 } }), { seed: 31 }).eval();
spreadOut(model.bert.embeddings.token_type_embeddings.weight, model.classifier.weight);
const dir = tempFolder('zero-shot');
model.savePretrained(dir, tokenizer);

const TEXT = 'The team won the match in the last minute.';
const LABELS = ['sports', 'politics', 'cooking'];

function pairLogits(text: string, hypothesis: string, of = model): Float64Array {
  const { ids, typeIds } = referenceInputs(text, hypothesis);
  return forwardOne((inputs) => of.forward(inputs), (output) => output.logits, ids, typeIds);
}

function assertResult(actual: ZeroShotClassificationResult, labels: readonly string[], scores: readonly number[], what: string): void {
  const order = labels.map((_, j) => j).sort((a, b) => scores[b]! - scores[a]!);
  assert.deepEqual(actual.labels, order.map((j) => labels[j]), `${what}: labels best first`);
  actual.scores.forEach((score, k) => assert.ok(Math.abs(score - scores[order[k]!]!) <= SCORE_TOLERANCE, `${what}: ${actual.labels[k]} ${score} vs ${scores[order[k]!]}`));
}

test('single-label: softmax of the entailment logits over the labels, sorted, through pipeline() of a folder', async () => {
  const classifier = await pipeline('zero-shot-classification', dir);
  assert.ok(classifier instanceof ZeroShotClassificationPipeline);
  const result = await classifier(TEXT, LABELS);
  assert.equal(result.sequence, TEXT);
  const entailment = LABELS.map((label) => pairLogits(TEXT, `This example is ${label}.`)[2]!);
  assertResult(result, LABELS, softmax64(entailment), 'single-label');
  assert.ok(Math.abs(result.scores.reduce((a, b) => a + b, 0) - 1) < 1e-9, 'scores sum to 1');
});

test('multi_label: each label its softmax over [contradiction, entailment]; one label is scored so too', async () => {
  const classifier = new ZeroShotClassificationPipeline(model, tokenizer);
  const own = (label: string): number => {
    const logits = pairLogits(TEXT, `This example is ${label}.`);
    return softmax64([logits[0]!, logits[2]!])[1]!;
  };
  assertResult(await classifier(TEXT, LABELS, { multi_label: true }), LABELS, LABELS.map(own), 'multi-label');
  assertResult(await classifier(TEXT, ['sports']), ['sports'], [own('sports')], 'one label');
});

test('hypothesis_template and comma-separated labels as Hugging Face reads them', async () => {
  const classifier = new ZeroShotClassificationPipeline(model, tokenizer);
  const template = 'The topic is {} indeed.';
  const result = await classifier(TEXT, 'sports, politics ,cooking', { hypothesis_template: template });
  assertResult(result, LABELS, softmax64(LABELS.map((label) => pairLogits(TEXT, `The topic is ${label} indeed.`)[2]!)), 'template');
});

test('an array of texts equals single calls; the batch seam reads {"text", "labels"} lines', async () => {
  const classifier = new ZeroShotClassificationPipeline(model, tokenizer);
  const texts = [TEXT, 'Add salt and stir the soup.', ''];
  const batch = await classifier(texts, LABELS, { multi_label: true });
  for (const [i, text] of texts.entries()) assert.deepEqual(batch[i]!.labels, (await classifier(text, LABELS, { multi_label: true })).labels);
  for (const [i, text] of texts.entries()) {
    const single = await classifier(text, LABELS, { multi_label: true });
    batch[i]!.scores.forEach((score, k) => assert.ok(Math.abs(score - single.scores[k]!) <= SCORE_TOLERANCE));
  }
  const input = classifier.inputFromJson({ text: 'a', labels: ['x', 'y'] });
  assert.deepEqual(input, { text: 'a', labels: ['x', 'y'] });
  assert.throws(() => classifier.inputFromJson({ text: 'a' }), { name: 'ValueError', message: /candidate labels must be a list of strings or a comma-separated string, got undefined/ });
  assert.throws(() => classifier.inputFromJson({ text: 'a', labels: [] }), { name: 'ValueError', message: 'zero-shot-classification: no candidate labels: at least one is needed' });
  const options = classifier.checkOptions({ multi_label: 'true' });
  assert.deepEqual(options, { hypothesis_template: 'This example is {}.', multi_label: true });
  assert.equal(classifier.lengthOf(input, options), referenceInputs('a', 'This example is x.').ids.length + referenceInputs('a', 'This example is y.').ids.length);
});

test('entailment as label 0: contradiction is then the last label, as Hugging Face picks it', async () => {
  const flipped = new BertForSequenceClassification(tinyConfig({ id2label: { 0: 'ENTAILMENT', 1: 'neutral', 2: 'contradiction' }, label2id: { ENTAILMENT: 0, neutral: 1, contradiction: 2 } }), { seed: 32 }).eval();
  const classifier = new ZeroShotClassificationPipeline(flipped, tokenizer);
  assert.equal(classifier.entailmentId, 0);
  assert.equal(classifier.contradictionId, 2);
  const own = LABELS.map((label) => {
    const logits = pairLogits(TEXT, `This example is ${label}.`, flipped);
    return softmax64([logits[2]!, logits[0]!])[1]!;
  });
  assertResult(await classifier(TEXT, LABELS, { multi_label: true }), LABELS, own, 'flipped');
});

test('a model without an entailment label is a ConfigError naming the folder; a template without {} a ValueError', async () => {
  const plain = tempFolder('zero-shot-no-nli');
  model.savePretrained(plain, tokenizer);
  editConfigJson(plain, (json) => {
    json['id2label'] = { 0: 'negative', 1: 'neutral', 2: 'positive' };
    json['label2id'] = { negative: 0, neutral: 1, positive: 2 };
  });
  await assert.rejects(pipeline('zero-shot-classification', plain), {
    name: 'ConfigError',
    message: `zero-shot-classification: ${plain} has no entailment label (id2label: negative, neutral, positive); it needs a model fine-tuned on NLI with a label named "entailment"`,
  });
  const classifier = new ZeroShotClassificationPipeline(model, tokenizer);
  await assert.rejects(classifier(TEXT, LABELS, JSON.parse('{"hypothesis_template": "About this."}') as ZeroShotClassificationCallOptions), {
    name: 'ValueError', message: 'zero-shot-classification: option hypothesis_template "About this." has no {} for the label',
  });
});
