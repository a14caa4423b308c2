/**
 * The pipelines as `tsbert predict` sees them: the contract's `BatchPipeline` seam (issue 12; its home is
 * src/pipelines/pipeline-base.ts) and the one place the command obtains a pipeline for a task and a folder.
 */
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../errors.js';

/**
 * The `BatchPipeline` of src/pipelines/pipeline-base.ts, restated member for member so this command builds before
 * that file is merged; once it is, this becomes `export type { BatchPipeline } from '../../pipelines/pipeline-base.js'`.
 */
export interface BatchPipeline<Input, Options, Output> {
  readonly task: string;
  /** One JSON line's object → this task's single input; throws a ValueError naming the missing/wrong field. */
  inputFromJson(value: unknown): Input;
  /** Options from kebab-case CLI flags already parsed to snake_case keys; unknown keys are a ValueError. */
  checkOptions(options: Record<string, unknown>): Options;
  /** Token count of an input after tokenization (used to bucket by length); cheap upper bound is fine. */
  lengthOf(input: Input, options: Options): number;
  /** Results for many single inputs, each exactly what calling the pipeline on that input alone returns. */
  runBatch(inputs: readonly Input[], options: Options): Output[];
}

export type AnyBatchPipeline = BatchPipeline<unknown, unknown, unknown>;

const SEAM = ['inputFromJson', 'checkOptions', 'lengthOf', 'runBatch'] as const;

export function isBatchPipeline(value: unknown): value is AnyBatchPipeline {
  return (typeof value === 'object' || typeof value === 'function') && value !== null
    && SEAM.every((method) => typeof Reflect.get(value, method) === 'function');
}

interface PipelineModule {
  pipeline(task: string, model: string): Promise<unknown>;
}

/** Where `pipeline()` lives, relative to this file (dist/src/cli/commands/ → dist/src/pipelines/). */
const PIPELINE_MODULE = new URL('../../pipelines/pipeline.js', import.meta.url);

/**
 * The pipelines module, or undefined when this build has none. Imported when first needed (a specifier the
 * compiler does not resolve): the pipelines and this command are written in parallel branches (issue 12), and
 * `predict` of SQuAD and CoNLL files does not need them.
 */
export async function pipelinesModule(): Promise<PipelineModule | undefined> {
  let module: unknown;
  try {
    module = await import(PIPELINE_MODULE.href);
  } catch (error) {
    // Only the module itself missing means "no pipelines"; a missing import inside it is a real error.
    const missing = (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && (error as Error).message.includes(fileURLToPath(PIPELINE_MODULE));
    if (missing) return undefined;
    throw error;
  }
  const pipeline = Reflect.get(module as object, 'pipeline');
  return typeof pipeline === 'function' ? { pipeline: pipeline as PipelineModule['pipeline'] } : undefined;
}

/** The pipeline of `task` (a transformers.js task name or an alias) over the model folder `model`. */
export async function loadBatchPipeline(task: string, model: string): Promise<AnyBatchPipeline> {
  const module = await pipelinesModule();
  if (module === undefined) throw new ConfigError(`predict --task ${task}: this build of tsbert has no pipelines (src/pipelines/pipeline.ts)`);
  const pipeline = await module.pipeline(task, model);
  if (!isBatchPipeline(pipeline)) throw new ConfigError(`predict --task ${task}: the pipeline lacks the batch seam (${SEAM.join(', ')})`);
  return pipeline;
}
