/**
 * The one line reader and its counts: lines split right across chunk boundaries, invalid UTF-8 counted per line
 * and per character (a U+FFFD written in the file is not "invalid"), and the rule that refuses input that is not
 * text while only warning about text with a few bad bytes.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DataError } from '../../src/errors.js';
import { readLines } from '../../src/data/line-reader.js';
import { TextStats } from '../../src/data/text-stats.js';
import { Rng } from '../../src/tensor/rng.js';

async function read(chunks: readonly Buffer[], source = 'input.txt'): Promise<{ lines: string[]; stats: TextStats }> {
  const stats = new TextStats(source);
  const lines: string[] = [];
  async function* feed(): AsyncGenerator<Buffer> {
    yield* chunks;
  }
  for await (const line of readLines(feed(), stats)) lines.push(line);
  return { lines, stats };
}

/** `bytes` cut into pieces at random places (inside characters and line ends too). */
function cut(bytes: Buffer, seed: number): Buffer[] {
  const rng = new Rng(seed);
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = 1 + rng.int(7);
    pieces.push(bytes.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

test('valid text: the same lines however the bytes are chunked; BOM and CR dropped; nothing counted as invalid', async () => {
  const text = '\ufeffcafé au lait\r\nsecond 東京 😀\n\nlast line without newline';
  const expected = ['café au lait', 'second 東京 😀', '', 'last line without newline'];
  for (const seed of [1, 2, 3]) {
    const { lines, stats } = await read(cut(Buffer.from(text), seed));
    assert.deepEqual(lines, expected);
    assert.equal(stats.lines, 4);
    assert.equal(stats.invalidLines, 0);
    assert.equal(stats.replacedChars, 0);
    assert.equal(stats.hasWord, true);
    assert.equal(stats.warning(), undefined);
  }
});

test('invalid UTF-8 is replaced and counted per line and per character; a real U+FFFD in the file is not counted', async () => {
  const bytes = Buffer.concat([
    Buffer.from('good line\nbad '), Buffer.from([0xff, 0xfe]), Buffer.from(' bytes\n'),
    Buffer.from('a written \ufffd is fine\n'),
    Buffer.from('truncated '), Buffer.from([0xe6, 0x9d]), Buffer.from('\n'),
  ]);
  for (const chunks of [[bytes], cut(bytes, 4)]) {
    const { lines, stats } = await read(chunks);
    assert.deepEqual(lines, ['good line', 'bad \ufffd\ufffd bytes', 'a written \ufffd is fine', 'truncated \ufffd']);
    assert.equal(stats.invalidLines, 2);
    assert.equal(stats.replacedChars, 3);
    assert.equal(stats.warning(), 'input.txt: 2 of 4 lines have invalid UTF-8 (3 characters replaced by U+FFFD)');
    stats.requireUsable({ label: '--input' });
  }
});

test('refusal: an empty input, one without a letter or digit, random bytes; Latin-1 text is only warned about', async () => {
  const refused = async (bytes: Buffer, message: string): Promise<void> => {
    const { stats } = await read([bytes], 'x.txt');
    assert.throws(() => stats.requireUsable({ label: '--input' }), (e: unknown) => e instanceof DataError && e.message === message);
  };
  await refused(Buffer.alloc(0), '--input x.txt: is empty');
  await refused(Buffer.from('\n\n  \n--- * ---\n'), '--input x.txt: holds no text: no letter or digit in its 4 lines');
  const random = await read([randomBytes(200_000)], 'x.bin');
  assert.ok(random.stats.replacedChars / random.stats.chars > 0.35, 'random bytes are mostly invalid UTF-8');
  assert.throws(() => random.stats.requireUsable({}), (e: unknown) => e instanceof DataError && /^x\.bin: is not UTF-8 text: \d+% of its characters are invalid UTF-8/.test(e.message));
  const latin1 = Buffer.from('Le café était crème brûlée, très élégant.\nÀ bientôt, garçon.\n'.repeat(50), 'latin1');
  const { stats } = await read([latin1], 'french.txt');
  stats.requireUsable({});
  assert.equal(stats.warning(), 'french.txt: 100 of 100 lines have invalid UTF-8 (550 characters replaced by U+FFFD)');
});
