/**
 * A pipeline over single texts with the plain call of transformers.js: `pipe(text, options)` → the text's output,
 * `pipe(texts, options)` → one output per text, in order (fill-mask, token classification).
 */
import { Pipeline } from './pipeline-base.js';
import { textInput } from './text-input.js';

export abstract class TextPipeline<CallOptions, Options, Output> extends Pipeline<string, Options, Output> {
  /** What calling the pipeline resolves to, synchronously. */
  run(texts: string, options?: CallOptions): Output;
  run(texts: readonly string[], options?: CallOptions): Output[];
  run(texts: string | readonly string[], options?: CallOptions): Output | Output[] {
    return this.callWith([texts, options]);
  }

  /** A string, or a JSON line's `{"text": ...}`. */
  inputFromJson(value: unknown): string {
    return textInput(value, this.task);
  }
}
