/**
 * Start and end logits of every window back to answers in the contexts, by the rules of transformers'
 * examples/pytorch/question-answering/utils_qa.py `postprocess_qa_predictions`:
 * - per window, every pair of the `nBest` highest start and `nBest` highest end logits is a candidate unless a token is
 *   outside the context, the end is before the start, or the span is longer than `maxAnswerLength` tokens; its score
 *   is start logit + end logit;
 * - v2.0: the null answer scores [CLS]'s start + end logit, the minimum over the example's windows (every window must
 *   agree there is no answer), and joins the candidates (added back if the cut to `nBest` dropped it);
 * - the `nBest` best candidates, their text cut from the context by the tokens' offsets, probabilities a softmax over
 *   their scores, and a fake "empty" answer when nothing but the null answer survived;
 * - v1.1: the best candidate's text; v2.0: null odds = null score − the best non-null candidate's logits, and "" when
 *   they exceed `nullScoreDiffThreshold`.
 * Logits are float32 (the model's), and the scores are float32 sums as numpy makes them, so candidates rank as there.
 */
import { ShapeError } from '../../errors.js';
import type { SquadExample } from '../examples.js';
import type { QaFeature } from './squad-features.js';

export interface QaPostprocessOptions {
  /** --n-best: candidates kept per example, and start/end indexes tried per window. Default 20. */
  nBest?: number;
  /** --max-answer-length: longest answer in tokens. Default 30. */
  maxAnswerLength?: number;
  /** SQuAD v2.0: weigh the null answer. Default false. */
  version2?: boolean;
  /** --null-score-diff-threshold: predict no answer when null odds exceed it. Default 0. */
  nullScoreDiffThreshold?: number;
}

/** One of an example's n-best answers; `start`/`end` index the context (UTF-16); the null answer is (0, 0) and "". */
export interface QaCandidate {
  text: string;
  start: number;
  end: number;
  startLogit: number;
  endLogit: number;
  score: number;
  probability: number;
}

export interface QaPredictions {
  /** id → answer text ("" = no answer): the official SQuAD prediction file. */
  predictions: Map<string, string>;
  /** id → its n-best answers, best first (utils_qa.py's nbest_predictions.json). */
  nbest: Map<string, QaCandidate[]>;
  /** id → null score minus the best answer's score (v2.0 only; utils_qa.py's null_odds.json). */
  nullOdds: Map<string, number>;
}

const f32 = Math.fround;

/** Indexes of the `n` largest values, largest first; ties: the later index first (numpy's argsort reversed). */
function topIndexes(values: ArrayLike<number>, n: number): number[] {
  const order = Array.from({ length: values.length }, (_, i) => i);
  order.sort((i, j) => (values[j] ?? 0) - (values[i] ?? 0) || j - i);
  return order.slice(0, n);
}

function candidate(start: number, end: number, startLogit: number, endLogit: number): QaCandidate {
  return { text: '', start, end, startLogit, endLogit, score: f32(startLogit + endLogit), probability: 0 };
}

/** Pushes the candidates of one window onto `out`; returns the window's null answer. */
function windowCandidates(
  feature: Pick<QaFeature, 'contextOffsets'>,
  starts: ArrayLike<number>,
  ends: ArrayLike<number>,
  nBest: number,
  maxAnswerLength: number,
  out: QaCandidate[],
): QaCandidate {
  const offsets = feature.contextOffsets;
  const length = offsets.length / 2;
  for (const s of topIndexes(starts, nBest)) {
    for (const e of topIndexes(ends, nBest)) {
      // Past the window's tokens (padding) or outside the context: no answer there.
      if (s >= length || e >= length || offsets[2 * s]! < 0 || offsets[2 * e]! < 0) continue;
      if (e < s || e - s + 1 > maxAnswerLength) continue;
      out.push(candidate(offsets[2 * s]!, offsets[2 * e + 1]!, starts[s]!, ends[e]!));
    }
  }
  return candidate(0, 0, starts[0]!, ends[0]!);
}

/** Softmax of the scores into each candidate's probability (max subtracted first, as utils_qa.py). */
function setProbabilities(candidates: QaCandidate[]): void {
  let max = -Infinity;
  for (const c of candidates) max = Math.max(max, c.score);
  let sum = 0;
  for (const c of candidates) sum += (c.probability = Math.exp(c.score - max));
  for (const c of candidates) c.probability /= sum;
}

/**
 * Answers for `examples` from the logits of `features` (row f of startLogits/endLogits belongs to features[f]; rows
 * may be padded beyond the window's tokens).
 */
export function postprocessQaPredictions(
  examples: ReadonlyArray<Pick<SquadExample, 'id' | 'context'>>,
  features: ReadonlyArray<Pick<QaFeature, 'exampleIndex' | 'contextOffsets'>>,
  startLogits: ReadonlyArray<ArrayLike<number>>,
  endLogits: ReadonlyArray<ArrayLike<number>>,
  options: QaPostprocessOptions = {},
): QaPredictions {
  const { nBest = 20, maxAnswerLength = 30, version2 = false, nullScoreDiffThreshold = 0 } = options;
  if (startLogits.length !== features.length || endLogits.length !== features.length) {
    throw new ShapeError(`question answering: ${startLogits.length} start and ${endLogits.length} end logit rows for ${features.length} windows`);
  }
  const windowsOf: number[][] = examples.map(() => []);
  features.forEach((feature, f) => {
    const windows = windowsOf[feature.exampleIndex];
    if (windows === undefined) throw new ShapeError(`question answering: window ${f} names example ${feature.exampleIndex} of ${examples.length}`);
    windows.push(f);
  });
  const result: QaPredictions = { predictions: new Map(), nbest: new Map(), nullOdds: new Map() };
  examples.forEach((example, e) => {
    const all: QaCandidate[] = [];
    let nullBest: QaCandidate | undefined;
    for (const f of windowsOf[e] ?? []) {
      const feature = features[f];
      const starts = startLogits[f];
      const ends = endLogits[f];
      if (feature === undefined || starts === undefined || ends === undefined) continue;
      const windowNull = windowCandidates(feature, starts, ends, nBest, maxAnswerLength, all);
      if (nullBest === undefined || nullBest.score > windowNull.score) nullBest = windowNull;
    }
    if (version2 && nullBest !== undefined) all.push(nullBest);
    // Array.prototype.sort is stable, as Python's sorted: equal scores keep the windows' order.
    const best = all.sort((a, b) => b.score - a.score).slice(0, nBest);
    if (version2 && nullBest !== undefined && !best.some((c) => c.start === 0 && c.end === 0)) best.push(nullBest);
    for (const c of best) c.text = example.context.slice(c.start, c.end);
    if (best.length === 0 || (best.length === 1 && best[0]?.text === '')) best.unshift({ ...candidate(0, 0, 0, 0), text: 'empty' });
    setProbabilities(best);
    const top = (version2 ? best.find((c) => c.text !== '') : best[0]) ?? best[0];
    let text = top?.text ?? '';
    if (version2 && top !== undefined && nullBest !== undefined) {
      const odds = f32(f32(nullBest.score - top.startLogit) - top.endLogit);
      result.nullOdds.set(example.id, odds);
      if (odds > nullScoreDiffThreshold) text = '';
    }
    result.predictions.set(example.id, text);
    result.nbest.set(example.id, best);
  });
  return result;
}
