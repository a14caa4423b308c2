/**
 * The committed PyTorch fixtures (reference/make_fixtures.py) are what the model, optimizer and trainer tests trust;
 * these tests check the fixtures themselves: Hugging Face's key set and shapes for config.json, a gradient for every
 * weight, and a manifest that describes each file as it is.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors, toFloat32, toInt32 } from '../../src/io/safetensors.js';

// Compiled to dist/test/io/, so the repository root is three levels up.
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/reference/', import.meta.url));
const BERT_TINY = join(FIXTURES, 'bert-tiny');

interface TinyConfig {
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  max_position_embeddings: number;
  type_vocab_size: number;
  pad_token_id: number;
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** BertForPreTraining's stored tensors and shapes, written out from Hugging Face's module tree. */
function expectedShapes(c: TinyConfig): Map<string, number[]> {
  const h = c.hidden_size;
  const shapes = new Map<string, number[]>([
    ['bert.embeddings.word_embeddings.weight', [c.vocab_size, h]],
    ['bert.embeddings.position_embeddings.weight', [c.max_position_embeddings, h]],
    ['bert.embeddings.token_type_embeddings.weight', [c.type_vocab_size, h]],
    ['bert.embeddings.LayerNorm.weight', [h]],
    ['bert.embeddings.LayerNorm.bias', [h]],
  ]);
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `bert.encoder.layer.${i}.`;
    for (const part of ['query', 'key', 'value']) {
      shapes.set(`${p}attention.self.${part}.weight`, [h, h]);
      shapes.set(`${p}attention.self.${part}.bias`, [h]);
    }
    shapes.set(`${p}attention.output.dense.weight`, [h, h]);
    shapes.set(`${p}attention.output.dense.bias`, [h]);
    shapes.set(`${p}attention.output.LayerNorm.weight`, [h]);
    shapes.set(`${p}attention.output.LayerNorm.bias`, [h]);
    shapes.set(`${p}intermediate.dense.weight`, [c.intermediate_size, h]);
    shapes.set(`${p}intermediate.dense.bias`, [c.intermediate_size]);
    shapes.set(`${p}output.dense.weight`, [h, c.intermediate_size]);
    shapes.set(`${p}output.dense.bias`, [h]);
    shapes.set(`${p}output.LayerNorm.weight`, [h]);
    shapes.set(`${p}output.LayerNorm.bias`, [h]);
  }
  shapes.set('bert.pooler.dense.weight', [h, h]);
  shapes.set('bert.pooler.dense.bias', [h]);
  shapes.set('cls.predictions.bias', [c.vocab_size]);
  shapes.set('cls.predictions.transform.dense.weight', [h, h]);
  shapes.set('cls.predictions.transform.dense.bias', [h]);
  shapes.set('cls.predictions.transform.LayerNorm.weight', [h]);
  shapes.set('cls.predictions.transform.LayerNorm.bias', [h]);
  shapes.set('cls.seq_relationship.weight', [2, h]);
  shapes.set('cls.seq_relationship.bias', [2]);
  return shapes;
}

const config = readJson(join(BERT_TINY, 'config.json')) as TinyConfig;

test('bert-tiny/model.safetensors holds exactly Hugging Face BertForPreTraining keys with config.json shapes', () => {
  const model = readSafetensors(join(BERT_TINY, 'model.safetensors'));
  const expected = expectedShapes(config);
  assert.deepEqual([...model.tensors.keys()].sort(), [...expected.keys()].sort());
  for (const [name, shape] of expected) {
    const tensor = model.get(name);
    assert.equal(tensor.dtype, 'F32', name);
    assert.deepEqual(tensor.shape, shape, name);
  }
  assert.equal(model.metadata.format, 'pt'); // Hugging Face's loader requires it
  // LayerNorm weights are random, not ones, so a test cannot pass with LayerNorm's affine step skipped.
  const gamma = toFloat32(model.get('bert.embeddings.LayerNorm.weight'));
  assert.ok(gamma.some((g) => Math.abs(g - 1) > 0.05));
});

test('bert-tiny/vocab.txt has vocab_size tokens with BERT specials at their ids', () => {
  const tokens = readFileSync(join(BERT_TINY, 'vocab.txt'), 'utf8').split('\n').filter((t) => t.length > 0);
  assert.equal(tokens.length, config.vocab_size);
  assert.deepEqual(tokens.slice(0, 5), ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
  assert.equal(config.pad_token_id, 0);
});

test('bert-tiny/golden.safetensors has inputs with padding, outputs, and a gradient for every weight', () => {
  const golden = readSafetensors(join(BERT_TINY, 'golden.safetensors'));
  const [batch, seq, h, heads] = [3, 11, config.hidden_size, config.num_attention_heads];
  for (const [name, shape] of expectedShapes(config)) assert.deepEqual(golden.get(`grad.${name}`).shape, shape, name);
  assert.deepEqual(golden.get('last_hidden_state').shape, [batch, seq, h]);
  assert.deepEqual(golden.get('pooler_output').shape, [batch, h]);
  assert.deepEqual(golden.get('prediction_logits').shape, [batch, seq, config.vocab_size]);
  assert.deepEqual(golden.get('seq_relationship_logits').shape, [batch, 2]);
  for (let i = 0; i <= config.num_hidden_layers; i++) assert.deepEqual(golden.get(`hidden_states.${i}`).shape, [batch, seq, h]);
  for (let i = 0; i < config.num_hidden_layers; i++) {
    assert.deepEqual(golden.get(`attentions.${i}`).shape, [batch, heads, seq, seq]);
  }
  const loss = toFloat32(golden.get('loss'))[0] ?? NaN;
  const parts = (toFloat32(golden.get('mlm_loss'))[0] ?? NaN) + (toFloat32(golden.get('nsp_loss'))[0] ?? NaN);
  assert.ok(Math.abs(loss - parts) < 1e-5, `loss ${loss} is mlm + nsp ${parts}`);

  const ids = toInt32(golden.get('input_ids'));
  const mask = toInt32(golden.get('attention_mask'));
  const labels = toInt32(golden.get('labels'));
  assert.ok(mask.includes(0), 'some rows are padded');
  for (let i = 0; i < ids.length; i++) {
    if (mask[i] === 0) {
      assert.equal(ids[i], config.pad_token_id, `padding id at ${i}`);
      assert.equal(labels[i], -100, `no label on padding at ${i}`);
    }
  }
  // The [PAD] row's gradient comes only from the tied decoder, so it is not zero.
  const wordGrad = toFloat32(golden.get('grad.bert.embeddings.word_embeddings.weight'));
  assert.ok(wordGrad.subarray(0, h).some((g) => g !== 0));
});

test('manifest.json describes every fixture file and tensor as they are', () => {
  const manifest = readJson(join(FIXTURES, 'manifest.json')) as {
    torch: string;
    command: string;
    files: Record<string, { tensors: Record<string, { dtype: string; shape: number[] }> }>;
  };
  assert.match(manifest.torch, /^1\.13/);
  assert.ok(manifest.command.includes('reference/make_fixtures.py'));
  for (const [file, entry] of Object.entries(manifest.files)) {
    const loaded = readSafetensors(join(FIXTURES, file));
    assert.deepEqual([...loaded.tensors.keys()].sort(), Object.keys(entry.tensors).sort(), file);
    for (const [name, { dtype, shape }] of Object.entries(entry.tensors)) {
      assert.equal(loaded.get(name).dtype, dtype, `${file}: ${name}`);
      assert.deepEqual(loaded.get(name).shape, shape, `${file}: ${name}`);
    }
  }
});
