import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDocuments, type CorpusDocument } from '../../src/data/corpus-reader.js';
import { DataError } from '../../src/errors.js';

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-corpus-'));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function collect(paths: string[], splitSentences = false): Promise<CorpusDocument[]> {
  const out: CorpusDocument[] = [];
  for await (const d of readDocuments(paths, { splitSentences })) out.push(d);
  return out;
}

test('original format: a sentence per line, blank (or blank-only) lines between documents, CRLF and BOM handled', async () => {
  await withDir(async (dir) => {
    const a = join(dir, 'a.txt');
    writeFileSync(a, '\ufeffFirst one.\r\n  Second one.  \r\n\r\n\r\n \t \nOther doc.\nMore.\n');
    const b = join(dir, 'b.txt');
    writeFileSync(b, 'No final newline');
    const docs = await collect([a, b]);
    assert.deepEqual(docs.map((d) => d.sentences), [['First one.', 'Second one.'], ['Other doc.', 'More.'], ['No final newline']]);
    assert.equal(docs[1]!.line, 6);
    // Each file starts a new document even though a.txt does not end with a blank line.
    assert.equal(docs[2]!.source, b);
  });
});

test('--split-sentences: a paragraph is a document, its lines joined and split by rule', async () => {
  await withDir(async (dir) => {
    const p = join(dir, 'p.txt');
    writeFileSync(p, 'Mr. Brown came home.\nHe was tired. So\nwas his dog.\n\nA new paragraph!\n');
    const docs = await collect([p], true);
    assert.deepEqual(docs.map((d) => d.sentences), [['Mr. Brown came home.', 'He was tired.', 'So was his dog.'], ['A new paragraph!']]);
  });
});

test('non-UTF-8 bytes become U+FFFD instead of an error', async () => {
  await withDir(async (dir) => {
    const p = join(dir, 'latin1.txt');
    writeFileSync(p, Buffer.concat([Buffer.from('Caf'), Buffer.from([0xe9, 0xff, 0xc3]), Buffer.from(' ok.\nnext \u00e9t\u00e9.\n')]));
    const docs = await collect([p]);
    assert.equal(docs.length, 1);
    assert.ok(docs[0]!.sentences[0]!.startsWith('Caf\ufffd'), JSON.stringify(docs[0]!.sentences[0]));
    assert.equal(docs[0]!.sentences[1], 'next \u00e9t\u00e9.');
  });
});

test('a 100 KB line is read whole; an empty file is refused, naming it', async () => {
  await withDir(async (dir) => {
    const long = 'word '.repeat(20_000).trim() + '.';
    const p = join(dir, 'long.txt');
    writeFileSync(p, `short.\n${long}\n\nx\n`);
    const docs = await collect([p]);
    assert.equal(docs[0]!.sentences[1]!.length, long.length);
    const e = join(dir, 'empty.txt');
    writeFileSync(e, '');
    await assert.rejects(collect([e]), (error: unknown) => error instanceof DataError && error.message === `corpus file ${e}: is empty`);
  });
});

test('a missing file or a directory is a DataError naming it', async () => {
  await withDir(async (dir) => {
    const missing = join(dir, 'nope.txt');
    await assert.rejects(collect([missing]), (e: unknown) => e instanceof DataError && e.message.includes(missing));
    await assert.rejects(collect([dir]), (e: unknown) => e instanceof DataError && e.message.includes('directory'));
  });
});
