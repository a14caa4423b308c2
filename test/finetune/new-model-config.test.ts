/**
 * New models for `finetune --config --model-type`: a preset's sizes in each family's config (Hugging Face's keys and
 * defaults: RoBERTa's positions after padding_idx, DistilBERT's dim/n_layers, ALBERT's 128-wide embeddings), the
 * special ids the tokenizer's; a config file's model_type and vocab_size must agree.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/errors.js';
import { newModelConfig } from '../../src/finetune/new-model-config.js';
import { taskTokenizer } from '../../src/finetune/task-tokenizer.js';
import { modelClassFor } from '../../src/model/registry.js';
import { AlbertTokenizer } from '../../src/tokenizer/albert-tokenizer.js';
import '../helpers/node-runtime.js';

const roberta = taskTokenizer({ family: 'roberta', vocabJson: 'test/fixtures/tokenizer/bpe/vocab.json', merges: 'test/fixtures/tokenizer/bpe/merges.txt' }, false);
const albert = taskTokenizer({ family: 'albert', sentencePiece: 'test/fixtures/reference/unigram/albert-3000.model' }, false);
const wordPiece = taskTokenizer({ family: 'distilbert', vocabTxt: 'assets/bert-base-uncased-vocab.txt', lowercase: true }, false);

test('presets in each family\'s config: sizes, positions and the tokenizer\'s special ids', () => {
  const r = newModelConfig('roberta', 'tiny', roberta);
  assert.deepEqual([r.modelType, r.vocabSize], ['roberta', 2000]);
  assert.deepEqual(
    ['hiddenSize', 'numHiddenLayers', 'maxPositionEmbeddings', 'typeVocabSize', 'padTokenId', 'bosTokenId', 'eosTokenId', 'layerNormEps'].map((k) => Reflect.get(r, k)),
    [128, 2, 514, 1, 1, 0, 2, 1e-5]);
  // 514 positions after padding_idx 1: 512 tokens, as roberta-base.
  assert.equal(modelClassFor('roberta', 'base', 'test').create(r).encoderModel().maxInputTokens, 512);

  const d = newModelConfig('distilbert', 'mini', wordPiece);
  assert.deepEqual(['modelType', 'dim', 'nLayers', 'nHeads', 'hiddenDim', 'vocabSize'].map((k) => Reflect.get(d, k)), ['distilbert', 256, 4, 4, 1024, 30522]);

  const a = newModelConfig('albert', 'tiny', albert);
  assert.ok(albert instanceof AlbertTokenizer);
  assert.deepEqual(['embeddingSize', 'hiddenSize', 'padTokenId', 'bosTokenId', 'eosTokenId'].map((k) => Reflect.get(a, k)),
    [128, 128, albert.padTokenId, albert.clsTokenId, albert.sepTokenId]);
});

test('a config file: read by the family\'s reader; another model_type or vocab_size is a ConfigError naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-new-config-'));
  try {
    const path = (name: string, json: object): string => {
      writeFileSync(join(dir, name), JSON.stringify(json));
      return join(dir, name);
    };
    const good = path('good.json', { model_type: 'roberta', hidden_size: 32, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 64, max_position_embeddings: 40, type_vocab_size: 1 });
    assert.equal(Reflect.get(newModelConfig('roberta', good, roberta), 'hiddenSize'), 32);
    const bad = (file: string, type: 'roberta' | 'albert', pattern: RegExp): void => {
      assert.throws(() => newModelConfig(type, file, type === 'roberta' ? roberta : albert), (e) => e instanceof ConfigError && e.message.includes(file) && pattern.test(e.message));
    };
    bad(good, 'albert', /model_type "roberta" differs from --model-type albert/);
    bad(path('vocab.json', { model_type: 'roberta', vocab_size: 50265 }), 'roberta', /vocab_size 50265 differs from the tokenizer's 2000 tokens/);
    bad(path('unsupported.json', { model_type: 'roberta', position_embedding_type: 'relative_key' }), 'roberta', /position_embedding_type/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
