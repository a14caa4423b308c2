/**
 * Added-token flags (lstrip, rstrip, single_word) against Hugging Face `tokenizers`' added_vocabulary.rs: RoBERTa's
 * `<mask>` (lstrip) at the start, after spaces, tabs and Unicode spaces, after punctuation, twice in a row, in pairs,
 * with add_prefix_space off and on; tokens with rstrip, lstrip + rstrip and single_word added to the same tokenizer.
 * Ids, offsets and word ids from reference/make_added_token_fixtures.py (test/fixtures/tokenizer/added-tokens), on
 * the byte-level BPE fixture (test/fixtures/tokenizer/bpe, whose tokenizer.json declares `<mask>` lstrip).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RobertaTokenizer, Tokenizer } from '../../src/tokenizer/index.js';
import { checkAll, type Golden } from './encoding-goldens.js';
import { hf } from './reference.js';
import '../helpers/node-runtime.js';

const DIR = 'test/fixtures/tokenizer/added-tokens';
const BPE_DIR = 'test/fixtures/tokenizer/bpe';

interface Goldens {
  mask: Golden[];
  mask_prefix_space: Golden[];
  /** tokenizer.json added_tokens entries, after the BPE fixture's five. */
  flag_tokens: Array<Record<string, unknown>>;
  flags: Golden[];
  decodes: Array<{ input: string; fill: string; ids: number[]; text: string }>;
}
const goldens = JSON.parse(readFileSync(join(DIR, 'goldens.json'), 'utf8')) as Goldens;
const preset = (): RobertaTokenizer => RobertaTokenizer.fromFiles(join(BPE_DIR, 'vocab.json'), join(BPE_DIR, 'merges.txt'));

/** The BPE fixture's tokenizer.json with the flag tokens added, as the reference script added them. */
function flagsJson(): { added_tokens: unknown[] } {
  const json = JSON.parse(readFileSync(join(BPE_DIR, 'tokenizer.json'), 'utf8')) as { added_tokens: unknown[] };
  json.added_tokens.push(...goldens.flag_tokens);
  return json;
}

test('RobertaTokenizer\'s <mask> takes the whitespace before it (lstrip): ids, offsets and words as tokenizers', () => {
  assert.ok(goldens.mask.length >= 20);
  checkAll(preset(), goldens.mask, 'preset <mask>');
  checkAll(RobertaTokenizer.fromFiles(join(BPE_DIR, 'vocab.json'), join(BPE_DIR, 'merges.txt'), { addPrefixSpace: true }), goldens.mask_prefix_space, 'preset <mask>, add_prefix_space');
  checkAll(Tokenizer.fromFile(join(BPE_DIR, 'tokenizer.json')), goldens.mask, 'tokenizer.json <mask>');
});

test('"the <mask>" leaves no space token; the mask\'s span is trimmed back to the mask (RobertaProcessing trim_offsets)', () => {
  const t = preset();
  const e = t.encode('Paris is the  <mask> of France.');
  assert.deepEqual(t.convertIdsToTokens(e.ids).slice(4, 7), ['Ġis', 'Ġthe', '<mask>']);
  assert.deepEqual(e.offsetPairs()[6], [14, 20]);
  // Without trimming the span holds the spaces the mask took, as the reference's Token does.
  const untrimmed = RobertaTokenizer.fromFiles(join(BPE_DIR, 'vocab.json'), join(BPE_DIR, 'merges.txt'), { trimOffsets: false });
  assert.deepEqual(untrimmed.encode('Paris is the  <mask> of France.').offsetPairs()[6], [12, 20]);
});

test('rstrip, lstrip + rstrip and single_word (Unicode word characters beside the match) as tokenizers', () => {
  assert.equal(goldens.flag_tokens.length, 4);
  checkAll(Tokenizer.fromJSONString(JSON.stringify(flagsJson())), goldens.flags, 'added-token flags');
});

test('tokenizer.json keeps the flags: written back field for field, and the preset writes <mask> lstrip', async () => {
  const json = flagsJson();
  assert.deepEqual(JSON.parse(Tokenizer.fromJSONString(JSON.stringify(json)).toJSONString())['added_tokens'], json.added_tokens);
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-lstrip-'));
  try {
    preset().savePretrained(dir);
    const written = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as { added_tokens: Array<Record<string, unknown>> };
    assert.deepEqual(written.added_tokens.find((t) => t['content'] === '<mask>'), { id: 4, content: '<mask>', single_word: false, lstrip: true, rstrip: false, normalized: false, special: true });
    // The Rust library reads our file as the same tokenizer.
    const rust = hf.Tokenizer.fromFile(join(dir, 'tokenizer.json'));
    for (const g of goldens.mask) {
      const theirs = await (typeof g.input === 'string' ? rust.encode(g.input) : rust.encode(g.input[0], g.input[1]));
      assert.deepEqual(theirs.getIds(), g.ids, JSON.stringify(g.input));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a filled-in mask decodes with single spaces, as tokenizers decodes it (skip_special_tokens)', () => {
  const t = preset();
  for (const d of goldens.decodes) {
    const ids = Array.from(t.encode(d.input).ids, (id) => (id === t.maskTokenId ? t.tokenToId(d.fill) ?? -1 : id));
    assert.deepEqual(ids, d.ids, d.input);
    assert.equal(t.decodeText(ids, { skipSpecialTokens: true }), d.text);
  }
  assert.equal(goldens.decodes[0]!.text, 'Paris is the state of France.');
});
