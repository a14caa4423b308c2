/**
 * How a pipeline reads the head of a task model of any family: the encoder it runs, which of the encoder's rows the
 * head takes, and the head's own layers over them — the modules the model's forward calls, never copies of them
 * (dropout is the identity at inference). Where the head's forward is more than modules over rows, the task model's
 * own forward runs instead, over a padded batch (DistilBERT's sequence classifier: pre_classifier, ReLU, classifier).
 * A model the registry gives for the task but that is not listed here is a ConfigError naming it.
 */
import { ConfigError } from '../errors.js';
import {
  AlbertForMaskedLM, AlbertForPreTraining, AlbertForQuestionAnswering, AlbertForSequenceClassification,
  AlbertForTokenClassification,
} from '../model/albert/index.js';
import {
  DistilBertForMaskedLM, DistilBertForQuestionAnswering, DistilBertForSequenceClassification, DistilBertForTokenClassification,
} from '../model/distilbert/index.js';
import type { EncoderInputs, EncoderModel } from '../model/encoder-model.js';
import { BertForMaskedLM } from '../model/heads/masked-lm.js';
import { BertForPreTraining } from '../model/heads/pretraining.js';
import { BertForQuestionAnswering } from '../model/heads/question-answering.js';
import { BertForSequenceClassification } from '../model/heads/sequence-classification.js';
import { BertForTokenClassification } from '../model/heads/token-classification.js';
import type { PreTrainedModel } from '../model/pretrained-model.js';
import { RobertaForMaskedLM } from '../model/roberta/roberta-masked-lm.js';
import { RobertaForQuestionAnswering } from '../model/roberta/roberta-question-answering.js';
import { RobertaForSequenceClassification } from '../model/roberta/roberta-sequence-classification.js';
import { RobertaForTokenClassification } from '../model/roberta/roberta-token-classification.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * The encoder rows a head reads: every token's final hidden state, each input's first token's ([CLS], `<s>`), or the
 * pooler's output (one row per input).
 */
export type HeadSource = 'tokens' | 'first' | 'pooled';

/** A head over rows of the encoder's output. */
export interface RowsHead {
  readonly kind: 'rows';
  readonly encoder: EncoderModel;
  readonly source: HeadSource;
  /** [rows, hidden] → [rows, width]. */
  forward(rows: Tensor): Tensor;
}

/** A head read through the task model's own forward: padded inputs [batch, seq] → logits [batch, width]. */
export interface WholeModelHead {
  readonly kind: 'model';
  readonly encoder: EncoderModel;
  forward(inputs: EncoderInputs): Tensor;
}

export type HeadReader = RowsHead | WholeModelHead;

const rows = (encoder: EncoderModel, source: HeadSource, forward: (rows: Tensor) => Tensor): RowsHead => ({ kind: 'rows', encoder, source, forward });

function unreadable(model: PreTrainedModel, what: string): ConfigError {
  return new ConfigError(`pipeline: ${model.architecture} has no ${what} reader in src/pipelines/head-readers.ts`);
}

/** Sequence classification: BERT's and ALBERT's pooler + classifier, RoBERTa's classification head on `<s>`, DistilBERT's forward. */
export function sequenceClassifierOf(model: PreTrainedModel): HeadReader {
  if (model instanceof BertForSequenceClassification || model instanceof AlbertForSequenceClassification) {
    return rows(model.encoderModel(), 'pooled', (pooled) => model.classifier.forward(pooled));
  }
  if (model instanceof RobertaForSequenceClassification) return rows(model.roberta, 'first', (first) => model.classifier.forward(first));
  if (model instanceof DistilBertForSequenceClassification) {
    return { kind: 'model', encoder: model.distilbert, forward: (inputs) => model.forward(inputs).logits };
  }
  throw unreadable(model, 'sequence-classification');
}

/** Token classification: every family's `classifier` on each token's final hidden state. */
export function tokenClassifierOf(model: PreTrainedModel): RowsHead {
  if (model instanceof BertForTokenClassification || model instanceof RobertaForTokenClassification
    || model instanceof DistilBertForTokenClassification || model instanceof AlbertForTokenClassification) {
    return rows(model.encoderModel(), 'tokens', (tokens) => model.classifier.forward(tokens));
  }
  throw unreadable(model, 'token-classification');
}

/** Question answering: every family's `qa_outputs` on each token's final hidden state ([tokens, 2]: start, end). */
export function spanScorerOf(model: PreTrainedModel): RowsHead {
  if (model instanceof BertForQuestionAnswering || model instanceof RobertaForQuestionAnswering
    || model instanceof DistilBertForQuestionAnswering || model instanceof AlbertForQuestionAnswering) {
    return rows(model.encoderModel(), 'tokens', (tokens) => model.qa_outputs.forward(tokens));
  }
  throw unreadable(model, 'question-answering');
}

/** The masked LM's prediction head over token rows ([rows, vocab]): BERT's cls.predictions, RoBERTa's lm_head, ... */
export function maskedLmOf(model: PreTrainedModel): RowsHead {
  if (model instanceof BertForMaskedLM || model instanceof BertForPreTraining) {
    return rows(model.encoderModel(), 'tokens', (tokens) => model.cls.predictions.forward(tokens));
  }
  if (model instanceof RobertaForMaskedLM) return rows(model.roberta, 'tokens', (tokens) => model.lm_head.forward(tokens));
  if (model instanceof DistilBertForMaskedLM) return rows(model.distilbert, 'tokens', (tokens) => model.predict(tokens));
  if (model instanceof AlbertForMaskedLM || model instanceof AlbertForPreTraining) {
    return rows(model.encoderModel(), 'tokens', (tokens) => model.predictions.forward(tokens));
  }
  throw unreadable(model, 'masked-lm');
}
