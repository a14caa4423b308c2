/**
 * What `tsbert pretrain` builds for each objective and family: the model class (Hugging Face's), the family's preset
 * conventions, the refusals; and what data creation reads of each tokenizer: its special ids and word boundaries.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlbertConfig } from '../../src/model/albert/albert-config.js';
import type { RobertaConfig } from '../../src/model/roberta/roberta-config.js';
import { familyPreset, pretrainingConfig } from '../../src/pretrain/pretraining-config.js';
import { createPretrainingModel, parseModelType } from '../../src/pretrain/pretraining-model.js';
import { loadPretrainingTokenizer } from '../../src/pretrain/pretraining-tokenizer.js';
import { BERT_BASE_UNCASED_VOCAB, fixturePath } from '../helpers/fixtures.js';
import '../helpers/node-runtime.js';

const CONTEXT = { vocabSize: 300, padId: 1, clsId: 0, sepId: 2, maxSeqLength: 64 };

test('each objective trains its Hugging Face class; the other pairings are refused naming both', () => {
  const cases = [
    ['bert', 'bert', 'BertForPreTraining'], ['mlm', 'roberta', 'RobertaForMaskedLM'], ['mlm', 'bert', 'BertForMaskedLM'],
    ['mlm', 'albert', 'AlbertForMaskedLM'], ['albert', 'albert', 'AlbertForPreTraining'],
  ] as const;
  for (const [objective, modelType, architecture] of cases) {
    const model = createPretrainingModel(objective, modelType, familyPreset(modelType, 'tiny', CONTEXT), 1);
    assert.equal(model.model.architecture, architecture);
    assert.equal(model.model.config.modelType, modelType);
  }
  assert.throws(() => parseModelType('roberta', 'albert'), /--model-type: the albert objective trains albert, not "roberta"/);
  assert.throws(() => parseModelType('albert', 'bert'), /the bert objective trains bert, not "albert"/);
});

test("the family presets: RoBERTa's positions after padding_idx, one token type, its special ids; ALBERT's factorised embeddings", () => {
  const roberta = familyPreset('roberta', 'mini', CONTEXT) as RobertaConfig;
  assert.deepEqual([roberta.maxPositionEmbeddings, roberta.typeVocabSize, roberta.padTokenId, roberta.bosTokenId, roberta.eosTokenId, roberta.layerNormEps],
    [64 + 2, 1, 1, 0, 2, 1e-5]);
  assert.deepEqual([roberta.hiddenSize, roberta.numHiddenLayers, roberta.intermediateSize, roberta.vocabSize], [256, 4, 1024, 300]);
  const albert = familyPreset('albert', 'mini', { ...CONTEXT, padId: 0, clsId: 2, sepId: 3 }) as AlbertConfig;
  assert.deepEqual([albert.embeddingSize, albert.numHiddenGroups, albert.hiddenAct, albert.hiddenSize, albert.padTokenId, albert.bosTokenId],
    [128, 1, 'gelu_new', 256, 0, 2]);
});

test('a config.json must be the family\'s, hold the vocabulary and the data\'s positions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-pretrain-config-'));
  try {
    const write = (name: string, json: object): string => {
      const path = join(dir, name);
      writeFileSync(path, JSON.stringify(json));
      return path;
    };
    const sizes = { vocab_size: 300, hidden_size: 32, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 64 };
    const roberta = write('roberta.json', { model_type: 'roberta', ...sizes, max_position_embeddings: 66, pad_token_id: 1 });
    assert.equal(pretrainingConfig('roberta', roberta, CONTEXT).maxPositionEmbeddings, 66);
    assert.throws(() => pretrainingConfig('roberta', roberta, { ...CONTEXT, maxSeqLength: 128 }), /max_position_embeddings 66 is under the 130/);
    assert.throws(() => pretrainingConfig('albert', roberta, CONTEXT), /model_type/);
    assert.throws(() => pretrainingConfig('roberta', roberta, { ...CONTEXT, vocabSize: 301 }), /vocab_size 300 differs from the tokenizer's 301 tokens/);
    assert.throws(() => pretrainingConfig('bert', 'huge', CONTEXT), /neither a preset .* nor a file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tokenizers for pre-training: special ids and word boundaries of byte-level BPE, SentencePiece and WordPiece', () => {
  const bpe = loadPretrainingTokenizer({ tokenizer: fixturePath('tokenizer', 'bpe', 'tokenizer.json') }, 'test');
  assert.deepEqual([bpe.clsId, bpe.sepId, bpe.padId, bpe.maskId], [0, 2, 1, 4]);
  /** The sentence's pieces joined into the words masking sees. */
  const words = (t: typeof bpe, text: string): string[] => {
    const out: string[] = [];
    for (const id of t.encodeSentence(text)) {
      if (t.continuationFlags()[id] !== 1 || out.length === 0) out.push(t.vocabTokens[id]!);
      else out[out.length - 1] += t.vocabTokens[id]!;
    }
    return out;
  };
  // Each word of the sentence is one candidate, whatever its pieces (Ġ marks a word's start).
  assert.deepEqual(words(bpe, 'The unbelievably quick fox'), ['The', 'Ġunbelievably', 'Ġquick', 'Ġfox']);
  const sp = loadPretrainingTokenizer({ tokenizer: fixturePath('reference', 'unigram', 'albert-3000.model') }, 'test');
  assert.deepEqual([sp.clsId, sp.sepId, sp.maskId, sp.padId].map((id) => sp.vocabTokens[id]), ['[CLS]', '[SEP]', '[MASK]', '<pad>']);
  assert.deepEqual(words(sp, 'the unbelievably quick fox'), ['▁the', '▁unbelievably', '▁quick', '▁fox']);
  const wordPiece = loadPretrainingTokenizer({ vocab: BERT_BASE_UNCASED_VOCAB }, 'test');
  assert.ok(wordPiece.encodeSentence('unbelievably').length > 1, 'a word of several pieces');
  assert.deepEqual(words(wordPiece, 'The unbelievably quick fox').map((w) => w.replaceAll('##', '')), ['the', 'unbelievably', 'quick', 'fox']);
  assert.throws(() => loadPretrainingTokenizer({}, 'pretrain'), /pretrain: give exactly one of --vocab vocab.txt and --tokenizer tokenizer.json/);
});
