/**
 * The fill-mask pipeline against independent computations: scores are the softmax of BertForMaskedLM's full
 * forward at each [MASK] (computed here in float64), the order is by score, and every `sequence` is what Hugging
 * Face `tokenizers` (Rust) decodes from the filled-in ids — so "the man went to the the." is the reconstruction
 * Hugging Face gives for a model that predicts "the", not a decoding bug.
 */
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bertConfigPreset } from '../../src/model/config.js';
import { BertForMaskedLM } from '../../src/model/heads/masked-lm.js';
import { FillMaskPipeline, type FillMaskCallOptions, type FillMaskResult } from '../../src/pipelines/fill-mask.js';
import { noGrad, Tensor } from '../../src/tensor/tensor.js';
import { BertTokenizer } from '../../src/tokenizer/bert-tokenizer.js';
import { BERT_BASE_UNCASED_VOCAB } from '../helpers/fixtures.js';
import { referenceTokenizer } from '../tokenizer/reference.js';
import '../helpers/node-runtime.js';

const dir = mkdtempSync(join(tmpdir(), 'tsbert-fill-mask-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const tokenizer = BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB);
const config = bertConfigPreset('tiny', {
  vocabSize: tokenizer.vocab.size, hiddenSize: 32, numAttentionHeads: 2, intermediateSize: 64, numHiddenLayers: 2, maxPositionEmbeddings: 64,
});
const model = new BertForMaskedLM(config, { seed: 5 }).eval();
model.savePretrained(dir, tokenizer);

/** Softmax over the vocabulary of the full forward's logits at `position`, in float64. */
function referenceScores(ids: readonly number[], position: number): Float64Array {
  const seq = ids.length;
  const logits = noGrad(() => model.forward({
    inputIds: new Tensor(Int32Array.from(ids), [1, seq]),
    tokenTypeIds: new Tensor(new Int32Array(seq), [1, seq]),
  }).logits).data;
  const vocab = config.vocabSize;
  const row = Float64Array.from(logits.subarray(position * vocab, (position + 1) * vocab));
  const max = Math.max(...row);
  let total = 0;
  for (const x of row) total += Math.exp(x - max);
  return row.map((x) => Math.exp(x - max) / total);
}

test('fill-mask from a saved folder: top-k per [MASK] with softmax scores, best first, and Hugging Face sequences', async () => {
  const pipeline = FillMaskPipeline.fromPretrained(dir);
  const hf = await referenceTokenizer(BERT_BASE_UNCASED_VOCAB, { lowercase: true });
  const text = 'The man went to the [MASK] to buy [MASK] milk.';
  const ids = Array.from(tokenizer.encode(text).ids);
  const maskPositions = ids.flatMap((id, i) => (id === tokenizer.maskTokenId ? [i] : []));
  assert.equal(maskPositions.length, 2);

  const results = pipeline.run(text, { top_k: 7 }) as FillMaskResult[][];
  assert.equal(results.length, 2, 'one list per [MASK]');
  for (const [m, predictions] of results.entries()) {
    const scores = referenceScores(ids, maskPositions[m]!);
    const expected = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!).slice(0, 7);
    assert.deepEqual(predictions.map((p) => p.token), expected, `mask ${m}: the seven most probable tokens, in order`);
    for (const p of predictions) {
      assert.ok(Math.abs(p.score - scores[p.token]!) < 1e-6, `mask ${m} token ${p.token}: ${p.score} vs ${scores[p.token]}`);
      assert.equal(p.token_str, await hf.decode([p.token], false), `token ${p.token} decoded alone`);
      const filled = [...ids];
      filled[maskPositions[m]!] = p.token;
      // Hugging Face's pipeline keeps special tokens in the sequences of a text with several masks.
      assert.equal(p.sequence, await hf.decode(filled, false), `mask ${m} token ${p.token_str}`);
    }
  }
});

test('one [MASK]: one list (top_k 5 by default), sequences without special tokens; an array of texts: one output each', async () => {
  const pipeline = new FillMaskPipeline(model, tokenizer);
  const hf = await referenceTokenizer(BERT_BASE_UNCASED_VOCAB, { lowercase: true });
  const text = 'paris is the [MASK] of france.';
  const ids = Array.from(tokenizer.encode(text).ids);
  const position = ids.indexOf(tokenizer.maskTokenId);
  const predictions = await pipeline(text) as FillMaskResult[];
  assert.equal(predictions.length, 5);
  const scores = referenceScores(ids, position);
  assert.deepEqual(predictions.map((p) => p.token), Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!).slice(0, 5));
  for (const p of predictions) {
    const filled = [...ids];
    filled[position] = p.token;
    assert.equal(p.sequence, await hf.decode(filled, true));
  }
  const texts = [text, 'The man went to the [MASK] to buy [MASK] milk.'];
  const batch = await pipeline(texts, { top_k: 2 });
  assert.deepEqual(batch[0], pipeline.run(text, { top_k: 2 }));
  assert.deepEqual(batch[1], pipeline.run(texts[1]!, { top_k: 2 }));
  assert.equal((batch[1] as FillMaskResult[][]).length, 2);
});

test('a prediction of "the" reads back as Hugging Face decodes it', async () => {
  const hf = await referenceTokenizer(BERT_BASE_UNCASED_VOCAB, { lowercase: true });
  const ids = Array.from(tokenizer.encode('the man went to the [MASK] .').ids);
  const filled = ids.map((id) => (id === tokenizer.maskTokenId ? tokenizer.vocab.id('the')! : id));
  // The decoder's cleanup removes the space before "." as Hugging Face's does.
  assert.equal(tokenizer.decode(filled, { skipSpecialTokens: true }), 'the man went to the the.');
  assert.equal(await hf.decode(filled, true), 'the man went to the the.');
});

test('a text without [MASK] is a typed error naming the text; a call rejects with it', async () => {
  const pipeline = new FillMaskPipeline(model, tokenizer);
  assert.throws(() => pipeline.run('no mask here'), /fill-mask: no \[MASK\] token in "no mask here"/);
  await assert.rejects(pipeline('no mask here'), { name: 'ValueError', message: /no \[MASK\] token/ });
  await assert.rejects(pipeline('a [MASK]', JSON.parse('{"topk": 2}') as FillMaskCallOptions), { name: 'ValueError', message: 'fill-mask: unknown option "topk"; its options: top_k' });
  await assert.rejects(pipeline('a [MASK]', { top_k: 0 }), { name: 'ValueError', message: 'fill-mask: option top_k must be an integer ≥ 1, got 0' });
});
