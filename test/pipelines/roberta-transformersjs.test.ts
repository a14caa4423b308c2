/**
 * tsbert's pipelines on tiny RoBERTa folders against transformers.js (an independent implementation: its own
 * tokenizer code, onnxruntime running reference/tiny_roberta.py's forward exported by torch.onnx) on 80 Brown
 * sentences each: fill-mask with `<mask>`, text-classification (every label), token-classification (every token).
 * Goldens: test/fixtures/reference/transformersjs/roberta/goldens.json, written by bench/roberta-goldens.mjs from
 * the folders reference/make_roberta_transformersjs.py made; fill-mask's sequences also as Hugging Face Python
 * decodes them (python-sequences.json, reference/make_roberta_fill_mask_sequences.py).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pipeline } from '../../src/pipelines/pipeline.js';
import type { FillMaskResult } from '../../src/pipelines/fill-mask.js';
import type { TokenEntity } from '../../src/pipelines/token-aggregation.js';
import { AutoTokenizer } from '../../src/tokenizer/auto-tokenizer.js';
import { fixturePath } from '../helpers/fixtures.js';
import '../helpers/node-runtime.js';

/** onnxruntime and tsbert, both float32, sum in different orders; the goldens keep 8 significant digits. */
const SCORE_TOLERANCE = 1e-5;

interface Case<T> {
  text: string;
  options: Record<string, unknown>;
  output: T;
}
interface Goldens {
  manifest: { cases: Record<string, number> };
  goldens: {
    'fill-mask': Case<Array<{ score: number; token: number; token_str: string; sequence: string }>>[];
    'text-classification': Case<Array<{ label: string; score: number }>>[];
    'token-classification': Case<Array<{ entity: string; score: number; index: number; word: string }>>[];
  };
}

const { manifest, goldens } = JSON.parse(readFileSync(fixturePath('reference', 'transformersjs', 'roberta', 'goldens.json'), 'utf8')) as Goldens;
const folder = (task: string): string => fixturePath('reference', 'transformersjs', 'roberta', task);

function close(actual: number, expected: number, where: string): void {
  assert.ok(Math.abs(actual - expected) <= SCORE_TOLERANCE, `${where}: ${actual} vs transformers.js ${expected}`);
}

test('the goldens cover every sentence of each task (no tokenizer disagreement left any out)', () => {
  assert.deepEqual(manifest.cases, { 'fill-mask': 80, 'text-classification': 80, 'token-classification': 80 });
});

test('RoBERTa fill-mask: the same top-5 tokens, scores and token strings as transformers.js', async () => {
  const fill = await pipeline('fill-mask', folder('fill-mask'));
  for (const golden of goldens['fill-mask']) {
    const ours = fill.run(golden.text, { top_k: 5 }) as FillMaskResult[];
    assert.deepEqual(ours.map((r) => [r.token, r.token_str]), golden.output.map((r) => [r.token, r.token_str]), golden.text);
    ours.forEach((r, k) => close(r.score, golden.output[k]!.score, `${golden.text} #${k}`));
    // The same text too: <mask> takes the space before it (lstrip), so a filled-in Ġ-token leaves single spaces.
    ours.forEach((r, k) => assert.equal(r.sequence, golden.output[k]!.sequence));
    assert.ok(ours.every((r) => !r.sequence.includes('  ')), `${golden.text}: a double space in a sequence`);
  }
});

test('RoBERTa fill-mask: the ids and every candidate\'s sequence as Hugging Face Python\'s RobertaTokenizer gives them', async () => {
  // reference/make_roberta_fill_mask_sequences.py: transformers' tokenizer (mask lstrip, as 4.x builds it) decoding
  // the goldens' candidates with skip_special_tokens, as FillMaskPipeline.postprocess does.
  const python = JSON.parse(readFileSync(fixturePath('reference', 'transformersjs', 'roberta', 'python-sequences.json'), 'utf8')) as {
    cases: Array<{ text: string; ids: number[]; sequences: string[] }>;
  };
  assert.equal(python.cases.length, goldens['fill-mask'].length);
  const fill = await pipeline('fill-mask', folder('fill-mask'));
  const tokenizer = AutoTokenizer.fromPretrained(folder('fill-mask'));
  python.cases.forEach((golden, i) => {
    assert.deepEqual(Array.from(tokenizer.encode(golden.text).ids), golden.ids, golden.text);
    const ours = fill.run(golden.text, { top_k: 5 }) as FillMaskResult[];
    assert.deepEqual(ours.map((r) => r.token), goldens['fill-mask'][i]!.output.map((r) => r.token));
    assert.deepEqual(ours.map((r) => r.sequence), golden.sequences, golden.text);
  });
});

test('RoBERTa text-classification: every label in transformers.js\'s order, scores within 1e-5', async () => {
  const classify = await pipeline('text-classification', folder('text-classification'));
  for (const golden of goldens['text-classification']) {
    const ours = classify.run(golden.text, { top_k: null });
    assert.deepEqual(ours.map((r) => r.label), golden.output.map((r) => r.label), golden.text);
    ours.forEach((r, k) => close(r.score, golden.output[k]!.score, `${golden.text} ${r.label}`));
  }
});

test('RoBERTa token-classification: every token\'s entity, score and index as transformers.js; its word decoded as there', async () => {
  const dir = folder('token-classification');
  const tagger = await pipeline('token-classification', dir);
  const tokenizer = AutoTokenizer.fromPretrained(dir);
  for (const golden of goldens['token-classification']) {
    const ours = tagger.run(golden.text, { ignore_labels: [] }) as TokenEntity[];
    assert.deepEqual(ours.map((e) => [e.index, e.entity]), golden.output.map((e) => [e.index, e.entity]), golden.text);
    const ids = tokenizer.encode(golden.text).ids;
    ours.forEach((e, k) => {
      close(e.score, golden.output[k]!.score, `${golden.text} token ${e.index}`);
      // Hugging Face Python's word is the token (`Ġword`); transformers.js's the token decoded (` word`).
      assert.equal(e.word, tokenizer.idToToken(ids[e.index]!));
      assert.equal(tokenizer.decode([ids[e.index]!]), golden.output[k]!.word);
    });
  }
});
