/**
 * Byte-level BPE (RoBERTa's tokenizer) against Hugging Face `tokenizers`: a 2,000-token vocabulary trained by its
 * BpeTrainer and the ids, offsets and word ids it gives on real lines (Brown, nlp-corpus, SpamAssassin), Unicode and
 * spacing edge cases and pairs, with add_prefix_space off (RoBERTa) and on, and its decodes — all committed by
 * reference/make_bpe_fixtures.py (test/fixtures/tokenizer/bpe). Also: the files in and out, and clear errors.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenizerError } from '../../src/errors.js';
import { BPE, RobertaTokenizer, Tokenizer, Vocab } from '../../src/tokenizer/index.js';
import { checkAll, type Golden } from './encoding-goldens.js';
import { hf } from './reference.js';
import '../helpers/node-runtime.js';

const DIR = 'test/fixtures/tokenizer/bpe';
const TOKENIZER_JSON = join(DIR, 'tokenizer.json');
const VOCAB_JSON = join(DIR, 'vocab.json');
const MERGES_TXT = join(DIR, 'merges.txt');

interface Goldens {
  counts: Record<string, number>;
  encodings: Golden[];
  prefix_space: Golden[];
  decodes: Array<{ ids: number[]; skip_special: boolean; text: string }>;
}
const goldens = JSON.parse(readFileSync(join(DIR, 'goldens.json'), 'utf8')) as Goldens;

test('tokenizer.json of tokenizers BpeTrainer: every line as tokenizers encodes it (Brown, nlp-corpus, SpamAssassin, edge cases, pairs)', () => {
  assert.ok(goldens.encodings.length > 500 && (goldens.counts['spam'] ?? 0) > 0 && (goldens.counts['pairs'] ?? 0) > 0);
  checkAll(Tokenizer.fromFile(TOKENIZER_JSON), goldens.encodings, 'tokenizer.json');
});

test('RobertaTokenizer from vocab.json + merges.txt encodes as tokenizers does; add_prefix_space too', () => {
  const roberta = RobertaTokenizer.fromFiles(VOCAB_JSON, MERGES_TXT);
  assert.deepEqual([roberta.clsTokenId, roberta.padTokenId, roberta.sepTokenId, roberta.unkTokenId, roberta.maskTokenId], [0, 1, 2, 3, 4]);
  checkAll(roberta, goldens.encodings, 'vocab.json + merges.txt');
  checkAll(RobertaTokenizer.fromFiles(VOCAB_JSON, MERGES_TXT, { addPrefixSpace: true }), goldens.prefix_space, 'add_prefix_space');
});

test('decode gives the text tokenizers decodes (bytes back to UTF-8, special tokens kept or skipped)', () => {
  const t = Tokenizer.fromFile(TOKENIZER_JSON);
  assert.ok(goldens.decodes.length >= 100);
  for (const d of goldens.decodes) assert.equal(t.decode(d.ids, { skipSpecialTokens: d.skip_special }), d.text, JSON.stringify(d.ids));
  // Tokens that are not whole characters decode as the reference's from_utf8_lossy: U+FFFD per broken sequence.
  const emoji = t.encode('\u{1F600}', undefined, { addSpecialTokens: false });
  assert.ok(emoji.length > 1, 'a rare emoji is several byte tokens');
  assert.equal(t.decode(emoji.ids.subarray(0, 1)), '\ufffd');
});

test('tokenizer.json is written back as tokenizers wrote it, field for field', () => {
  const text = readFileSync(TOKENIZER_JSON, 'utf8');
  assert.deepEqual(JSON.parse(Tokenizer.fromFile(TOKENIZER_JSON).toJSONString()), JSON.parse(text));
});

test('savePretrained writes the five files; vocab.json and merges.txt byte for byte as tokenizers; both folder layouts load back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-bpe-'));
  try {
    const roberta = RobertaTokenizer.fromFiles(VOCAB_JSON, MERGES_TXT, { modelMaxLength: 512 });
    const paths = roberta.savePretrained(dir);
    assert.deepEqual(paths.map((p) => p.slice(dir.length + 1)).sort(), ['merges.txt', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.json']);
    assert.equal(readFileSync(join(dir, 'vocab.json'), 'utf8'), readFileSync(VOCAB_JSON, 'utf8'));
    assert.equal(readFileSync(join(dir, 'merges.txt'), 'utf8'), readFileSync(MERGES_TXT, 'utf8'));
    const config = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(config['tokenizer_class'], 'RobertaTokenizer');
    assert.equal(config['mask_token'], '<mask>');
    const sample = goldens.encodings.slice(0, 40);
    checkAll(RobertaTokenizer.fromPretrained(dir), sample, 'saved folder (tokenizer.json)');
    assert.equal(RobertaTokenizer.fromPretrained(dir).modelMaxLength, 512);
    // The Rust library loads our tokenizer.json as the same tokenizer.
    const rust = hf.Tokenizer.fromFile(join(dir, 'tokenizer.json'));
    for (const g of sample) {
      const input = g.input;
      const theirs = await (typeof input === 'string' ? rust.encode(input) : rust.encode(input[0], input[1]));
      assert.deepEqual(theirs.getIds(), g.ids);
    }
    rmSync(join(dir, 'tokenizer.json'));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ add_prefix_space: true, mask_token: { content: '<mask>', lstrip: true } }));
    const fromTxt = RobertaTokenizer.fromPretrained(dir);
    assert.equal(fromTxt.addPrefixSpace, true);
    checkAll(fromTxt, goldens.prefix_space.slice(0, 40), 'saved folder (vocab.json + merges.txt, add_prefix_space)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('BPE options as tokenizers applies them: unknown token (fused or not), dropped characters, prefix and suffix, ignore_merges', async () => {
  const vocab = { '<unk>': 0, a: 1, b: 2, c: 3, '##a': 4, '##b': 5, '##c': 6, 'a</w>': 7, 'b</w>': 8, ab: 9, 'a##b': 10, abc: 11, 'c</w>': 12, 'ab</w>': 13, bc: 14 };
  const cases: Array<[Record<string, unknown>, Array<[string, string]>]> = [
    [{ unkToken: '<unk>' }, [['a', 'b'], ['ab', 'c']]],
    [{ unkToken: '<unk>', fuseUnk: true }, [['a', 'b']]],
    [{}, [['a', 'b'], ['b', 'c']]],
    [{ continuingSubwordPrefix: '##', unkToken: '<unk>' }, [['a', '##b']]],
    [{ endOfWordSuffix: '</w>', unkToken: '<unk>' }, [['a', 'b</w>']]],
  ];
  const words = ['abc', 'axyb', 'xxabx', 'ba', 'cab', 'aaab', 'bcbc', 'é', 'ab'];
  for (const [options, merges] of cases) {
    const mine = new BPE(new Vocab(Object.keys(vocab)), merges, options);
    const rust = new hf.Tokenizer(hf.BPE.init(vocab, merges, options));
    const t = new Tokenizer({ model: mine });
    for (const word of words) {
      const theirs = await rust.encode(word);
      const ours = t.encode(word);
      assert.deepEqual([Array.from(ours.ids), ours.offsetPairs()], [theirs.getIds(), theirs.getOffsets()], `${JSON.stringify(options)} ${word}`);
    }
  }
  const whole = new BPE(new Vocab(Object.keys(vocab)), [['b', 'c']], { ignoreMerges: true });
  assert.deepEqual(new Tokenizer({ model: whole }).tokenize('abc'), ['abc']);
});

test('bad files are one-line TokenizerErrors naming the file and line or field', () => {
  const vocab = readFileSync(VOCAB_JSON, 'utf8');
  assert.throws(() => BPE.fromFiles(vocab, '#version: 0.2\nĠ t\nh e x\n'), (e: Error) => e instanceof TokenizerError && /merges\.txt: line 3 should be two tokens/.test(e.message));
  assert.throws(() => BPE.fromFiles(vocab, 'Ġ zzz\n'), (e: Error) => e instanceof TokenizerError && /merge 1 .*"zzz" is not in the vocabulary/.test(e.message));
  assert.throws(() => BPE.fromFiles('{"a": "x"}', ''), (e: Error) => e instanceof TokenizerError && /vocab\.json: the id of "a" is not a number/.test(e.message));
  const json = JSON.parse(readFileSync(TOKENIZER_JSON, 'utf8')) as { model: Record<string, unknown> };
  for (const [field, value, pattern] of [
    ['dropout', 0.1, /model\.dropout 0\.1 is not implemented/],
    ['byte_fallback', true, /model\.byte_fallback true is not implemented/],
    ['merges', [['Ġ', 't', 'x']], /model\.merges\[0\] should be a pair of tokens/],
  ] as const) {
    const broken = JSON.stringify({ ...json, model: { ...json.model, [field]: value } });
    assert.throws(() => Tokenizer.fromJSONString(broken, 'x/tokenizer.json'), (e: Error) => e instanceof TokenizerError && e.message.startsWith('x/tokenizer.json: ') && pattern.test(e.message), field);
  }
  const wordPiece = JSON.stringify({ model: { type: 'WordPiece', vocab: { '[UNK]': 0 } } });
  assert.throws(() => RobertaTokenizer.fromTokenizerJson(wordPiece, {}, 'w/tokenizer.json'), /w\/tokenizer\.json: model is not a BPE model \(found type "WordPiece"\)/);
});
