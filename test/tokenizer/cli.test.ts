/**
 * `tsbert tokenize` and `tsbert train-tokenizer` as other tools call them: JSON lines identical to the library's
 * encodings, pairs, truncation, stdin and files, invalid UTF-8, clear errors with exit code 1.
 */
import { BERT_BASE_UNCASED_VOCAB } from '../helpers/fixtures.js';
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BertTokenizer, Vocab } from '../../src/tokenizer/index.js';
import { brownCorpus } from './corpora.js';
import '../helpers/node-runtime.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const VOCAB = BERT_BASE_UNCASED_VOCAB;
const CASED_VOCAB = 'test/fixtures/tokenizer/brown-nlp-cased-12000-vocab.txt';

function tsbert(args: string[], input?: string | Buffer): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [MAIN, ...args], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Row {
  ids: number[];
  type_ids: number[];
  offsets: Array<[number, number]>;
}

function expectRows(stdout: string, expected: Array<{ ids: Int32Array; typeIds: Int32Array; offsetPairs(): Array<[number, number]> }>): void {
  const rows = stdout.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as Row);
  assert.equal(rows.length, expected.length);
  rows.forEach((row, i) => {
    const e = expected[i];
    assert.ok(e !== undefined);
    assert.deepEqual(row, { ids: Array.from(e.ids), type_ids: Array.from(e.typeIds), offsets: e.offsetPairs() });
  });
}

test('tokenize: stdin → one JSON line per input line, as the library encodes it (uncased by default)', () => {
  const lines = [...brownCorpus().slice(0, 200), 'Crème BRÛLÉE 😀 東京', ''];
  const out = tsbert(['tokenize', '--vocab', VOCAB], lines.join('\n') + '\n');
  assert.equal(out.status, 0, out.stderr);
  const tokenizer = BertTokenizer.fromVocabFile(VOCAB);
  expectRows(out.stdout, lines.map((l) => tokenizer.encode(l)));
});

test('tokenize: --cased --pair --max-length with files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-cli-'));
  try {
    const brown = brownCorpus().slice(0, 100);
    const pairs = brown.slice(0, -1).map((a, i) => [a, brown[i + 1] ?? ''] as const);
    const input = join(dir, 'pairs.tsv');
    const output = join(dir, 'out.jsonl');
    writeFileSync(input, pairs.map(([a, b]) => `${a}\t${b}`).join('\r\n'));
    const out = tsbert(['tokenize', '--vocab', CASED_VOCAB, '--cased', '--pair', '--max-length', '24', '--input', input, '--output', output]);
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.stdout, '');
    const tokenizer = BertTokenizer.fromVocabFile(CASED_VOCAB, { doLowerCase: false });
    expectRows(readFileSync(output, 'utf8'), pairs.map(([a, b]) => tokenizer.encode(a, b, { maxLength: 24 })));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tokenize: invalid UTF-8 is replaced (and dropped), with one warning that counts it; a missing TAB is an error naming the line', () => {
  const bytes = Buffer.concat([Buffer.from('good line\nbad '), Buffer.from([0xff, 0xfe]), Buffer.from('bytes\n')]);
  const out = tsbert(['tokenize', '--vocab', VOCAB], bytes);
  assert.equal(out.status, 0);
  assert.equal(out.stderr, 'tokenize: warning: stdin: 1 of 2 lines has invalid UTF-8 (2 characters replaced by U+FFFD)\n');
  const tokenizer = BertTokenizer.fromVocabFile(VOCAB);
  expectRows(out.stdout, [tokenizer.encode('good line'), tokenizer.encode('bad \ufffd\ufffdbytes')]);
  const bad = tsbert(['tokenize', '--vocab', VOCAB, '--pair'], 'a\tb\nno tab here\n');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /stdin line 2: --pair expects A<TAB>B/);
  const noVocab = tsbert(['tokenize', '--vocab', 'does-not-exist.txt'], 'x\n');
  assert.equal(noVocab.status, 1);
  assert.equal(noVocab.stderr, 'tsbert: TokenizerError: --vocab does-not-exist.txt: no such file or directory\n');
});

test('tokenize and train-tokenizer have --help', () => {
  for (const command of ['tokenize', 'train-tokenizer']) {
    const out = tsbert([command, '--help']);
    assert.equal(out.status, 0);
    assert.match(out.stdout, new RegExp(`Usage: tsbert ${command}`));
  }
});

test('train-tokenizer: streams several files into a BERT-layout vocab.txt, progress on stderr', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-train-'));
  try {
    const brown = brownCorpus();
    const a = join(dir, 'a.txt');
    const b = join(dir, 'b.txt');
    writeFileSync(a, brown.slice(0, 5000).join('\n'));
    writeFileSync(b, brown.slice(5000, 10000).join('\n'));
    const output = join(dir, 'vocab.txt');
    const out = tsbert(['train-tokenizer', '--input', a, b, '--vocab-size', '3000', '--output', output, '--cased']);
    assert.equal(out.status, 0, out.stderr);
    assert.match(out.stderr, /read 10,000 lines/);
    assert.match(out.stderr, /wrote 3000 tokens/);
    const vocab = Vocab.fromFile(output);
    assert.equal(vocab.size, 3000);
    assert.equal(vocab.id('[MASK]'), 103);
    assert.ok(vocab.has('The'), 'cased vocabulary keeps capitals');
    const missing = tsbert(['train-tokenizer', '--input', join(dir, 'nope.txt'), '--output', output]);
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr, `tsbert: DataError: --input ${join(dir, 'nope.txt')}: no such file\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tokenize: a 10 MB line (no final newline) streams through and matches the library', () => {
  const unit = 'lorem ipsum dolor sit amet, consectetur adipiscing elit ';
  const line = unit.repeat(180_000);
  const out = tsbert(['tokenize', '--vocab', VOCAB], line);
  assert.equal(out.status, 0, out.stderr);
  const row = JSON.parse(out.stdout) as Row;
  const expected = BertTokenizer.fromVocabFile(VOCAB).encode(line);
  assert.equal(row.ids.length, expected.length);
  assert.deepEqual(row.ids.slice(-50), Array.from(expected.ids.subarray(expected.length - 50)));
  assert.deepEqual(row.offsets.at(-2), expected.offset(expected.length - 2));
});
