/**
 * The preprocessing a model was fine-tuned with, recorded in its config.json (key `tsbert_finetuning`; Hugging Face
 * keeps unknown config keys as attributes, so the folder still loads there) so that `evaluate` and `predict` prepare
 * inputs the same way unless told otherwise.
 */
import { ConfigError } from '../errors.js';
import type { PretrainedConfig } from '../model/pretrained-config.js';
import { isFinetuneTaskName, type FinetuneTaskName } from './task-names.js';

export const PREPROCESSING_KEY = 'tsbert_finetuning';

export interface Preprocessing {
  task: FinetuneTaskName;
  maxSeqLength: number;
  /** QA: tokens shared by consecutive windows of a long context. */
  docStride?: number;
  /** QA: question tokens kept. */
  maxQueryLength?: number;
  /** Token classification: every sub-token labelled, not only a word's first (run_ner.py's label_all_tokens). */
  labelAllTokens?: boolean;
  /** QA post-processing (utils_qa.py): candidates per example, longest answer in tokens, the null-answer margin. */
  nBest?: number;
  maxAnswerLength?: number;
  nullScoreDiffThreshold?: number;
  /** QA: trained with unanswerable questions (SQuAD v2.0; run_qa.py's version_2_with_negative): weigh the null answer. */
  squadV2?: boolean;
}

const JSON_NAMES: Record<keyof Preprocessing, string> = {
  task: 'task', maxSeqLength: 'max_seq_length', docStride: 'doc_stride', maxQueryLength: 'max_query_length', labelAllTokens: 'label_all_tokens',
  nBest: 'n_best_size', maxAnswerLength: 'max_answer_length', nullScoreDiffThreshold: 'null_score_diff_threshold', squadV2: 'version_2_with_negative',
};

export function preprocessingToJson(p: Preprocessing): Record<string, unknown> {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined).map(([k, v]) => [JSON_NAMES[k as keyof Preprocessing], v]));
}

/** The recorded preprocessing of a fine-tuned folder, or undefined when it has none (a folder from elsewhere). */
export function recordedPreprocessing(config: PretrainedConfig, source: string): Preprocessing | undefined {
  const raw = config.extra[PREPROCESSING_KEY];
  if (raw === undefined) return undefined;
  const fail = (what: string): never => {
    throw new ConfigError(`${source}: ${PREPROCESSING_KEY}.${what}`);
  };
  if (typeof raw !== 'object' || raw === null) fail('must be an object');
  const r = raw as Record<string, unknown>;
  const task = r['task'];
  if (typeof task !== 'string' || !isFinetuneTaskName(task)) return fail(`task: not a fine-tuning task: ${JSON.stringify(task)}`);
  const integer = (name: string): number | undefined => {
    const v = r[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(`${name}: expected a non-negative integer, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const p: Preprocessing = { task, maxSeqLength: integer('max_seq_length') ?? fail('max_seq_length: missing') };
  for (const key of ['docStride', 'maxQueryLength', 'nBest', 'maxAnswerLength'] as const) {
    const value = integer(JSON_NAMES[key]);
    if (value !== undefined) p[key] = value;
  }
  const threshold = r[JSON_NAMES.nullScoreDiffThreshold];
  if (threshold !== undefined) {
    if (typeof threshold !== 'number') fail(`${JSON_NAMES.nullScoreDiffThreshold}: expected a number, got ${JSON.stringify(threshold)}`);
    p.nullScoreDiffThreshold = threshold as number;
  }
  for (const key of ['labelAllTokens', 'squadV2'] as const) {
    const value = r[JSON_NAMES[key]];
    if (value !== undefined) p[key] = value === true;
  }
  return p;
}
