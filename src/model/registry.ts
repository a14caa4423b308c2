/**
 * The model registry, as Hugging Face's Auto classes use it: (model_type, task) → class, and an `architectures`
 * name → class. Adding a model is adding its rows here (RoBERTa: model_type "roberta", its classes per task).
 */
import { valuePreview } from '../error-text.js';
import { ConfigError } from '../errors.js';
import { BertModel, type InitOptions } from './bert-model.js';
import type { BertConfig } from './config.js';
import { BERT_MODEL_TYPE } from './config-support.js';
import { BertForMaskedLM } from './heads/masked-lm.js';
import { BertForMultipleChoice } from './heads/multiple-choice.js';
import { BertForNextSentencePrediction } from './heads/next-sentence.js';
import { BertForPreTraining } from './heads/pretraining.js';
import { BertForQuestionAnswering } from './heads/question-answering.js';
import { BertForSequenceClassification } from './heads/sequence-classification.js';
import { BertForTokenClassification } from './heads/token-classification.js';
import type { BertPreTrainedModel } from './pretrained.js';

/** The tasks of Hugging Face's Auto classes (AutoModel, AutoModelForMaskedLM, ...). */
export const MODEL_TASKS = [
  'base', 'pretraining', 'masked-lm', 'next-sentence-prediction', 'sequence-classification', 'token-classification',
  'question-answering', 'multiple-choice',
] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

/** A model class as the registry holds it: built from a config, loaded from a folder or from bytes. */
export type ModelClass = (new (config: BertConfig, options?: InitOptions) => BertPreTrainedModel)
  & Pick<typeof BertPreTrainedModel, 'fromPretrained' | 'fromBytes'>;

interface Registration {
  modelType: string;
  task: ModelTask;
  /** Hugging Face's class name, as config.json's `architectures` lists it. */
  architecture: string;
  model: ModelClass;
}

const REGISTRY: readonly Registration[] = [
  { modelType: BERT_MODEL_TYPE, task: 'base', architecture: 'BertModel', model: BertModel },
  { modelType: BERT_MODEL_TYPE, task: 'pretraining', architecture: 'BertForPreTraining', model: BertForPreTraining },
  { modelType: BERT_MODEL_TYPE, task: 'masked-lm', architecture: 'BertForMaskedLM', model: BertForMaskedLM },
  { modelType: BERT_MODEL_TYPE, task: 'next-sentence-prediction', architecture: 'BertForNextSentencePrediction', model: BertForNextSentencePrediction },
  { modelType: BERT_MODEL_TYPE, task: 'sequence-classification', architecture: 'BertForSequenceClassification', model: BertForSequenceClassification },
  { modelType: BERT_MODEL_TYPE, task: 'token-classification', architecture: 'BertForTokenClassification', model: BertForTokenClassification },
  { modelType: BERT_MODEL_TYPE, task: 'question-answering', architecture: 'BertForQuestionAnswering', model: BertForQuestionAnswering },
  { modelType: BERT_MODEL_TYPE, task: 'multiple-choice', architecture: 'BertForMultipleChoice', model: BertForMultipleChoice },
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
