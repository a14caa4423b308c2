/**
 * Feature extraction against BertModel's own forward on each text alone: token vectors are its last hidden state,
 * mean pooling the float64 average of those rows, cls the first row, normalize divides by the L2 norm.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { BertModel } from '../../src/model/bert-model.js';
import { FeatureExtractionPipeline, type FeatureExtractionCallOptions } from '../../src/pipelines/feature-extraction.js';
import { pipeline } from '../../src/pipelines/pipeline.js';
import { fixturePath } from '../helpers/fixtures.js';
import { forwardOne, referenceInputs, tempFolder, tinyConfig, tokenizer } from './pipeline-models.js';
import '../helpers/node-runtime.js';

/** Hidden states are float32 from the same kernels, padded or not: they agree to float32 rounding. */
const HIDDEN_TOLERANCE = 1e-5;

const model = new BertModel(tinyConfig(), { seed: 21 }).eval();
const dir = tempFolder('feature-extraction');
model.savePretrained(dir, tokenizer);
const TEXTS = ['The quick brown fox.', 'Jumps over the lazy dog, twice, on a sunny afternoon in May.', 'a'];
const hiddenSize = model.config.hiddenSize;

/** [tokens, hidden] rows of the text's last hidden state, as float64. */
function rowsOf(text: string): Float64Array {
  const { ids, typeIds } = referenceInputs(text);
  return forwardOne((inputs) => model.forward(inputs), (output) => output.lastHiddenState, ids, typeIds);
}

function meanOf(rows: Float64Array): number[] {
  const tokens = rows.length / hiddenSize;
  return Array.from({ length: hiddenSize }, (_, d) => {
    let sum = 0;
    for (let t = 0; t < tokens; t++) sum += rows[t * hiddenSize + d]!;
    return sum / tokens;
  });
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= HIDDEN_TOLERANCE, `${what} [${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

test('one text: token vectors [1, tokens, hidden], the last hidden state; tolist() nests them', async () => {
  const extractor = await pipeline('feature-extraction', dir);
  assert.ok(extractor instanceof FeatureExtractionPipeline);
  const output = await extractor(TEXTS[0]!);
  const rows = rowsOf(TEXTS[0]!);
  assert.deepEqual(output.dims, [1, rows.length / hiddenSize, hiddenSize]);
  assert.equal(output.type, 'float32');
  assertClose(output.data, rows, 'token vectors');
  const list = output.tolist() as number[][][];
  assert.equal(list.length, 1);
  assert.equal(list[0]!.length, rows.length / hiddenSize);
  assert.equal(list[0]![2]![5], output.data[2 * hiddenSize + 5]);
});

test('mean pooling is the average of the text\'s rows; cls and first_token the first row; normalize gives unit norm', async () => {
  const extractor = new FeatureExtractionPipeline(model, tokenizer);
  for (const text of TEXTS) {
    const rows = rowsOf(text);
    const mean = meanOf(rows);
    const pooled = await extractor(text, { pooling: 'mean' });
    assert.deepEqual(pooled.dims, [1, hiddenSize]);
    assertClose(pooled.data, mean, `mean of "${text}"`);
    assertClose((await extractor(text, { pooling: 'cls' })).data, rows.subarray(0, hiddenSize), 'cls');
    assertClose((await extractor(text, { pooling: 'first_token' })).data, rows.subarray(0, hiddenSize), 'first_token');
    const normalized = await extractor(text, { pooling: 'mean', normalize: true });
    const norm = Math.hypot(...mean);
    assertClose(normalized.data, mean.map((x) => x / norm), 'normalized mean');
    assert.ok(Math.abs(Math.hypot(...normalized.data) - 1) < 1e-6, 'unit norm');
    const tokens = await extractor(text, { normalize: true });
    for (let t = 0; t < tokens.dims[1]!; t++) {
      assert.ok(Math.abs(Math.hypot(...tokens.data.subarray(t * hiddenSize, (t + 1) * hiddenSize)) - 1) < 1e-6, `token ${t} unit norm`);
    }
  }
});

test('many texts: [texts, hidden] pooled, rows equal to single calls; unpooled [texts, longest, hidden] with zero rows past each end', async () => {
  const extractor = new FeatureExtractionPipeline(model, tokenizer);
  const pooled = await extractor(TEXTS, { pooling: 'mean', normalize: true });
  assert.deepEqual(pooled.dims, [TEXTS.length, hiddenSize]);
  for (const [i, text] of TEXTS.entries()) {
    assertClose(pooled.data.subarray(i * hiddenSize, (i + 1) * hiddenSize), (await extractor(text, { pooling: 'mean', normalize: true })).data, `row ${i}`);
  }
  const tokens = await extractor(TEXTS);
  const lengths = TEXTS.map((text) => referenceInputs(text).ids.length);
  const longest = Math.max(...lengths);
  assert.deepEqual(tokens.dims, [TEXTS.length, longest, hiddenSize]);
  for (const [i, text] of TEXTS.entries()) {
    const block = tokens.data.subarray(i * longest * hiddenSize, (i + 1) * longest * hiddenSize);
    assertClose(block.subarray(0, lengths[i]! * hiddenSize), rowsOf(text), `text ${i} rows`);
    assert.ok(block.subarray(lengths[i]! * hiddenSize).every((x) => x === 0), `text ${i}: zeros past its end`);
  }
});

test('any BERT folder serves: a pre-training checkpoint gives its encoder', async () => {
  const extractor = await pipeline('embeddings', fixturePath('reference', 'bert-tiny'));
  const output = await extractor('hello', { pooling: 'cls' });
  assert.deepEqual(output.dims, [1, 48]);
});

test('bad options are ValueErrors naming the valid ones; the seam reads {"text"} lines', async () => {
  const extractor = new FeatureExtractionPipeline(model, tokenizer);
  const options = (json: string): FeatureExtractionCallOptions => JSON.parse(json) as FeatureExtractionCallOptions;
  await assert.rejects(extractor('x', options('{"pooling": "max"}')), {
    name: 'ValueError', message: 'feature-extraction: option pooling must be one of none, mean, cls, first_token, got "max"',
  });
  await assert.rejects(extractor('x', options('{"normalise": true}')), {
    name: 'ValueError', message: 'feature-extraction: unknown option "normalise"; its options: pooling, normalize',
  });
  assert.equal(extractor.inputFromJson({ text: 'hi' }), 'hi');
  assert.throws(() => extractor.inputFromJson({ txt: 'hi' }), { name: 'ValueError', message: 'feature-extraction: input field "text" must be a string, got undefined' });
  assert.deepEqual(extractor.checkOptions({ pooling: 'mean', normalize: 'true' }), { pooling: 'mean', normalize: true });
  const [single] = extractor.runBatch(['The quick brown fox.'], { pooling: 'none', normalize: false });
  assertClose(single!.data, rowsOf('The quick brown fox.'), 'runBatch');
});
