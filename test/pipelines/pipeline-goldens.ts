/**
 * The pipeline goldens (test/fixtures/reference/pipelines/): inputs.json (texts, options, the tiny models' seeds; see
 * pipeline-inputs.ts) and goldens.json (reference/make_pipeline_goldens.py, the Python port of Hugging Face's
 * post-processing), and the comparison every pipeline golden test makes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/fixtures.js';

const FOLDER = join(FIXTURES, 'reference', 'pipelines');

/** The port computes in float32 (numpy, as HF), the pipelines in float64 from the same float32 logits. */
export const SCORE_TOLERANCE = 1e-6;

export interface PipelineInputs {
  tagger_seed: number;
  qa_seed: number;
  token_classification: { texts: Array<{ text: string }>; cases: Array<{ text: number; options: Record<string, unknown> }> };
  question_answering: Array<{ question: string; context: string; options: Record<string, unknown> & { top_k: number } }>;
}

export type Golden = Record<string, string | number>;

export interface PipelineGoldens {
  token_classification: Golden[][];
  question_answering: Golden[][];
}

export function readPipelineFixtures(): { inputs: PipelineInputs; goldens: PipelineGoldens } {
  const read = (name: string): unknown => JSON.parse(readFileSync(join(FOLDER, name), 'utf8'));
  return { inputs: read('inputs.json') as PipelineInputs, goldens: read('goldens.json') as PipelineGoldens };
}

/** Same keys and values, `score` within SCORE_TOLERANCE, every other field (labels, words, offsets) exactly. */
export function assertMatchesGoldens(actual: ReadonlyArray<object>, expected: readonly Golden[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} results, golden has ${expected.length}`);
  actual.forEach((item, i) => {
    const golden = expected[i]!;
    const record = item as Record<string, unknown>;
    assert.deepEqual(Object.keys(record).sort(), Object.keys(golden).sort(), `${what} [${i}]: keys`);
    for (const [key, value] of Object.entries(golden)) {
      if (key === 'score') {
        const score = record[key] as number;
        assert.ok(Math.abs(score - (value as number)) <= SCORE_TOLERANCE, `${what} [${i}]: score ${score} vs golden ${value}`);
      } else assert.equal(record[key], value, `${what} [${i}]: ${key}`);
    }
  });
}
