import { valuePreview } from '../error-text.js';
import { ValueError } from '../errors.js';
import { exactMatch, f1V1, f1V2, normalizeAnswer } from './squad-answer.js';

/**
 * The official SQuAD evaluations over a set of questions: v1.1 (`evaluate-v1.1.py`: `exact_match`, `f1`) and v2.0
 * (`evaluate-v2.0.py`: `exact`, `f1`, `total`, the `HasAns_*` / `NoAns_*` splits and, given no-answer probabilities,
 * `best_*`). Scores are percentages; each question scores the best of its gold answers. Sums run in question order
 * and every division is the scripts' own, so the numbers equal theirs to the last bit.
 */

/** A question's id and its gold answer texts; v2.0's unanswerable questions have none. */
export interface SquadReference {
  id: string;
  answers: readonly string[];
}

export interface SquadV1Scores {
  exact_match: number;
  f1: number;
}

export interface SquadV2Scores {
  exact: number;
  f1: number;
  total: number;
  /** Over the questions with answers; present when there are any. */
  HasAns_exact?: number;
  HasAns_f1?: number;
  HasAns_total?: number;
  /** Over the unanswerable questions; present when there are any. */
  NoAns_exact?: number;
  NoAns_f1?: number;
  NoAns_total?: number;
  /** The best scores over no-answer thresholds and the thresholds reaching them; present when naProbs is given. */
  best_exact?: number;
  best_exact_thresh?: number;
  best_f1?: number;
  best_f1_thresh?: number;
}

export interface SquadV2Options {
  /** Each question's no-answer probability (the script's `--na-prob-file`); all 0 when absent, and no `best_*`. */
  naProbs?: ReadonlyMap<string, number>;
  /** A question whose no-answer probability exceeds this is answered "no answer" (the script's default, 1.0). */
  naProbThresh?: number;
}

/** The official script's default `--na-prob-thresh`. */
export const SQUAD_V2_NA_PROB_THRESH = 1.0;

function checkUniqueIds(metric: string, references: readonly SquadReference[]): void {
  if (references.length === 0) throw new ValueError(`${metric}: no questions to score`);
  const seen = new Set<string>();
  for (let i = 0; i < references.length; i++) {
    const id = references[i]!.id;
    if (seen.has(id)) throw new ValueError(`${metric}: references[${i}] repeats the question id ${valuePreview(id)}`);
    seen.add(id);
  }
}

/**
 * SQuAD v1.1. A question without a prediction scores 0 and still counts in the total, as the official script does
 * ("Unanswered question ... will receive score 0"); predictions for unknown ids are ignored.
 */
export function squadV1(predictions: ReadonlyMap<string, string>, references: readonly SquadReference[]): SquadV1Scores {
  const metric = 'squad v1.1';
  checkUniqueIds(metric, references);
  let exact = 0;
  let f1 = 0;
  for (let i = 0; i < references.length; i++) {
    const { id, answers } = references[i]!;
    if (answers.length === 0) throw new ValueError(`${metric}: references[${i}] (id ${valuePreview(id)}) has no gold answer`);
    const prediction = predictions.get(id);
    if (prediction === undefined) continue;
    exact += bestOver(answers, (gold) => exactMatch(prediction, gold));
    f1 += bestOver(answers, (gold) => f1V1(prediction, gold));
  }
  return { exact_match: (100 * exact) / references.length, f1: (100 * f1) / references.length };
}

/**
 * SQuAD v2.0. Every question needs a prediction ("" = no answer; the official script fails on a missing one) and,
 * when naProbs is given, a no-answer probability.
 */
export function squadV2(predictions: ReadonlyMap<string, string>, references: readonly SquadReference[], options: SquadV2Options = {}): SquadV2Scores {
  const metric = 'squad v2.0';
  checkUniqueIds(metric, references);
  const naProbThresh = options.naProbThresh ?? SQUAD_V2_NA_PROB_THRESH;
  if (!Number.isFinite(naProbThresh)) throw new ValueError(`${metric}: naProbThresh is ${valuePreview(naProbThresh)}, not a finite number`);
  const naProbs = options.naProbs;
  const questions = references.map(({ id, answers }, i) => {
    const prediction = predictions.get(id);
    if (prediction === undefined) throw new ValueError(`${metric}: no prediction for references[${i}] (id ${valuePreview(id)})`);
    const naProb = naProbs === undefined ? 0 : naProbs.get(id);
    if (!Number.isFinite(naProb)) throw new ValueError(`${metric}: naProbs has ${valuePreview(naProb)} for id ${valuePreview(id)}, not a finite number`);
    // Gold answers that normalise to nothing are dropped; a question left without one is scored against "".
    const normalizedGold = answers.filter((gold) => normalizeAnswer(gold) !== '');
    const golds = normalizedGold.length > 0 ? normalizedGold : [''];
    const hasAnswer = answers.length > 0;
    const exact = bestOver(golds, (gold) => exactMatch(prediction, gold));
    const f1 = bestOver(golds, (gold) => f1V2(prediction, gold));
    // Above the threshold the question is answered "no answer": right exactly when it has none.
    const abstains = naProb! > naProbThresh;
    return {
      id, prediction, hasAnswer, exact, f1,
      thresholdedExact: abstains ? (hasAnswer ? 0 : 1) : exact,
      thresholdedF1: abstains ? (hasAnswer ? 0 : 1) : f1,
    };
  });

  const scores: SquadV2Scores = percentages(questions);
  const answerable = questions.filter((q) => q.hasAnswer);
  const unanswerable = questions.filter((q) => !q.hasAnswer);
  if (answerable.length > 0) {
    const split = percentages(answerable);
    Object.assign(scores, { HasAns_exact: split.exact, HasAns_f1: split.f1, HasAns_total: split.total });
  }
  if (unanswerable.length > 0) {
    const split = percentages(unanswerable);
    Object.assign(scores, { NoAns_exact: split.exact, NoAns_f1: split.f1, NoAns_total: split.total });
  }
  if (naProbs !== undefined) {
    const byId = new Map(questions.map((q) => [q.id, q]));
    const exact = bestThreshold(naProbs, byId, unanswerable.length, (q) => q.exact);
    const f1 = bestThreshold(naProbs, byId, unanswerable.length, (q) => q.f1);
    Object.assign(scores, { best_exact: exact.score, best_exact_thresh: exact.thresh, best_f1: f1.score, best_f1_thresh: f1.thresh });
  }
  return scores;
}

interface ScoredQuestion {
  prediction: string;
  hasAnswer: boolean;
  exact: number;
  f1: number;
  thresholdedExact: number;
  thresholdedF1: number;
}

function bestOver(golds: readonly string[], score: (gold: string) => number): number {
  let best = -Infinity;
  for (const gold of golds) best = Math.max(best, score(gold));
  return best;
}

/** The script's `make_eval_dict`: 100 · Σ score / n over the thresholded scores, summed in question order. */
function percentages(questions: readonly ScoredQuestion[]): { exact: number; f1: number; total: number } {
  let exact = 0;
  let f1 = 0;
  for (const q of questions) {
    exact += q.thresholdedExact;
    f1 += q.thresholdedF1;
  }
  return { exact: (100 * exact) / questions.length, f1: (100 * f1) / questions.length, total: questions.length };
}

/**
 * The script's `find_best_thresh`: start from answering nothing (every unanswerable question right), then walk the
 * questions by rising no-answer probability (a stable sort of naProbs in its own order, as Python's `sorted`),
 * switching each to its prediction: an answerable one gains its raw score, an unanswerable one loses 1 if the
 * prediction is non-empty. The best running total and the probability where it was first reached are reported.
 */
function bestThreshold(
  naProbs: ReadonlyMap<string, number>,
  byId: ReadonlyMap<string, ScoredQuestion>,
  unanswerable: number,
  raw: (q: ScoredQuestion) => number,
): { score: number; thresh: number } {
  let current = unanswerable;
  let best = current;
  let thresh = 0.0;
  const order = [...naProbs].sort((a, b) => a[1] - b[1]);
  for (const [id, naProb] of order) {
    const q = byId.get(id);
    if (q === undefined) continue;
    current += q.hasAnswer ? raw(q) : q.prediction !== '' ? -1 : 0;
    if (current > best) {
      best = current;
      thresh = naProb;
    }
  }
  return { score: (100 * best) / byId.size, thresh };
}
