/**
 * Hugging Face's Auto classes: `AutoModelForSequenceClassification.fromPretrained(dir)` reads config.json's
 * model_type (or, without one, the model type of its `architectures`) and loads the registry's class for that
 * task — whatever head the folder was saved with, as transformers does (a new head is initialised and reported).
 */
import { ConfigError } from '../errors.js';
import { readConfigJson } from '../io/model-folder.js';
import type { LoadOptions } from './checkpoint-loading.js';
import type { PreTrainedModel } from './pretrained-model.js';
import { modelClassFor, registrationOfArchitecture, type ModelTask } from './registry.js';

/** The model_type of a model folder: config.json's, else that of its first known architecture. */
export function modelTypeOf(dir: string): { modelType: string; source: string } {
  const { json, path } = readConfigJson(dir);
  return { modelType: modelTypeOfConfig(json, path), source: path };
}

/** The model_type of a parsed config.json (`path` names it in errors): its own, else that of its first known architecture. */
export function modelTypeOfConfig(json: unknown, path: string): string {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ConfigError(`${path}: expected a JSON object`);
  const raw = json as Record<string, unknown>;
  if (typeof raw['model_type'] === 'string') return raw['model_type'];
  const architectures = Array.isArray(raw['architectures']) ? raw['architectures'] : [];
  for (const architecture of architectures) {
    const registration = typeof architecture === 'string' ? registrationOfArchitecture(architecture) : undefined;
    if (registration !== undefined) return registration.modelType;
  }
  throw new ConfigError(`${path}: no model_type, and no architectures entry tsbert knows: cannot tell which model this is`);
}

export interface AutoClass {
  /** Loads the folder into the registered class of its model type for this task (eval mode). */
  fromPretrained(dir: string, options?: LoadOptions): PreTrainedModel;
  /** Loads a config.json object and a model.safetensors image into the registered class of its model type (eval mode). */
  fromBytes(configJson: unknown, safetensors: Uint8Array | ArrayBuffer, options?: LoadOptions & { source?: string }): PreTrainedModel;
}

function autoClass(task: ModelTask): AutoClass {
  return {
    fromPretrained(dir, options = {}) {
      const { modelType, source } = modelTypeOf(dir);
      return modelClassFor(modelType, task, source).fromPretrained(dir, options);
    },
    fromBytes(configJson, safetensors, options = {}) {
      return modelClassFor(modelTypeOfConfig(configJson, 'config.json'), task, 'config.json').fromBytes(configJson, safetensors, options);
    },
  };
}

export const AutoModel = autoClass('base');
export const AutoModelForPreTraining = autoClass('pretraining');
export const AutoModelForMaskedLM = autoClass('masked-lm');
export const AutoModelForNextSentencePrediction = autoClass('next-sentence-prediction');
export const AutoModelForSequenceClassification = autoClass('sequence-classification');
export const AutoModelForTokenClassification = autoClass('token-classification');
export const AutoModelForQuestionAnswering = autoClass('question-answering');
export const AutoModelForMultipleChoice = autoClass('multiple-choice');
