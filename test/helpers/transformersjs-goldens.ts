/**
 * transformers.js's pipeline outputs (bench/pipeline-goldens.mjs → test/fixtures/reference/transformersjs/) and the
 * one comparison every parity test applies: labels, tokens, words, indices, spans and dims exactly; scores and
 * vectors within SCORE_TOLERANCE.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixturePath } from './fixtures.js';

/**
 * Issue 12's bound: "scores within 1e-4". Both sides are float32 BERTs on the same weights (onnxruntime vs tsbert,
 * different summation orders); the export check already shows onnxruntime within ~1e-5 of PyTorch's logits.
 */
export const SCORE_TOLERANCE = 1e-4;

/** The fields compared within SCORE_TOLERANCE (probabilities, and the vectors of feature extraction). */
const TOLERANT_KEYS = new Set(['score', 'scores', 'data']);

export interface GoldenRun {
  /** The options transformers.js was called with, as the call passed them. */
  options: Record<string, unknown>;
  output: unknown;
  /** Where tsbert follows Hugging Face Python and transformers.js does not (see bench/pipeline-goldens.mjs). */
  hf_python?: unknown;
}

export interface GoldenCase {
  /** The pipeline's arguments before the options: [text], [question, context], [text, labels], [{text, text_pair}]. */
  args: unknown[];
  runs: GoldenRun[];
}

export interface Golden {
  task: string;
  /** The tsbert folder the golden's ONNX export was made from, relative to the goldens' folder. */
  model: string;
  cases: GoldenCase[];
}

export const TRANSFORMERSJS_GOLDENS = fixturePath('reference', 'transformersjs');

export function goldenModelDir(golden: Golden): string {
  return fixturePath('reference', 'transformersjs', golden.model);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One golden file, its shape checked (a malformed file fails here, naming the file and case). */
export function readGolden(file: string): Golden {
  const path = fixturePath('reference', 'transformersjs', `${file}.json`);
  const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
  assert.ok(isRecord(json) && typeof json['task'] === 'string' && typeof json['model'] === 'string' && Array.isArray(json['cases']),
    `${path}: not {task, model, cases}`);
  const cases: GoldenCase[] = json['cases'].map((value: unknown, i: number) => {
    assert.ok(isRecord(value) && Array.isArray(value['args']) && Array.isArray(value['runs']), `${path}: case ${i} is not {args, runs}`);
    const runs = value['runs'].map((run: unknown, j: number): GoldenRun => {
      assert.ok(isRecord(run) && isRecord(run['options']) && 'output' in run, `${path}: case ${i} run ${j} is not {options, output}`);
      return { options: run['options'], output: run['output'], ...('hf_python' in run ? { hf_python: run['hf_python'] } : {}) };
    });
    return { args: value['args'], runs };
  });
  return { task: json['task'], model: json['model'], cases };
}

/**
 * Asserts that `actual` has `expected`'s structure and values: arrays of equal length, objects with the same keys
 * (less `ignore`), numbers under `score`/`scores`/`data` within SCORE_TOLERANCE, everything else equal. Returns the
 * largest difference seen among the tolerant numbers. `where` names the case in the failure.
 */
export function assertMatchesGolden(actual: unknown, expected: unknown, where: string, ignore: readonly string[] = []): number {
  return compare(actual, expected, where, new Set(ignore), false);
}

function compare(actual: unknown, expected: unknown, path: string, ignore: ReadonlySet<string>, tolerant: boolean): number {
  if (typeof expected === 'number' && tolerant) {
    assert.ok(typeof actual === 'number', `${path}: expected a number, got ${JSON.stringify(actual)}`);
    const error = Math.abs(actual - expected);
    assert.ok(error <= SCORE_TOLERANCE, `${path}: ${actual} differs from transformers.js's ${expected} by ${error.toExponential(2)}`);
    return error;
  }
  if (Array.isArray(expected)) {
    // Feature vectors come as typed arrays.
    const list = actual instanceof Float32Array || actual instanceof Float64Array ? Array.from(actual) : actual;
    assert.ok(Array.isArray(list), `${path}: expected an array, got ${JSON.stringify(actual)?.slice(0, 200)}`);
    assert.equal(list.length, expected.length, `${path}: ${list.length} entries, transformers.js has ${expected.length}`);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, compare(list[i], expected[i], `${path}[${i}]`, ignore, tolerant));
    return worst;
  }
  if (isRecord(expected)) {
    assert.ok(isRecord(actual), `${path}: expected an object, got ${JSON.stringify(actual)?.slice(0, 200)}`);
    const keys = (o: Record<string, unknown>) => Object.keys(o).filter((k) => !ignore.has(k)).sort();
    assert.deepEqual(keys(actual), keys(expected), `${path}: fields differ`);
    let worst = 0;
    for (const key of keys(expected)) {
      worst = Math.max(worst, compare(actual[key], expected[key], `${path}.${key}`, ignore, TOLERANT_KEYS.has(key)));
    }
    return worst;
  }
  assert.equal(actual, expected, `${path}: ${JSON.stringify(actual)} ≠ transformers.js's ${JSON.stringify(expected)}`);
  return 0;
}
