/**
 * Tiny RoBERTa, DistilBERT and ALBERT models with their own tokenizers (byte-level BPE, BERT's WordPiece, SentencePiece
 * Unigram) for the pipeline tests, and the independent side of their checks: each model's own forward on one
 * tokenized input, unpadded, with token type ids only where the model has them.
 */
import '../helpers/node-runtime.js';
import {
  ALBERT_DEFAULTS, AlbertForMaskedLM, AlbertForQuestionAnswering, AlbertForSequenceClassification, AlbertForTokenClassification,
  validateAlbertConfig,
} from '../../src/model/albert/index.js';
import {
  distilBertConfig, DistilBertForMaskedLM, DistilBertForQuestionAnswering, DistilBertForSequenceClassification,
  DistilBertForTokenClassification,
} from '../../src/model/distilbert/index.js';
import type { EncoderInputs, EncoderModel } from '../../src/model/encoder-model.js';
import type { PretrainedConfig } from '../../src/model/pretrained-config.js';
import type { PreTrainedModel } from '../../src/model/pretrained-model.js';
import {
  robertaConfig, RobertaForMaskedLM, RobertaForQuestionAnswering, RobertaForSequenceClassification, RobertaForTokenClassification,
} from '../../src/model/roberta/index.js';
import { noGrad, Tensor } from '../../src/tensor/tensor.js';
import { AlbertTokenizer } from '../../src/tokenizer/albert-tokenizer.js';
import { BertTokenizer } from '../../src/tokenizer/bert-tokenizer.js';
import type { Encoding } from '../../src/tokenizer/encoding.js';
import { RobertaTokenizer } from '../../src/tokenizer/roberta-tokenizer.js';
import type { Tokenizer } from '../../src/tokenizer/tokenizer.js';
import type { SavableTokenizer } from '../../src/io/model-folder.js';
import { BERT_BASE_UNCASED_VOCAB, fixturePath } from '../helpers/fixtures.js';

export type HeadTask = 'masked-lm' | 'sequence-classification' | 'token-classification' | 'question-answering';

/** Labels as config.json's id2label. */
export type Labels = Record<string, string>;

/** A head model of any family, as the tests call it: its own forward → logits. */
interface HeadModel extends PreTrainedModel {
  forward(inputs: EncoderInputs): { logits?: Tensor; startLogits?: Tensor; endLogits?: Tensor };
}

export interface Family {
  name: 'roberta' | 'distilbert' | 'albert';
  tokenizer: Tokenizer & SavableTokenizer;
  /** The mask token as written in a text. */
  mask: string;
  /** A fresh model of `task` with labels `labels` (2 for QA's start/end), seeded. */
  create(task: HeadTask, labels: Labels, seed: number): HeadModel;
}

/** Sizes small enough to run in milliseconds, odd enough to catch layout mistakes; 64 tokens per input. */
const HIDDEN = 32;
const POSITIONS = 64;

const label2id = (labels: Labels): Record<string, number> => Object.fromEntries(Object.entries(labels).map(([id, name]) => [name, Number(id)]));

function robertaFamily(): Family {
  const tokenizer = RobertaTokenizer.fromFiles(fixturePath('tokenizer', 'bpe', 'vocab.json'), fixturePath('tokenizer', 'bpe', 'merges.txt'));
  const config = (labels: Labels) => robertaConfig({
    vocabSize: tokenizer.vocabSize, hiddenSize: HIDDEN, numAttentionHeads: 2, intermediateSize: 48, numHiddenLayers: 2,
    // RoBERTa's positions start after padding_idx (1): POSITIONS tokens need POSITIONS + 2 rows.
    maxPositionEmbeddings: POSITIONS + 2, hiddenDropoutProb: 0, attentionProbsDropoutProb: 0,
    padTokenId: tokenizer.padTokenId, bosTokenId: tokenizer.bosTokenId, eosTokenId: tokenizer.eosTokenId, id2label: labels, label2id: label2id(labels),
  });
  const classes = { 'masked-lm': RobertaForMaskedLM, 'sequence-classification': RobertaForSequenceClassification, 'token-classification': RobertaForTokenClassification, 'question-answering': RobertaForQuestionAnswering };
  return { name: 'roberta', tokenizer, mask: '<mask>', create: (task, labels, seed) => new classes[task](config(labels), { seed }) };
}

function distilbertFamily(): Family {
  const tokenizer = BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB);
  const config = (labels: Labels) => distilBertConfig({
    vocabSize: tokenizer.vocabSize, dim: HIDDEN, nHeads: 2, hiddenDim: 48, nLayers: 2, maxPositionEmbeddings: POSITIONS,
    dropout: 0, attentionDropout: 0, qaDropout: 0, seqClassifDropout: 0, padTokenId: tokenizer.padTokenId, id2label: labels, label2id: label2id(labels),
  });
  const classes = { 'masked-lm': DistilBertForMaskedLM, 'sequence-classification': DistilBertForSequenceClassification, 'token-classification': DistilBertForTokenClassification, 'question-answering': DistilBertForQuestionAnswering };
  return { name: 'distilbert', tokenizer, mask: '[MASK]', create: (task, labels, seed) => new classes[task](config(labels), { seed }) };
}

function albertFamily(): Family {
  const tokenizer = AlbertTokenizer.fromSentencePiece(fixturePath('reference', 'unigram', 'albert-3000.model'));
  // Two groups of one layer over three layers: the sharing is exercised; E (24) differs from the hidden size.
  const config = (labels: Labels) => validateAlbertConfig({
    ...ALBERT_DEFAULTS, extra: {}, vocabSize: tokenizer.vocabSize, embeddingSize: 24, hiddenSize: HIDDEN, numAttentionHeads: 2,
    intermediateSize: 48, numHiddenLayers: 3, numHiddenGroups: 1, maxPositionEmbeddings: POSITIONS, classifierDropoutProb: 0,
    padTokenId: tokenizer.padTokenId, id2label: labels, label2id: label2id(labels),
  }, 'test');
  const classes = { 'masked-lm': AlbertForMaskedLM, 'sequence-classification': AlbertForSequenceClassification, 'token-classification': AlbertForTokenClassification, 'question-answering': AlbertForQuestionAnswering };
  return { name: 'albert', tokenizer, mask: '[MASK]', create: (task, labels, seed) => new classes[task](config(labels), { seed }) };
}

export const FAMILIES: readonly Family[] = [robertaFamily(), distilbertFamily(), albertFamily()];

/**
 * The model's own forward on one encoding, no padding, in eval mode; token type ids only for a model that has them
 * (RoBERTa's one type, ALBERT's two; DistilBERT none). `pick` chooses the output; float64 copies of its values.
 */
export function forwardEncoding(model: HeadModel, encoding: Encoding, pick: (out: ReturnType<HeadModel['forward']>) => Tensor | undefined): Float64Array {
  model.eval();
  const out = noGrad(() => pick(model.forward(encoderInputs(model.encoderModel(), encoding))));
  if (out === undefined) throw new Error('forwardEncoding: the output has no such tensor');
  return Float64Array.from(out.data);
}

/** One encoding as a batch of one: input_ids [1, seq], and token_type_ids for an encoder that has token types. */
export function encoderInputs(encoder: EncoderModel, encoding: Encoding): EncoderInputs {
  const seq = encoding.length;
  return {
    inputIds: new Tensor(Int32Array.from(encoding.ids), [1, seq]),
    ...(encoder.typeVocabSize > 0 ? { tokenTypeIds: new Tensor(Int32Array.from(encoding.typeIds), [1, seq]) } : {}),
  };
}

/** Spreads a fresh head's logits apart (weights of std 0.02 leave them within ~1e-3, so orders would hang on rounding). */
export function scaleParameters(model: PreTrainedModel, prefix: string, factor: number): void {
  for (const [name, tensor] of model.namedParameters()) {
    if (!name.startsWith(prefix)) continue;
    const values = tensor.floats('scaleParameters');
    for (let i = 0; i < values.length; i++) values[i]! *= factor;
  }
}

export type { PretrainedConfig };
