/**
 * How long each sequence may be, and the windows it is cut into — Hugging Face tokenizers' `truncate_encodings`
 * and `Encoding::truncate` (right side), so the overflowing windows used for question answering on long contexts
 * line up with theirs.
 */
import { TokenizerError } from '../errors.js';

export type TruncationStrategy = 'longest_first' | 'only_first' | 'only_second';

/**
 * Target lengths for sequences of `first` and `second` tokens (second undefined: single text) when at most
 * `budget` tokens fit (maxLength minus the special tokens).
 */
export function truncationTargets(
  first: number,
  second: number | undefined,
  budget: number,
  strategy: TruncationStrategy,
): [number, number | undefined] {
  const total = first + (second ?? 0);
  if (total <= budget) return [first, second];
  const toRemove = total - budget;
  if (strategy === 'longest_first') {
    if (second === undefined) return [budget, undefined];
    // The shorter keeps its length if the longer can take the cut; otherwise both get half (the second one the
    // odd token).
    const swap = first > second;
    const shorter = swap ? second : first;
    let n1 = shorter;
    let n2 = shorter > budget ? shorter : Math.max(shorter, budget - shorter);
    if (n1 + n2 > budget) {
      n1 = Math.floor(budget / 2);
      n2 = n1 + (budget % 2);
    }
    return swap ? [n2, n1] : [n1, n2];
  }
  if (strategy === 'only_second' && second === undefined) {
    throw new TokenizerError("truncation 'only_second' needs a pair of texts, but only one was given");
  }
  const target = strategy === 'only_first' ? first : (second ?? 0);
  if (target <= toRemove) {
    throw new TokenizerError(
      `truncation '${strategy}': that sequence has ${target} tokens, too few to remove the ${toRemove} needed to fit ${budget} tokens`,
    );
  }
  return strategy === 'only_first' ? [first - toRemove, second] : [first, target - toRemove];
}

/** [start, stop) of each window when `length` tokens are cut to `maxLength` with `stride` tokens of overlap. */
export function windowRanges(length: number, maxLength: number, stride: number): Array<[number, number]> {
  if (maxLength >= length) return [[0, length]];
  if (maxLength === 0) return [[0, 0], [0, length]];
  if (stride >= maxLength) {
    throw new TokenizerError(
      `truncation: stride ${stride} must be less than the ${maxLength} tokens a window of this sequence holds`,
    );
  }
  const ranges: Array<[number, number]> = [];
  for (let start = 0; ; start += maxLength - stride) {
    const stop = Math.min(start + maxLength, length);
    ranges.push([start, stop]);
    if (stop === length) break;
  }
  return ranges;
}
