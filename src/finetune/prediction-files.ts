/** Prediction outputs written whole or not at all (io/atomic-file.ts): a Ctrl-C or an error leaves no partial file. */
import { DataError } from '../errors.js';
import { AtomicFileWriter } from '../io/atomic-file.js';

/** One JSON value per line. */
export function writeJsonLines(path: string, values: Iterable<unknown>): void {
  const writer = new AtomicFileWriter(path, { label: '--output', error: DataError });
  try {
    for (const value of values) writer.write(`${JSON.stringify(value)}\n`);
    writer.commit();
  } finally {
    writer.abort();
  }
}

/** Softmax of logits (max-subtracted), in float64. */
export function softmax(logits: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const exps = Array.from({ length: logits.length }, (_, i) => Math.exp(logits[i]! - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Index of the largest value (the first on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
