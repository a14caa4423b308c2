/**
 * Question-answering post-processing by the rules of Hugging Face's QuestionAnsweringPipeline
 * (transformers/pipelines/question_answering.py: `select_starts_ends`, `decode_spans`, `postprocess`, `get_indices`,
 * `get_answer`): window logits in, answers (context character spans) out.
 */
import { softmax } from './scores.js';

/** An answer: context.slice(start, end) (UTF-16 units); the impossible answer is "" at 0, 0. */
export interface QaAnswer {
  answer: string;
  score: number;
  start: number;
  end: number;
}

/** One window's tokens: what the model saw and where each token lies in the context. */
export interface QaWindow {
  /** [tokens] start and end logits. */
  startLogits: ArrayLike<number>;
  endLogits: ArrayLike<number>;
  /** [tokens] 1 for a context token, else -1 / 0 (question, special tokens). */
  sequenceIds: ArrayLike<number>;
  /** [tokens] 1 where the token is [CLS] (kept selectable: the "no answer" token). */
  isCls: ArrayLike<number>;
  /** [2 * tokens] character span of each token in its text. */
  offsets: ArrayLike<number>;
  /** [tokens] word index of each token, -1 for special tokens. */
  wordIds: ArrayLike<number>;
}

export interface QaSpanOptions {
  top_k: number;
  max_answer_len: number;
  handle_impossible_answer: boolean;
  align_to_words: boolean;
}

/** HF's logits for tokens that can hold no answer, so they take no part in the softmax. */
const MASKED_LOGIT = -10000;

/** Softmax over one window with non-context tokens (but [CLS]) masked, as select_starts_ends. */
function maskedProbabilities(logits: ArrayLike<number>, allowed: Uint8Array): Float64Array {
  const masked = new Float64Array(allowed.length);
  for (let i = 0; i < allowed.length; i++) masked[i] = allowed[i] === 1 ? logits[i]! : MASKED_LOGIT;
  return softmax(masked);
}

interface Span {
  s: number;
  e: number;
  score: number;
}

/**
 * decode_spans: the `count` best spans start ≤ end < start + maxAnswerLen over allowed tokens, by pstart · pend,
 * best first. Zero-score spans are left out (HF may return some, in an order numpy leaves undefined).
 */
function bestSpans(starts: Float64Array, ends: Float64Array, allowed: Uint8Array, maxAnswerLen: number, count: number): Span[] {
  const spans: Span[] = [];
  const n = allowed.length;
  for (let s = 0; s < n; s++) {
    if (allowed[s] !== 1 || starts[s] === 0) continue;
    for (let e = s; e < Math.min(n, s + maxAnswerLen); e++) {
      const score = starts[s]! * ends[e]!;
      if (allowed[e] === 1 && score > 0) spans.push({ s, e, score });
    }
  }
  return spans.sort((a, b) => b.score - a.score).slice(0, count);
}

/** get_indices: with align_to_words, the first and last token's whole words (as far as this window holds them). */
function spanChars(window: QaWindow, s: number, e: number, alignToWords: boolean): [number, number] {
  const { offsets, wordIds, sequenceIds } = window;
  if (!alignToWords) return [offsets[2 * s]!, offsets[2 * e + 1]!];
  let first = s;
  while (first > 0 && wordIds[first - 1] === wordIds[s] && sequenceIds[first - 1] === 1) first--;
  let last = e;
  while (last + 1 < wordIds.length && wordIds[last + 1] === wordIds[e] && sequenceIds[last + 1] === 1) last++;
  return [offsets[2 * first]!, offsets[2 * last + 1]!];
}

/**
 * Answers of one question over its windows: each window offers its best `top_k * 2 + 10` spans (`top_k` without
 * align_to_words); spans giving the same text (case-insensitive) add their scores; with handle_impossible_answer the
 * null answer scores the smallest [CLS] start × end probability over the windows; the best `top_k`, best first.
 */
export function qaAnswers(context: string, windows: readonly QaWindow[], options: QaSpanOptions): QaAnswer[] {
  const answers: QaAnswer[] = [];
  const byText = new Map<string, QaAnswer>();
  let minNullScore = 1_000_000;
  const perWindow = options.align_to_words ? options.top_k * 2 + 10 : options.top_k;
  for (const window of windows) {
    const n = window.sequenceIds.length;
    const allowed = new Uint8Array(n);
    for (let i = 0; i < n; i++) allowed[i] = window.sequenceIds[i] === 1 || window.isCls[i] === 1 ? 1 : 0;
    const starts = maskedProbabilities(window.startLogits, allowed);
    const ends = maskedProbabilities(window.endLogits, allowed);
    // HF reads the null answer at position 0 ([CLS] for BERT), then zeroes it so no span starts or ends there.
    minNullScore = Math.min(minNullScore, starts[0]! * ends[0]!);
    starts[0] = ends[0] = 0;
    for (const { s, e, score } of bestSpans(starts, ends, allowed, options.max_answer_len, perWindow)) {
      const [start, end] = spanChars(window, s, e, options.align_to_words);
      const answer = context.slice(start, end);
      const key = answer.toLowerCase();
      const seen = byText.get(key);
      if (seen !== undefined) seen.score += score;
      else {
        const fresh = { answer, score, start, end };
        byText.set(key, fresh);
        answers.push(fresh);
      }
    }
  }
  if (options.handle_impossible_answer) answers.push({ answer: '', score: minNullScore, start: 0, end: 0 });
  // Array.prototype.sort is stable, as Python's sorted: equal scores keep their order.
  return answers.sort((a, b) => b.score - a.score).slice(0, options.top_k);
}
