/**
 * The model registry, as Hugging Face's Auto classes use it: (model_type, task) → class, and an `architectures`
 * name → class. Adding a model family is adding its rows here: a class per task, its model_type taken from the
 * class's family.
 */
import { valuePreview } from '../error-text.js';
import { ConfigError } from '../errors.js';
import {
  AlbertForMaskedLM, AlbertForMultipleChoice, AlbertForPreTraining, AlbertForQuestionAnswering,
  AlbertForSequenceClassification, AlbertForTokenClassification, AlbertModel,
} from './albert/index.js';
import { BertModel } from './bert-model.js';
import { BertForMaskedLM } from './heads/masked-lm.js';
import { BertForMultipleChoice } from './heads/multiple-choice.js';
import { BertForNextSentencePrediction } from './heads/next-sentence.js';
import { BertForPreTraining } from './heads/pretraining.js';
import { BertForQuestionAnswering } from './heads/question-answering.js';
import { BertForSequenceClassification } from './heads/sequence-classification.js';
import { BertForTokenClassification } from './heads/token-classification.js';
import type { LoadOptions } from './checkpoint-loading.js';
import { RobertaForMaskedLM } from './roberta/roberta-masked-lm.js';
import { RobertaModel } from './roberta/roberta-model.js';
import { RobertaForMultipleChoice } from './roberta/roberta-multiple-choice.js';
import { RobertaForQuestionAnswering } from './roberta/roberta-question-answering.js';
import { RobertaForSequenceClassification } from './roberta/roberta-sequence-classification.js';
import { RobertaForTokenClassification } from './roberta/roberta-token-classification.js';
import { DistilBertModel } from './distilbert/distilbert-model.js';
import { DistilBertForMaskedLM } from './distilbert/for-masked-lm.js';
import { DistilBertForMultipleChoice } from './distilbert/for-multiple-choice.js';
import { DistilBertForQuestionAnswering } from './distilbert/for-question-answering.js';
import { DistilBertForSequenceClassification } from './distilbert/for-sequence-classification.js';
import { DistilBertForTokenClassification } from './distilbert/for-token-classification.js';
import type { InitOptions } from './init-options.js';
import type { ModelFamily } from './model-family.js';
import type { PretrainedConfig } from './pretrained-config.js';
import type { PreTrainedModel } from './pretrained-model.js';

/** The tasks of Hugging Face's Auto classes (AutoModel, AutoModelForMaskedLM, ...). */
export const MODEL_TASKS = [
  'base', 'pretraining', 'masked-lm', 'next-sentence-prediction', 'sequence-classification', 'token-classification',
  'question-answering', 'multiple-choice',
] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

/**
 * A model class of any family as the registry holds it: built from a config of its family (its constructor checks
 * it), loaded from a folder or from bytes.
 */
export interface ModelClass {
  /** The class name: Hugging Face's architecture. */
  readonly name: string;
  readonly family: ModelFamily<PretrainedConfig>;
  /** A fresh model (PreTrainedModel.create): a config of another family is a ConfigError. */
  create(config: PretrainedConfig, options?: InitOptions): PreTrainedModel;
  fromPretrained(dir: string, options?: LoadOptions): PreTrainedModel;
  fromBytes(configJson: unknown, safetensors: Uint8Array | ArrayBuffer, options?: LoadOptions & { source?: string }): PreTrainedModel;
}

interface Registration {
  modelType: string;
  task: ModelTask;
  /** Hugging Face's class name, as config.json's `architectures` lists it. */
  architecture: string;
  model: ModelClass;
}

function row(task: ModelTask, architecture: string, model: ModelClass): Registration {
  return { modelType: model.family.modelType, task, architecture, model };
}

const REGISTRY: readonly Registration[] = [
  row('base', 'BertModel', BertModel),
  row('pretraining', 'BertForPreTraining', BertForPreTraining),
  row('masked-lm', 'BertForMaskedLM', BertForMaskedLM),
  row('next-sentence-prediction', 'BertForNextSentencePrediction', BertForNextSentencePrediction),
  row('sequence-classification', 'BertForSequenceClassification', BertForSequenceClassification),
  row('token-classification', 'BertForTokenClassification', BertForTokenClassification),
  row('question-answering', 'BertForQuestionAnswering', BertForQuestionAnswering),
  row('multiple-choice', 'BertForMultipleChoice', BertForMultipleChoice),
  row('base', 'RobertaModel', RobertaModel),
  row('masked-lm', 'RobertaForMaskedLM', RobertaForMaskedLM),
  row('sequence-classification', 'RobertaForSequenceClassification', RobertaForSequenceClassification),
  row('token-classification', 'RobertaForTokenClassification', RobertaForTokenClassification),
  row('question-answering', 'RobertaForQuestionAnswering', RobertaForQuestionAnswering),
  row('multiple-choice', 'RobertaForMultipleChoice', RobertaForMultipleChoice),
  row('base', 'DistilBertModel', DistilBertModel),
  row('masked-lm', 'DistilBertForMaskedLM', DistilBertForMaskedLM),
  row('sequence-classification', 'DistilBertForSequenceClassification', DistilBertForSequenceClassification),
  row('token-classification', 'DistilBertForTokenClassification', DistilBertForTokenClassification),
  row('question-answering', 'DistilBertForQuestionAnswering', DistilBertForQuestionAnswering),
  row('multiple-choice', 'DistilBertForMultipleChoice', DistilBertForMultipleChoice),
  row('base', 'AlbertModel', AlbertModel),
  row('pretraining', 'AlbertForPreTraining', AlbertForPreTraining),
  row('masked-lm', 'AlbertForMaskedLM', AlbertForMaskedLM),
  row('sequence-classification', 'AlbertForSequenceClassification', AlbertForSequenceClassification),
  row('token-classification', 'AlbertForTokenClassification', AlbertForTokenClassification),
  row('question-answering', 'AlbertForQuestionAnswering', AlbertForQuestionAnswering),
  row('multiple-choice', 'AlbertForMultipleChoice', AlbertForMultipleChoice),
];

export function registeredModelTypes(): string[] {
  return [...new Set(REGISTRY.map((r) => r.modelType))];
}

/** The class for a model type and task, or a ConfigError that names what is known. */
export function modelClassFor(modelType: string, task: ModelTask, source: string): ModelClass {
  const found = REGISTRY.find((r) => r.modelType === modelType && r.task === task);
  if (found !== undefined) return found.model;
  if (!registeredModelTypes().includes(modelType)) {
    throw new ConfigError(`${source}: model_type ${valuePreview(modelType)} is not implemented (tsbert knows ${registeredModelTypes().join(', ')})`);
  }
  throw new ConfigError(`${source}: model_type "${modelType}" has no ${task} class`);
}

/** The registration of a Hugging Face class name (config.json's `architectures`), if tsbert has it. */
export function registrationOfArchitecture(architecture: string): Registration | undefined {
  return REGISTRY.find((r) => r.architecture === architecture);
}
