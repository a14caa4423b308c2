/**
 * The model a pipeline runs: loaded from a folder through the registry (as transformers' pipeline() loads the Auto
 * class of its task), and refused when the folder's head is not the task's — Hugging Face would initialise a new
 * head and answer with noise; here that is a ConfigError naming the folder, its architectures and the task.
 */
import { valuePreview } from '../error-text.js';
import { ConfigError } from '../errors.js';
import { readConfigJson } from '../io/model-folder.js';
import { modelTypeOfConfig } from '../model/auto.js';
import type { PreTrainedModel } from '../model/pretrained-model.js';
import { applyModelDType, type ModelDType } from '../model/quantization.js';
import { modelClassFor, registrationOfArchitecture, type ModelTask } from '../model/registry.js';
import type { PipelineTask } from './pipeline-tasks.js';

/**
 * Loads `dir` for `task`: the class of `heads[0]` (null: the encoder alone, BertModel, which any folder holds).
 * config.json's `architectures` must name one of `heads` when it names a known class, and the checkpoint must hold
 * every weight of the loaded model. `dtype` (transformers.js's option): 'int8' / 'q8' quantizes a float32 folder
 * as it loads (docs/quantization.md), 'fp32' refuses a quantized one; absent, the folder runs as it is stored.
 */
export function loadPipelineModel(
  dir: string, task: PipelineTask, heads: readonly ModelTask[] | null, dtype?: ModelDType,
): PreTrainedModel {
  const { json, path } = readConfigJson(dir);
  const modelType = modelTypeOfConfig(json, path);
  const listed = (json as Record<string, unknown>)['architectures'];
  const architectures = Array.isArray(listed) ? listed.filter((a): a is string => typeof a === 'string') : [];
  if (heads !== null) {
    const known = architectures.flatMap((a) => registrationOfArchitecture(a) ?? []);
    if (known.length > 0 && !known.some((registration) => heads.includes(registration.task))) {
      throw new ConfigError(`${task}: ${dir} holds a ${architectures.join(', ')} (config.json's architectures), which has no ${task} head`);
    }
  }
  const model = modelClassFor(modelType, heads?.[0] ?? 'base', path).fromPretrained(dir, { quiet: true });
  const missing = heads === null ? [] : model.loadingInfo?.missingKeys ?? [];
  if (missing.length > 0) {
    throw new ConfigError(`${task}: ${dir} (architectures: ${architectures.length === 0 ? 'none listed' : architectures.join(', ')}) lacks the `
      + `${model.architecture} weights ${missing.slice(0, 3).map((key) => valuePreview(key)).join(', ')}${missing.length > 3 ? ` and ${missing.length - 3} more` : ''}`);
  }
  return dtype === undefined ? model : applyModelDType(model, dtype, `${task}: ${dir}`);
}

/**
 * `model` when the registry lists its class under one of `heads` (any family: BertForMaskedLM, RobertaForMaskedLM,
 * ...), else a ConfigError naming what it is and the heads the task needs.
 */
export function expectHead(model: PreTrainedModel, heads: readonly ModelTask[], task: PipelineTask, source: string): PreTrainedModel {
  const registration = registrationOfArchitecture(model.architecture);
  if (registration !== undefined && heads.includes(registration.task)) return model;
  throw new ConfigError(`${task}: ${source} is a ${model.architecture}; ${task} needs a model with a ${heads.join(' or ')} head`);
}
