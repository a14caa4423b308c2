/**
 * One predicted answer against one gold answer, as the official SQuAD evaluation scripts score it (v1.1's
 * `exact_match_score` / `f1_score`, v2.0's `compute_exact` / `compute_f1`). Both normalise the same way; they differ
 * only in F1 when a side normalises to no tokens (v2.0: 1 if both are empty, else 0; v1.1: 0).
 */

/** Python's `string.punctuation`: the 32 ASCII punctuation characters; other scripts' punctuation is kept. */
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

/**
 * The articles as whole words: Python's `\b(a|an|the)\b`, with `\b` between a word character (`str.isalnum()` or
 * `_`: letters and numbers of every script) and anything else. JavaScript's `\b` knows only ASCII words, so the
 * boundary is written out with Unicode classes: "éan" keeps its "an" as Python does.
 */
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

/** Python's `str.split()` separators (`str.isspace()`): ASCII whitespace, U+001C–U+001F, U+0085 and Unicode spaces. */
const PYTHON_WHITESPACE = /[\t\n\v\f\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

/** The official `normalize_answer`: lower case, drop punctuation, drop articles, collapse whitespace — in that order. */
export function normalizeAnswer(text: string): string {
  let kept = '';
  for (const char of text.toLowerCase()) if (!PUNCTUATION.has(char)) kept += char;
  return answerTokens(kept.replace(ARTICLES, ' ')).join(' ');
}

/** Python's `text.split()`: the runs between whitespace, none for an all-whitespace text. */
function answerTokens(normalized: string): string[] {
  return normalized.split(PYTHON_WHITESPACE).filter((token) => token !== '');
}

/** 1 when prediction and gold normalise to the same text (both versions' exact match). */
export function exactMatch(prediction: string, gold: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(gold) ? 1 : 0;
}

/** Bag-of-tokens F1 of the shared tokens (multiset intersection), computed in the scripts' order of operations. */
function tokenF1(predictionTokens: readonly string[], goldTokens: readonly string[]): number {
  const goldCounts = new Map<string, number>();
  for (const token of goldTokens) goldCounts.set(token, (goldCounts.get(token) ?? 0) + 1);
  let same = 0;
  for (const token of predictionTokens) {
    const left = goldCounts.get(token) ?? 0;
    if (left > 0) {
      same++;
      goldCounts.set(token, left - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / predictionTokens.length;
  const recall = same / goldTokens.length;
  return (2 * precision * recall) / (precision + recall);
}

/** SQuAD v1.1's `f1_score`: an empty prediction or gold has no shared token, so scores 0. */
export function f1V1(prediction: string, gold: string): number {
  return tokenF1(answerTokens(normalizeAnswer(prediction)), answerTokens(normalizeAnswer(gold)));
}

/** SQuAD v2.0's `compute_f1`: when either side has no tokens (a no-answer), 1 if both are empty, else 0. */
export function f1V2(prediction: string, gold: string): number {
  const predictionTokens = answerTokens(normalizeAnswer(prediction));
  const goldTokens = answerTokens(normalizeAnswer(gold));
  if (predictionTokens.length === 0 || goldTokens.length === 0) return predictionTokens.length === goldTokens.length ? 1 : 0;
  return tokenF1(predictionTokens, goldTokens);
}
