/**
 * The transformers.js goldens themselves (bench/pipeline-goldens.mjs), before any pipeline reads them: they cover
 * every pipeline and option issue 12 compares; the comparison every parity test uses catches a changed label, span
 * or score; and the fixture folders they were made from load in tsbert, whose tokenizer gives transformers.js's
 * tokens and Hugging Face tokenizers' character spans, and whose encoder gives onnxruntime's token vectors.
 * The pipelines' own parity test is test/pipelines/transformersjs-parity.test.ts.
 */
import '../helpers/node-runtime.js';
import test from 'node:test';
import assert from 'node:assert/strict';
import { AutoModel } from '../../src/model/auto.js';
import { noGrad, Tensor } from '../../src/tensor/tensor.js';
import { BertTokenizer } from '../../src/tokenizer/bert-tokenizer.js';
import { backendCases, withBackend } from '../helpers/backends.js';
import { assertMatchesGolden, goldenModelDir, readGolden, SCORE_TOLERANCE, type Golden } from '../helpers/transformersjs-goldens.js';

const FILES = [
  'text-classification', 'text-classification-multi-label', 'token-classification', 'question-answering',
  'feature-extraction', 'fill-mask', 'zero-shot-classification',
] as const;

/** The option sets each golden must hold (issue 12: "for each pipeline and option both have"). */
const OPTION_SETS: Record<(typeof FILES)[number], readonly string[]> = {
  'text-classification': ['{}', '{"top_k":3}', '{"top_k":null}'],
  'text-classification-multi-label': ['{}', '{"top_k":null}'],
  'token-classification': ['{}', '{"ignore_labels":[]}', '{"aggregation_strategy":"simple","ignore_labels":[]}', '{"aggregation_strategy":"simple"}'],
  'question-answering': ['{}', '{"top_k":3}'],
  'feature-extraction': ['{"pooling":"mean"}', '{"pooling":"mean","normalize":true}', '{"pooling":"cls"}', '{"pooling":"cls","normalize":true}', '{"pooling":"none"}'],
  'fill-mask': ['{"top_k":5}'],
  'zero-shot-classification': ['{}', '{"multi_label":true}', '{"hypothesis_template":"The topic of this text is {}."}'],
};

const goldens = new Map(FILES.map((file) => [file, readGolden(file)]));
function golden(file: (typeof FILES)[number]): Golden {
  const g = goldens.get(file);
  assert.ok(g !== undefined, file);
  return g;
}

test('the goldens hold every option set on a hundred or more real texts, and texts past 512 tokens', () => {
  for (const file of FILES) {
    const g = golden(file);
    const seen = new Set(g.cases.flatMap((c) => c.runs.map((r) => JSON.stringify(r.options))));
    assert.deepEqual([...seen].sort(), [...OPTION_SETS[file]].sort(), `${file}: option sets`);
    assert.ok(g.cases.length >= 100, `${file}: only ${g.cases.length} cases`);
  }
  const pairs = golden('text-classification').cases.filter((c) => typeof c.args[0] === 'object');
  assert.ok(pairs.length >= 50, `text-classification: ${pairs.length} sentence pairs`);
  const twoMasks = golden('fill-mask').cases.filter((c) => String(c.args[0]).split('[MASK]').length === 3);
  assert.ok(twoMasks.length >= 50, `fill-mask: ${twoMasks.length} texts with two masks`);
  // Both libraries truncate at model_max_length (512): some SpamAssassin texts go past it, and each has Hugging Face
  // Python's truncation as hf_python (transformers.js drops the final [SEP]).
  for (const file of ['text-classification', 'feature-extraction'] as const) {
    const tokenizer = BertTokenizer.fromPretrained(goldenModelDir(golden(file)));
    const long = golden(file).cases.filter((c) => typeof c.args[0] === 'string'
      && tokenizer.encode(c.args[0], undefined, { truncation: false }).length > 512);
    assert.ok(long.length >= 5, `${file}: ${long.length} texts past 512 tokens`);
    assert.ok(long.every((c) => c.runs.every((r) => r.hf_python !== undefined)), `${file}: a long text without hf_python`);
  }
});

test('the comparison accepts transformers.js\'s output and rejects a changed label, span or score', () => {
  const run = golden('token-classification').cases[0]!.runs[1]!;
  const expected = run.output;
  assert.ok(Array.isArray(expected) && expected.length > 0);
  const copy = (): Array<Record<string, unknown>> => structuredClone(expected);
  assert.equal(assertMatchesGolden(copy(), expected, 'same'), 0);
  const nudged = copy();
  const score = nudged[0]!['score'];
  assert.ok(typeof score === 'number');
  nudged[0]!['score'] = score + SCORE_TOLERANCE / 2;
  assert.ok(Math.abs(assertMatchesGolden(nudged, expected, 'nudged') - SCORE_TOLERANCE / 2) < 1e-12);
  const changes: Array<[string, (e: Record<string, unknown>) => void]> = [
    ['score', (e) => { e['score'] = score + 2 * SCORE_TOLERANCE; }],
    ['entity', (e) => { e['entity'] = e['entity'] === 'O' ? 'B-PER' : 'O'; }],
    ['start', (e) => { e['start'] = Number(e['start']) + 1; }],
    ['word', (e) => { e['word'] = `${String(e['word'])}x`; }],
    ['extra field', (e) => { e['extra'] = 1; }],
  ];
  for (const [what, change] of changes) {
    const changed = copy();
    change(changed[0]!);
    assert.throws(() => assertMatchesGolden(changed, expected, what), { name: 'AssertionError' }, what);
  }
  assert.throws(() => assertMatchesGolden(copy().slice(1), expected, 'one entity fewer'), { name: 'AssertionError' });
  assert.doesNotThrow(() => {
    const extra = copy();
    extra[0]!['extra'] = 1;
    assertMatchesGolden(extra, expected, 'ignored', ['extra']);
  });
});

test('tsbert\'s tokenizer on the fixture folder gives transformers.js\'s tokens and Hugging Face tokenizers\' spans', () => {
  const g = golden('token-classification');
  const tokenizer = BertTokenizer.fromPretrained(goldenModelDir(g));
  let tokens = 0;
  for (const [i, c] of g.cases.entries()) {
    const text = c.args[0];
    assert.ok(typeof text === 'string');
    // ignore_labels []: one entry per non-special token, `word` as transformers.js decodes it alone.
    const all = c.runs.find((r) => JSON.stringify(r.options) === '{"ignore_labels":[]}')?.output;
    assert.ok(Array.isArray(all), `case ${i}`);
    const encoding = tokenizer.encode(text);
    assert.equal(all.length, encoding.length - 2, `case ${i}: token count of "${text}"`);
    const ours = all.map((_, k) => ({
      index: k + 1,
      word: tokenizer.idToToken(encoding.ids[k + 1]!),
      start: encoding.offsets[2 * (k + 1)]!,
      end: encoding.offsets[2 * (k + 1) + 1]!,
    }));
    assertMatchesGolden(ours, all, `token-classification case ${i}`, ['entity', 'score']);
    tokens += all.length;
  }
  assert.ok(tokens > 6000, `${tokens} tokens`);
});

test('the fixture encoder gives onnxruntime\'s token vectors (feature-extraction, pooling none)', async (t) => {
  const g = golden('feature-extraction');
  const cases = g.cases.filter((c) => c.runs.some((r) => r.options['pooling'] === 'none'));
  assert.ok(cases.length >= 10);
  const tokenizer = BertTokenizer.fromPretrained(goldenModelDir(g));
  for (const backend of backendCases()) {
    await t.test(backend.name, { skip: backend.skip }, () => withBackend(backend.backend!, () => {
      const model = AutoModel.fromPretrained(goldenModelDir(g), { quiet: true }).encoderModel();
      model.eval();
      let worst = 0;
      for (const [i, c] of cases.entries()) {
        const text = c.args[0];
        assert.ok(typeof text === 'string');
        const encoding = tokenizer.encode(text);
        const seq = encoding.length;
        const hidden = noGrad(() => model.forward({
          inputIds: new Tensor(Int32Array.from(encoding.ids), [1, seq]),
          tokenTypeIds: new Tensor(Int32Array.from(encoding.typeIds), [1, seq]),
        }).lastHiddenState);
        const ours = { dims: hidden.shape, data: hidden.data };
        worst = Math.max(worst, assertMatchesGolden(ours, c.runs[0]!.output, `feature-extraction case ${i} "${text}"`));
      }
      t.diagnostic(`${backend.name}: largest difference from onnxruntime ${worst.toExponential(2)} (tolerance ${SCORE_TOLERANCE})`);
    }));
  }
});
