/**
 * SQuAD windows and answer positions: against the goldens of reference/make_qa_goldens.py (Hugging Face tokenizers'
 * tokens, windowed by run_qa.py's rule in Python), against the tokenizers npm package's own overflowing windows, and
 * by decoding the labelled tokens back to the answers.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DataError } from '../../src/errors.js';
import type { SquadExample } from '../../src/finetune/examples.js';
import {
  fitQuestion,
  prepareQaFeatures,
  prepareQaTrainFeatures,
  type QaFeature,
  type QaFeatureOptions,
} from '../../src/finetune/squad/squad-features.js';
import { readSquadFile } from '../../src/finetune/squad/squad-reader.js';
import { BertTokenizer } from '../../src/tokenizer/index.js';
import { BERT_BASE_UNCASED_VOCAB, fixturePath } from '../helpers/fixtures.js';
import { referenceTokenizer, toCodePointOffsets } from '../tokenizer/reference.js';
import { readQaGoldens, type GoldenFeature } from './squad-goldens.js';
import type * as Hf from 'tokenizers';
import '../helpers/node-runtime.js';

const golden = readQaGoldens();
const tiny = BertTokenizer.fromVocabFile(fixturePath('reference', 'bert-tiny', 'vocab.txt'));
const GOLDEN_OPTIONS: QaFeatureOptions = { maxSeqLength: golden.max_seq_length, docStride: golden.doc_stride, maxQueryLength: golden.max_query_length };

/** A window's context offsets in code points (as Python and Rust count), null outside the context. */
function codePointOffsets(feature: QaFeature, context: string): Array<[number, number] | null> {
  const converted = toCodePointOffsets(context, feature.contextOffsets.map((o) => Math.max(o, 0)));
  return Array.from({ length: feature.length }, (_, i) =>
    (feature.contextOffsets[2 * i]! < 0 ? null : [converted[2 * i]!, converted[2 * i + 1]!]));
}

const idsOf = (feature: QaFeature): number[] => Array.from(feature.sequences[0]!.ids);

for (const version of ['v1', 'v2'] as const) {
  test(`${version} fixture: windows and answer positions equal the goldens (tokenizers' tokens, run_qa.py's windows)`, () => {
    const file = readSquadFile(fixturePath('squad', `${version}.json`));
    const expected = golden[version];
    assert.deepEqual(file.examples.map((e) => e.id), [...new Set(expected.features.map((f) => f.example_id))]);
    assert.deepEqual(Object.values(file.skipped), [expected.dropped.length], 'the same questions dropped');
    const features = prepareQaTrainFeatures(tiny, file.examples, GOLDEN_OPTIONS);
    assert.equal(features.length, expected.features.length, 'window count');
    features.forEach((feature, f) => {
      const want = expected.features[f] as GoldenFeature;
      const example = file.examples[feature.exampleIndex] as SquadExample;
      const where = `${version} window ${f} (${want.example_id})`;
      assert.equal(feature.exampleId, want.example_id, where);
      assert.deepEqual(idsOf(feature), want.input_ids, `${where}: ids`);
      assert.deepEqual(codePointOffsets(feature, example.context), want.offset_mapping, `${where}: offsets`);
      assert.deepEqual([feature.startPosition, feature.endPosition], [want.start_position, want.end_position], `${where}: positions`);
    });
  });
}

test('labelled tokens decode to the answer, and their offsets cut exactly the answer text from the context', () => {
  for (const version of ['v1', 'v2']) {
    const { examples } = readSquadFile(fixturePath('squad', `${version}.json`));
    const features = prepareQaTrainFeatures(tiny, examples, GOLDEN_OPTIONS);
    let labelled = 0;
    for (const f of features) {
      const example = examples[f.exampleIndex] as SquadExample;
      if (f.startPosition === 0) continue;
      labelled++;
      const answer = example.answers[0]?.text ?? '';
      const span = tiny.decode(idsOf(f).slice(f.startPosition, f.endPosition + 1));
      assert.equal(span, tiny.decode(tiny.encode(answer, undefined, { addSpecialTokens: false }).ids), example.id);
      const from = f.contextOffsets[2 * f.startPosition];
      const to = f.contextOffsets[2 * f.endPosition + 1];
      assert.equal(example.context.slice(from, to), answer, example.id);
    }
    assert.equal(labelled, version === 'v1' ? 4 : 3, `${version}: windows holding an answer`);
  }
});

test("fixture property the end-to-end test relies on: town-built's answer lies in its second window only (bert-tiny vocab, 40/8/12)", () => {
  const { examples } = readSquadFile(fixturePath('squad', 'v1.json'));
  const features = prepareQaTrainFeatures(tiny, examples, GOLDEN_OPTIONS).filter((f) => f.exampleId === 'town-built');
  assert.deepEqual(features.map((f) => f.startPosition > 0), [false, true]);
  const base = BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB);
  const baseFeatures = prepareQaTrainFeatures(base, examples, { maxSeqLength: 20, docStride: 4, maxQueryLength: 8 }).filter((f) => f.exampleId === 'town-built');
  assert.deepEqual(baseFeatures.map((f) => f.startPosition > 0), [false, true], 'bert-base-uncased vocab, 20/4/8');
});

test("windows equal the tokenizers npm package's overflowing windows (truncation only_second, stride), contexts within its reach", async () => {
  // tokenizers 0.23 (npm) cuts the context to maxLength tokens before windowing (test/tokenizer/encode-options.test.ts):
  // contexts are cut to that many tokens here so its windows are complete.
  const base = BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB);
  const reference = await referenceTokenizer(BERT_BASE_UNCASED_VOCAB, { lowercase: true });
  const examples = ['v1', 'v2'].flatMap((v) => readSquadFile(fixturePath('squad', `${v}.json`)).examples);
  let windows = 0;
  for (const [maxSeqLength, docStride] of [[24, 4], [20, 2], [32, 8]] as const) {
    reference.setTruncation(maxSeqLength, { strategy: 'OnlySecond' as Hf.TruncationStrategy, stride: docStride });
    for (const example of examples) {
      const cut = base.encode(example.context, undefined, { addSpecialTokens: false });
      const context = cut.length <= maxSeqLength ? example.context : example.context.slice(0, cut.offsets[2 * maxSeqLength - 1]);
      const ours = prepareQaFeatures(base, [{ ...example, context }], { maxSeqLength, docStride });
      const first = await reference.encode(example.question.trimStart(), context);
      const theirs = [first, ...first.getOverflowing()];
      assert.equal(ours.length, theirs.length, `${example.id} ${maxSeqLength}/${docStride}: window count`);
      ours.forEach((feature, w) => {
        const t = theirs[w];
        assert.ok(t);
        assert.deepEqual(idsOf(feature), t.getIds(), `${example.id} window ${w}: ids`);
        assert.deepEqual(Array.from(feature.sequences[0]!.typeIds), t.getTypeIds());
        const contextOffsets = t.getOffsets().map((o, i) => (t.getSequenceIds()[i] === 1 ? o : null));
        assert.deepEqual(codePointOffsets(feature, context), contextOffsets, `${example.id} window ${w}: offsets`);
        windows++;
      });
    }
  }
  assert.ok(windows > 40, `${windows} windows compared`);
});

function example(question: string, context: string, answer?: string): SquadExample {
  const answers = answer === undefined ? [] : [{ text: answer, answerStart: context.indexOf(answer) }];
  return { source: 'dev.json:data[0].paragraphs[0].qas[0]', id: 'x', title: '', question, context, answers, isImpossible: answer === undefined };
}

test("an answer in a window's last context token is labelled there (run_qa.py's unbounded search would label [SEP])", () => {
  const base = BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB);
  const ex = example('where', 'one two three four five six seven', 'four');
  // [CLS] where [SEP] one two three four [SEP]: 7 tokens, the window's last context token is "four".
  const [first] = prepareQaTrainFeatures(base, [ex], { maxSeqLength: 8, docStride: 1 });
  assert.ok(first);
  assert.equal(base.idToToken(idsOf(first)[first.length - 2]!), 'four');
  assert.deepEqual([first.startPosition, first.endPosition], [first.length - 2, first.length - 2]);
});

test('unanswerable questions and answers that straddle windows point to [CLS]', () => {
  const base = BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB);
  const none = prepareQaTrainFeatures(base, [example('where', 'one two three four five six seven')], { maxSeqLength: 8, docStride: 1 });
  assert.ok(none.length > 1 && none.every((f) => f.startPosition === 0 && f.endPosition === 0));
  const straddling = prepareQaTrainFeatures(base, [example('where', 'one two three four five six seven', 'three four five')], { maxSeqLength: 8, docStride: 1 });
  assert.equal(straddling.length, 2, 'one two three four | four five six seven');
  assert.deepEqual(straddling.map((f) => [f.startPosition, f.endPosition]), straddling.map(() => [0, 0]));
});

test('the question is left-stripped (Python whitespace) and cut to maxQueryLength tokens; offsets are -1 outside the context', () => {
  const base = BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB);
  const question = 'which of the many bridges over the wide river was the first one built of stone';
  const full = base.encode(question, undefined, { addSpecialTokens: false });
  assert.deepEqual(fitQuestion(base, `\u3000\x1c ${question}`, undefined), [question, 16], 'str.lstrip() strips U+3000 and U+001C');
  assert.deepEqual(fitQuestion(base, `\ufeff${question}`, undefined)[0], `\ufeff${question}`, 'but not U+FEFF');
  assert.deepEqual(fitQuestion(base, question, 5), ['which of the many bridges', 5]);
  const [feature] = prepareQaFeatures(base, [example(`\u3000 ${question}`, 'the stone bridge')], { maxSeqLength: 64, docStride: 8, maxQueryLength: 5 });
  assert.ok(feature);
  assert.deepEqual(idsOf(feature).slice(1, 6), Array.from(full.ids.slice(0, 5)));
  assert.equal(idsOf(feature)[6], base.sepTokenId);
  assert.deepEqual(Array.from(feature.contextOffsets), [-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 3, 4, 9, 10, 16, -1, -1]);
  const unlimited = prepareQaFeatures(base, [example(question, 'the stone bridge')], { maxSeqLength: 64, docStride: 8 });
  assert.equal(unlimited[0]?.length, full.length + 3 + 3, 'no maxQueryLength: the whole question (run_qa.py)');
});

test('a question that leaves the context no more than docStride tokens: DataError naming the example and the flags', () => {
  const base = BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB);
  const question = 'which of the many bridges over the wide river was the first one built of stone';
  const long = 'one two three four five six seven eight nine ten eleven twelve';
  assert.throws(
    () => prepareQaFeatures(base, [example(question, long)], { maxSeqLength: 23, docStride: 4, maxQueryLength: 64 }),
    (e: unknown) =>
      e instanceof DataError &&
      e.message ===
        'dev.json:data[0].paragraphs[0].qas[0]: the question has 16 tokens (after --max-query-length 64), which leaves 4 of --max-seq-length 23 for the context (3 special tokens), not more than --doc-stride 4; raise --max-seq-length or lower --max-query-length',
  );
  assert.throws(() => prepareQaFeatures(base, [example(question, long)], { maxSeqLength: 18, docStride: 4 }), /leaves 0 of --max-seq-length 18/);
  // When the whole context fits, there is no window to overlap, and no error.
  assert.equal(prepareQaFeatures(base, [example(question, 'one two')], { maxSeqLength: 23, docStride: 4 }).length, 1);
  // Cut to 10 tokens, the question leaves 10 per window: twelve context tokens make windows [0, 10) and [6, 12).
  assert.equal(prepareQaFeatures(base, [example(question, long)], { maxSeqLength: 23, docStride: 4, maxQueryLength: 10 }).length, 2);
});

test('bad window settings are ConfigErrors', () => {
  const ex = [example('q', 'c')];
  assert.throws(() => prepareQaFeatures(tiny, ex, { maxSeqLength: 16, docStride: 16 }), (e: unknown) => e instanceof ConfigError && /--doc-stride 16 must be less than --max-seq-length 16/.test(e.message));
  assert.throws(() => prepareQaFeatures(tiny, ex, { maxSeqLength: 0, docStride: 0 }), ConfigError);
  assert.throws(() => prepareQaFeatures(tiny, ex, { maxSeqLength: 16, docStride: 1.5 }), ConfigError);
  assert.throws(() => prepareQaFeatures(tiny, ex, { maxSeqLength: 16, docStride: 2, maxQueryLength: 0 }), ConfigError);
});

test('a window without context tokens (empty context) is labelled [CLS]', () => {
  const features = prepareQaTrainFeatures(tiny, [{ ...example('q', ''), answers: [{ text: '', answerStart: 0 }] }], { maxSeqLength: 16, docStride: 2 });
  assert.deepEqual(features.map((f) => [f.startPosition, f.endPosition]), [[0, 0]]);
});
