/**
 * Cutting normalized text at characters of one class, with Hugging Face's SplitDelimiterBehavior
 * (tokenizers/src/tokenizer/normalizer.rs `split`): each matching character is a delimiter that is `Removed`,
 * `Isolated` (a word of its own), `MergedWithPrevious` (ends the word before it), `MergedWithNext` (starts the word
 * after it), or `Contiguous` (a run of them is one word).
 */
import type { NormalizedText } from '../normalized-text.js';
import type { WordBuilder } from '../word-builder.js';
import type { WordSink } from '../word-sink.js';

export const SPLIT_BEHAVIORS = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'] as const;
export type SplitBehavior = (typeof SPLIT_BEHAVIORS)[number];

/** Splits `input` at code points whose `flags` entry has bit `flag`, building words in `word` for `sink`. */
export function splitOnClass(
  input: NormalizedText,
  flags: Uint8Array,
  flag: number,
  behavior: SplitBehavior,
  word: WordBuilder,
  sink: WordSink,
): void {
  let inDelimiterRun = false;
  for (let k = 0; k < input.length; ) {
    const packed = input.codePointAt(k);
    const units = packed & 3;
    const isDelimiter = ((flags[packed >>> 2] ?? 0) & flag) !== 0;
    if (!isDelimiter) {
      if (inDelimiterRun && behavior === 'Contiguous') word.flush(sink);
      word.appendFrom(input, k, units);
    } else if (behavior === 'Removed') word.flush(sink);
    else if (behavior === 'Isolated') {
      word.flush(sink);
      word.appendFrom(input, k, units);
      word.flush(sink);
    } else if (behavior === 'MergedWithPrevious') {
      word.appendFrom(input, k, units);
      word.flush(sink);
    } else if (behavior === 'MergedWithNext') {
      word.flush(sink);
      word.appendFrom(input, k, units);
    } else {
      if (!inDelimiterRun) word.flush(sink);
      word.appendFrom(input, k, units);
    }
    inDelimiterRun = isDelimiter;
    k += units;
  }
  word.flush(sink);
}
