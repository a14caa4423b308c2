/**
 * Text classification against the model's own forward: every score is softmax/sigmoid (computed here in float64)
 * of BertForSequenceClassification's logits on the input alone, unpadded, with ids and type ids laid out here.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { BertForSequenceClassification } from '../../src/model/heads/sequence-classification.js';
import { pipeline } from '../../src/pipelines/pipeline.js';
import { TextClassificationPipeline, type TextClassificationCallOptions, type TextClassificationResult } from '../../src/pipelines/text-classification.js';
import { setWarningSink } from '../../src/warnings.js';
import { editConfigJson } from '../helpers/model-folders.js';
import { forwardOne, referenceInputs, SCORE_TOLERANCE, softmax64, spreadOut, tempFolder, tinyConfig, tokenizer } from './pipeline-models.js';
import '../helpers/node-runtime.js';

const LABELS = { 0: 'negative', 1: 'neutral', 2: 'positive' };
const config = tinyConfig({ id2label: LABELS, label2id: { negative: 0, neutral: 1, positive: 2 } });
const model = new BertForSequenceClassification(config, { seed: 11 }).eval();
spreadOut(model.bert.embeddings.token_type_embeddings.weight, model.classifier.weight);
const dir = tempFolder('text-classification');
model.savePretrained(dir, tokenizer);

function logitsOf(text: string, pair?: string, of = model): Float64Array {
  const { ids, typeIds } = referenceInputs(text, pair);
  return forwardOne((inputs) => of.forward(inputs), (output) => output.logits, ids, typeIds);
}

/** Results as the pipeline must give them for these logits: all labels by score, best first. */
function expected(logits: Float64Array, scoreOf: (logits: Float64Array) => number[], labels: Record<string, string> = LABELS): TextClassificationResult[] {
  const scores = scoreOf(logits);
  return scores.map((score, i) => ({ label: labels[i]!, score })).sort((a, b) => b.score - a.score);
}

function assertResults(actual: readonly TextClassificationResult[], wanted: readonly TextClassificationResult[], what: string): void {
  assert.deepEqual(actual.map((r) => r.label), wanted.map((r) => r.label), `${what}: labels in order`);
  actual.forEach((r, i) => assert.ok(Math.abs(r.score - wanted[i]!.score) <= SCORE_TOLERANCE, `${what}: ${r.label} ${r.score} vs ${wanted[i]!.score}`));
}

const TEXTS = ['I loved this film, every minute of it.', 'Terrible.', 'the plot was fine but the acting was not'];

test('a folder through pipeline("sentiment-analysis"): softmax of the logits, top_k 1 by default, all labels with top_k null', async () => {
  const classifier = await pipeline('sentiment-analysis', dir);
  assert.ok(classifier instanceof TextClassificationPipeline);
  assert.equal(typeof classifier, 'function', 'callable as transformers.js pipelines are');
  for (const text of TEXTS) {
    const all = expected(logitsOf(text), softmax64);
    assertResults(await classifier(text), all.slice(0, 1), text);
    assertResults(await classifier(text, { top_k: null }), all, `${text} (top_k null)`);
    assertResults(await classifier(text, { top_k: 2 }), all.slice(0, 2), `${text} (top_k 2)`);
    assertResults(await classifier(text, { top_k: 10 }), all, `${text} (top_k above the label count)`);
  }
});

test('arrays take transformers.js\'s shapes and equal single calls: a flat list with top_k 1, a list per text otherwise', async () => {
  const classifier = new TextClassificationPipeline(model, tokenizer);
  const flat = await classifier(TEXTS);
  assert.equal(flat.length, TEXTS.length);
  for (const [i, text] of TEXTS.entries()) assertResults([flat[i] as TextClassificationResult], await classifier(text), `flat ${i}`);
  const nested = await classifier(TEXTS, { top_k: 2 }) as TextClassificationResult[][];
  for (const [i, text] of TEXTS.entries()) assertResults(nested[i]!, await classifier(text, { top_k: 2 }), `nested ${i}`);
  assert.deepEqual(await classifier([]), []);
});

test('function_to_apply: sigmoid and none as Hugging Face\'s pipeline', async () => {
  const classifier = new TextClassificationPipeline(model, tokenizer);
  const logits = logitsOf(TEXTS[0]!);
  assertResults(await classifier(TEXTS[0]!, { top_k: null, function_to_apply: 'sigmoid' }),
    expected(logits, (l) => Array.from(l, (x) => 1 / (1 + Math.exp(-x)))), 'sigmoid');
  assertResults(await classifier(TEXTS[0]!, { top_k: null, function_to_apply: 'none' }), expected(logits, (l) => Array.from(l)), 'none');
});

test('the default function follows the config: sigmoid for multi_label_classification and for one label, none for regression', async () => {
  const sigmoid = (l: Float64Array): number[] => Array.from(l, (x) => 1 / (1 + Math.exp(-x)));
  const multi = new BertForSequenceClassification({ ...config, extra: { problem_type: 'multi_label_classification' } }, { seed: 11 }).eval();
  assertResults(await new TextClassificationPipeline(multi, tokenizer)(TEXTS[1]!, { top_k: null }), expected(logitsOf(TEXTS[1]!, undefined, multi), sigmoid), 'multi-label');
  const one = new BertForSequenceClassification(tinyConfig({ id2label: { 0: 'LABEL_0' }, label2id: { LABEL_0: 0 } }), { seed: 12 }).eval();
  assertResults(await new TextClassificationPipeline(one, tokenizer)(TEXTS[1]!), expected(logitsOf(TEXTS[1]!, undefined, one), sigmoid, { 0: 'LABEL_0' }), 'one label');
  const regression = new BertForSequenceClassification({ ...one.config, extra: { problem_type: 'regression' } }, { seed: 12 }).eval();
  assertResults(await new TextClassificationPipeline(regression, tokenizer)(TEXTS[1]!), expected(logitsOf(TEXTS[1]!, undefined, regression), (l) => Array.from(l), { 0: 'LABEL_0' }), 'regression');
});

test('a text pair {text, text_pair} is classified with the pair as segment B (token type 1)', async () => {
  const classifier = new TextClassificationPipeline(model, tokenizer);
  const pair = { text: 'A man is playing a guitar.', text_pair: 'Someone makes music.' };
  const withTypes = expected(logitsOf(pair.text, pair.text_pair), softmax64);
  assertResults(await classifier(pair, { top_k: null }), withTypes, 'pair');
  // The same ids all in segment A score otherwise: the type ids are what the pair changes.
  const { ids } = referenceInputs(pair.text, pair.text_pair);
  const segmentA = expected(forwardOne((inputs) => model.forward(inputs), (o) => o.logits, ids, ids.map(() => 0)), softmax64);
  const gap = Math.max(...segmentA.map((r) => Math.abs(r.score - withTypes.find((w) => w.label === r.label)!.score)));
  assert.ok(gap > 1000 * SCORE_TOLERANCE, `type ids matter for this model: scores move by ${gap}`);
  const batch = await classifier([pair, TEXTS[0]!], { top_k: null }) as TextClassificationResult[][];
  assertResults(batch[0]!, withTypes, 'pair in a batch');
});

test('an empty text is classified as [CLS] [SEP], as Hugging Face does', async () => {
  const classifier = new TextClassificationPipeline(model, tokenizer);
  assertResults(await classifier('', { top_k: null }), expected(forwardOne((i) => model.forward(i), (o) => o.logits, [tokenizer.clsTokenId, tokenizer.sepTokenId], [0, 0]), softmax64), 'empty');
});

test('a text longer than the model\'s positions is truncated to them, with one warning naming the dropped tokens', async () => {
  const warnings: string[] = [];
  setWarningSink((message, code) => warnings.push(`${code}: ${message}`));
  try {
    const classifier = new TextClassificationPipeline(model, tokenizer);
    const long = Array.from({ length: 300 }, (_, i) => `word${i % 7}`).join(' ');
    const { ids } = referenceInputs(long);
    const kept = [...ids.slice(0, 63), tokenizer.sepTokenId];
    // Measured first as the CLI does (the encoding is kept for the run): the length is the cut one.
    assert.equal(classifier.lengthOf(long), 64);
    const results = await classifier([long, 'short'], { top_k: null }) as TextClassificationResult[][];
    assertResults(results[0]!, expected(forwardOne((i) => model.forward(i), (o) => o.logits, kept, kept.map(() => 0)), softmax64), 'truncated');
    assert.deepEqual(warnings, [`TSBERT_TRUNCATED: text-classification: 1 input was longer than the model's 64 tokens and truncated to them (${ids.length - 64} tokens dropped)`]);
  } finally {
    setWarningSink((message, code) => process.emitWarning(message, { code }));
  }
});

test('a folder without id2label gets transformers\' default names LABEL_0..LABEL_{n-1}', async () => {
  const plain = tempFolder('no-id2label');
  model.savePretrained(plain, tokenizer);
  editConfigJson(plain, (json) => {
    delete json['id2label'];
    delete json['label2id'];
    json['num_labels'] = 3;
  });
  const classifier = await pipeline('text-classification', plain);
  assertResults(await classifier(TEXTS[0]!, { top_k: null }), expected(logitsOf(TEXTS[0]!), softmax64, { 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' }), 'default labels');
});

test('bad options and inputs are ValueErrors naming the option, its valid values or the field', async () => {
  const classifier = new TextClassificationPipeline(model, tokenizer);
  const options = (json: string): TextClassificationCallOptions => JSON.parse(json) as TextClassificationCallOptions;
  await assert.rejects(classifier('x', options('{"topk": 1}')), {
    name: 'ValueError', message: 'text-classification: unknown option "topk"; its options: top_k, function_to_apply',
  });
  await assert.rejects(classifier('x', options('{"function_to_apply": "relu"}')), {
    name: 'ValueError', message: 'text-classification: option function_to_apply must be one of softmax, sigmoid, none, got "relu"',
  });
  await assert.rejects(classifier('x', options('{"top_k": 1.5}')), { name: 'ValueError', message: /option top_k must be null or an integer ≥ 1, got 1.5/ });
  await assert.rejects(classifier(JSON.parse('42') as string), { name: 'ValueError', message: /an input must be a text or \{text, text_pair\}, got 42/ });
  await assert.rejects(classifier(JSON.parse('{"text": "a", "text_pair": 3}') as string), { name: 'ValueError', message: /input field "text_pair" must be a string, got 3/ });
});

test('the batch seam: JSON lines to inputs, CLI option strings, lengths, runBatch equal to single calls', async () => {
  const classifier = new TextClassificationPipeline(model, tokenizer);
  assert.equal(classifier.inputFromJson({ text: 'a' }), 'a');
  assert.deepEqual(classifier.inputFromJson({ text: 'a', text_pair: 'b', label: 1 }), { text: 'a', text_pair: 'b' });
  assert.throws(() => classifier.inputFromJson({ question: 'a' }), { name: 'ValueError', message: 'text-classification: input field "text" must be a string, got undefined' });
  const options = classifier.checkOptions({ top_k: '2', function_to_apply: 'sigmoid' });
  assert.deepEqual(options, { top_k: 2, function_to_apply: 'sigmoid' });
  assert.deepEqual(classifier.checkOptions({ top_k: 'null' }), { top_k: null, function_to_apply: 'softmax' });
  assert.equal(classifier.lengthOf('hello world'), referenceInputs('hello world').ids.length);
  assert.equal(classifier.lengthOf({ text: 'hello', text_pair: 'world' }), 5);
  const batch = classifier.runBatch(TEXTS, options);
  for (const [i, text] of TEXTS.entries()) assertResults(batch[i]!, await classifier(text, { top_k: 2, function_to_apply: 'sigmoid' }), `runBatch ${i}`);
});
