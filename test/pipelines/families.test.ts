/**
 * Every pipeline with RoBERTa, DistilBERT and ALBERT (issue 14): tiny random-weight folders written here, loaded by
 * pipeline(task, dir) with the folder's own tokenizer (AutoTokenizer). The oracle of each answer is the model's own
 * forward on the same tokenized input, alone and unpadded, followed by the task's post-processing (checked against
 * Hugging Face elsewhere); scores within SCORE_TOLERANCE. Token and offset handling is checked against the text:
 * RoBERTa's `Ġ` (byte-level BPE), ALBERT's `▁` (SentencePiece) and DistilBERT's `##` (WordPiece) words, starts and
 * ends land on the right characters, and words are made by Hugging Face's rule for that tokenizer.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withEncoderPadding } from '../../src/inference/encoder-padding.js';
import { packableModel } from '../../src/inference/packed-layers.js';
import { runEncoder } from '../../src/inference/run-encoder.js';
import { qaWindowEncodings } from '../../src/finetune/squad/squad-features.js';
import { pipeline } from '../../src/pipelines/pipeline.js';
import type { FillMaskResult } from '../../src/pipelines/fill-mask.js';
import { qaAnswers, type QaAnswer, type QaWindow } from '../../src/pipelines/qa-spans.js';
import type { EntityGroup, TokenEntity } from '../../src/pipelines/token-aggregation.js';
import { tokenizerRoles } from '../../src/pipelines/tokenizer-roles.js';
import { RobertaTokenizer } from '../../src/tokenizer/roberta-tokenizer.js';
import { Tokenizer } from '../../src/tokenizer/tokenizer.js';
import { noGrad } from '../../src/tensor/tensor.js';
import { encoderInputs, FAMILIES, forwardEncoding, scaleParameters, type Family, type Labels } from './family-models.js';
import { runCli } from '../helpers/cli.js';
import { softmax64, tempFolder } from './pipeline-models.js';

/** Packed (or padded) batches against one unpadded input through the same float32 kernels: rounding only. */
const SCORE_TOLERANCE = 1e-5;

const TWO: Labels = { 0: 'LABEL_0', 1: 'LABEL_1' };
const SENTIMENT: Labels = { 0: 'negative', 1: 'neutral', 2: 'positive' };
const NLI: Labels = { 0: 'contradiction', 1: 'neutral', 2: 'entailment' };
const NER: Labels = { 0: 'O', 1: 'B-PER', 2: 'I-PER', 3: 'B-LOC', 4: 'I-LOC' };

function close(actual: number, expected: number, where: string): void {
  assert.ok(Math.abs(actual - expected) <= SCORE_TOLERANCE, `${where}: ${actual} vs ${expected}`);
}

/** Indices of `values` best first. */
function ranked(values: readonly number[]): number[] {
  return values.map((_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b);
}

/** The folder of a fresh `task` model of `family`, with its tokenizer; returns the model (the oracle) and the folder. */
function folder(family: Family, task: Parameters<Family['create']>[0], labels: Labels, seed: number, spread?: string) {
  const model = family.create(task, labels, seed);
  if (spread !== undefined) scaleParameters(model, spread, 50);
  const dir = tempFolder(`${family.name}-${task}`);
  model.savePretrained(dir, family.tokenizer);
  return { model, dir };
}

/** A token's own text as the tokenizer writes it: `Ġ`, `▁` and `##` marks off, case folded (uncased models). */
function tokenText(token: string): string {
  return token.replace(/^(Ġ|▁|##)/u, '').toLowerCase();
}

/**
 * The characters a word's span covers, as Hugging Face's offsets give them: the word itself, except for
 * SentencePiece's Metaspace, whose `▁` stands for the space before a word and covers it.
 */
function spanOf(family: Family, word: string, first: boolean): string {
  return family.name === 'albert' && !first ? ` ${word}` : word;
}

for (const family of FAMILIES) {
  const { tokenizer } = family;

  test(`${family.name}: fill-mask with the tokenizer's mask (${family.mask}) equals the masked LM's own forward`, async () => {
    const { model, dir } = folder(family, 'masked-lm', TWO, 11);
    const fill = await pipeline('fill-mask', dir);
    const text = `The capital of France is ${family.mask}.`;
    const results = (await fill(text, { top_k: 4 })) as FillMaskResult[];
    const encoding = tokenizer.encode(text);
    const maskId = tokenizer.tokenToId(family.mask)!;
    const position = Array.from(encoding.ids).indexOf(maskId);
    assert.ok(position > 0, 'the mask is one token of the encoding');
    const logits = forwardEncoding(model, encoding, (out) => out.logits); // [1, seq, vocab]
    const vocab = logits.length / encoding.length;
    const probs = softmax64(logits.subarray(position * vocab, (position + 1) * vocab));
    assert.deepEqual(results.map((r) => r.token), ranked(probs).slice(0, 4));
    for (const r of results) {
      close(r.score, probs[r.token]!, `score of ${r.token}`);
      assert.equal(r.token_str, tokenizer.decode([r.token]));
      assert.ok(r.sequence.toLowerCase().startsWith('the capital of france is'), r.sequence);
      assert.ok(!r.sequence.includes(family.mask), 'the mask is filled');
    }
  });

  test(`${family.name}: text-classification of texts and pairs equals the classifier's own forward`, async () => {
    const { model, dir } = folder(family, 'sequence-classification', SENTIMENT, 12, 'classifier');
    const classify = await pipeline('text-classification', dir);
    const inputs = ['a fine film', { text: 'the plot was thin', text_pair: 'but the acting was good' }, 'bad'];
    const results = classify.run(inputs, { top_k: null }) as Array<Array<{ label: string; score: number }>>;
    inputs.forEach((input, i) => {
      const encoding = typeof input === 'string' ? tokenizer.encode(input) : tokenizer.encode(input.text, input.text_pair);
      const probs = softmax64(forwardEncoding(model, encoding, (out) => out.logits));
      assert.deepEqual(results[i]!.map((r) => r.label), ranked(probs).map((label) => SENTIMENT[label]), `input ${i}`);
      results[i]!.forEach((r) => close(r.score, probs[Number(Object.keys(SENTIMENT).find((id) => SENTIMENT[id] === r.label))]!, `input ${i} ${r.label}`));
    });
    if (family.name === 'roberta') {
      const pair = tokenizer.encode('a', 'b');
      assert.deepEqual(tokenizer.convertIdsToTokens(pair.ids).filter((t) => t.startsWith('<')), ['<s>', '</s>', '</s>', '</s>'], 'RoBERTa pairs: <s> A </s></s> B </s>');
    }
  });

  test(`${family.name}: zero-shot-classification equals the NLI classifier's own forward per hypothesis`, async () => {
    const { model, dir } = folder(family, 'sequence-classification', NLI, 13, 'classifier');
    const zeroShot = await pipeline('zero-shot-classification', dir);
    const text = 'The match ended in a draw after extra time.';
    const candidates = ['sports', 'politics', 'cooking'];
    const logits = candidates.map((label) => forwardEncoding(model, tokenizer.encode(text, `This example is ${label}.`), (out) => out.logits));
    const single = zeroShot.run(text, candidates);
    const entail = softmax64(logits.map((l) => l[2]!));
    assert.deepEqual(single.labels, ranked(entail).map((j) => candidates[j]));
    single.labels.forEach((label, k) => close(single.scores[k]!, entail[candidates.indexOf(label)]!, label));
    const multi = zeroShot.run(text, candidates, { multi_label: true });
    multi.labels.forEach((label, k) => {
      const l = logits[candidates.indexOf(label)]!;
      close(multi.scores[k]!, softmax64([l[0]!, l[2]!])[1]!, `multi ${label}`);
    });
  });

  test(`${family.name}: token-classification per token equals the tagger's own forward; entities point at their characters`, async () => {
    const { model, dir } = folder(family, 'token-classification', NER, 14, 'classifier');
    const tagger = await pipeline('ner', dir);
    const text = 'Anna Smith lives in Paris, near the café.';
    const entities = (await tagger(text, { ignore_labels: [] })) as TokenEntity[];
    const encoding = tokenizer.encode(text);
    const labels = Object.keys(NER).length;
    const logits = forwardEncoding(model, encoding, (out) => out.logits); // [1, seq, labels]
    const expected = Array.from(encoding.ids).flatMap((id, t) => (encoding.specialTokensMask[t] === 1 ? [] : [t]));
    assert.deepEqual(entities.map((e) => e.index), expected, 'one entity per token that is not special');
    for (const e of entities) {
      const probs = softmax64(logits.subarray(e.index * labels, (e.index + 1) * labels));
      const best = ranked(probs)[0]!;
      assert.equal(e.entity, NER[best]);
      close(e.score, probs[best]!, `token ${e.index}`);
      assert.equal(e.word, tokenizer.idToToken(encoding.ids[e.index]!));
      assert.deepEqual([e.start, e.end], Array.from(encoding.offset(e.index)));
      const covered = text.slice(e.start, e.end);
      // ASCII tokens: the text they cover is the token without its word mark (ALBERT and uncased BERT lowercase);
      // ALBERT's `▁` covers the space before its word.
      const word = family.name === 'albert' && e.word.startsWith('▁') && e.start > 0 ? covered.slice(1) : covered;
      if (family.name === 'albert' && e.word.startsWith('▁') && e.start > 0) assert.equal(covered[0], ' ', `${e.word} covers its space`);
      if (/^[\x21-\x7e]+$/u.test(word)) assert.equal(tokenText(e.word), word.toLowerCase(), `token ${e.word}`);
    }
  });

  test(`${family.name}: token-classification "first" makes words by Hugging Face's rule for this tokenizer`, async () => {
    const { model, dir } = folder(family, 'token-classification', NER, 15);
    // Every token B-PER: each word is then a group of its own, whose start and end show how words were made.
    scaleParameters(model, 'classifier.weight', 0);
    const bias = model.namedParameters().find(([name]) => name === 'classifier.bias')![1].floats('bias');
    bias.fill(0);
    bias[1] = 20;
    model.savePretrained(dir, tokenizer);
    const tagger = await pipeline('token-classification', dir);
    const text = 'Anna Smith lives in Paris, near the café.';
    const groups = (await tagger(text, { aggregation_strategy: 'first' })) as EntityGroup[];
    // WordPiece (a continuing-subword prefix): tokens whose text and string differ in length continue a word, so
    // punctuation is a word. Byte-level BPE and Unigram: HF's fallback — a token continues a word unless a space
    // precedes it — so "Paris," and "café." (whose é is two byte-level tokens) are words.
    const words = family.name === 'distilbert' ? text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)! : text.split(' ');
    assert.deepEqual(groups.map((g) => text.slice(g.start, g.end)), words.map((word, i) => spanOf(family, word, i === 0)));
    for (const g of groups) {
      assert.equal(g.entity_group, 'PER');
      const covered = text.slice(g.start, g.end).trim();
      // The group's word is its tokens decoded (RoBERTa's keeps the space its Ġ stands for, as Hugging Face's).
      if (/^[\x21-\x7e]+$/u.test(covered)) assert.equal(g.word.trim().toLowerCase(), covered.toLowerCase(), `group ${g.word}`);
    }
  });

  test(`${family.name}: question-answering over windows equals the span scorer's own forward per window`, async () => {
    const { model, dir } = folder(family, 'question-answering', TWO, 16, 'qa_outputs');
    const qa = await pipeline('question-answering', dir);
    const context = 'The old lighthouse stands on the northern cape. It was built in 1872 by a shipwright named Tomas Reed, '
      + 'who also kept its lamp for thirty years. Visitors climb its 212 steps in summer; in winter the keeper, now Mara Lind, '
      + 'lives alone there with two dogs and a radio. The lamp can be seen from forty kilometres away on a clear night.';
    const question = 'Who built the lighthouse?';
    const raw = { max_seq_len: 48, doc_stride: 16, max_answer_len: 6, top_k: 3 };
    const answers = qa.run(question, context, raw) as QaAnswer[];
    const options = qa.checkOptions(raw);
    const windows = qaWindowEncodings(tokenizer, { question, context, source: 'test' }, { maxSeqLength: 48, docStride: 16, maxQueryLength: 64 });
    assert.ok(windows.length >= 3, `${windows.length} windows`);
    const cls = tokenizerRoles(tokenizer).clsTokenId;
    const scored: QaWindow[] = windows.map((w) => ({
      startLogits: forwardEncoding(model, w, (out) => out.startLogits),
      endLogits: forwardEncoding(model, w, (out) => out.endLogits),
      sequenceIds: w.sequenceIds, isCls: Array.from(w.ids, (id) => (id === cls ? 1 : 0)), offsets: w.offsets, wordIds: w.wordIds,
    }));
    const expected = qaAnswers(context, scored, options);
    assert.equal(answers.length, 3);
    assert.deepEqual(answers.map(({ answer, start, end }) => ({ answer, start, end })), expected.map(({ answer, start, end }) => ({ answer, start, end })));
    answers.forEach((a, k) => {
      close(a.score, expected[k]!.score, `answer ${k}`);
      assert.equal(context.slice(a.start, a.end), a.answer);
      // Spans start and end on characters of words, not on spaces — but ALBERT's `▁` covers the space before its word.
      assert.match(a.answer, family.name === 'albert' ? /^ ?\S(.*\S)?$/su : /^\S(.*\S)?$/su);
    });
  });

  test(`${family.name}: feature-extraction of any head's folder equals the encoder's own forward, per token and mean-pooled`, async () => {
    const { model, dir } = folder(family, 'token-classification', NER, 17);
    const extract = await pipeline('feature-extraction', dir);
    const texts = ['short', 'a rather longer text, with some punctuation and more words in it'];
    const encoder = model.encoderModel();
    const hidden = encoder.hiddenSize;
    model.eval();
    const own = texts.map((text) => {
      const encoding = tokenizer.encode(text);
      return { length: encoding.length, rows: Float64Array.from(noGrad(() => encoder.forward(encoderInputs(encoder, encoding)).lastHiddenState).data) };
    });
    const alone = extract.run(texts[1]!);
    assert.deepEqual(alone.dims, [1, own[1]!.length, hidden]);
    alone.data.forEach((x, i) => close(x, own[1]!.rows[i]!, `token value ${i}`));
    const pooled = extract.run(texts, { pooling: 'mean' });
    assert.deepEqual(pooled.dims, [2, hidden]);
    own.forEach(({ length, rows }, i) => {
      for (let d = 0; d < hidden; d++) {
        let sum = 0;
        for (let t = 0; t < length; t++) sum += rows[t * hidden + d]!;
        close(pooled.data[i * hidden + d]!, sum / length, `text ${i} dim ${d}`);
      }
    });
  });

  test(`${family.name}: a pipeline asked of a folder without its head is the ConfigError naming folder, architecture and task`, async () => {
    const { dir } = folder(family, 'sequence-classification', SENTIMENT, 18);
    const architecture = family.create('sequence-classification', SENTIMENT, 18).architecture;
    await assert.rejects(pipeline('question-answering', dir), {
      name: 'ConfigError', message: `question-answering: ${dir} holds a ${architecture} (config.json's architectures), which has no question-answering head`,
    });
    await assert.rejects(pipeline('fill-mask', dir), { name: 'ConfigError', message: /which has no fill-mask head/ });
  });
}

test('runEncoder: each family packed (RoBERTa, ALBERT, DistilBERT) gives each input\'s own rows; --padding max the same', () => {
  for (const family of FAMILIES) {
    const model = family.create('token-classification', NER, 19);
    model.eval();
    const encoder = model.encoderModel();
    assert.notEqual(packableModel(encoder), null, `${family.name} runs packed`);
    // Mixed lengths and a pair; RoBERTa's positions restart after padding_idx for each packed input.
    const encodings = [family.tokenizer.encode('one'), family.tokenizer.encode('a longer input with more words, and punctuation', 'and a pair'), family.tokenizer.encode('')];
    const packed = runEncoder(encoder, encodings);
    const padded = withEncoderPadding('max', () => runEncoder(encoder, encodings));
    const first = runEncoder(encoder, encodings, { firstTokensOnly: true });
    const hidden = encoder.hiddenSize;
    encodings.forEach((encoding, i) => {
      const own = noGrad(() => encoder.forward(encoderInputs(encoder, encoding)).lastHiddenState).data; // [1, seq, hidden]
      assert.equal(packed.offsets[i + 1]! - packed.offsets[i]!, encoding.length, `${family.name} input ${i}: its rows`);
      const rows = packed.hidden.subarray(packed.offsets[i]! * hidden, packed.offsets[i + 1]! * hidden);
      rows.forEach((x, k) => close(x, own[k]!, `${family.name} input ${i} value ${k}`));
      padded.hidden.subarray(padded.offsets[i]! * hidden, padded.offsets[i + 1]! * hidden).forEach((x, k) => close(x, own[k]!, `${family.name} padded ${i} value ${k}`));
      first.hidden.subarray(i * hidden, (i + 1) * hidden).forEach((x, k) => close(x, own[k]!, `${family.name} first token ${i} value ${k}`));
    });
  }
});

test('tsbert predict --task fill-mask over a RoBERTa folder: each line what the pipeline gives it', async () => {
  const roberta = FAMILIES.find((family) => family.name === 'roberta')!;
  const { dir } = folder(roberta, 'masked-lm', TWO, 20);
  const work = tempFolder('predict-roberta');
  const lines = [{ text: 'The capital of France is <mask>.' }, { text: 'A <mask> day, and <mask> night.' }, { text: 'Hello <mask>' }];
  const input = join(work, 'in.jsonl');
  const output = join(work, 'out.jsonl');
  writeFileSync(input, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
  const run = await runCli(['predict', '--task', 'fill-mask', '--model', dir, '--input', input, '--output', output, '--top-k', '3']);
  assert.equal(run.status, 0, run.stderr);
  const fill = await pipeline('fill-mask', dir);
  const got = readFileSync(output, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as unknown);
  assert.equal(got.length, lines.length);
  for (const [i, line] of lines.entries()) {
    const expected = JSON.parse(JSON.stringify(fill.run(line.text, { top_k: 3 }))) as unknown;
    assertCloseJson(got[i], expected, `line ${i}`);
  }
});

/** Equal JSON, numbers within SCORE_TOLERANCE (a batch of three against one input alone). */
function assertCloseJson(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === 'number') return close(actual as number, expected, where);
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual) && actual.length === expected.length, `${where}: length`);
    expected.forEach((item, i) => assertCloseJson((actual as unknown[])[i], item, `${where}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(expected).sort(), `${where}: keys`);
    for (const [key, value] of Object.entries(expected)) assertCloseJson((actual as Record<string, unknown>)[key], value, `${where}.${key}`);
    return;
  }
  assert.equal(actual, expected, where);
}

test('a bare Tokenizer (tokenizer.json alone, no preset) serves a loaded model: its <mask> and <s> found by name', async () => {
  const roberta = FAMILIES.find((family) => family.name === 'roberta')!;
  const bare = Tokenizer.fromJSONString(roberta.tokenizer.toJSONString());
  assert.ok(!(bare instanceof RobertaTokenizer));
  const masked = roberta.create('masked-lm', TWO, 21);
  const text = 'The capital of France is <mask>.';
  const viaBare = (await pipeline('fill-mask', masked, { tokenizer: bare }))(text, { top_k: 3 });
  const viaPreset = (await pipeline('fill-mask', masked, { tokenizer: roberta.tokenizer }))(text, { top_k: 3 });
  assert.deepEqual((await viaBare as FillMaskResult[]).map((r) => [r.token, r.score, r.token_str]), (await viaPreset as FillMaskResult[]).map((r) => [r.token, r.score, r.token_str]));
  const qa = await pipeline('question-answering', roberta.create('question-answering', TWO, 22), { tokenizer: bare });
  const answer = qa.run('Where?', 'The lighthouse stands on the northern cape.') as QaAnswer;
  assert.equal('The lighthouse stands on the northern cape.'.slice(answer.start, answer.end), answer.answer);
});

test('a text past the positions is cut to the tokens each family\'s positions take (RoBERTa\'s start after padding_idx)', async () => {
  const long = Array.from({ length: 120 }, (_, i) => `word${i % 7}`).join(' ');
  for (const family of FAMILIES) {
    const { model, dir } = folder(family, 'sequence-classification', SENTIMENT, 23, 'classifier');
    const classify = await pipeline('text-classification', dir);
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.message);
    process.on('warning', onWarning);
    const [result] = classify.run(long, { top_k: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    const limit = model.encoderModel().maxInputTokens;
    assert.equal(limit, 64, `${family.name}: 64 tokens`);
    const cut = family.tokenizer.encode(long, undefined, { maxLength: limit, truncation: true });
    assert.equal(cut.length, limit);
    const probs = softmax64(forwardEncoding(model, cut, (out) => out.logits));
    close(result!.score, Math.max(...probs), `${family.name} truncated`);
    assert.ok(warnings.some((w) => /longer than the model's 64 tokens/.test(w)), `${family.name}: ${warnings.join('; ')}`);
  }
});
