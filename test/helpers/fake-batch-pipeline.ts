/**
 * A stand-in for a real pipeline behind the `BatchPipeline` seam, for testing `tsbert predict`'s streaming without a
 * model: the input is `{"text"}`, its length is its word count, and each result names its text and the batch it ran
 * in (size, longest input, padding mode), so a test can check order, windows and the token budget from the output.
 * `delayMs` makes each batch busy-wait (a slow model, for Ctrl-C tests).
 */
import { ValueError } from '../../src/errors.js';
import { encoderPadding } from '../../src/inference/encoder-padding.js';
import type { BatchPipeline } from '../../src/pipelines/pipeline-base.js';

export interface FakeOptions {
  suffix: string;
}

export interface FakeResult {
  text: string;
  words: number;
  batch: { size: number; longest: number; padding: string };
}

export class FakeBatchPipeline implements BatchPipeline<string, FakeOptions, FakeResult> {
  // Any task name: the streaming code never reads it.
  readonly task = 'feature-extraction' as const;
  /** Batches run so far (their inputs' word counts); only when `record` is set. */
  readonly batches: number[][] = [];

  constructor(private readonly settings: { delayMs?: number; record?: boolean } = {}) {}

  inputFromJson(value: unknown): string {
    const text = typeof value === 'object' && value !== null ? Reflect.get(value, 'text') : undefined;
    if (typeof text !== 'string') throw new ValueError('"text": missing (expected a string)');
    return text;
  }

  checkOptions(options: Record<string, unknown>): FakeOptions {
    for (const key of Object.keys(options)) if (key !== 'suffix') throw new ValueError(`fake: unknown option ${key} (valid: suffix)`);
    return { suffix: typeof options['suffix'] === 'string' ? options['suffix'] : '' };
  }

  lengthOf(text: string): number {
    return text.split(' ').length;
  }

  runBatch(texts: readonly string[], options: FakeOptions): FakeResult[] {
    const until = Date.now() + (this.settings.delayMs ?? 0);
    while (Date.now() < until) {
      // A slow model: synchronous work the event loop cannot interrupt.
    }
    const words = texts.map((t) => this.lengthOf(t));
    if (this.settings.record === true) this.batches.push(words);
    const batch = { size: texts.length, longest: Math.max(...words), padding: encoderPadding() };
    return texts.map((text, i) => ({ text: text + options.suffix, words: words[i]!, batch }));
  }
}
