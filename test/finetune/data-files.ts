/** Small data files written for a test (in one temporary folder, removed at exit), and the check of a DataError. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '../../src/errors.js';

let folder: string | undefined;

/** A path named `name` in the test's temporary folder (created on first use); no file is written. */
export function outputPath(name: string): string {
  if (folder === undefined) {
    const created = mkdtempSync(join(tmpdir(), 'tsbert-finetune-'));
    folder = created;
    process.on('exit', () => rmSync(created, { recursive: true, force: true }));
  }
  return join(folder, name);
}

/** Writes `content` to a file named `name` in the temporary folder and returns its path. */
export function dataFile(name: string, content: string | Buffer): string {
  const path = outputPath(name);
  writeFileSync(path, content);
  return path;
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
