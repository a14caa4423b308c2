/**
 * BertTokenizer API, model-folder files and bad input. Oracles: bert-base-uncased's published ids, Hugging Face
 * `tokenizers` loading our tokenizer.json, and the rule each test names.
 */
import { BERT_BASE_UNCASED_VOCAB } from '../helpers/fixtures.js';
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenizerError } from '../../src/errors.js';
import { BertTokenizer, Vocab } from '../../src/tokenizer/index.js';
import { brownCorpus } from './corpora.js';
import { compareWithReference, hf } from './reference.js';
import '../helpers/node-runtime.js';

const VOCAB = BERT_BASE_UNCASED_VOCAB;
const uncased = BertTokenizer.fromVocabFile(VOCAB);

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tsbert-tokenizer-'));
}

test('special token ids are those of bert-base-uncased', () => {
  assert.equal(uncased.vocabSize, 30522);
  assert.deepEqual(
    [uncased.padTokenId, uncased.unkTokenId, uncased.clsTokenId, uncased.sepTokenId, uncased.maskTokenId],
    [0, 100, 101, 102, 103],
  );
});

test('tokenize, ids, offsets and word ids of a known sentence (bert-base-uncased)', () => {
  const text = "Hello, I'm unaffable! 東京";
  assert.deepEqual(uncased.tokenize(text), ['hello', ',', 'i', "'", 'm', 'una', '##ffa', '##ble', '!', '東', '京']);
  const e = uncased.encode(text);
  assert.deepEqual(Array.from(e.ids), [101, 7592, 1010, 1045, 1005, 1049, 14477, 20961, 3468, 999, 1879, 1755, 102]);
  assert.deepEqual(e.offsetPairs().slice(0, 3), [[0, 0], [0, 5], [5, 6]]);
  for (let i = 1; i < e.length - 1; i++) {
    const [s, end] = e.offset(i);
    assert.ok(text.slice(s, end).length > 0);
  }
  assert.deepEqual(e.words(), [null, 0, 1, 2, 3, 4, 5, 5, 5, 6, 7, 8, null]);
  assert.deepEqual(uncased.convertTokensToIds(['hello', 'nonexistenttoken']), [7592, 100]);
});

test('offsets are UTF-16 indices: text.slice(start, end) is the token (emoji, accents)', () => {
  const text = 'x 😀 café';
  const e = uncased.encode(text, undefined, { addSpecialTokens: false });
  assert.deepEqual(uncased.convertIdsToTokens(e.ids), ['x', '[UNK]', 'cafe']);
  assert.deepEqual(
    e.offsetPairs().map(([s, end]) => text.slice(s, end)),
    ['x', '😀', 'café'],
  );
});

test('overflowing windows cover a long text completely, with `stride` tokens of overlap', () => {
  const text = brownCorpus().slice(0, 40).join(' ');
  const all = Array.from(uncased.encode(text, undefined, { addSpecialTokens: false }).ids);
  const e = uncased.encode(text, undefined, { maxLength: 64, stride: 16, returnOverflowing: true });
  const windows = [e, ...e.overflowing].map((w) => Array.from(w.ids).slice(1, -1));
  assert.ok(windows.length > 5);
  const rebuilt = [...(windows[0] ?? [])];
  for (const w of windows.slice(1)) {
    assert.deepEqual(w.slice(0, 16), rebuilt.slice(-16), 'consecutive windows share `stride` tokens');
    rebuilt.push(...w.slice(16));
  }
  assert.deepEqual(rebuilt, all);
});

test('savePretrained writes files that fromPretrained and Hugging Face tokenizers both load identically', async () => {
  const dir = tempDir();
  try {
    const cased = BertTokenizer.fromVocabFile('test/fixtures/tokenizer/brown-nlp-cased-12000-vocab.txt', { doLowerCase: false, modelMaxLength: 512 });
    const files = cased.savePretrained(dir);
    assert.deepEqual(files.map((f) => f.slice(dir.length + 1)).sort(), ['special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.txt']);
    const config = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(config['do_lower_case'], false);
    assert.equal(config['model_max_length'], 512);
    const reloaded = BertTokenizer.fromPretrained(dir);
    assert.equal(reloaded.doLowerCase, false);
    const lines = brownCorpus().slice(0, 2000);
    for (const line of lines.slice(0, 200)) assert.deepEqual(reloaded.encode(line).ids, cased.encode(line).ids);
    // The Rust library reads our tokenizer.json and agrees on every line.
    const rust = hf.Tokenizer.fromFile(join(dir, 'tokenizer.json'));
    const report = await compareWithReference(cased, rust, [...lines, 'Crème BRÛLÉE [MASK] 東京 😀']);
    assert.equal(report.mismatches, 0, report.examples.join('\n'));
    // A folder with only vocab.txt + tokenizer_config.json works too (and the config decides the casing).
    rmSync(join(dir, 'tokenizer.json'));
    assert.equal(BertTokenizer.fromPretrained(dir).doLowerCase, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fromPretrained reads a Hugging Face tokenizer.json with a TemplateProcessing post-processor', () => {
  const dir = tempDir();
  try {
    const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'hello', 'world', '##s'];
    const json = {
      version: '1.0',
      added_tokens: vocab.slice(0, 5).map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
      normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
        pair: [],
        special_tokens: {},
      },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((t, i) => [t, i])) },
    };
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json));
    const t = BertTokenizer.fromPretrained(dir);
    assert.deepEqual(Array.from(t.encode('Hello worlds!').ids), [2, 5, 6, 7, 1, 3]);
    assert.equal(t.decode(t.encode('Hello worlds').ids, { skipSpecialTokens: true }), 'hello worlds');
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify({ ...json, model: { type: 'BPE', vocab: {} } }));
    assert.throws(() => BertTokenizer.fromPretrained(dir), (e: unknown) => e instanceof TokenizerError && /not a WordPiece model/.test(e.message));
    writeFileSync(join(dir, 'tokenizer.json'), '{ not json');
    assert.throws(() => BertTokenizer.fromPretrained(dir), (e: unknown) => e instanceof TokenizerError && /tokenizer\.json: not valid JSON/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad vocabularies give a TokenizerError naming the file and the problem', () => {
  const dir = tempDir();
  try {
    const base = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'a', 'b'];
    for (const missing of ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']) {
      const path = join(dir, `no-${missing.slice(1, -1)}.txt`);
      writeFileSync(path, base.filter((t) => t !== missing).join('\n') + '\n');
      assert.throws(
        () => BertTokenizer.fromVocabFile(path),
        (e: unknown) => e instanceof TokenizerError && e.message.includes(path) && e.message.includes(missing),
        `missing ${missing}`,
      );
    }
    const dup = join(dir, 'dup.txt');
    writeFileSync(dup, [...base, 'a'].join('\n'));
    assert.throws(() => BertTokenizer.fromVocabFile(dup), (e: unknown) => e instanceof TokenizerError && /"a" appears twice \(ids 5 and 7, lines 6 and 8\)/.test(e.message));
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    assert.throws(() => BertTokenizer.fromVocabFile(empty), (e: unknown) => e instanceof TokenizerError && /empty/.test(e.message));
    const binary = join(dir, 'binary.txt');
    writeFileSync(binary, Buffer.concat([Buffer.from(base.join('\n') + '\n'), Buffer.from([0xff, 0xfe, 0x0a])]));
    assert.throws(() => BertTokenizer.fromVocabFile(binary), (e: unknown) => e instanceof TokenizerError && /not valid UTF-8/.test(e.message));
    assert.throws(() => BertTokenizer.fromVocabFile(join(dir, 'absent.txt')), (e: unknown) => e instanceof TokenizerError && /no such file/.test(e.message));
    assert.throws(() => BertTokenizer.fromPretrained(dir), (e: unknown) => e instanceof TokenizerError && /no tokenizer.json or vocab.txt/.test(e.message));
    // CRLF vocab files load as Hugging Face loads them (trailing whitespace trimmed).
    assert.equal(Vocab.fromText(base.join('\r\n')).id('[MASK]'), 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad options give a TokenizerError', () => {
  assert.throws(() => uncased.encode('a b c d e f', undefined, { maxLength: 1 }), TokenizerError);
  assert.throws(() => uncased.encode('a b c d e f', undefined, { maxLength: 6, stride: 4 }), /stride/);
  assert.throws(() => uncased.encode('a b c', undefined, { maxLength: 4, truncation: 'only_second' }), /needs a pair/);
  assert.throws(() => uncased.encode('a', undefined, { padding: 'max_length' }), /needs maxLength/);
  assert.throws(() => uncased.idToToken(-1), TokenizerError);
});

test('a 10 MB single line is tokenized in linear time; a 10 MB word is one [UNK]', () => {
  const unit = 'lorem ipsum dolor sit amet, consectetur adipiscing elit ';
  const unitIds = Array.from(uncased.encode(unit, undefined, { addSpecialTokens: false }).ids);
  const words = unit.repeat(180_000);
  assert.ok(words.length > 10_000_000);
  let t = performance.now();
  const e = uncased.encode(words);
  const seconds = (performance.now() - t) / 1000;
  assert.equal(e.length, 2 + 180_000 * unitIds.length);
  assert.deepEqual(Array.from(e.ids.subarray(e.length - 1 - unitIds.length, e.length - 1)), unitIds);
  assert.ok(seconds < 20, `took ${seconds}s`);
  const word = 'a'.repeat(10_000_000);
  t = performance.now();
  const w = uncased.encode(word);
  assert.deepEqual(Array.from(w.ids), [101, 100, 102]);
  assert.deepEqual(w.offset(1), [0, 10_000_000]);
  assert.ok((performance.now() - t) / 1000 < 20);
});

test('invalid UTF-8 in text: U+FFFD (and lone surrogates) are dropped like control characters, as the reference does', () => {
  const decoded = new TextDecoder().decode(Buffer.from([0x61, 0x62, 0xff, 0x63, 0x20, 0xc3, 0x28, 0x64]));
  assert.equal(decoded, 'ab\ufffdc \ufffd(d');
  assert.deepEqual(uncased.tokenize(decoded), ['abc', '(', 'd']);
  assert.deepEqual(uncased.tokenize('x\ud800y \udc00'), ['x', '##y']);
});

test('tokenizer files that crashed the reader or loaded a broken tokenizer are TokenizerErrors on one line (found by npm run fuzz)', () => {
  const dir = tempDir();
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'hello', 'world', '[NEW]'];
  const tokenizerJson = (model: Record<string, unknown>, added: unknown[] = [{ id: 7, content: '[NEW]', special: true }]): string => JSON.stringify({
    added_tokens: added,
    model: { type: 'WordPiece', unk_token: '[UNK]', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.map((t, i) => [t, i])), ...model },
  });
  const rejects = (file: string, text: string, pattern: RegExp): void => {
    writeFileSync(join(dir, file), text);
    assert.throws(() => BertTokenizer.fromPretrained(dir), (e: unknown) => e instanceof TokenizerError && e.message.includes(dir) && !e.message.includes('\n') && pattern.test(e.message), text.slice(0, 80));
  };
  try {
    // max_input_chars_per_word sizes the word buffers (~2 units a character): 1e10 asked for 2·10^10-unit arrays.
    for (const limit of [1e10, 100.5, -1, '100']) rejects('tokenizer.json', tokenizerJson({ max_input_chars_per_word: limit }), /max_input_chars_per_word should be a whole number from 0 to 1000000/);
    // An added token's id that an Int32Array cannot hold was accepted, and "[NEW]" then encoded as id 0 ([PAD]).
    for (const id of [1e300, 2 ** 31, -1, 7.5]) rejects('tokenizer.json', tokenizerJson({}, [{ id, content: '[NEW]', special: true }]), /added_tokens\[0\] needs a string content and an id from 0 to 2147483647/);
    writeFileSync(join(dir, 'tokenizer.json'), tokenizerJson({ max_input_chars_per_word: 0 }));
    assert.deepEqual(Array.from(BertTokenizer.fromPretrained(dir).encode('[NEW]', undefined, { addSpecialTokens: false }).ids), [7]);
    rmSync(join(dir, 'tokenizer.json'));

    // With vocab.txt: messages quoted values with JSON.stringify (a stack overflow at 50,000 levels), and tokens raw.
    writeFileSync(join(dir, 'vocab.txt'), vocab.join('\n') + '\n');
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    rejects('tokenizer_config.json', `{"do_lower_case": ${deep}}`, /field do_lower_case should be a boolean, found \[\[\[\.\.\.\]\]\]/);
    rejects('tokenizer_config.json', `{"cls_token": ${deep}}`, /field cls_token should be a token string/);
    rejects('tokenizer_config.json', '{"do_lower_case": true,\n\n"x" 1}', /tokenizer_config\.json: not valid JSON/);
    rmSync(join(dir, 'tokenizer_config.json'));
    rejects('special_tokens_map.json', '{"cls_token": "[C\\nLS]"}', /the classifier token "\[C\\nLS\]" is missing/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
