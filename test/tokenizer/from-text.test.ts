/**
 * The tokenizers the core builds from text (what a browser fetches) against the same files read from a folder by the
 * Node path: BertTokenizer.fromTokenizerJson and Tokenizer.fromJSONString encode as fromPretrained and fromFile do,
 * and text that is not a tokenizer.json is a TokenizerError naming its source.
 */
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenizerError } from '../../src/errors.js';
import { BertTokenizer } from '../../src/tokenizer/bert-tokenizer.js';
import { Tokenizer } from '../../src/tokenizer/tokenizer.js';
import { Vocab } from '../../src/tokenizer/vocab.js';
import { BERT_BASE_UNCASED_VOCAB } from '../helpers/fixtures.js';
import '../helpers/node-runtime.js';

const dir = mkdtempSync(join(tmpdir(), 'tsbert-from-text-'));
after(() => rmSync(dir, { recursive: true, force: true }));
// A cased tokenizer with a length limit, so settings that are not the defaults must come through the text.
BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB, { doLowerCase: false, modelMaxLength: 128 }).savePretrained(dir);
const tokenizerJson = readFileSync(join(dir, 'tokenizer.json'), 'utf8');

const TEXTS: [string, string?][] = [['Hello, World! Ünïcode naïveté 東京'], ['The First sentence.', 'and a second one']];

function encodings(tokenizer: Tokenizer): unknown[] {
  return TEXTS.map(([text, pair]) => {
    const e = tokenizer.encode(text, pair);
    return [Array.from(e.ids), Array.from(e.typeIds), e.offsets];
  });
}

test('BertTokenizer.fromTokenizerJson encodes as fromPretrained on the folder, cased as saved', () => {
  const fromFolder = BertTokenizer.fromPretrained(dir);
  const fromText = BertTokenizer.fromTokenizerJson(tokenizerJson);
  assert.equal(fromText.doLowerCase, false);
  assert.deepEqual(encodings(fromText), encodings(fromFolder));
  assert.notDeepEqual(encodings(fromText), encodings(BertTokenizer.fromTokenizerJson(tokenizerJson, { doLowerCase: true })), 'options override the text');
});

test('Tokenizer.fromJSONString encodes as Tokenizer.fromFile, and new BertTokenizer(Vocab.fromText) as fromVocabFile', () => {
  assert.deepEqual(encodings(Tokenizer.fromJSONString(tokenizerJson)), encodings(Tokenizer.fromFile(join(dir, 'tokenizer.json'))));
  const vocabText = readFileSync(BERT_BASE_UNCASED_VOCAB, 'utf8');
  assert.deepEqual(encodings(new BertTokenizer(Vocab.fromText(vocabText))), encodings(BertTokenizer.fromVocabFile(BERT_BASE_UNCASED_VOCAB)));
});

test('text that is not a tokenizer.json is a one-line TokenizerError naming its source', () => {
  for (const [text, pattern] of [['{"model": ', /^fetched\.json: not valid JSON/], ['[1]', /^fetched\.json: expected a JSON object/]] as const) {
    for (const load of [() => Tokenizer.fromJSONString(text, 'fetched.json'), () => BertTokenizer.fromTokenizerJson(text, {}, 'fetched.json')]) {
      assert.throws(load, (error: unknown) => error instanceof TokenizerError && pattern.test(error.message) && !error.message.includes('\n'));
    }
  }
});
