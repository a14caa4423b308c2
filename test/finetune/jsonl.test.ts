import test from 'node:test';
import assert from 'node:assert/strict';
import { readJsonl } from '../../src/finetune/jsonl.js';
import { dataFile, rejectsWithData } from './data-files.js';

async function records(path: string): Promise<Array<[number, unknown]>> {
  const out: Array<[number, unknown]> = [];
  for await (const record of readJsonl(path)) out.push([record.line, record.object]);
  return out;
}

test('JSONL lines are objects with their line numbers; blank lines, CRLF and a byte-order mark are handled', async () => {
  const path = dataFile('crlf.jsonl', '\ufeff{"a": 1}\r\n\r\n   \r\n{"b": "x\\ny"}\r\n{"c": []}');
  assert.deepEqual(await records(path), [[1, { a: 1 }], [4, { b: 'x\ny' }], [5, { c: [] }]]);
});

test('a JSONL line that is not JSON is a DataError naming file and line, with the parser\'s reason', async () => {
  const path = dataFile('broken.jsonl', '{"text": "ok", "label": 1}\n\n{"text": "oops", label: 2}\n');
  await assert.rejects(records(path), (error: Error) => {
    assert.equal(error.name, 'DataError');
    assert.match(error.message, new RegExp(`^${path.replaceAll('.', '\\.')}:3: not JSON \\(.+\\)$`));
    return true;
  });
});

test('a JSONL line that is JSON but not an object is a DataError', async () => {
  const path = dataFile('array.jsonl', '{}\n[1, 2]\n');
  await rejectsWithData(() => records(path), `${path}:2: expected a JSON object, got [1, 2]`);
});

test('an empty JSONL file is a DataError naming it', async () => {
  const path = dataFile('empty.jsonl', '');
  await rejectsWithData(() => records(path), `${path}: is empty`);
});

test('field checks name line and field: wrong type, missing, list items', async () => {
  const path = dataFile('fields.jsonl', '{"text": 3, "tokens": ["a", 4], "constructor": null}\n');
  const iterator = readJsonl(path)[Symbol.asyncIterator]();
  const record = (await iterator.next()).value!;
  assert.throws(() => record.string('text'), { name: 'DataError', message: `${path}:1: "text": expected a string, got 3` });
  assert.throws(() => record.string('label'), { message: `${path}:1: "label": missing (expected a string)` });
  assert.throws(() => record.stringList('tokens'), { message: `${path}:1: "tokens": item 1 should be a string, got 4` });
  // Only own fields count: "constructor" is not Object.prototype's, and null is absent.
  assert.equal(record.has('constructor'), false);
  assert.equal(record.optionalString('toString'), undefined);
});
