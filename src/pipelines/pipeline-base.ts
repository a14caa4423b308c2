/**
 * What every pipeline is: an object you call as a function, as transformers.js's pipelines (its Callable:
 * `await classifier('text', { top_k: 2 })`), over a batch seam the CLI and the throughput work build on.
 */
import { optionsArgument } from './pipeline-options.js';
import type { PipelineTask } from './pipeline-tasks.js';

/** The contract of issue 12 between the pipelines, `tsbert predict` and batch planning (sync: no Promise). */
export interface BatchPipeline<Input, Options, Output> {
  readonly task: PipelineTask;
  /** One JSON line's object → this task's single input; throws a ValueError naming the missing/wrong field. */
  inputFromJson(value: unknown): Input;
  /**
   * A call's options (snake_case; from the CLI, its kebab-case flags under those names) → every option with its default
   * filled in, under the same snake_case names; unknown keys are a ValueError.
   */
  checkOptions(options: Record<string, unknown>): Options;
  /** Token count of an input after tokenization (used to bucket by length); cheap upper bound is fine. */
  lengthOf(input: Input, options: Options): number;
  /** Results for many single inputs, each exactly what calling the pipeline on that input alone returns. */
  runBatch(inputs: readonly Input[], options: Options): Output[];
}

/** How many inputs of one call go through the model together (the CLI picks its own with --batch-size). */
export const CALL_BATCH_SIZE = 32;

/**
 * The callable base. The instance *is* a function (its prototype set to the subclass's), so subclass fields land on
 * it; calling it runs `callWith` and returns a Promise, which a bad argument rejects with the typed error.
 */
export abstract class Pipeline<Input, Options, Output> implements BatchPipeline<Input, Options, Output> {
  abstract readonly task: PipelineTask;

  constructor() {
    const callable = (...args: unknown[]): Promise<unknown> => new Promise((resolve) => {
      resolve(self.callWith(args));
    });
    const self: Pipeline<Input, Options, Output> = Object.setPrototypeOf(callable, new.target.prototype);
    return self;
  }

  /**
   * The body of a call: checks the arguments (they come from untyped JavaScript) and runs the task. This one is the
   * plain form `(input | inputs, options)`: one input → its output, an array → one output per input, in order.
   */
  protected callWith(args: readonly unknown[]): Output | Output[] {
    const options = this.checkOptions(optionsArgument(args[1], this.task));
    const inputs = args[0];
    if (!Array.isArray(inputs)) return this.runBatch([this.inputFromJson(inputs)], options)[0]!;
    return this.runAll(inputs.map((input: unknown) => this.inputFromJson(input)), options);
  }

  abstract inputFromJson(value: unknown): Input;
  abstract checkOptions(options: Record<string, unknown>): Options;
  abstract lengthOf(input: Input, options: Options): number;
  abstract runBatch(inputs: readonly Input[], options: Options): Output[];

  /** runBatch over any number of inputs, CALL_BATCH_SIZE at a time (one padded forward of 10,000 texts would not fit). */
  runAll(inputs: readonly Input[], options: Options): Output[] {
    const outputs: Output[] = [];
    for (let start = 0; start < inputs.length; start += CALL_BATCH_SIZE) {
      outputs.push(...this.runBatch(inputs.slice(start, start + CALL_BATCH_SIZE), options));
    }
    return outputs;
  }

  /** transformers.js's dispose(): the weights are ordinary arrays the garbage collector frees, so nothing to do. */
  async dispose(): Promise<void> {}
}
