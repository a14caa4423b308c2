/** Small data files written for a test (in one temporary folder, removed at exit), and the check of a DataError. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '../../src/errors.js';

let folder: string | undefined;

/** Writes `content` to a fresh file named `name` and returns its path. */
export function dataFile(name: string, content: string | Buffer): string {
  if (folder === undefined) {
    const created = mkdtempSync(join(tmpdir(), 'tsbert-finetune-'));
    folder = created;
    process.on('exit', () => rmSync(created, { recursive: true, force: true }));
  }
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
}

/** A fresh path in the temporary folder, no file written. */
export function outputPath(name: string): string {
  return dataFile(`${name}.probe`, '').replace(/\.probe$/, '');
}

/** `action` fails with a DataError whose message is exactly `message` (and one line). */
export async function rejectsWithData(action: () => Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(action, (error: unknown) => {
    assert.ok(error instanceof DataError, `expected a DataError, got ${String(error)}`);
    assert.equal(error.message, message);
    assert.ok(!error.message.includes('\n'));
    return true;
  });
}
