// The showcase's data rules and baselines (showcase/*.mjs, plain ESM over dist/): Brown tag simplification and the
// held-out texts, the spam message cleaning and split, the baselines on hand-made cases, and the embedding ablation's
// folders.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataError } from '../src/errors.js';
import { readSafetensors } from '../src/io/safetensors.js';
import { BertForPreTraining } from '../src/model/heads/pretraining.js';
import { stateDict } from '../src/model/checkpoint-loading.js';
import { bertConfigFromJson } from '../src/model/config.js';
import { fixturePath } from './helpers/fixtures.js';

interface Sentence {
  words: string[];
  tags: string[];
}
interface BrownPos {
  simplifyTag(tag: string): string;
  brownSplit(index: number): 'train' | 'dev' | 'test';
  parseBrownLine(line: string, where: string): Sentence | undefined;
  brownPosSplits(options: { maxTrainSentences?: number; seed: number; files?: string[] }): { splits: Record<'train' | 'dev' | 'test', Sentence[]>; texts: Record<'train' | 'dev' | 'test', string[]> };
  toConll(sentences: Sentence[]): string;
}
interface Spam {
  messageText(raw: string): string;
  splitMessages<T extends { text: string }>(messages: T[], seed: number): { train: T[]; dev: T[]; test: T[]; dropped: number };
}
interface EmbeddingAblation {
  WORD_EMBEDDINGS: string;
  embeddingAblation(source: string, output: string, seed: number): { pretrainedRandomWords: string; randomPretrainedWords: string };
}
interface PrepareData {
  prepareData(dir: string, options: { seed: number; posTrainSentences: number }): {
    spam: { files: Record<'train' | 'dev' | 'test' | 'trainText', string>; splits: Record<'train' | 'dev' | 'test', Array<{ text: string; label: string }>> };
    digests: Record<string, string>;
  };
}
interface PretrainedRun {
  readPretrainingRun(dir: string): { finalDir: string; key: string; steps: number; seconds: number; mlmAccuracy: number | undefined };
}
interface Baselines {
  mostFrequentTagTagger(sentences: Sentence[]): (word: string) => string;
  naiveBayesClassifier(examples: Array<{ text: string; label: string }>): (text: string) => string;
}

// dist/test/ → the repository's showcase/ (the scripts run over dist/, so they are imported, not compiled).
const showcase = async <T>(file: string): Promise<T> => (await import(new URL(`../../showcase/${file}`, import.meta.url).href)) as T;
const pos = await showcase<BrownPos>('brown-pos.mjs');
const spam = await showcase<Spam>('spam.mjs');
const baselines = await showcase<Baselines>('baselines.mjs');
const pretrainedRun = await showcase<PretrainedRun>('pretrained-run.mjs');
const prepare = await showcase<PrepareData>('prepare-data.mjs');
const ablation = await showcase<EmbeddingAblation>('embedding-ablation.mjs');

test('Brown tags lose -tl, -hl, -nc and fw-, compounds keep their first part, negation stays', () => {
  const cases: Array<[string, string]> = [
    ['np-tl', 'np'], ['nn-hl', 'nn'], ['nn-tl-hl', 'nn'], ['nn$-tl', 'nn$'], ['jj-nc', 'jj'], ['fw-in', 'in'], ['fw-nn-tl', 'nn'],
    ['ppss+md', 'ppss'], ['pps+bez-tl', 'pps'], ['*', '*'], ['bedz*', 'bedz*'], ['md*-hl', 'md*'], ['pp$$', 'pp$$'], ["''", "''"], ['--', '--'],
  ];
  for (const [tag, simple] of cases) assert.equal(pos.simplifyTag(tag), simple, tag);
});

test('a Brown line splits at the last slash; a token without a tag is a DataError naming the line', () => {
  assert.deepEqual(pos.parseBrownLine('\tThe/at 1-1/2/cd inch/nn-tl ./.', 'ca01:3'), { words: ['The', '1-1/2', 'inch', '.'], tags: ['at', 'cd', 'nn', '.'] });
  assert.equal(pos.parseBrownLine(' \t ', 'ca01:4'), undefined);
  assert.throws(() => pos.parseBrownLine('The/at jury', 'ca01:5'), (e: Error) => e instanceof DataError && /ca01:5: token "jury"/.test(e.message));
});

test('the held-out Brown texts: every 50th is test (pre-training held it out too), the 25th of each 50 is dev', () => {
  const roles = Array.from({ length: 500 }, (_, i) => pos.brownSplit(i));
  assert.deepEqual(roles.flatMap((r, i) => (r === 'test' ? [i + 1] : [])), [50, 100, 150, 200, 250, 300, 350, 400, 450, 500]);
  assert.deepEqual(roles.flatMap((r, i) => (r === 'dev' ? [i + 1] : [])), [25, 75, 125, 175, 225, 275, 325, 375, 425, 475]);
});

test('the Brown sample is seeded, keeps every training tag, and dev/test tags unseen in training are refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-showcase-'));
  try {
    // 50 texts: the 25th is dev, the 50th test; every training text has three sentences, one of them with a rare tag.
    const files = Array.from({ length: 50 }, (_, i) => {
      const path = join(dir, `c${String(i).padStart(3, '0')}`);
      const rare = i === 7 ? 'Oh/uh' : 'a/at';
      writeFileSync(path, `\n\tThe/at dog/nn ran/vbd ./.\n\n\t${rare} cat/nn-tl sat/vbd ./.\n\n\tIt/pps slept/vbd ./.\n`);
      return path;
    });
    const first = pos.brownPosSplits({ seed: 7, maxTrainSentences: 5, files });
    const again = pos.brownPosSplits({ seed: 7, maxTrainSentences: 5, files });
    assert.deepEqual(first, again);
    assert.equal(first.splits.dev.length, 3);
    assert.equal(first.splits.test.length, 3);
    assert.deepEqual(first.texts.test, ['c049']);
    // Five drawn, plus text c007's second sentence when the draw missed the only `uh`.
    const tags = new Set(first.splits.train.flatMap((s) => s.tags));
    assert.ok(tags.has('uh'));
    assert.ok(first.splits.train.length === 5 || first.splits.train.length === 6, `${first.splits.train.length} sentences`);
    assert.equal(pos.toConll([{ words: ['Oh', '.'], tags: ['uh', '.'] }]), 'Oh B-uh\n. B-.\n\n');

    writeFileSync(files[49]!, '\tThe/at end/nn-hl !/exclamation\n');
    assert.throws(() => pos.brownPosSplits({ seed: 7, files }), (e: Error) => e instanceof DataError && /test tag "exclamation"/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a message keeps its subject (without a list tag) and its body without HTML; headers go', () => {
  const raw = 'From: a@b.c\r\nList-Id: <spamassassin-talk>\r\nSubject: [SAtalk] Cheap\r\n  pills &amp; more\r\nX-Spam: yes\r\n\r\n'
    + '<html><b>Buy</b>&nbsp;now!</html>\r\n\r\nbye';
  assert.equal(spam.messageText(raw), 'Cheap pills & more Buy now! bye');
  assert.equal(spam.messageText('Subject: only headers'), 'only headers');
});

test('the spam split drops repeats and blanks, is disjoint, 10/10/80, and fixed by the seed', () => {
  const messages = Array.from({ length: 100 }, (_, i) => ({ text: `message ${i}`, label: i % 3 === 0 ? 'spam' : 'ham' }));
  messages.push({ text: 'message 5', label: 'ham' }, { text: '', label: 'spam' });
  const split = spam.splitMessages(messages, 42);
  assert.equal(split.dropped, 2);
  assert.deepEqual([split.test.length, split.dev.length, split.train.length], [10, 10, 80]);
  assert.equal(new Set([...split.test, ...split.dev, ...split.train].map((m) => m.text)).size, 100);
  assert.deepEqual(spam.splitMessages(messages, 42), split);
  assert.notDeepEqual(spam.splitMessages(messages, 43).test, split.test);
});

test('the task-adaptive pre-training text is the spam training messages, unlabelled, one document each; no dev or test message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-showcase-data-'));
  try {
    const { spam: data, digests } = prepare.prepareData(dir, { seed: 42, posTrainSentences: 100 });
    const text = readFileSync(data.files.trainText, 'utf8');
    assert.ok(text.endsWith('\n') && !text.endsWith('\n\n'));
    // create-pretraining-data --split-sentences reads blank-line-separated blocks as documents.
    const documents = text.slice(0, -1).split('\n\n');
    assert.deepEqual(documents, data.splits.train.map((m) => m.text));
    const heldOut = new Set([...data.splits.dev, ...data.splits.test].map((m) => m.text));
    assert.equal(heldOut.size, data.splits.dev.length + data.splits.test.length);
    assert.equal(documents.filter((d) => heldOut.has(d)).length, 0);
    assert.ok(digests[data.files.trainText] !== undefined, 'the pre-training step is keyed on this file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('most frequent tag: the word, then its lower case, then the suffix of words seen once, then their commonest tag', () => {
  const tagger = baselines.mostFrequentTagTagger([
    { words: ['The', 'run', 'ended', '.'], tags: ['at', 'nn', 'vbd', '.'] },
    { words: ['They', 'run', 'fast', '.'], tags: ['ppss', 'vb', 'rb', '.'] },
    { words: ['the', 'run', 'walked', 'quickly'], tags: ['at', 'nn', 'vbd', 'rb'] },
    { words: ['Boston', 'jumped', 'sat'], tags: ['np', 'vbd', 'vbd'] },
  ]);
  assert.equal(tagger('run'), 'nn'); // 2 nn : 1 vb
  assert.equal(tagger('THE'), 'at'); // by its lower case
  assert.equal(tagger('talked'), 'vbd'); // -ked ← walked
  assert.equal(tagger('slowly'), 'rb'); // -ly ← quickly
  assert.equal(tagger('Austin'), 'np'); // capitalised -n ← Boston (lower-case -n would be nothing)
  assert.equal(tagger('xyzzq'), 'vbd'); // no shared suffix: the commonest tag of words seen once (4 vbd, 2 at, 2 rb, ...)
});

test('naive Bayes matches scikit-learn MultinomialNB(alpha=1) on close decisions (showcase/naive_bayes_golden.py)', () => {
  const classify = baselines.naiveBayesClassifier([
    { text: 'win money now', label: 'spam' }, { text: 'cheap money offer', label: 'spam' }, { text: 'offer ends now win', label: 'spam' },
    { text: 'meeting notes attached', label: 'ham' }, { text: 'lunch money tomorrow', label: 'ham' }, { text: 'notes from the meeting now', label: 'ham' },
    { text: 'see you at lunch', label: 'ham' }, { text: 'the offer for the house', label: 'ham' },
  ]);
  const texts = ['money now', 'meeting money', 'win lunch', 'the offer', 'cheap notes', 'offer now offer', 'unknownword', 'lunch offer win'];
  assert.deepEqual(texts.map(classify), ['spam', 'ham', 'spam', 'ham', 'ham', 'spam', 'ham', 'spam']);
});

test('--pretrained RUN: steps, time and the last held-out MLM accuracy from metrics.jsonl; the weights digest is the key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-showcase-run-'));
  try {
    assert.throws(() => pretrainedRun.readPretrainingRun(dir), /no final\/model\.safetensors/);
    mkdirSync(join(dir, 'final'));
    writeFileSync(join(dir, 'final', 'model.safetensors'), 'weights A');
    assert.throws(() => pretrainedRun.readPretrainingRun(dir), /no metrics\.jsonl/);
    const lines = [
      { step: 10, loss: 9, elapsed_s: 5 },
      { step: 10, eval_mlm_accuracy: 0.05 },
      { step: 20, loss: 8, elapsed_s: 11.5 },
      { step: 20, eval_mlm_accuracy: 0.125 },
    ];
    writeFileSync(join(dir, 'metrics.jsonl'), `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    const run = pretrainedRun.readPretrainingRun(dir);
    assert.deepEqual({ steps: run.steps, seconds: run.seconds, mlmAccuracy: run.mlmAccuracy, finalDir: run.finalDir },
      { steps: 20, seconds: 11.5, mlmAccuracy: 0.125, finalDir: join(dir, 'final') });
    // A resumed run: elapsed_s starts again from 0 in the second segment; the time is the sum of both.
    const resumed = [...lines, { step: 30, loss: 7, elapsed_s: 4 }, { step: 40, loss: 7, elapsed_s: 9 }];
    writeFileSync(join(dir, 'metrics.jsonl'), `${resumed.map((line) => JSON.stringify(line)).join('\n')}\n`);
    assert.deepEqual([pretrainedRun.readPretrainingRun(dir).seconds, pretrainedRun.readPretrainingRun(dir).steps], [20.5, 40]);
    writeFileSync(join(dir, 'metrics.jsonl'), `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    mkdirSync(join(dir, 'checkpoint-23'));
    assert.equal(pretrainedRun.readPretrainingRun(dir).steps, 23);
    writeFileSync(join(dir, 'final', 'model.safetensors'), 'weights B');
    assert.notEqual(pretrainedRun.readPretrainingRun(dir).key, run.key);
    writeFileSync(join(dir, 'metrics.jsonl'), '{"step": 1, "elapsed_s": 1}\n{not json\n');
    assert.throws(() => pretrainedRun.readPretrainingRun(dir), /metrics\.jsonl:2: not JSON/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('embedding ablation: one folder swaps only the word embeddings for BERT\'s init, the other keeps only them', () => {
  const out = mkdtempSync(join(tmpdir(), 'tsbert-ablation-'));
  try {
    const source = fixturePath('reference', 'bert-tiny');
    const made = ablation.embeddingAblation(source, out, 42);
    const original = readSafetensors(join(source, 'model.safetensors')).tensors;
    const words = ablation.WORD_EMBEDDINGS;
    const config = JSON.parse(readFileSync(join(source, 'config.json'), 'utf8')) as { hidden_size: number; pad_token_id?: number };
    const pad = config.pad_token_id ?? 0;
    const a = readSafetensors(join(made.pretrainedRandomWords, 'model.safetensors')).tensors;
    const b = readSafetensors(join(made.randomPretrainedWords, 'model.safetensors')).tensors;
    assert.deepEqual([...a.keys()].sort(), [...original.keys()].sort());
    assert.deepEqual([...b.keys()].sort(), [...original.keys()].sort());
    const fresh = a.get(words)!.data as Float32Array;
    let sumSquares = 0;
    for (const v of fresh) sumSquares += v * v;
    assert.ok(Math.abs(Math.sqrt(sumSquares / fresh.length) - 0.02) < 0.002, 'N(0, 0.02)');
    assert.ok(fresh.subarray(pad * config.hidden_size, (pad + 1) * config.hidden_size).every((v) => v === 0), 'the [PAD] row is zero');
    assert.deepEqual(b.get(words)!.data, original.get(words)!.data);
    const random = stateDict(new BertForPreTraining(bertConfigFromJson(JSON.parse(readFileSync(join(source, 'config.json'), 'utf8'))), { seed: 42 }));
    for (const [name, tensor] of original) {
      if (name === words) continue;
      assert.deepEqual(a.get(name)!.data, tensor.data, `${name}: pre-trained in the first`);
      assert.deepEqual(b.get(name)!.data, random[name]!.data, `${name}: the random initialisation's in the second`);
    }
    assert.notDeepEqual(b.get('bert.encoder.layer.0.attention.self.query.weight')!.data, original.get('bert.encoder.layer.0.attention.self.query.weight')!.data);
    assert.deepEqual(readFileSync(join(made.randomPretrainedWords, 'vocab.txt')), readFileSync(join(source, 'vocab.txt')));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
