/**
 * The pipeline goldens (test/fixtures/reference/pipelines/): inputs.json (texts, options, the tiny models' seeds; see
 * pipeline-inputs.ts) and goldens.json (reference/make_pipeline_goldens.py, the Python port of Hugging Face's
 * post-processing), and the comparison every pipeline golden test makes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QuestionAnsweringOptions } from '../../src/pipelines/question-answering.js';
import type { AggregationStrategy } from '../../src/pipelines/token-aggregation.js';
import { FIXTURES } from '../helpers/fixtures.js';

const FOLDER = join(FIXTURES, 'reference', 'pipelines');

/** Post-processing of the same logits: the port computes in float32 (numpy, as HF), tsbert in float64. */
export const SCORE_TOLERANCE = 1e-6;

/**
 * Whole pipeline runs: the goldens' logits came from one backend; the JS and native kernels (and padded vs packed
 * runs) move these tiny models' probabilities by up to ~2e-6 (the tagger's classifier weights are scaled up).
 */
export const END_TO_END_TOLERANCE = 2e-5;

export interface PipelineInputs {
  tagger_seed: number;
  qa_seed: number;
  labels: string[];
  token_classification: {
    texts: Array<{ text: string; tokens: string[]; is_unknown: number[]; special: number[]; offsets: number[]; logits: number[][] }>;
    cases: Array<{ text: number; options: Record<string, unknown> & { aggregation_strategy: AggregationStrategy; ignore_labels: string[] } }>;
  };
  /** A long text read in overlapping windows (`stride`): each window's tokens and logits. */
  token_classification_windows: Array<{
    text: string;
    options: Record<string, unknown>;
    windows: Array<{ tokens: string[]; is_unknown: number[]; special: number[]; offsets: number[]; logits: number[][] }>;
  }>;
  question_answering: Array<{
    question: string;
    context: string;
    options: QuestionAnsweringOptions;
    windows: Array<{ start_logits: number[]; end_logits: number[]; sequence_ids: number[]; is_cls: number[]; offsets: number[]; word_ids: number[] }>;
  }>;
}

export type Golden = Record<string, string | number>;

export interface PipelineGoldens {
  token_classification: Golden[][];
  token_classification_windows: Golden[][];
  question_answering: Golden[][];
}

export function readPipelineFixtures(): { inputs: PipelineInputs; goldens: PipelineGoldens } {
  const read = (name: string): unknown => JSON.parse(readFileSync(join(FOLDER, name), 'utf8'));
  return { inputs: read('inputs.json') as PipelineInputs, goldens: read('goldens.json') as PipelineGoldens };
}

/** Same keys and values, `score` within `tolerance`, every other field (labels, words, offsets) exactly. */
export function assertMatchesGoldens(actual: ReadonlyArray<object>, expected: readonly Golden[], what: string, tolerance = SCORE_TOLERANCE): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} results, golden has ${expected.length}`);
  actual.forEach((item, i) => {
    const golden = expected[i]!;
    const record = item as Record<string, unknown>;
    assert.deepEqual(Object.keys(record).sort(), Object.keys(golden).sort(), `${what} [${i}]: keys`);
    for (const [key, value] of Object.entries(golden)) {
      if (key === 'score') {
        const score = record[key] as number;
        assert.ok(Math.abs(score - (value as number)) <= tolerance, `${what} [${i}]: score ${score} vs golden ${value}`);
      } else assert.equal(record[key], value, `${what} [${i}]: ${key}`);
    }
  });
}
