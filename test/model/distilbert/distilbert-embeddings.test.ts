/**
 * DistilBERT's Embeddings with explicit position ids (Hugging Face's Embeddings.forward takes them), which the packed
 * encoder path feeds: a padded batch's default positions, packed rows whose positions restart per input, and the
 * ShapeError for position ids that do not match the ids.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { ShapeError } from '../../../src/errors.js';
import { distilBertConfig } from '../../../src/model/distilbert/distilbert-config.js';
import { DistilBertModel } from '../../../src/model/distilbert/distilbert-model.js';
import { noGrad, Tensor } from '../../../src/tensor/tensor.js';

const model = new DistilBertModel(distilBertConfig({ vocabSize: 37, maxPositionEmbeddings: 13, dim: 15, nHeads: 3, hiddenDim: 26, nLayers: 1 }), { seed: 5 }).eval();
const ids = Int32Array.from([5, 9, 2, 30, 7, 11, 3, 8]); // two inputs of 4 tokens

test('position ids 0 .. seq-1 given explicitly embed as the default ones, bit for bit', () => {
  const batch = new Tensor(ids, [2, 4]);
  const positions = new Tensor(Int32Array.from([0, 1, 2, 3, 0, 1, 2, 3]), [2, 4]);
  noGrad(() => assert.deepEqual(model.embeddings.forward(batch, positions).data, model.embeddings.forward(batch).data));
});

test('packed rows [totalTokens] with positions restarting per input embed as each input alone', () => {
  // A 4-token input and a 3-token one back to back.
  const packed = noGrad(() => model.embeddings.forward(new Tensor(ids.subarray(0, 7), [7]), new Tensor(Int32Array.from([0, 1, 2, 3, 0, 1, 2]), [7])));
  assert.deepEqual([...packed.shape], [7, 15]);
  const first = noGrad(() => model.embeddings.forward(new Tensor(ids.subarray(0, 4), [1, 4])));
  const second = noGrad(() => model.embeddings.forward(new Tensor(ids.subarray(4, 7), [1, 3])));
  assert.deepEqual(packed.data.subarray(0, 4 * 15), first.data);
  assert.deepEqual(packed.data.subarray(4 * 15), second.data);
});

test('position ids of another shape, or ids without [batch, seq] and no positions, are ShapeErrors naming them', () => {
  assert.throws(() => model.embeddings.forward(new Tensor(ids, [2, 4]), new Tensor(ids, [8])),
    (error: unknown) => error instanceof ShapeError && error.message === 'DistilBertEmbeddings: position_ids [8] differ from input_ids [2, 4]');
  assert.throws(() => model.embeddings.forward(new Tensor(ids, [8])),
    (error: unknown) => error instanceof ShapeError && /input_ids must be \[batch, seq\], got \[8\]/.test(error.message));
});
