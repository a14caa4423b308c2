/**
 * `pipeline(task, model)` as transformers.js's: a task name (or alias) and a model folder or a loaded model give
 * the task's pipeline, called as `await classifier('text', { top_k: 2 })`. Files are reached through the installed
 * FileAccess (io/file-access.ts), so this works wherever fromPretrained does.
 */
import { ValueError } from '../errors.js';
import type { PreTrainedModel } from '../model/pretrained-model.js';
import { applyModelDType, modelDTypeOf, type ModelDType } from '../model/quantization.js';
import type { ModelTask } from '../model/registry.js';
import { AutoTokenizer } from '../tokenizer/auto-tokenizer.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { FeatureExtractionPipeline } from './feature-extraction.js';
import { FILL_MASK_HEADS, FillMaskPipeline } from './fill-mask.js';
import type { Pipeline } from './pipeline-base.js';
import { expectHead, loadPipelineModel } from './pipeline-model.js';
import { pipelineTaskOf, type PipelineTask, type PipelineTaskOf } from './pipeline-tasks.js';
import { QuestionAnsweringPipeline } from './question-answering.js';
import { TextClassificationPipeline } from './text-classification.js';
import { TokenClassificationPipeline } from './token-classification.js';
import { ZeroShotClassificationPipeline } from './zero-shot-classification.js';

export { PIPELINE_TASKS, PIPELINE_TASK_ALIASES, type PipelineTask } from './pipeline-tasks.js';

/** Any pipeline, as the factory returns it for a task known only at run time (the CLI's --task). */
export type AnyPipeline = Pipeline<unknown, unknown, unknown>;

interface PipelineRegistration {
  /**
   * Registry tasks whose folders and models serve this task (model/registry.ts: any family's class registered under
   * one of them); the first is the class loaded. null: any folder (the encoder).
   */
  heads: readonly ModelTask[] | null;
  /** The pipeline over a model with one of `heads`; `source` names the model (its folder) in errors. */
  create(model: PreTrainedModel, tokenizer: Tokenizer, source: string): AnyPipeline;
}

/** One row per task: adding a task is adding its row. */
const PIPELINES: Record<PipelineTask, PipelineRegistration> = {
  'fill-mask': {
    heads: FILL_MASK_HEADS,
    create: (model, tokenizer) => new FillMaskPipeline(model, tokenizer),
  },
  'text-classification': {
    heads: ['sequence-classification'],
    create: (model, tokenizer) => new TextClassificationPipeline(model, tokenizer),
  },
  'zero-shot-classification': {
    heads: ['sequence-classification'],
    create: (model, tokenizer, source) => new ZeroShotClassificationPipeline(model, tokenizer, source),
  },
  'feature-extraction': {
    heads: null,
    create: (model, tokenizer) => new FeatureExtractionPipeline(model.encoderModel(), tokenizer),
  },
  'token-classification': {
    heads: ['token-classification'],
    create: (model, tokenizer) => new TokenClassificationPipeline(model, tokenizer),
  },
  'question-answering': {
    heads: ['question-answering'],
    create: (model, tokenizer) => new QuestionAnsweringPipeline(model, tokenizer),
  },
};

/** The pipeline class of each task. */
interface PipelineTypes {
  'fill-mask': FillMaskPipeline;
  'text-classification': TextClassificationPipeline;
  'token-classification': TokenClassificationPipeline;
  'question-answering': QuestionAnsweringPipeline;
  'zero-shot-classification': ZeroShotClassificationPipeline;
  'feature-extraction': FeatureExtractionPipeline;
}

/** The pipeline type a task name or alias gives (AnyPipeline for a name known only at run time). */
export type PipelineFor<T extends string> = [PipelineTaskOf<T>] extends [never] ? AnyPipeline
  : PipelineTaskOf<T> extends keyof PipelineTypes ? PipelineTypes[PipelineTaskOf<T>] : AnyPipeline;

export interface PipelineOptions {
  /** The tokenizer; default: the model folder's (AutoTokenizer). Required with a loaded model. */
  tokenizer?: Tokenizer;
  /**
   * transformers.js's option: 'q8' (or 'int8') runs every Linear on int8 weights (a float32 model is quantized as it
   * loads; a loaded model in place), 'fp32' float32; absent: as the folder stores it (docs/quantization.md).
   */
  dtype?: ModelDType;
}

/**
 * The pipeline of `task` over `model`: a Hugging Face folder (loaded through the registry; its head must be the
 * task's, else a ConfigError naming the folder, its architectures and the task) or a loaded model.
 */
export async function pipeline<T extends string>(task: T, model: string | PreTrainedModel, options?: PipelineOptions): Promise<PipelineFor<T>>;
export async function pipeline(task: string, model: string | PreTrainedModel, options: PipelineOptions = {}): Promise<AnyPipeline> {
  return createPipeline(task, model, options);
}

/** pipeline() without the Promise: what the CLI uses. */
export function createPipeline(task: string, model: string | PreTrainedModel, options: PipelineOptions = {}): AnyPipeline {
  const resolved = pipelineTaskOf(task);
  const registration = PIPELINES[resolved];
  const dtype = options.dtype === undefined ? undefined : modelDTypeOf(options.dtype, 'pipeline: option dtype');
  if (typeof model === 'string') {
    const loaded = loadPipelineModel(model, resolved, registration.heads, dtype);
    return create(registration, resolved, loaded, options.tokenizer ?? AutoTokenizer.fromPretrained(model), model);
  }
  if (options.tokenizer === undefined) throw new ValueError(`pipeline: ${resolved} over a loaded ${model.architecture} needs options.tokenizer`);
  const source = `the given ${model.architecture}`;
  return create(registration, resolved, dtype === undefined ? model : applyModelDType(model, dtype, source), options.tokenizer, source);
}

/** The registration's pipeline, once the model is known to hold one of its heads. */
function create(registration: PipelineRegistration, task: PipelineTask, model: PreTrainedModel, tokenizer: Tokenizer, source: string): AnyPipeline {
  return registration.create(registration.heads === null ? model : expectHead(model, registration.heads, task, source), tokenizer, source);
}
