/**
 * `tsbert predict` over JSON lines: each line's object becomes one pipeline input, and the output has one JSON line
 * per input line — exactly what the pipeline returns for that input alone — in input order. Memory holds one window
 * of inputs and their results, never the file: lines are read as a stream (the project's line reader), a window
 * of arrivals is sorted by length and cut into batches by a padded token budget (inference/length-batches.ts),
 * each batch goes through the pipeline's `runBatch`, and the window's results are written in arrival order before
 * the next window is read. Blank lines are skipped, as the fine-tuning JSONL readers skip them. A Tensor-like result
 * (feature-extraction) is written as its nested list (`tolist()`).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { lineError } from '../../finetune/data-file.js';
import { readJsonl } from '../../finetune/jsonl.js';
import { TsbertError } from '../../errors.js';
import { TextStats } from '../../data/text-stats.js';
import { withEncoderPadding, type EncoderPadding } from '../../inference/encoder-padding.js';
import { planLengthBatches, restoreInputOrder, type BatchPlanOptions } from '../../inference/length-batches.js';
import { checkInput } from '../../io/checked-file.js';
import { statSync } from 'node:fs';
import { openOutputSink } from '../output-sink.js';
import { openStopScope } from '../signals.js';
import type { BatchPipeline } from '../../pipelines/pipeline-base.js';

export interface JsonLinesPrediction<Options> {
  input: string;
  /** Undefined: stdout. */
  output: string | undefined;
  /** Already checked by the pipeline's `checkOptions`. */
  options: Options;
  /** Its window is how many inputs are read, sorted and run before their results are written. */
  plan: BatchPlanOptions;
  padding: EncoderPadding;
  onProgress?: (progress: PredictionProgress) => void;
  /** A warning about the input (invalid UTF-8), once, at the end. */
  onWarning?: (warning: string) => void;
}

export interface PredictionProgress {
  /** Input lines answered and written. */
  lines: number;
  /** Bytes of the input read so far (the reader runs at most a window and a chunk ahead). */
  bytesRead: number;
  bytesTotal: number;
  seconds: number;
}

/** One input of the window in flight, with the line it came from (for errors). */
interface Pending<Input> {
  input: Input;
  line: number;
}

/** Runs `pipeline` over the JSON lines of `job.input`; resolves with the final progress. */
export async function predictJsonLines<Input, Options, Output>(
  pipeline: BatchPipeline<Input, Options, Output>,
  job: JsonLinesPrediction<Options>,
): Promise<PredictionProgress> {
  checkInput(job.input, { label: '--input' });
  const started = Date.now();
  const progress: PredictionProgress = { lines: 0, bytesRead: 0, bytesTotal: statSync(job.input).size, seconds: 0 };
  const stats = new TextStats(job.input);
  // The scope before the output exists: a signal in between would take Node's default exit and leave the
  // temporary file (see tokenize.ts). Abort scope: Ctrl-C exits 130 and the atomic writer's exit hook removes it.
  const stop = openStopScope();
  const sink = openOutputSink(job.output, 'predict');
  let window: Pending<Input>[] = [];
  const flush = async (): Promise<void> => {
    const lengths = window.map(({ input, line }) => atLine(job.input, line, () => pipeline.lengthOf(input, job.options)));
    // At most one window is pending, so the planner sorts it as one.
    const batches = planLengthBatches(lengths, job.plan);
    const results: Output[][] = [];
    for (const batch of batches) {
      const inputs = batch.map((i) => window[i]!.input);
      results.push(withEncoderPadding(job.padding, () => pipeline.runBatch(inputs, job.options)));
      // A turn of the event loop between batches, so Ctrl-C is handled while the work is synchronous.
      await nextTurn();
    }
    const ordered = restoreInputOrder(batches, results, window.length);
    await sink.write(ordered.map(jsonLine).join(''));
    progress.lines += window.length;
    progress.seconds = (Date.now() - started) / 1000;
    job.onProgress?.({ ...progress });
    window = [];
  };
  try {
    for await (const record of readJsonl(job.input, { stats, progress })) {
      window.push({ input: atLine(job.input, record.line, () => pipeline.inputFromJson(record.object)), line: record.line });
      if (window.length === job.plan.window) await flush();
      if (!sink.open) break;
    }
    if (window.length > 0 && sink.open) await flush();
    sink.commit();
  } catch (error) {
    sink.abort();
    throw error;
  } finally {
    stop.close();
  }
  const warning = stats.warning();
  if (warning !== undefined) job.onWarning?.(warning);
  progress.seconds = (Date.now() - started) / 1000;
  return progress;
}

/** A result as its output line; a Tensor-like result (feature-extraction's, as transformers.js's) as its nested list. */
function jsonLine(result: unknown): string {
  const tolist = typeof result === 'object' && result !== null ? Reflect.get(result, 'tolist') : undefined;
  return `${JSON.stringify(typeof tolist === 'function' ? (tolist as () => unknown).call(result) : result)}\n`;
}

/** Runs `fn` for the input of `line`; a typed error from it gains the place: `in.jsonl:17: "text": missing`. */
function atLine<T>(path: string, line: number, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof TsbertError) throw lineError(path, line, error.message);
    throw error;
  }
}
