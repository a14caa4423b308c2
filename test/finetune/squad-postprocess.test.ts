/**
 * Post-processing against reference/qa_postprocess.py (utils_qa.py's rules in Python) on the goldens' logits: the
 * windows are tsbert's own (squad-features.test.ts shows they equal the goldens'), so this runs reader → windows →
 * post-processing as the evaluate command will. Texts and logits exactly; probabilities and null odds to 1e-6.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { ShapeError } from '../../src/errors.js';
import { prepareQaFeatures } from '../../src/finetune/squad/squad-features.js';
import { postprocessQaPredictions, type QaPostprocessOptions } from '../../src/finetune/squad/squad-postprocess.js';
import { readSquadFile } from '../../src/finetune/squad/squad-reader.js';
import { BertTokenizer } from '../../src/tokenizer/index.js';
import { fixturePath } from '../helpers/fixtures.js';
import { readQaGoldens, type GoldenCase } from './squad-goldens.js';
import '../helpers/node-runtime.js';

const golden = readQaGoldens();
const tiny = BertTokenizer.fromVocabFile(fixturePath('reference', 'bert-tiny', 'vocab.txt'));

function optionsOf(c: GoldenCase): QaPostprocessOptions {
  const o = c.options;
  return {
    ...(o.version_2_with_negative !== undefined ? { version2: o.version_2_with_negative } : {}),
    ...(o.n_best_size !== undefined ? { nBest: o.n_best_size } : {}),
    ...(o.max_answer_length !== undefined ? { maxAnswerLength: o.max_answer_length } : {}),
    ...(o.null_score_diff_threshold !== undefined ? { nullScoreDiffThreshold: o.null_score_diff_threshold } : {}),
  };
}

function close(actual: number, expected: number, tolerance: number, where: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${where}: ${actual} vs ${expected}`);
}

for (const version of ['v1', 'v2'] as const) {
  const file = golden[version];
  for (const c of file.cases) {
    test(`${version} ${JSON.stringify(c.options)}: predictions, n-best and null odds equal utils_qa.py's rules (Python)`, () => {
      const { examples } = readSquadFile(fixturePath('squad', `${version}.json`));
      const features = prepareQaFeatures(tiny, examples, { maxSeqLength: golden.max_seq_length, docStride: golden.doc_stride, maxQueryLength: golden.max_query_length });
      const starts = file.start_logits.map((row) => Float32Array.from(row));
      const ends = file.end_logits.map((row) => Float32Array.from(row));
      const result = postprocessQaPredictions(examples, features, starts, ends, optionsOf(c));
      assert.deepEqual(Object.fromEntries(result.predictions), c.predictions);
      assert.deepEqual([...result.predictions.keys()], Object.keys(c.predictions), 'in the examples order');
      for (const [id, expected] of Object.entries(c.nbest)) {
        const ours = result.nbest.get(id) ?? [];
        assert.deepEqual(ours.map((x) => x.text), expected.map((x) => x.text), `${id}: n-best texts`);
        ours.forEach((x, k) => {
          const want = expected[k];
          assert.ok(want);
          assert.equal(x.startLogit, Math.fround(want.start_logit), `${id} #${k} start logit`);
          assert.equal(x.endLogit, Math.fround(want.end_logit), `${id} #${k} end logit`);
          close(x.probability, want.probability, 1e-6, `${id} #${k} probability`);
        });
      }
      assert.deepEqual([...result.nullOdds.keys()], Object.keys(c.null_odds));
      for (const [id, odds] of Object.entries(c.null_odds)) close(result.nullOdds.get(id) ?? NaN, odds, 1e-6, `${id} null odds`);
    });
  }
}

test('the goldens cover what they are for: a span in a second window, null wins, threshold, null added back, "empty"', () => {
  const [v1, , , , ] = golden.v1.cases;
  const [v2, v2Threshold, v2Nbest2, v2Nbest1] = golden.v2.cases;
  assert.equal(v1?.predictions['town-built'], 'a stone bridge');
  assert.equal(v2?.predictions['v2-town-built'], 'a stone bridge');
  assert.equal(v2?.predictions['v2-bridge-cost'], '');
  assert.notDeepEqual(v2?.predictions, v2Threshold?.predictions);
  assert.ok(Object.values(v2Nbest2?.nbest ?? {}).some((n) => n.length === 3 && n[2]?.text === ''), 'null answer added back after the cut');
  assert.ok(Object.values(v2Nbest1?.predictions ?? {}).includes('empty'));
  assert.ok(Object.values(golden.v1.cases[2]?.predictions ?? {}).includes('empty'));
});

test('the null answer is the minimum over windows, padded positions are ignored, and a logit row per window is required', () => {
  const examples = [{ id: 'a', context: 'one two' }];
  const window = { exampleIndex: 0, contextOffsets: Int32Array.of(-1, -1, 0, 3, 4, 7, -1, -1) };
  // A fifth, padded position beyond the window's 4 tokens: its large logits must be ignored.
  const row = (cls: number, one: number, two: number): Float32Array => Float32Array.of(cls, one, two, -9, 50);
  const result = postprocessQaPredictions(examples, [window, window], [row(1, 2, 0), row(-3, 0, 0)], [row(1, 0, 2), row(-1, 0, 0)], { version2: true });
  // Null: min(1 + 1, -3 + -1) = -4; best span "one two" (2 + 2 = 4): odds -4 - 4 = -8.
  assert.equal(result.nullOdds.get('a'), -8);
  assert.equal(result.predictions.get('a'), 'one two');
  const nullAnswer = result.nbest.get('a')?.find((c) => c.text === '');
  assert.deepEqual([nullAnswer?.startLogit, nullAnswer?.endLogit], [-3, -1]);
  assert.throws(() => postprocessQaPredictions(examples, [window], [], [], {}), ShapeError);
  assert.throws(() => postprocessQaPredictions(examples, [{ ...window, exampleIndex: 3 }], [row(0, 0, 0)], [row(0, 0, 0)]), ShapeError);
});
