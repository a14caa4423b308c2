/**
 * How fromPretrained holds a checkpoint's memory: one read of model.safetensors, the parameters views into it (no
 * copy per tensor); fromBytes copies, so a model never writes into bytes its caller owns.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BertModel } from '../../src/model/bert-model.js';
import { fixturePath } from '../helpers/fixtures.js';
import '../helpers/node-runtime.js';

const BERT_TINY = fixturePath('reference', 'bert-tiny');

test('fromPretrained reads model.safetensors once: every parameter is a view into that one buffer', () => {
  const model = BertModel.fromPretrained(BERT_TINY);
  const buffers = new Set(model.parameters().map((param) => param.data.buffer));
  assert.equal(buffers.size, 1);
  assert.equal([...buffers][0]!.byteLength, statSync(join(BERT_TINY, 'model.safetensors')).size);
});

test('fromBytes copies: training the model leaves the caller\'s bytes as they were', () => {
  const bytes = new Uint8Array(readFileSync(join(BERT_TINY, 'model.safetensors')));
  const before = bytes.slice();
  const config = JSON.parse(readFileSync(join(BERT_TINY, 'config.json'), 'utf8')) as unknown;
  const model = BertModel.fromBytes(config, bytes);
  for (const param of model.parameters()) {
    assert.notEqual(param.data.buffer, bytes.buffer);
    param.data.fill(7);
  }
  assert.deepEqual(bytes, before);
});
