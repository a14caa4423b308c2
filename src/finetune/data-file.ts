/**
 * The lines of a fine-tuning data file with their 1-based numbers, read through the project's one line reader
 * (data/line-reader.ts: a '\r' before '\n' dropped, a byte-order mark dropped, invalid UTF-8 replaced and counted),
 * and the DataError that names a place in such a file (`train.jsonl:17: ...`). Every reader in this folder reads
 * through here, so an empty, binary or example-less file is refused the same way everywhere.
 */
import { DataError } from '../errors.js';
import { readFileLines } from '../data/line-reader.js';
import type { ReadProgress } from '../io/checked-file.js';
import { TextStats } from '../data/text-stats.js';
import type { ReadExamples, SkipCounts } from './examples.js';

export interface NumberedLine {
  text: string;
  /** 1-based. */
  line: number;
}

export interface DataFileOptions {
  /**
   * Where invalid UTF-8 and line counts go, for the caller's warning (`stats.warning()`); default a private one.
   * An empty file, or one with no letter or digit, or mostly invalid UTF-8, is a DataError either way.
   */
  stats?: TextStats;
  /** Bytes read so far, updated as chunks arrive (a streaming reader's progress and ETA). */
  progress?: ReadProgress;
}

/** `path:line`, the `source` of an example and the prefix of every error about that line. */
export function sourceOf(path: string, line: number): string {
  return `${path}:${line}`;
}

/** The error for line `line` of `path`: `train.jsonl:17: <problem>`. */
export function lineError(path: string, line: number, problem: string): DataError {
  return new DataError(`${sourceOf(path, line)}: ${problem}`);
}

/** Every line of `path` with its number; after the last, a file with no usable text is a DataError naming it. */
export async function* numberedLines(path: string, options: DataFileOptions = {}): AsyncGenerator<NumberedLine, void, undefined> {
  const stats = options.stats ?? new TextStats(path);
  let line = 0;
  for await (const text of readFileLines(path, { stats, progress: options.progress })) yield { text, line: ++line };
  stats.requireUsable({});
}

/** Adds one to the count of `reason`. */
export function countSkip(skipped: SkipCounts, reason: string): void {
  skipped[reason] = (skipped[reason] ?? 0) + 1;
}

/** A file whose lines held no example at all is refused: training or evaluating on nothing is never meant. */
export function requireExamples(path: string, count: number, skipped: SkipCounts): void {
  if (count > 0) return;
  const reasons = Object.entries(skipped).map(([why, n]) => `${n} skipped: ${why}`);
  throw new DataError(`${path}: no examples${reasons.length > 0 ? ` (${reasons.join('; ')})` : ''}`);
}

/**
 * The examples of a reader that leaves labels optional (prediction input), with the label required (training and
 * evaluation data): one without is a DataError naming its line.
 */
export function requireLabels<Input extends { source: string; label?: unknown }>(
  read: ReadExamples<Input>,
): ReadExamples<Input & { label: NonNullable<Input['label']> }> {
  const examples = read.examples.map((example) => {
    const label = example.label;
    if (label === undefined || label === null) throw new DataError(`${example.source}: no label`);
    return { ...example, label };
  });
  return { examples, skipped: read.skipped };
}
