import test from 'node:test';
import assert from 'node:assert/strict';
import { delimiterFor, readDelimitedTable } from '../../src/finetune/delimited.js';
import { dataFile, rejectsWithData } from './data-files.js';

async function rows(path: string): Promise<Array<[number, string[]]>> {
  const table = await readDelimitedTable(path, delimiterFor(path)!);
  return table.rows.map((row) => [row.line, row.fields]);
}

test('delimiter by extension: .csv comma, .tsv tab, any case; other names none', () => {
  assert.equal(delimiterFor('a/train.csv'), ',');
  assert.equal(delimiterFor('DEV.TSV'), '\t');
  assert.equal(delimiterFor('train.jsonl'), undefined);
});

test('CSV follows RFC 4180: quoted commas, doubled quotes, line breaks inside quotes (record keeps its first line), empty fields', async () => {
  const csv = [
    'text,label',
    '"hello, world",pos',
    '"she said ""no""",neg',
    '"two',
    'lines, with comma",pos',
    '',
    'plain "quote" inside,neg',
    '"",',
    ',"x"',
  ].join('\n');
  const path = dataFile('quoting.csv', csv);
  assert.deepEqual(await rows(path), [
    [2, ['hello, world', 'pos']],
    [3, ['she said "no"', 'neg']],
    [4, ['two\nlines, with comma', 'pos']],
    [7, ['plain "quote" inside', 'neg']],
    [8, ['', '']],
    [9, ['', 'x']],
  ]);
});

test('CSV with CRLF line ends reads as with LF (a CRLF inside quotes becomes \\n)', async () => {
  const path = dataFile('crlf.csv', 'text,label\r\n"a\r\nb",pos\r\nc,neg\r\n');
  assert.deepEqual(await rows(path), [[2, ['a\nb', 'pos']], [4, ['c', 'neg']]]);
});

test('TSV splits at tabs only and keeps quotes as text (GLUE, read with quotechar None)', async () => {
  const path = dataFile('glue.tsv', 'sentence\tlabel\r\n"it\'s, a ""film"""\t1\r\n\r\nno "closing\t0\r\n');
  assert.deepEqual(await rows(path), [[2, ['"it\'s, a ""film"""', '1']], [4, ['no "closing', '0']]]);
  const table = await readDelimitedTable(path, '\t');
  assert.deepEqual(table.columns, ['sentence', 'label']);
});

test('CSV errors name file, line and column', async () => {
  const open = dataFile('open.csv', 'a,b\n1,"never\nclosed\n');
  await rejectsWithData(() => rows(open), `${open}:2: column 2: the quoted field opened on this line never closes`);
  const after = dataFile('after.csv', 'a,b\n"x"y,2\n');
  await rejectsWithData(() => rows(after), `${after}:2: column 1: "y,2" after the closing quote (a quote inside a quoted field is written "")`);
  const count = dataFile('count.csv', 'a,b,c\n1,2,3\n1,2\n');
  await rejectsWithData(() => rows(count), `${count}:3: 2 fields, but the header has 3 (["1", "2"])`);
  const twice = dataFile('twice.tsv', 'text\tlabel\ttext\n');
  await rejectsWithData(() => rows(twice), `${twice}:1: the header names column "text" twice`);
  const unnamed = dataFile('unnamed.csv', 'text,,label\n');
  await rejectsWithData(() => rows(unnamed), `${unnamed}:1: column 2 of the header has no name`);
});

test('a named column that is not in the header is a DataError listing the header', async () => {
  const path = dataFile('cols.csv', 'sentence,label\nx,1\n');
  const table = await readDelimitedTable(path, ',');
  assert.equal(table.index('label'), 1);
  assert.throws(() => table.index('text', 'text column'), { name: 'DataError', message: `${path}:1: no column "text" (text column); the header has "sentence", "label"` });
});
