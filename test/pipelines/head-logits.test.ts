/**
 * headLogits against the heads' own forward (the oracle): each input alone, unpadded, through
 * BertForTokenClassification / BertForSequenceClassification.forward. Enough inputs to need several encoder runs,
 * of mixed lengths, so the split into runs and the rows it writes back are what is checked.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { BertForSequenceClassification } from '../../src/model/heads/sequence-classification.js';
import { BertForTokenClassification } from '../../src/model/heads/token-classification.js';
import { headLogits } from '../../src/pipelines/head-logits.js';
import { sequenceClassifierOf, tokenClassifierOf } from '../../src/pipelines/head-readers.js';
import { Rng } from '../../src/tensor/rng.js';
import { forwardOne, tinyConfig } from './pipeline-models.js';

const config = tinyConfig({ id2label: { 0: 'a', 1: 'b', 2: 'c' }, label2id: { a: 0, b: 1, c: 2 } });
const tagger = new BertForTokenClassification(config, { seed: 7 });
const classifier = new BertForSequenceClassification(config, { seed: 8 });
tagger.eval();
classifier.eval();

/** 420 inputs of 1..64 tokens: a run counts each input at its longest (64), so 384 fit in one and the rest go in a second. */
const rng = new Rng(9);
const inputs = Array.from({ length: 420 }, () => {
  const length = 1 + rng.int(64);
  const ids = Array.from({ length }, () => rng.int(config.vocabSize));
  const typeIds = Array.from({ length }, (_, t) => (t < length / 2 ? 0 : 1));
  return { ids, typeIds };
});

const TOLERANCE = 1e-5;

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, where: string): void {
  assert.equal(actual.length, expected.length, `${where}: length`);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) <= TOLERANCE, `${where}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

test('token rows: input i\'s rows are offsets[i] .. offsets[i+1]-1, each equal to the tagger\'s own forward on that input alone', () => {
  const logits = headLogits(tokenClassifierOf(tagger), inputs);
  assert.equal(logits.width, 3);
  assert.equal(logits.offsets[inputs.length], inputs.reduce((n, input) => n + input.ids.length, 0));
  for (const i of [0, 1, 150, 300, 419]) {
    const { ids, typeIds } = inputs[i]!;
    assert.equal(logits.offsets[i + 1]! - logits.offsets[i]!, ids.length);
    const expected = forwardOne((x) => tagger.forward(x), (out) => out.logits, ids, typeIds); // [1, seq, labels]
    assertClose(logits.values.subarray(logits.offsets[i]! * 3, logits.offsets[i + 1]! * 3), expected, `input ${i}`);
  }
});

test('pooled rows: one row per input, equal to the classifier\'s own forward; an encoder without a pooler is a ConfigError', () => {
  const logits = headLogits(sequenceClassifierOf(classifier), inputs);
  assert.deepEqual(Array.from(logits.offsets), Array.from({ length: inputs.length + 1 }, (_, i) => i));
  for (const i of [0, 200, 419]) {
    const { ids, typeIds } = inputs[i]!;
    const expected = forwardOne((x) => classifier.forward(x), (out) => out.logits, ids, typeIds); // [1, labels]
    assertClose(logits.values.subarray(i * 3, (i + 1) * 3), expected, `input ${i}`);
  }
  assert.throws(() => headLogits({ kind: 'rows', encoder: tagger.bert, source: 'pooled', forward: (rows) => classifier.classifier.forward(rows) }, inputs.slice(0, 2)), { name: 'ConfigError', message: /the encoder has no pooler/ });
  assert.deepEqual(headLogits(sequenceClassifierOf(classifier), []), { values: new Float32Array(0), offsets: new Int32Array(1), width: 0 });
});
