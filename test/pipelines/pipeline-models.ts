/**
 * Tiny models and their folders for the pipeline tests, and the independent side of their checks: token ids laid out
 * here from the tokenizer's word pieces (not through its pair template), the model's full forward on one unpadded
 * input, and softmax in float64.
 */
import '../helpers/node-runtime.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { bertConfigPreset, type BertConfig } from '../../src/model/config.js';
import { noGrad, Tensor } from '../../src/tensor/tensor.js';
import { BertTokenizer } from '../../src/tokenizer/bert-tokenizer.js';
import { BERT_BASE_UNCASED_VOCAB } from '../helpers/fixtures.js';
import type { BertInputs } from '../../src/model/bert-model.js';

export const tokenizer = BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB);

/** Scores are softmax/sigmoid of float32 logits, computed here in float64: they agree to rounding. */
export const SCORE_TOLERANCE = 1e-6;

/** A small BERT over bert-base-uncased's vocabulary, 64 positions (so truncation is cheap to reach). */
export function tinyConfig(overrides: Partial<BertConfig> = {}): BertConfig {
  return bertConfigPreset('tiny', {
    vocabSize: tokenizer.vocab.size, hiddenSize: 32, numAttentionHeads: 2, intermediateSize: 64, numHiddenLayers: 2,
    maxPositionEmbeddings: 64, hiddenDropoutProb: 0, attentionProbsDropoutProb: 0, ...overrides,
  });
}

/** A fresh folder, removed when the test file ends. */
export function tempFolder(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tsbert-${name}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** [CLS] a [SEP] (b [SEP]) with type ids 0 for the first segment and 1 for the second (BERT §3, Figure 2). */
export function referenceInputs(text: string, pair?: string): { ids: number[]; typeIds: number[] } {
  const a = tokenizer.convertTokensToIds(tokenizer.tokenize(text));
  const ids = [tokenizer.clsTokenId, ...a, tokenizer.sepTokenId];
  const typeIds = ids.map(() => 0);
  if (pair !== undefined) {
    const b = tokenizer.convertTokensToIds(tokenizer.tokenize(pair));
    ids.push(...b, tokenizer.sepTokenId);
    typeIds.push(...b.map(() => 1), 1);
  }
  return { ids, typeIds };
}

/** The model's own forward on one input, no padding: its [1, ...] output as float64. */
export function forwardOne<T>(forward: (inputs: BertInputs) => T, pick: (output: T) => Tensor, ids: readonly number[], typeIds: readonly number[]): Float64Array {
  const seq = ids.length;
  const output = noGrad(() => pick(forward({
    inputIds: new Tensor(Int32Array.from(ids), [1, seq]),
    tokenTypeIds: new Tensor(Int32Array.from(typeIds), [1, seq]),
  })));
  return Float64Array.from(output.data);
}

export function softmax64(logits: readonly number[] | Float64Array): number[] {
  const max = Math.max(...logits);
  const exps = Array.from(logits, (x) => Math.exp(x - max));
  const total = exps.reduce((s, e) => s + e, 0);
  return exps.map((e) => e / total);
}

/**
 * A freshly initialised model's logits differ by ~1e-3 (weights of std 0.02), so orders and pair effects would hang on
 * rounding. Scaling the type embeddings and the head's weights spreads them well apart.
 */
export function spreadOut(typeEmbeddings: Tensor, head: Tensor): void {
  const types = typeEmbeddings.floats('spreadOut');
  for (let i = 0; i < types.length; i++) types[i]! *= 50;
  const weights = head.floats('spreadOut');
  for (let i = 0; i < weights.length; i++) weights[i]! *= 100;
}
