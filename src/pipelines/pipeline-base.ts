import type { PipelineTask } from './pipeline.js';

/** The batch seam every pipeline implements (issue 12): the CLI and the throughput work build on it. Synchronous. */
export interface BatchPipeline<Input, Options, Output> {
  readonly task: PipelineTask;
  /** One JSON line's object → this task's single input; throws a ValueError naming the missing/wrong field. */
  inputFromJson(value: unknown): Input;
  /** Options from kebab-case CLI flags already parsed to snake_case keys; unknown keys are a ValueError. */
  checkOptions(options: Record<string, unknown>): Options;
  /** Token count of an input after tokenization (used to bucket by length); cheap upper bound is fine. */
  lengthOf(input: Input, options: Options): number;
  /** Results for many single inputs, each exactly what calling the pipeline on that input alone returns. */
  runBatch(inputs: readonly Input[], options: Options): Output[];
}
