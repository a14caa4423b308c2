/**
 * tokenizer.json in and out. Oracle: Hugging Face `tokenizers` — the files it writes load into our pipeline and
 * encode a real corpus identically, ours load into it (Tokenizer.fromFile) and do the same, and for the stages we
 * implement our file is the one it writes, field for field. Unknown stage types are TokenizerErrors naming the field.
 */
import { BERT_BASE_UNCASED_VOCAB } from '../helpers/fixtures.js';
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenizerError } from '../../src/errors.js';
import { BertTokenizer, Tokenizer } from '../../src/tokenizer/index.js';
import { brownCorpus, spamAssassinLines, unicodeEdgeCases } from './corpora.js';
import { compareWithReference, hf, referenceTokenizer } from './reference.js';
import '../helpers/node-runtime.js';

const CASED_VOCAB = 'test/fixtures/tokenizer/brown-nlp-cased-12000-vocab.txt';

function withDir(body: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-tokenizer-json-'));
  return Promise.resolve(body(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

test("Hugging Face's tokenizer.json loads into the pipeline: same encodings on Brown, and the same file written back", () =>
  withDir(async (dir) => {
    const reference = await referenceTokenizer(BERT_BASE_UNCASED_VOCAB, { lowercase: true });
    const theirs = join(dir, 'theirs.json');
    reference.save(theirs);
    const mine = Tokenizer.fromFile(theirs);
    const report = await compareWithReference(mine, reference, [...unicodeEdgeCases(), ...brownCorpus()]);
    console.log(`tokenizer.json from tokenizers: ${report.compared} lines, ${report.mismatches} mismatches`);
    assert.equal(report.mismatches, 0, report.examples.join('\n'));
    assert.deepEqual(JSON.parse(mine.toJSONString()), readJson(theirs));
  }));

test("tsbert's tokenizer.json loads in Hugging Face tokenizers (Tokenizer.fromFile): identical ids and offsets on Brown and SpamAssassin", () =>
  withDir(async (dir) => {
    const mine = BertTokenizer.fromVocabFile(CASED_VOCAB, { doLowerCase: false, addedTokens: [{ content: '<extra>', id: 12000, special: false }] });
    const ours = join(dir, 'tokenizer.json');
    mine.save(ours);
    const reference = hf.Tokenizer.fromFile(ours);
    const lines = [...unicodeEdgeCases(), ...brownCorpus(), ...spamAssassinLines().filter((_, i) => i % 20 === 0), 'an <extra> token'];
    const report = await compareWithReference(mine, reference, lines);
    console.log(`tokenizer.json to tokenizers: ${report.compared} lines, ${report.mismatches} mismatches`);
    assert.equal(report.mismatches, 0, report.examples.join('\n'));
    assert.deepEqual(Array.from(mine.encode('an <extra> token').ids).slice(2, 3), [12000]);
    // The reference writes back the file it read: nothing of ours is lost or reinterpreted.
    const resaved = join(dir, 'resaved.json');
    reference.save(resaved);
    assert.deepEqual(readJson(resaved), readJson(ours));
    assert.deepEqual(JSON.parse(Tokenizer.fromFile(ours).toJSONString()), readJson(ours));
  }));

test("tokenizer.json's truncation and padding are the defaults of encode, as in tokenizers", () =>
  withDir(async (dir) => {
    const reference = await referenceTokenizer(BERT_BASE_UNCASED_VOCAB, { lowercase: true });
    reference.setTruncation(24, { stride: 4 });
    reference.setPadding({ maxLength: 32, padToMultipleOf: 8 });
    const theirs = join(dir, 'theirs.json');
    reference.save(theirs);
    const mine = Tokenizer.fromFile(theirs);
    assert.deepEqual(mine.truncation, { maxLength: 24, strategy: 'longest_first', stride: 4 });
    assert.deepEqual(JSON.parse(mine.toJSONString()), readJson(theirs));
    const lines = brownCorpus().slice(0, 300);
    const ours = mine.encodeBatch(lines);
    const expected = await reference.encodeBatch(lines);
    ours.forEach((e, i) => {
      const r = expected[i];
      assert.ok(r !== undefined);
      assert.deepEqual([Array.from(e.ids), Array.from(e.attentionMask), Array.from(e.typeIds)], [r.getIds(), r.getAttentionMask(), r.getTypeIds()], lines[i]);
    });
    // A call's own options win over the file's.
    assert.equal(mine.encode('a b c', undefined, { truncation: false, padding: false }).length, 5);
  }));

test('a stage type that is not implemented is a TokenizerError naming the field, never a fallback', () =>
  withDir((dir) => {
    const base = JSON.parse(BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB).toJSONString()) as Record<string, unknown>;
    const path = join(dir, 'tokenizer.json');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ normalizer: { type: 'NFC' } }, 'normalizer.type "NFC" is not implemented'],
      [{ normalizer: { type: 'Sequence', normalizers: [{ type: 'Lowercase' }, { type: 'NFC' }] } }, 'normalizer.normalizers[1].type "NFC" is not implemented'],
      [{ pre_tokenizer: { type: 'UnicodeScripts' } }, 'pre_tokenizer.type "UnicodeScripts" is not implemented'],
      [{ pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Digits' }] } }, 'pre_tokenizer.pretokenizers[1].type "Digits" is not implemented'],
      [{ pre_tokenizer: { type: 'Punctuation', behavior: 'Sideways' } }, 'pre_tokenizer.behavior "Sideways" is not implemented'],
      [{ model: { type: 'WordLevel', vocab: {}, unk_token: '[UNK]' } }, 'model.type "WordLevel" is not implemented'],
      [{ post_processor: { type: 'ByteLevel', trim_offsets: true } }, 'post_processor.type "ByteLevel" is not implemented'],
      [{ decoder: { type: 'CTC' } }, 'decoder.type "CTC" is not implemented'],
      [{ decoder: { kind: 'WordPiece' } }, 'decoder.type should be a string, found undefined'],
      [{ truncation: { direction: 'Left', max_length: 8, strategy: 'LongestFirst', stride: 0 } }, 'truncation.direction "Left" is not implemented'],
    ];
    for (const [change, message] of cases) {
      writeFileSync(path, JSON.stringify({ ...base, ...change }));
      assert.throws(() => Tokenizer.fromFile(path), (e: unknown) => e instanceof TokenizerError && e.message === `${path}: ${message}`, message);
    }
  }));

test('TemplateProcessing special tokens missing from special_tokens are looked up in the vocabulary; an empty pair template takes no pairs', () =>
  withDir((dir) => {
    const base = JSON.parse(BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB).toJSONString()) as Record<string, unknown>;
    const path = join(dir, 'tokenizer.json');
    const piece = (special: string | undefined, sequence: 'A' | 'B' | undefined, typeId: number): unknown =>
      special !== undefined ? { SpecialToken: { id: special, type_id: typeId } } : { Sequence: { id: sequence, type_id: typeId } };
    const single = [piece('[CLS]', undefined, 0), piece(undefined, 'A', 0), piece('[SEP]', undefined, 0)];
    writeFileSync(path, JSON.stringify({ ...base, post_processor: { type: 'TemplateProcessing', single, pair: [], special_tokens: {} } }));
    const t = Tokenizer.fromFile(path);
    assert.deepEqual(Array.from(t.encode('hello').ids), [101, 7592, 102]);
    assert.throws(() => t.encode('hello', 'world'), /no pair template/);
    // BertTokenizer reads the same file with BERT's pair layout.
    const bert = BertTokenizer.fromPretrained(dir);
    assert.deepEqual(Array.from(bert.encode('hello', 'world').typeIds), [0, 0, 0, 1, 1]);
    writeFileSync(path, JSON.stringify({ ...base, post_processor: { type: 'TemplateProcessing', single: [piece('[NOPE]', undefined, 0), piece(undefined, 'A', 0)], pair: [], special_tokens: {} } }));
    assert.throws(() => Tokenizer.fromFile(path), (e: unknown) => e instanceof TokenizerError && e.message.includes(path) && /"\[NOPE\]" is neither in special_tokens nor in the vocabulary/.test(e.message));
  }));

test("a post-processor or padding id the vocabulary does not hold is refused (found by npm run fuzz: it decoded as an error later)", () =>
  withDir((dir) => {
    const base = JSON.parse(BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB).toJSONString()) as Record<string, unknown>;
    const path = join(dir, 'tokenizer.json');
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ post_processor: { type: 'BertProcessing', sep: ['[SEP]', 10_000_000], cls: ['[CLS]', 101] } }, /special token "\[SEP\]" has id 10000000, outside the vocabulary \(size 30522\)/],
      [{ post_processor: { type: 'BertProcessing', sep: ['[SEP]', 7], cls: ['[CLS]', 101] } }, /special token "\[SEP\]" has id 7, but the vocabulary gives it id 102/],
      [{ padding: { strategy: 'BatchLongest', direction: 'Right', pad_to_multiple_of: null, pad_id: 40_000, pad_type_id: 0, pad_token: '[PAD]' } }, /pad id 40000 is outside the vocabulary/],
    ];
    for (const [change, pattern] of cases) {
      writeFileSync(path, JSON.stringify({ ...base, ...change }));
      assert.throws(() => Tokenizer.fromFile(path), (e: unknown) => e instanceof TokenizerError && e.message.startsWith(`${path}: `) && pattern.test(e.message));
      // BertTokenizer takes transformers' view: tokenizer.json's padding is not its business, its post-processor is.
      if (change['post_processor'] !== undefined) assert.throws(() => BertTokenizer.fromPretrained(dir), (e: unknown) => e instanceof TokenizerError && e.message.startsWith(`${path}: `));
    }
  }));

test('found by npm run fuzz (tokenizer-pipeline): a repeated $A, a stride no window can hold, a padding length of 1e20', () =>
  withDir((dir) => {
    const base = JSON.parse(BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB).toJSONString()) as Record<string, unknown>;
    const path = join(dir, 'tokenizer.json');
    // The reference copies a repeated sequence each time; the encoding was sized for one copy (RangeError).
    const a = { Sequence: { id: 'A', type_id: 0 } };
    const cls = { SpecialToken: { id: '[CLS]', type_id: 0 } };
    writeFileSync(path, JSON.stringify({ ...base, post_processor: { type: 'TemplateProcessing', single: [cls, a, a], pair: [], special_tokens: {} } }));
    assert.deepEqual(Array.from(Tokenizer.fromFile(path).encode('hello world').ids), [101, 7592, 2088, 7592, 2088]);
    const rejects = (change: Record<string, unknown>, pattern: RegExp): void => {
      writeFileSync(path, JSON.stringify({ ...base, ...change }));
      assert.throws(() => Tokenizer.fromFile(path), (e: unknown) => e instanceof TokenizerError && e.message.startsWith(`${path}: `) && pattern.test(e.message));
    };
    // Every truncation failed at encode time, with a message that did not name the file.
    rejects({ truncation: { direction: 'Right', max_length: 12, strategy: 'LongestFirst', stride: 10 } }, /truncation stride 10 must be less than max_length 12 minus 2 special tokens/);
    // Padding allocated the whole encoding: 1.5e20 tokens.
    rejects({ padding: { strategy: { Fixed: 1.5e20 }, direction: 'Right', pad_to_multiple_of: null, pad_id: 0, pad_type_id: 0, pad_token: '[PAD]' } }, /padding\.strategy should be "BatchLongest" or \{"Fixed": length\} with a length from 0 to 1048576/);
    rejects({ padding: { strategy: 'BatchLongest', direction: 'Right', pad_to_multiple_of: 2 ** 31 - 1, pad_id: 0, pad_type_id: 0, pad_token: '[PAD]' } }, /pad_to_multiple_of should be a whole number from 1 to 1048576/);
  }));
