/** test/fixtures/reference/qa/goldens.json, written by reference/make_qa_goldens.py (see its docstring). */
import { readFileSync } from 'node:fs';
import { fixturePath } from '../helpers/fixtures.js';

export interface GoldenFeature {
  example_id: string;
  input_ids: number[];
  /** Code point offsets in the context; null outside it. */
  offset_mapping: Array<[number, number] | null>;
  start_position: number;
  end_position: number;
}

export interface GoldenCandidate {
  text: string;
  start_logit: number;
  end_logit: number;
  probability: number;
}

export interface GoldenCase {
  options: { version_2_with_negative?: boolean; n_best_size?: number; max_answer_length?: number; null_score_diff_threshold?: number };
  predictions: Record<string, string>;
  nbest: Record<string, GoldenCandidate[]>;
  null_odds: Record<string, number>;
}

export interface GoldenFile {
  source: string;
  /** Ids of the questions whose answer does not match the context. */
  dropped: string[];
  features: GoldenFeature[];
  start_logits: number[][];
  end_logits: number[][];
  cases: GoldenCase[];
}

export interface QaGoldens {
  vocab: string;
  max_seq_length: number;
  doc_stride: number;
  max_query_length: number;
  v1: GoldenFile;
  v2: GoldenFile;
}

export function readQaGoldens(): QaGoldens {
  return JSON.parse(readFileSync(fixturePath('reference', 'qa', 'goldens.json'), 'utf8')) as QaGoldens;
}
