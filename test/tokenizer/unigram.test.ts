/**
 * The SentencePiece Unigram tokenizer against independent references:
 * - sentencepiece itself (Debian's python3-sentencepiece): ids and pieces of four models trained by spm_train
 *   (nmt_nfkc, byte fallback, nmt_nfkc_cf with ALBERT's special pieces, identity rules) on real lines of Brown,
 *   nlp-corpus and SpamAssassin and on Unicode edge cases — reference/make_unigram_fixtures.py;
 * - transformers' slow AlbertTokenizer rules (written out in the same script) for AlbertTokenizer;
 * - Hugging Face tokenizers (npm), loading the tokenizer.json we write: ids, type ids, word ids and offsets.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenizerError } from '../../src/errors.js';
import { AlbertTokenizer, SentencePieceTokenizer, Tokenizer, Unigram } from '../../src/tokenizer/index.js';
import { fixturePath } from '../helpers/fixtures.js';
import { brownCorpus, spamAssassinLines } from './corpora.js';
import { compareWithReference, hf } from './reference.js';
import '../helpers/node-runtime.js';

const MODELS = ['nfkc-3000', 'bytes-2000', 'albert-3000', 'identity-400'] as const;
const modelPath = (name: string): string => fixturePath('reference', 'unigram', `${name}.model`);

interface Golden {
  model: string;
  text: string;
  ids: number[];
  pieces: string[];
}

function goldens(file: string): Golden[] {
  return readFileSync(fixturePath('reference', 'unigram', file), 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Golden);
}

function withDir(body: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-unigram-'));
  return Promise.resolve(body(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const tokenizers = new Map(MODELS.map((name) => [name as string, SentencePieceTokenizer.fromModelFile(modelPath(name))]));
const tokenizerOf = (name: string): SentencePieceTokenizer => {
  const t = tokenizers.get(name);
  assert.ok(t !== undefined, name);
  return t;
};

test('ids and pieces equal sentencepiece on every golden line of four models (real text and Unicode edge cases)', () => {
  const rows = goldens('goldens.jsonl');
  assert.ok(rows.length > 1800);
  const failures: string[] = [];
  for (const row of rows) {
    const tokenizer = tokenizerOf(row.model);
    const ids = Array.from(tokenizer.encode(row.text, undefined, { addSpecialTokens: false }).ids);
    if (JSON.stringify(ids) !== JSON.stringify(row.ids)) failures.push(`${row.model} ${JSON.stringify(row.text).slice(0, 120)}: ${tokenizer.convertIdsToTokens(ids).join(' ')}`);
    // sentencepiece names an unknown piece by its text; the id is the unknown id either way.
    const pieces = row.pieces.map((p, i) => (row.ids[i] === tokenizer.model.unkTokenId ? tokenizer.idToToken(row.ids[i]!) : p));
    assert.deepEqual(tokenizer.tokenize(row.text), pieces, row.text);
  }
  assert.deepEqual(failures, []);
});

test('the golden lines exercise what they are there for: byte fallback, unknown runs, multi-character rules', () => {
  const rows = goldens('goldens.jsonl');
  const bytes = rows.filter((r) => r.model === 'bytes-2000' && r.pieces.some((p) => /^<0x[0-9A-F]{2}>$/.test(p)));
  const unknown = rows.filter((r) => r.model === 'nfkc-3000' && r.ids.includes(0));
  assert.ok(bytes.length >= 10 && unknown.length >= 10, `${bytes.length} byte-fallback lines, ${unknown.length} with <unk>`);
  // nmt_nfkc: the ligature ﬁ and full-width letters are rewritten before pieces are chosen.
  assert.deepEqual(tokenizerOf('nfkc-3000').tokenize('ﬁne Ｆｕｌｌ'), ['▁fine', '▁F', 'u', 'll']);
});

test('AlbertTokenizer equals the slow AlbertTokenizer rules (remove_space, NFKD, accents, lowercase, "9," split) on every golden line', () => {
  const albert = AlbertTokenizer.fromSentencePiece(modelPath('albert-3000'));
  const rows = goldens('albert-goldens.jsonl');
  assert.ok(rows.length > 450);
  const failures = rows.filter((r) => JSON.stringify(Array.from(albert.encode(r.text, undefined, { addSpecialTokens: false }).ids)) !== JSON.stringify(r.ids));
  assert.deepEqual(failures.map((r) => r.text), []);
  // The number-comma rule does change pieces: "1,000," is never one piece ending in ",".
  assert.ok(albert.tokenize('numbers 1,000,000 and 7, 2,').every((p) => !/\d,$/.test(p)));
});

test('AlbertTokenizer lays out [CLS] A [SEP] B [SEP] with type ids 0/1, decodes, and knows its special ids', () => {
  const albert = AlbertTokenizer.fromSentencePiece(modelPath('albert-3000'));
  const e = albert.encode('Hello there', 'second one');
  assert.deepEqual(albert.convertIdsToTokens(e.ids), ['[CLS]', '▁he', 'll', 'o', '▁there', '[SEP]', '▁second', '▁one', '[SEP]']);
  assert.deepEqual(Array.from(e.typeIds), [0, 0, 0, 0, 0, 0, 1, 1, 1]);
  assert.deepEqual([albert.padTokenId, albert.unkTokenId, albert.clsTokenId, albert.sepTokenId, albert.maskTokenId], [0, 1, 2, 3, 4]);
  assert.equal(albert.decode(e.ids, { skipSpecialTokens: true }), 'hello there second one');
  assert.deepEqual(albert.tokenize('a [MASK] b'), ['▁a', '[MASK]', '▁b']);
});

test('saved ALBERT folders load back identically, from tokenizer.json and from spiece.model alone', () =>
  withDir((dir) => {
    const albert = AlbertTokenizer.fromSentencePiece(modelPath('albert-3000'), { modelMaxLength: 512 });
    const written = albert.savePretrained(dir).map((p) => p.slice(dir.length + 1)).sort();
    assert.deepEqual(written, ['special_tokens_map.json', 'spiece.model', 'tokenizer.json', 'tokenizer_config.json']);
    assert.deepEqual(new Uint8Array(readFileSync(join(dir, 'spiece.model'))), new Uint8Array(readFileSync(modelPath('albert-3000'))));
    const config = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual([config['tokenizer_class'], config['do_lower_case'], config['keep_accents'], config['model_max_length']], ['AlbertTokenizer', true, false, 512]);
    const lines = [...goldens('albert-goldens.jsonl').map((r) => r.text), 'a [MASK] b', ''];
    const fromJson = AlbertTokenizer.fromPretrained(dir);
    unlinkSync(join(dir, 'tokenizer.json'));
    const fromModel = AlbertTokenizer.fromPretrained(dir);
    const model = albert.model as Unigram;
    const total = (ids: ArrayLike<number>): number => Array.from(ids).reduce((sum, id) => sum + (model.score(id) ?? 0), 0);
    for (const line of lines) {
      const expected = albert.encode(line, 'pair').ids;
      assert.deepEqual(Array.from(fromModel.encode(line, 'pair').ids), Array.from(expected), line);
      // tokenizer.json means tokenizers' arithmetic (doubles, each word from 0): a tie may break the other way.
      const json = fromJson.encode(line, 'pair').ids;
      if (JSON.stringify(Array.from(json)) !== JSON.stringify(Array.from(expected))) assert.ok(Math.abs(total(json) - total(expected)) < 1e-3, line);
    }
    // tokenizer_config.json decides when tokenizer.json is absent: cased, accents kept.
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: false, keep_accents: true }));
    const cased = AlbertTokenizer.fromPretrained(dir);
    assert.equal(cased.doLowerCase, false);
    assert.notDeepEqual(cased.tokenize('Émile'), albert.tokenize('Émile'));
  }));

/**
 * Characters Hugging Face's Precompiled handles by grapheme cluster: a cluster is replaced as a whole by its first
 * rule (U+FFFD or a full-width letter with marks after it: the marks go; "\r\n" is "\r"), and a character removed
 * at the very start shifts the next spans. sentencepiece (and we) apply the longest rule at each character, so on
 * lines with such characters the two may differ — in spans, and where a dropped mark was unknown, in ids.
 */
const GRAPHEME_ALIGNED = /[\p{M}\p{Cc}\p{Cf}\ufffd]/u;

/** Every input equal to the reference (ids, type ids, word ids, offsets), except a few with GRAPHEME_ALIGNED characters. */
async function compareExceptGraphemes(mine: Tokenizer, path: string, inputs: ReadonlyArray<string | [string, string]>): Promise<number> {
  const reference = hf.Tokenizer.fromFile(path);
  let differ = 0;
  for (let from = 0; from < inputs.length; from += 512) {
    const chunk = inputs.slice(from, from + 512);
    const report = await compareWithReference(mine, reference, chunk);
    if (report.mismatches === 0) continue;
    for (const input of chunk) {
      if ((await compareWithReference(mine, reference, [input])).mismatches === 0) continue;
      differ++;
      const text = typeof input === 'string' ? input : input.join(' ');
      assert.ok(GRAPHEME_ALIGNED.test(text), `differs on a line without marks or controls: ${JSON.stringify(input).slice(0, 200)}\n${report.examples.join('\n')}`);
    }
  }
  assert.ok(differ <= inputs.length / 400, `${differ} of ${inputs.length} inputs differ`);
  return differ;
}

test('our tokenizer.json loads in Hugging Face tokenizers: identical ids, type ids, word ids and offsets but on a few lines with marks or controls (golden lines, Brown, SpamAssassin)', () =>
  withDir(async (dir) => {
    const texts = [...new Set(goldens('goldens.jsonl').map((r) => r.text))];
    const brown = brownCorpus().filter((_, i) => i % 20 === 0);
    const spam = spamAssassinLines().filter((_, i) => i % 40 === 0);
    // Lines the two differ on by design (docs/tokenizer.md): a piece's own text, e.g. "<unk>", is matched in text by the
    // Rust library (a tokenizer.json has no piece types); sentencepiece and we never match control pieces.
    const controls = /<unk>|<s>|<\/s>|<pad>|\[CLS\]|\[SEP\]|\[MASK\]|<0x[0-9A-F]{2}>/;
    const lines = [...texts, ...brown, ...spam].filter((t) => !controls.test(t));
    for (const name of MODELS) {
      const path = join(dir, `${name}.json`);
      writeFileSync(path, tokenizerOf(name).toJSONString());
      const differ = await compareExceptGraphemes(Tokenizer.fromFile(path), path, lines);
      console.log(`${name}: ${lines.length} lines against tokenizers, ${differ} differ (grapheme clusters, see GRAPHEME_ALIGNED)`);
    }
    const albertPath = join(dir, 'albert.json');
    writeFileSync(albertPath, AlbertTokenizer.fromSentencePiece(modelPath('albert-3000')).toJSONString());
    const plain = texts.filter((t) => !controls.test(t));
    const pairs: Array<[string, string]> = plain.slice(0, 200).map((t, i) => [t, plain[(i * 7) % 50] ?? '']);
    const inputs = [...plain, ...pairs, ...brown];
    const differ = await compareExceptGraphemes(Tokenizer.fromFile(albertPath), albertPath, inputs);
    console.log(`albert preset: ${inputs.length} inputs against tokenizers, ${differ} differ (grapheme clusters)`);
  }));

test('tokenizer.json round trip: the file we write reads back to the same file and the same encodings', () => {
  for (const name of MODELS) {
    const text = tokenizerOf(name).toJSONString();
    const again = Tokenizer.fromJSONString(text);
    assert.equal(again.toJSONString(), text);
    for (const line of ['Hello, world!  Ｆｕｌｌ ﬁne', '', '😀 x\u0000y', 'numbers 1,000']) {
      assert.deepEqual(Array.from(again.encode(line).ids), Array.from(tokenizerOf(name).encode(line).ids), `${name} ${line}`);
    }
  }
});

test('Unigram: the lattice picks the best sum of scores; unknown runs fuse; byte fallback spells UTF-8; no unk is an error', () => {
  const vocab: Array<[string, number]> = [['<unk>', 0], ['a', -1], ['b', -1], ['ab', -1.5], ['abc', -5], ['c', -2], ['<0xC3>', 0], ['<0xA9>', 0]];
  const model = new Unigram(vocab, { unkId: 0 });
  const t = new Tokenizer({ model });
  // "ab" (-1.5) beats "a"+"b" (-2); "abc" (-5) loses to "ab"+"c" (-3.5).
  assert.deepEqual(t.tokenize('abc'), ['ab', 'c']);
  const e = t.encode('aééb');
  assert.deepEqual(t.convertIdsToTokens(e.ids), ['a', '<unk>', 'b']);
  assert.deepEqual(e.offset(1), [1, 3]);
  const bytes = new Tokenizer({ model: new Unigram(vocab, { unkId: 0, byteFallback: true }) });
  const b = bytes.encode('aéb');
  assert.deepEqual(bytes.convertIdsToTokens(b.ids), ['a', '<0xC3>', '<0xA9>', 'b']);
  assert.deepEqual([b.offset(1), b.offset(2)], [[1, 2], [1, 2]]);
  assert.deepEqual(bytes.encode('aééb').offset(4), [1, 3]); // every byte of an unknown run spans the run
  // A byte piece missing: the run stays unknown.
  assert.deepEqual(bytes.tokenize('a☃'), ['a', '<unk>']);
  // A long unknown run (past what String.fromCharCode(...spread) takes) is one token, spelled in bytes with fallback.
  const long = 'é'.repeat(300_000);
  assert.deepEqual(Array.from(t.encode(long).ids), [0]);
  assert.equal(bytes.encode(long).length, 600_000);
  const noUnk = new Tokenizer({ model: new Unigram(vocab.slice(1), {}) });
  assert.throws(() => noUnk.encode('az'), (e: unknown) => e instanceof TokenizerError && /matches no piece/.test(e.message));
  assert.throws(() => new Unigram([['a', Number.NaN]]), TokenizerError);
  assert.throws(() => new Unigram([['a', 0], ['a', -1]]), TokenizerError);
  assert.throws(() => new Unigram([['a', 0]], { unkId: 3 }), TokenizerError);
});
