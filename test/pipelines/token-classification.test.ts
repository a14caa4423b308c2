/**
 * The token-classification pipeline against Hugging Face's post-processing rules: goldens from the Python port
 * (reference/hf_pipeline_postprocess.py) on a tiny random tagger's logits, for all five aggregation strategies. The
 * texts cover a word whose sub-tokens' labels make first ≠ average ≠ max ("unbelievably"), B- followed by I- of
 * another type, an entity at the end of the text, accented letters (offsets into "Zürich", "Ángela"), CJK characters
 * and an unknown token (☃).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { aggregateEntities, aggregateOverlappingEntities, preEntity } from '../../src/pipelines/token-aggregation.js';
import { TokenClassificationPipeline, type TokenClassificationOptions } from '../../src/pipelines/token-classification.js';
import { setWarningSink } from '../../src/warnings.js';
import { softmax } from '../../src/pipelines/scores.js';
import { assertMatchesGoldens, END_TO_END_TOLERANCE, readPipelineFixtures } from './pipeline-goldens.js';
import { pipelineTokenizer, taggerModel } from './golden-models.js';
import '../helpers/node-runtime.js';

const { inputs, goldens } = readPipelineFixtures();
const tokenizer = pipelineTokenizer();
const tagger = new TokenClassificationPipeline(taggerModel(tokenizer, inputs.tagger_seed), tokenizer);
const texts = inputs.token_classification.texts.map((t) => t.text);

test('every aggregation strategy matches the Python port of Hugging Face\'s token_classification.py on the same logits', () => {
  for (const [i, { text, options }] of inputs.token_classification.cases.entries()) {
    const t = inputs.token_classification.texts[text]!;
    const pre = t.tokens.flatMap((token, k) => t.special[k] === 1 ? [] : [preEntity(
      token, t.text, t.offsets[2 * k]!, t.offsets[2 * k + 1]!, t.is_unknown[k] === 1, k, softmax(t.logits[k]!),
    )]);
    const output = aggregateEntities(pre, options.aggregation_strategy, inputs.labels, options.ignore_labels, tokenizer.decoder);
    assertMatchesGoldens(output, goldens.token_classification[i]!, `text ${text} ${JSON.stringify(options)}`);
  }
});

test('the pipeline, model run included, gives the goldens', async () => {
  for (const [i, { text, options }] of inputs.token_classification.cases.entries()) {
    const output = await tagger(texts[text]!, options);
    assertMatchesGoldens(output, goldens.token_classification[i]!, `text ${text} ${JSON.stringify(options)}`, END_TO_END_TOLERANCE);
  }
});

test('the goldens cover what they claim: first ≠ average ≠ max on one word, B- then I- of another type, an entity at the end', () => {
  const cases = inputs.token_classification.cases;
  const wordLabel = (strategy: string, word: string): unknown => {
    const i = cases.findIndex((c) => c.text === 2 && c.options['aggregation_strategy'] === strategy);
    return goldens.token_classification[i]!.find((e) => String(e['word']).startsWith(word))?.['entity_group'];
  };
  assert.deepEqual(['first', 'average', 'max'].map((s) => wordLabel(s, 'unbelievably')), ['MISC', 'LOC', 'ORG']);
  const none = goldens.token_classification[0]!;
  assert.ok(none.some((e, i) => String(e['entity']).startsWith('B-') && String(none[i + 1]?.['entity']).startsWith('I-')
    && String(e['entity']).slice(2) !== String(none[i + 1]?.['entity']).slice(2)));
  const last = goldens.token_classification[cases.findIndex((c) => c.text === 2 && c.options['aggregation_strategy'] === 'first')]!.at(-1)!;
  assert.equal(last['end'], texts[2]!.length);
  const zurich = none.find((e) => e['word'] === 'zurich')!;
  assert.equal(texts[0]!.slice(Number(zurich['start']), Number(zurich['end'])), 'Zürich');
});

test('a batch gives what each text gives alone; the call takes arrays', async () => {
  const options = tagger.checkOptions({ aggregation_strategy: 'average' });
  const alone = texts.map((text) => tagger.runBatch([text], options)[0]!);
  const together = await tagger(texts, { aggregation_strategy: 'average' });
  together.forEach((output, i) => assertMatchesGoldens(output, alone[i]!.map((e) => ({ ...e })), `text ${i}`));
});

test('an empty text has no entities; a text over max_seq_len is truncated with a warning', async () => {
  assert.deepEqual(await tagger('', {}), []);
  const warnings: string[] = [];
  setWarningSink((message) => warnings.push(message));
  try {
    const cut = await tagger(texts[0]!, { max_seq_len: 6, ignore_labels: [] });
    assert.deepEqual(cut.map((e) => e.word), ['john', 'smith', 'met', 'angela']);
  } finally {
    setWarningSink((message, code) => process.emitWarning(message, { code }));
  }
  assert.deepEqual(warnings, ['token-classification: 1 input was longer than max_seq_len (6 tokens) and truncated to them (11 tokens dropped)']);
});

test('bad options and inputs are one-line ValueErrors naming the field', async () => {
  assert.throws(() => tagger.checkOptions({ aggregation: 'first' }), { name: 'ValueError', message: /unknown option "aggregation"; its options: ignore_labels, / });
  assert.throws(() => tagger.checkOptions({ aggregation_strategy: 'mean' }), { name: 'ValueError', message: /aggregation_strategy must be one of none, simple, first, average, max, got "mean"/ });
  assert.throws(() => tagger.checkOptions({ max_seq_len: 1000 }), /max_seq_len 1000 exceeds the model's 64 positions/);
  assert.throws(() => tagger.inputFromJson({ txt: 'a' }), { name: 'ValueError', message: /field "text" must be a string/ });
  assert.throws(() => tagger.inputFromJson(42), { name: 'ValueError', message: 'token-classification: an input must be a text, got 42' });
  assert.throws(() => tagger.checkOptions({ ignore_labels: 3 }), { name: 'ValueError', message: /ignore_labels must be a list of strings or a comma-separated string, got 3/ });
  await assert.rejects(tagger(texts[0]!, { max_seq_len: 2 }), { name: 'ValueError', message: /max_seq_len must be an integer ≥ 3, got 2/ });
  const options: TokenClassificationOptions = tagger.checkOptions({ ignore_labels: 'O, MISC', aggregation_strategy: 'simple' });
  assert.deepEqual(options.ignore_labels, ['O', 'MISC']);
  assert.equal(tagger.lengthOf(texts[0]!, options), 17);
});

test('stride: a long text read in overlapping windows gives the goldens of Hugging Face\'s rules (aggregate_overlapping_entities)', async () => {
  for (const [i, { text, options, windows }] of inputs.token_classification_windows.entries()) {
    assert.ok(windows.length > 1, `case ${i} spans several windows`);
    const output = await tagger(text, options);
    assertMatchesGoldens(output, goldens.token_classification_windows[i]!, `window case ${i} ${JSON.stringify(options)}`, END_TO_END_TOLERANCE);
    // The whole text is read: the last word's entity is there (the cases keep every label or end on an entity).
    const lastEnd = Math.max(...output.map((e) => e.end));
    assert.ok(lastEnd >= text.length - 1, `case ${i}: entities end at ${lastEnd} of ${text.length}`);
  }
});

test('stride: a text that fits one window gives what it gives without stride; overlaps keep the longer, then the surer entity', async () => {
  for (const text of texts) {
    const options = { aggregation_strategy: 'first' as const, ignore_labels: [] };
    assert.deepEqual(await tagger(text, { ...options, stride: 8 }), await tagger(text, options));
  }
  const entity = (start: number, end: number, score: number) => ({ entity_group: 'X', word: '', start, end, score });
  assert.deepEqual(aggregateOverlappingEntities([entity(10, 14, 0.5), entity(0, 4, 0.9), entity(2, 8, 0.1), entity(3, 9, 0.2), entity(12, 14, 0.99)]),
    [entity(3, 9, 0.2), entity(10, 14, 0.5)]);
  assert.deepEqual(aggregateOverlappingEntities([]), []);
});

test('stride is refused with aggregation "none" and when a window could not move on', () => {
  assert.throws(() => tagger.checkOptions({ stride: 4 }), { name: 'ValueError', message: /stride reads the whole text in windows, which needs an aggregation_strategy other than "none"/ });
  assert.throws(() => tagger.checkOptions({ stride: 10, max_seq_len: 12, aggregation_strategy: 'first' }), /option stride 10 must be less than max_seq_len 12 minus 2 special tokens/);
  assert.throws(() => tagger.checkOptions({ stride: -1, aggregation_strategy: 'first' }), /option stride must be null or an integer ≥ 0, got -1/);
});
