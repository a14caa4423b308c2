/**
 * The tiny random models the pipeline goldens are made on (test/fixtures/reference/pipelines/): built from a seed
 * here, never stored, with bert-base-uncased's vocabulary so texts split into real WordPieces. The token classifier's
 * weights are scaled up so that labels are not near ties.
 */
import { bertConfigPreset, type BertConfig } from '../../src/model/config.js';
import { BertForQuestionAnswering } from '../../src/model/heads/question-answering.js';
import { BertForTokenClassification } from '../../src/model/heads/token-classification.js';
import { BertTokenizer } from '../../src/tokenizer/bert-tokenizer.js';
import { BERT_BASE_UNCASED_VOCAB } from '../helpers/fixtures.js';

export const TAGGER_LABELS = ['O', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC', 'B-MISC', 'I-MISC'];

/** Multiplies the classifier's N(0, 0.2) weights: logits a few units apart. */
const CLASSIFIER_SCALE = 5;

export function pipelineTokenizer(): BertTokenizer {
  return BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB);
}

function tinyConfig(tokenizer: BertTokenizer, labels: readonly string[]): BertConfig {
  return bertConfigPreset('tiny', {
    vocabSize: tokenizer.vocab.size, hiddenSize: 32, numAttentionHeads: 2, intermediateSize: 64, numHiddenLayers: 2,
    maxPositionEmbeddings: 64, initializerRange: 0.2,
    id2label: Object.fromEntries(labels.map((label, i) => [String(i), label])),
    label2id: Object.fromEntries(labels.map((label, i) => [label, i])),
  });
}

export function taggerModel(tokenizer: BertTokenizer, seed: number): BertForTokenClassification {
  const model = new BertForTokenClassification(tinyConfig(tokenizer, TAGGER_LABELS), { seed }).eval();
  const weight = model.classifier.weight.data;
  for (let i = 0; i < weight.length; i++) weight[i]! *= CLASSIFIER_SCALE;
  return model;
}

export function qaModel(tokenizer: BertTokenizer, seed: number): BertForQuestionAnswering {
  return new BertForQuestionAnswering(tinyConfig(tokenizer, ['LABEL_0', 'LABEL_1']), { seed }).eval();
}
