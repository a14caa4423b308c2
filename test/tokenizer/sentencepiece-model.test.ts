/**
 * SentencePiece's `.model` reader (protobuf ModelProto) and its precompiled character map: the fields of models
 * spm_train wrote, and malformed bytes rejected with a one-line TokenizerError naming the file.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TokenizerError } from '../../src/errors.js';
import { parseSentencePieceModel } from '../../src/tokenizer/sentencepiece/model-proto.js';
import { PrecompiledCharsMap } from '../../src/tokenizer/sentencepiece/charsmap.js';
import { fixturePath } from '../helpers/fixtures.js';

const read = (name: string): Uint8Array => new Uint8Array(readFileSync(fixturePath('reference', 'unigram', `${name}.model`)));

/** Protobuf by hand: a tag, then a varint or a length-prefixed payload. */
function varint(n: number): number[] {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n % 128) | 0x80);
  out.push(n);
  return out;
}
const field = (num: number, payload: number[] | Uint8Array): number[] => [...varint(num * 8 + 2), ...varint(payload.length), ...payload];
const intField = (num: number, value: number): number[] => [...varint(num * 8), ...varint(value)];
const utf8 = (s: string): number[] => [...new TextEncoder().encode(s)];
const piece = (text: string, score: number, type?: number): number[] => {
  const f = new Uint8Array(4);
  new DataView(f.buffer).setFloat32(0, score, true);
  return field(1, [...field(1, utf8(text)), 0x15, ...f, ...(type === undefined ? [] : intField(3, type))]);
};
const minimal = (): number[] => [...piece('<unk>', 0, 2), ...piece('a', -1), ...piece('▁', -2), ...field(2, intField(3, 1))];

test('models written by spm_train: pieces, types, trainer and normalizer settings', () => {
  const nfkc = parseSentencePieceModel(read('nfkc-3000'), 'nfkc-3000.model');
  assert.equal(nfkc.pieces.length, 3000);
  assert.deepEqual(nfkc.pieces.slice(0, 3).map((p) => [p.piece, p.score, p.type]), [['<unk>', 0, 'UNKNOWN'], ['<s>', 0, 'CONTROL'], ['</s>', 0, 'CONTROL']]);
  assert.ok(nfkc.pieces.slice(3).every((p) => p.type === 'NORMAL' && p.score < 0));
  assert.deepEqual([nfkc.modelType, nfkc.byteFallback, nfkc.unkId, nfkc.treatWhitespaceAsSuffix], ['UNIGRAM', false, 0, false]);
  const n = nfkc.normalizer;
  assert.deepEqual([n.name, n.addDummyPrefix, n.removeExtraWhitespaces, n.escapeWhitespaces], ['nmt_nfkc', true, true, true]);
  assert.ok(n.precompiledCharsmap.length > 100_000);
  const bytes = parseSentencePieceModel(read('bytes-2000'), 'bytes-2000.model');
  assert.equal(bytes.byteFallback, true);
  assert.equal(bytes.pieces.filter((p) => p.type === 'BYTE').length, 256);
  const albert = parseSentencePieceModel(read('albert-3000'), 'albert-3000.model');
  assert.deepEqual(albert.pieces.slice(0, 5).map((p) => `${p.piece}:${p.type}`), ['<pad>:CONTROL', '<unk>:UNKNOWN', '[CLS]:CONTROL', '[SEP]:CONTROL', '[MASK]:CONTROL']);
  assert.equal(albert.unkId, 1);
  assert.equal(albert.normalizer.name, 'nmt_nfkc_cf');
  const identity = parseSentencePieceModel(read('identity-400'), 'identity-400.model');
  assert.deepEqual([identity.normalizer.name, identity.normalizer.precompiledCharsmap.length, identity.normalizer.addDummyPrefix, identity.normalizer.removeExtraWhitespaces], ['identity', 0, false, false]);
});

test("the precompiled map's longest rule wins, as sentencepiece's NormalizePrefix; text without a rule is kept", () => {
  const map = new PrecompiledCharsMap(parseSentencePieceModel(read('nfkc-3000'), 'm').normalizer.precompiledCharsmap, 'm');
  const rule = (text: string): [string, number] | undefined => {
    const units = Uint16Array.from(text, (c) => c.charCodeAt(0));
    const found = map.longestMatch(units, 0, units.length);
    return found < 0 ? undefined : [map.normalized(Math.floor(found / 64)), found % 64];
  };
  assert.deepEqual(rule('ﬁx'), ['fi', 1]);
  assert.deepEqual(rule('Ａb'), ['A', 1]);
  assert.deepEqual(rule('\u3000'), [' ', 1]);
  assert.deepEqual(rule('e\u0301'), ['é', 2]); // NFKC composes across two characters
  assert.equal(rule('abc'), undefined);
  const cased = new PrecompiledCharsMap(parseSentencePieceModel(read('albert-3000'), 'm').normalizer.precompiledCharsmap, 'm');
  const units = Uint16Array.from('Q', (c) => c.charCodeAt(0));
  assert.equal(cased.normalized(Math.floor(cased.longestMatch(units, 0, 1) / 64)), 'q');
});

test('malformed .model bytes are a one-line TokenizerError naming the file', () => {
  assert.equal(parseSentencePieceModel(new Uint8Array(minimal()), 'ok.model').pieces.length, 3);
  const good = read('nfkc-3000');
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['empty', new Uint8Array(0), /no pieces/],
    ['JSON text', new TextEncoder().encode('{"model": {}}'), /ModelProto at byte 0|field|no pieces/],
    ['cut in a piece', good.subarray(0, 1000), /needs \d+ bytes, but the message has \d+ left|runs past the end/],
    ['cut in the charsmap', good.subarray(0, good.length - 5000), /needs \d+ bytes/],
    ['a varint of 11 bytes', new Uint8Array([0x08, ...new Array<number>(10).fill(0xff), 0x01]), /longer than 10 bytes/],
    ['a group wire type', new Uint8Array([0x0b]), /wire type start group/],
    ['a score as a varint', new Uint8Array(field(1, [...field(1, utf8('a')), ...intField(2, 5)])), /field 2 should be 32-bit/],
    ['a piece of invalid UTF-8', new Uint8Array([...minimal(), ...field(1, field(1, [0xff, 0xfe]))]), /not valid UTF-8/],
    ['an unknown piece type', new Uint8Array([...piece('<unk>', 0, 9), ...field(2, [])]), /type 9 is not one of/],
    ['unk_id on a normal piece', new Uint8Array([...piece('<unk>', 0, 2), ...piece('a', -1), ...field(2, intField(40, 1))]), /unk_id 1 is not the id of an UNKNOWN piece/],
    ['a negative unk_id', new Uint8Array([...minimal(), ...field(2, intField(40, 2 ** 64 - 2048))]), /unk_id -2048/],
    ['a duplicated piece', new Uint8Array([...minimal(), ...piece('a', -3)]), /pieces 1 and 3 are both "a"/],
    ['a NaN score', new Uint8Array([...minimal(), ...piece('b', Number.NaN)]), /score NaN/],
    ['no trainer_spec', new Uint8Array(piece('<unk>', 0, 2)), /no trainer_spec/],
  ];
  for (const [what, bytes, pattern] of cases) {
    assert.throws(
      () => parseSentencePieceModel(bytes, '/models/bad.model'),
      (e: unknown) => e instanceof TokenizerError && e.message.startsWith('/models/bad.model: ') && !e.message.includes('\n') && pattern.test(e.message),
      what,
    );
  }
  // A charsmap whose trie size runs past the blob.
  assert.throws(() => new PrecompiledCharsMap(new Uint8Array([0xff, 0xff, 0, 0, 1, 2, 3, 4, 5]), 'x.model'), /x\.model: precompiled_charsmap's trie size/);
});
