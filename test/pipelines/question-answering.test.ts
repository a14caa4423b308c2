/**
 * The question-answering pipeline against Hugging Face's QuestionAnsweringPipeline rules: goldens from the Python port
 * (reference/hf_pipeline_postprocess.py) on a tiny random QA model's window logits. The cases cover a context in 3
 * windows whose best answer lies in the 2nd only, top_k 3, accented and CJK characters (offsets), align_to_words
 * off, a sentence repeated across windows (equal answer texts add their scores; each window offers top_k * 2 + 10
 * spans), and an impossible answer with handle_impossible_answer true and false.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { QuestionAnsweringPipeline, type QaAnswer } from '../../src/pipelines/question-answering.js';
import { qaAnswers } from '../../src/pipelines/qa-spans.js';
import { assertMatchesGoldens, END_TO_END_TOLERANCE, readPipelineFixtures } from './pipeline-goldens.js';
import { pipelineTokenizer, qaModel } from './golden-models.js';
import '../helpers/node-runtime.js';

const { inputs, goldens } = readPipelineFixtures();
const tokenizer = pipelineTokenizer();
const qa = new QuestionAnsweringPipeline(qaModel(tokenizer, inputs.qa_seed), tokenizer);

function asList(output: QaAnswer | QaAnswer[]): QaAnswer[] {
  return Array.isArray(output) ? output : [output];
}

test('answers match the Python port of Hugging Face\'s question_answering.py on the same window logits', () => {
  for (const [i, { context, options, windows }] of inputs.question_answering.entries()) {
    const output = qaAnswers(context, windows.map((w) => ({
      startLogits: w.start_logits, endLogits: w.end_logits, sequenceIds: w.sequence_ids, isCls: w.is_cls, offsets: w.offsets, wordIds: w.word_ids,
    })), options);
    assertMatchesGoldens(output, goldens.question_answering[i]!, `case ${i} ${JSON.stringify(options)}`);
  }
});

test('the pipeline, model run included, gives the goldens', async () => {
  for (const [i, { question, context, options }] of inputs.question_answering.entries()) {
    const output = await qa(question, context, options);
    assert.equal(Array.isArray(output), options.top_k > 1, `case ${i}: a list exactly when top_k > 1`);
    assertMatchesGoldens(asList(output), goldens.question_answering[i]!, `case ${i} ${JSON.stringify(options)}`, END_TO_END_TOLERANCE);
    for (const a of asList(output)) assert.equal(a.answer, context.slice(a.start, a.end));
  }
});

test('the goldens cover what they claim: the answer from the 2nd of 3 windows, the null answer winning only when allowed', () => {
  const [first] = inputs.question_answering;
  const windows = tokenizer.encode(first!.question, first!.context, { maxLength: 40, truncation: 'only_second', stride: 10, returnOverflowing: true });
  assert.equal(1 + windows.overflowing.length, 3);
  const contextEnd = (e: typeof windows): number => {
    let last = 0;
    for (let t = 0; t < e.length; t++) if (e.sequenceIds[t] === 1) last = e.offsets[2 * t + 1]!;
    return last;
  };
  const answer = goldens.question_answering[0]![0]!;
  assert.ok(Number(answer['end']) > contextEnd(windows) && Number(answer['end']) <= contextEnd(windows.overflowing[0]!));
  const second = windows.overflowing[1]!;
  const thirdStart = second.offsets[2 * second.sequenceIds.indexOf(1)]!;
  assert.ok(Number(answer['start']) < thirdStart, 'not inside the 3rd window');
  const nulls = goldens.question_answering.slice(-3);
  assert.deepEqual(nulls.map((answers) => answers[0]!['answer']), ['', '.', '']);
});

test('the call forms agree: (question, context), {question, context}, arrays of each', async () => {
  const { question, context } = inputs.question_answering[2]!;
  const single = await qa(question, context);
  assert.deepEqual(await qa({ question, context }), single);
  assert.deepEqual(await qa([{ question, context }, { question: 'Who keeps the lighthouse?', context }]).then((r) => r[0]), single);
  const both = await qa([question, question], [context, context]);
  assert.equal(both.length, 2);
  assert.deepEqual(both[1], single);
});

test('a question longer than max_question_len is cut, not refused; contexts with astral characters keep UTF-16 offsets', async () => {
  const long = `${'why '.repeat(80)}?`;
  const context = 'The 🐈 sleeps on the 🛋 all day 🌞 long.';
  const answers = asList(await qa(long, context, { max_seq_len: 32, max_question_len: 8, doc_stride: 4, top_k: 3 }));
  assert.equal(answers.length, 3);
  for (const a of answers) assert.equal(a.answer, context.slice(a.start, a.end));
});

test('bad input is a one-line ValueError naming the field or option', async () => {
  await assert.rejects(qa('', 'a context'), { name: 'ValueError', message: 'question-answering: input field "question" cannot be empty' });
  await assert.rejects(qa('why?', ''), { name: 'ValueError', message: 'question-answering: input field "context" cannot be empty' });
  await assert.rejects(qa(['a', 'b'], ['c']), /2 questions need as many contexts/);
  assert.throws(() => qa.inputFromJson({ question: 'q' }), /field "context" must be a string, got undefined/);
  assert.throws(() => qa.checkOptions({ doc_stride: 40, max_seq_len: 40 }), /doc_stride 40 must be less than max_seq_len 40/);
  assert.throws(() => qa.checkOptions({ top_k: 0 }), /question-answering: option top_k must be an integer ≥ 1, got 0/);
  assert.throws(() => qa.checkOptions({ topk: 2 }), /question-answering: unknown option "topk"; its options: top_k, /);
  await assert.rejects(qa('why is the sky blue?', 'Light scatters.', { max_seq_len: 8, doc_stride: 2 }),
    { name: 'DataError', message: /^question-answering: question "why is the sky blue\?": the question has 6 tokens .* leaves 0 of --max-seq-length 8/ });
  assert.deepEqual(qa.checkOptions({ top_k: '2', handle_impossible_answer: 'true' }), {
    top_k: 2, doc_stride: 32, max_seq_len: 64, max_question_len: 64, max_answer_len: 15, handle_impossible_answer: true, align_to_words: true,
  });
});
