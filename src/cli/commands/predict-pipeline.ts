/** The pipelines as `tsbert predict` sees them: the batch seam (src/pipelines/pipeline-base.ts) and the pipeline of a task over a folder. */
import { createPipeline } from '../../pipelines/pipeline.js';
import type { BatchPipeline } from '../../pipelines/pipeline-base.js';

export type { BatchPipeline };
export type AnyBatchPipeline = BatchPipeline<unknown, unknown, unknown>;

/** The pipeline of `task` (a transformers.js task name or an alias) over the model folder `model`. */
export function loadBatchPipeline(task: string, model: string): AnyBatchPipeline {
  return createPipeline(task, model);
}
