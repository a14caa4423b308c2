/**
 * The atomic writer: the target is replaced whole or not at all, no temporary file survives a failure, an abort or
 * a process.exit (the way a signal ends a command), and errors are typed one-liners naming the target.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CheckpointError, DataError } from '../../src/errors.js';
import { AtomicFileWriter, temporaryPathFor, writeFileAtomic } from '../../src/io/atomic-file.js';

const ATOMIC_FILE_MODULE = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'io', 'atomic-file.js')).href;

function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'tsbert-atomic-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('writeFileAtomic creates and replaces a file and leaves nothing beside it', () => {
  withDir((dir) => {
    const path = join(dir, 'out.txt');
    writeFileAtomic(path, 'first\n');
    writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    assert.deepEqual([...readFileSync(path)], [1, 2, 3]);
    assert.deepEqual(readdirSync(dir), ['out.txt']);
    assert.equal(temporaryPathFor(path), join(dir, `.out.txt.tmp-${process.pid}`));
  });
});

test('a streaming writer: small and large pieces in order, a patched header, the target untouched until commit', () => {
  withDir((dir) => {
    const path = join(dir, 'data.bin');
    writeFileSync(path, 'old contents');
    const writer = new AtomicFileWriter(path);
    const large = Buffer.alloc(3 << 20, 7);
    writer.write(Buffer.from('HEAD'));
    writer.write('small;');
    writer.write(large);
    writer.write('tail');
    writer.writeAt(Buffer.from('head'), 0);
    assert.equal(writer.bytesWritten, 4 + 6 + large.length + 4);
    assert.equal(readFileSync(path, 'utf8'), 'old contents', 'the target is untouched before the commit');
    assert.ok(existsSync(writer.temporaryPath));
    writer.commit();
    const written = readFileSync(path);
    assert.equal(written.subarray(0, 10).toString(), 'headsmall;');
    assert.ok(written.subarray(10, 10 + large.length).equals(large));
    assert.equal(written.subarray(10 + large.length).toString(), 'tail');
    assert.deepEqual(readdirSync(dir), ['data.bin']);
  });
});

test('a piece between half the buffer and what still fits lands after the buffered bytes, not before them', () => {
  // The bug: pieces of 512 KiB to 1 MiB minus what was buffered went straight to the file ahead of the buffered
  // bytes (an instance file's 128-byte placeholder header ended up after its first records).
  withDir((dir) => {
    for (const size of [(1 << 19), (1 << 19) + 1, (1 << 20) - 200, (1 << 20) - 128, 1 << 20, (1 << 20) + 5]) {
      const path = join(dir, `piece-${size}.bin`);
      const piece = Buffer.alloc(size);
      for (let i = 0; i < size; i++) piece[i] = (i * 31 + 7) & 0xff;
      const writer = new AtomicFileWriter(path);
      writer.write(Buffer.alloc(128, 1));
      writer.write(piece);
      writer.write('end');
      writer.commit();
      const written = readFileSync(path);
      assert.equal(written.length, 128 + size + 3, `size ${size}`);
      assert.ok(written.subarray(0, 128).every((b) => b === 1), `size ${size}: the buffered bytes come first`);
      assert.ok(written.subarray(128, 128 + size).equals(piece), `size ${size}: then the piece`);
      assert.equal(written.subarray(128 + size).toString(), 'end');
    }
  });
});

test('abort (and a failed commit) leave an existing target byte-identical and no temporary file', () => {
  withDir((dir) => {
    const path = join(dir, 'out.jsonl');
    writeFileSync(path, 'previous\n');
    const writer = new AtomicFileWriter(path);
    writer.write('half of a new file');
    writer.abort();
    writer.abort();
    assert.equal(readFileSync(path, 'utf8'), 'previous\n');
    assert.deepEqual(readdirSync(dir), ['out.jsonl']);
    assert.throws(() => writer.write('more'), (e: unknown) => e instanceof DataError && /already aborted/.test(e.message));
  });
});

test('path problems are typed one-liners naming the target, from the constructor, before any byte is written', () => {
  withDir((dir) => {
    const nowhere = join(dir, 'missing', 'out.jsonl');
    assert.throws(() => writeFileAtomic(nowhere, 'x', { label: '--output' }),
      (e: unknown) => e instanceof DataError && e.message === `--output ${nowhere}: folder ${join(dir, 'missing')} does not exist`);
    assert.throws(() => new AtomicFileWriter(dir, { label: 'safetensors file', error: CheckpointError }),
      (e: unknown) => e instanceof CheckpointError && e.message === `safetensors file ${dir}: is a directory, not a file`);
    assert.deepEqual(readdirSync(dir), []);
  });
});

test('process.exit with writers still open (the way a signal aborts a command) removes their temporary files', () => {
  withDir((dir) => {
    const script = `
      import { AtomicFileWriter } from ${JSON.stringify(ATOMIC_FILE_MODULE)};
      const kept = new AtomicFileWriter(${JSON.stringify(join(dir, 'kept.txt'))});
      kept.write('done');
      kept.commit();
      const open = new AtomicFileWriter(${JSON.stringify(join(dir, 'open.txt'))});
      open.write('half');
      const closed = new AtomicFileWriter(${JSON.stringify(join(dir, 'closed.txt'))});
      closed.write('complete but not committed');
      closed.close();
      process.exit(130);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(child.status, 130, child.stderr);
    assert.deepEqual(readdirSync(dir), ['kept.txt']);
  });
});
