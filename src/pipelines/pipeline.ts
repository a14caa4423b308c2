/**
 * `pipeline(task, model)` as transformers.js's: a task name (or alias) and a model folder or a loaded model give
 * the task's pipeline, called as `await classifier('text', { top_k: 2 })`. Files are reached through the installed
 * FileAccess (io/file-access.ts), so this works wherever fromPretrained does.
 */
import { ValueError } from '../errors.js';
import { packableEncoder } from '../inference/run-encoder.js';
import { BertForMaskedLM } from '../model/heads/masked-lm.js';
import { BertForQuestionAnswering } from '../model/heads/question-answering.js';
import { BertForSequenceClassification } from '../model/heads/sequence-classification.js';
import { BertForTokenClassification } from '../model/heads/token-classification.js';
import type { PreTrainedModel } from '../model/pretrained-model.js';
import { applyModelDType, modelDTypeOf, type ModelDType } from '../model/quantization.js';
import type { ModelTask } from '../model/registry.js';
import { BertTokenizer } from '../tokenizer/bert-tokenizer.js';
import { FeatureExtractionPipeline } from './feature-extraction.js';
import { FILL_MASK_HEADS, FILL_MASK_MODELS, FillMaskPipeline } from './fill-mask.js';
import type { Pipeline } from './pipeline-base.js';
import { expectModel, loadPipelineModel } from './pipeline-model.js';
import { pipelineTaskOf, type PipelineTask, type PipelineTaskOf } from './pipeline-tasks.js';
import { QuestionAnsweringPipeline } from './question-answering.js';
import { TextClassificationPipeline } from './text-classification.js';
import { TokenClassificationPipeline } from './token-classification.js';
import { ZeroShotClassificationPipeline } from './zero-shot-classification.js';

export { PIPELINE_TASKS, PIPELINE_TASK_ALIASES, type PipelineTask } from './pipeline-tasks.js';

/** Any pipeline, as the factory returns it for a task known only at run time (the CLI's --task). */
export type AnyPipeline = Pipeline<unknown, unknown, unknown>;

interface PipelineRegistration {
  /** Registry tasks whose folders serve this task; the first is the class loaded. null: any folder (the encoder). */
  heads: readonly ModelTask[] | null;
  /** The pipeline over a loaded model; `source` names the model (its folder) in errors. */
  create(model: PreTrainedModel, tokenizer: BertTokenizer, source: string): AnyPipeline;
}

/** One row per task: adding a task is adding its row. */
const PIPELINES: Record<PipelineTask, PipelineRegistration> = {
  'fill-mask': {
    heads: FILL_MASK_HEADS,
    create: (model, tokenizer, source) => new FillMaskPipeline(expectModel(model, FILL_MASK_MODELS, 'fill-mask', source), tokenizer),
  },
  'text-classification': {
    heads: ['sequence-classification'],
    create: (model, tokenizer, source) => new TextClassificationPipeline(expectModel(model, [BertForSequenceClassification], 'text-classification', source), tokenizer),
  },
  'zero-shot-classification': {
    heads: ['sequence-classification'],
    create: (model, tokenizer, source) => new ZeroShotClassificationPipeline(expectModel(model, [BertForSequenceClassification], 'zero-shot-classification', source), tokenizer, source),
  },
  'feature-extraction': {
    heads: null,
    create: (model, tokenizer, source) => new FeatureExtractionPipeline(packableEncoder(model.encoderModel(), 'feature-extraction', source), tokenizer),
  },
  'token-classification': {
    heads: ['token-classification'],
    create: (model, tokenizer, source) => new TokenClassificationPipeline(expectModel(model, [BertForTokenClassification], 'token-classification', source), tokenizer),
  },
  'question-answering': {
    heads: ['question-answering'],
    create: (model, tokenizer, source) => new QuestionAnsweringPipeline(expectModel(model, [BertForQuestionAnswering], 'question-answering', source), tokenizer),
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
  /** The tokenizer; default: the model folder's. Required with a loaded model. */
  tokenizer?: BertTokenizer;
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
    return registration.create(loaded, options.tokenizer ?? BertTokenizer.fromPretrained(model), model);
  }
  if (options.tokenizer === undefined) throw new ValueError(`pipeline: ${resolved} over a loaded ${model.architecture} needs options.tokenizer`);
  const source = `the given ${model.architecture}`;
  return registration.create(dtype === undefined ? model : applyModelDType(model, dtype, source), options.tokenizer, source);
}
