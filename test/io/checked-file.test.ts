/**
 * The checked open: every way an input or output path can be wrong becomes a typed one-line error naming the path
 * and the flag, including an error in the middle of a stream.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DataError, TokenizerError, TsbertError } from '../../src/errors.js';
import {
  checkedChunks,
  checkInput,
  checkOutputDirectory,
  checkOutputFile,
  ensureDirectory,
  openInputFile,
  optionalInputFile,
  readInputFile,
} from '../../src/io/checked-file.js';

function withDir(body: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-checked-'));
  return Promise.resolve(body(dir)).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** Asserts `run` throws exactly `ErrorClass` with exactly `message` (one line, no Node error text). */
function throwsExactly(run: () => unknown, ErrorClass: typeof TsbertError, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ErrorClass, `expected ${ErrorClass.name}, got ${String(error)}`);
    assert.equal(error.message, message);
    return true;
  });
}

test('inputs: a missing file, a directory, a file where a directory belongs — each named with its flag', () =>
  withDir((dir) => {
    const file = join(dir, 'a.txt');
    writeFileSync(file, 'x');
    const missing = join(dir, 'missing.txt');
    throwsExactly(() => checkInput(missing, { label: '--input' }), DataError, `--input ${missing}: no such file`);
    throwsExactly(() => checkInput(dir, { label: '--input' }), DataError, `--input ${dir}: is a directory, not a file`);
    throwsExactly(() => checkInput(file, { label: '--model' }, 'directory'), DataError, `--model ${file}: is not a directory`);
    throwsExactly(() => checkInput(join(file, 'x'), { label: '--input' }), DataError, `--input ${join(file, 'x')}: a part of the path is not a directory`);
    throwsExactly(() => checkInput(missing, { label: '--vocab', error: TokenizerError }, 'any'), TokenizerError, `--vocab ${missing}: no such file or directory`);
    assert.equal(checkInput(dir, {}, 'any'), 'directory');
    assert.equal(checkInput(file, {}), 'file');
    // Linux opens a directory for reading; only the first read would fail, with a raw EISDIR.
    throwsExactly(() => openInputFile(dir, { label: 'instance file' }), DataError, `instance file ${dir}: is a directory, not a file`);
    throwsExactly(() => readInputFile(dir, {}), DataError, `${dir}: is a directory, not a file`);
    assert.equal(readInputFile(file, {}).toString(), 'x');
    assert.equal(optionalInputFile(missing, {}), false);
    assert.equal(optionalInputFile(file, {}), true);
    throwsExactly(() => optionalInputFile(dir, {}), DataError, `${dir}: is a directory, not a file`);
  }));

test('a stream that fails in the middle is a typed error after the chunks before it', async () => {
  const failing = new Readable({
    read() {
      this.push(Buffer.from('first chunk\n'));
      this.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
    },
  });
  const seen: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const chunk of checkedChunks(failing, 'corpus.txt', { label: '--input' })) seen.push(chunk.toString());
    })(),
    (error: unknown) => error instanceof DataError && error.message === '--input corpus.txt: read failed: input/output error',
  );
  assert.deepEqual(seen, ['first chunk\n']);
});

test('outputs: a missing folder, a directory in the way, a file in the way of a folder', () =>
  withDir((dir) => {
    const file = join(dir, 'a.txt');
    writeFileSync(file, 'x');
    checkOutputFile(join(dir, 'new.jsonl'), {});
    checkOutputFile(file, {});
    throwsExactly(() => checkOutputFile(join(dir, 'no', 'out.jsonl'), { label: '--output' }), DataError,
      `--output ${join(dir, 'no', 'out.jsonl')}: folder ${join(dir, 'no')} does not exist`);
    throwsExactly(() => checkOutputFile(dir, { label: '--output' }), DataError, `--output ${dir}: is a directory, not a file`);
    throwsExactly(() => checkOutputFile(join(file, 'out'), { label: '--output' }), DataError,
      `--output ${join(file, 'out')}: a part of the path is not a directory`);
    checkOutputDirectory(join(dir, 'run', 'deeper'), {});
    throwsExactly(() => checkOutputDirectory(file, { label: '--output' }), DataError, `--output ${file}: is a file, not a directory`);
    throwsExactly(() => ensureDirectory(file, { label: 'model folder' }), DataError, `model folder ${file}: is a file, not a directory`);
    ensureDirectory(join(dir, 'made', 'here'), {});
    checkInput(join(dir, 'made', 'here'), {}, 'directory');
  }));
